"""The worker portal: server-rendered Chinese pages, phone-first."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from hub import delegation, submitting
from hub._state import HubState
from hub.clock import beijing_today
from hub.deps import (
    VIEWER_ROLES,
    CurrentUser,
    PortalSessionDep,
    SessionDep,
    StateDep,
    Worker,
    caller_token,
    community_of,
    visible_communities,
)
from hub.errors import InvalidInput
from hub.forms import (
    client_rules,
    form_version,
    locked_values,
    nested_values,
    offered_form,
    offered_forms,
    prefill_members,
    prefill_values,
)
from hub.forms._members import REF
from hub.forms._writeback import NewFact, new_facts
from hub.idcard import mask_value
from hub.portal._render import page as _page
from hub.store import (
    EVENT_KINDS,
    EventCreate,
    Resident,
    Submission,
    get_scoped_house,
    get_scoped_household,
    get_scoped_resident,
    get_scoped_submission,
    house_detail,
    house_of,
    household_detail,
    household_members,
    masked_phone,
    member_facts,
    open_tasks,
    overview,
    record_event,
    resident_facts,
    resident_public,
    search_residents,
    submission_data,
    tags_of,
    tasks_for_submitter,
    timeline,
    vehicles_owned_by,
    view_submission,
)
from hub.withdrawing import WITHDRAWERS
from identity import Principal

router = APIRouter(include_in_schema=False)


@router.get("/", response_model=None)
def home(
    request: Request,
    user: CurrentUser,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
) -> Response:
    """Workers go straight to their residents; other roles get their own starting page."""
    if "worker" in user.roles:
        return RedirectResponse("/residents", status_code=303)
    figures = None
    if user.roles & VIEWER_ROLES:
        communities = visible_communities(user, session)
        figures = overview(session=session, communities=communities, today=beijing_today())
    return _page(
        request,
        "home.html",
        portal,
        figures=figures,
        connectors=[c.manifest for c in state.connectors.values()],
        temporal_ui=state.settings.temporal.ui_url,
    )


@router.get("/residents")
def residents(
    request: Request,
    user: Worker,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
    q: str = "",
) -> HTMLResponse:
    found = search_residents(
        session=session, cipher=state.cipher, community=community_of(user), query=q
    )
    # Questions from target systems waiting for her (a CAPTCHA): she may have left their page.
    tasks = tasks_for_submitter(session=session, username=user.username)
    names = {cid: c.manifest.name for cid, c in state.connectors.items()}
    return _page(
        request, "residents.html", portal, residents=found, q=q, tasks=tasks, target_names=names
    )


@router.get("/residents/{resident_id}")
def resident(
    request: Request,
    resident_id: int,
    user: Worker,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
) -> HTMLResponse:
    row = get_scoped_resident(
        session=session, resident_id=resident_id, community=community_of(user)
    )
    facts = resident_facts(session=session, cipher=state.cipher, resident=row)
    return _page(
        request,
        "resident.html",
        portal,
        resident=resident_public(session=session, cipher=state.cipher, resident=row),
        name=facts.name,
        phone=masked_phone(cipher=state.cipher, resident=row),
        timeline=timeline(session=session, resident=row),
        forms=offered_forms(session).values(),
        tags=tags_of(session=session, resident=row),
        house=house_of(session=session, resident=row),
        household=household_members(session=session, cipher=state.cipher, resident=row),
        event_kinds=EVENT_KINDS,
        household_id=row.household_id,
        vehicles=vehicles_owned_by(session=session, resident_id=resident_id),
        today=beijing_today().isoformat(),
    )


@router.get("/households/{household_id}")
def household_page(
    request: Request,
    household_id: int,
    user: Worker,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
) -> HTMLResponse:
    household = get_scoped_household(
        session=session, household_id=household_id, community=community_of(user)
    )
    detail = household_detail(session=session, cipher=state.cipher, household=household)
    names = {m.resident_id: m.name_masked for m in detail.members}
    return _page(request, "household.html", portal, household=detail, names=names)


@router.get("/houses/{house_id}")
def house_page(
    request: Request,
    house_id: int,
    user: Worker,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
) -> HTMLResponse:
    house = get_scoped_house(session=session, house_id=house_id, community=community_of(user))
    detail = house_detail(session=session, cipher=state.cipher, house=house)
    names = {m.resident_id: m.name_masked for m in detail.residents}
    return _page(request, "house.html", portal, house=detail, names=names)


@router.post("/residents/{resident_id}/events")
async def add_event(
    resident_id: int,
    user: Worker,
    session: SessionDep,
    kind: Annotated[str, Form()],
    title: Annotated[str, Form()],
    occurred_on: Annotated[str, Form()],
    detail: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Record a visit, complaint, service or activity for her; it appears on her timeline."""
    community = community_of(user)
    get_scoped_resident(session=session, resident_id=resident_id, community=community)
    try:
        data = EventCreate(
            kind=kind, title=title, detail=detail, occurred_on=occurred_on, resident_id=resident_id
        )
    except ValidationError:
        raise InvalidInput(
            "event form", user_message="请选择类型、填写事项（至少2个字）和日期"
        ) from None
    record_event(session=session, data=data, community=community, recorded_by=user.username)
    return RedirectResponse(f"/residents/{resident_id}#timeline", status_code=303)


@router.get("/residents/{resident_id}/forms/{form_id}")
def form_page(
    request: Request,
    resident_id: int,
    form_id: str,
    user: Worker,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
    amends: str | None = None,
) -> HTMLResponse:
    """The form; with `amends`, prefilled with that submission's answers to correct them."""
    typed = None
    if amends is not None:
        previous = get_scoped_submission(
            session=session, submission_id=amends, community=community_of(user)
        )
        data = submission_data(cipher=state.cipher, submission=previous)
        typed = {k: str(v) for k, v in data.items() if isinstance(v, str | int | float)}
    return _render_form(
        request,
        portal,
        state=state,
        session=session,
        community=community_of(user),
        resident_id=resident_id,
        form_id=form_id,
        client_key=secrets.token_urlsafe(16),
        typed=typed,
        amends=amends,
    )


@router.post("/residents/{resident_id}/forms/{form_id}")
async def submit_form(
    request: Request,
    resident_id: int,
    form_id: str,
    user: Worker,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
    client_key: Annotated[str, Form()],
) -> Response:
    form_data = await request.form()
    amends = str(form_data.get("amends", "")) or None
    answers = {
        k: str(v) for k, v in form_data.items() if k not in ("csrf_token", "client_key", "amends")
    }
    try:
        submission, _ = submitting.create(
            state=state,
            session=session,
            community=community_of(user),
            username=user.username,
            resident_id=resident_id,
            form_id=form_id,
            client_key=client_key,
            answers=answers,
            amends=amends,
        )
        await delegation.delegate(
            state=state,
            session=session,
            submission=submission,
            subject_token=caller_token(request, state, portal),
        )
    except InvalidInput as exc:
        # Keep everything she typed and show each problem beside its field.
        return _render_form(
            request,
            portal,
            state=state,
            session=session,
            community=community_of(user),
            resident_id=resident_id,
            form_id=form_id,
            client_key=client_key,
            typed=answers,
            errors=exc.field_errors,
            message=exc.user_message,
            amends=amends,
        )
    session.commit()
    await submitting.start_fan_out(state=state, submission=submission)
    return RedirectResponse(f"/submissions/{submission.id}", status_code=303)


def _render_form(
    request: Request,
    portal: Any,
    *,
    state: HubState,
    session: Session,
    community: str,
    resident_id: int,
    form_id: str,
    client_key: str,
    typed: Mapping[str, object] | None = None,
    errors: dict[str, str] | None = None,
    message: str = "",
    amends: str | None = None,
) -> HTMLResponse:
    """The form with what the store knows filled in, and what she typed (if anything) kept;
    amends: the submission being corrected (its answers are in `typed`)."""
    form = offered_form(session, form_id)
    if form is None:
        raise InvalidInput("unknown form", user_message="没有这个表单")
    row = get_scoped_resident(session=session, resident_id=resident_id, community=community)
    facts = resident_facts(session=session, cipher=state.cipher, resident=row)
    today = beijing_today()
    locked = locked_values(form, facts=facts, today=today)
    for field in form.fields:  # greyed out, and masked where the template says so
        if field.masked and field.name in locked:
            locked[field.name] = mask_value(field.type, locked[field.name])
    members = prefill_members(
        form, member_facts(session=session, cipher=state.cipher, resident=row)
    )
    for group in form.groups:  # a member's locked fields shown masked where the template says
        for item in members.get(group.name or "", []):
            for field in group.fields:
                if field.locked and field.masked and item.get(field.name):
                    item[field.name] = mask_value(field.type, item[field.name])
    values = {
        **prefill_values(form, facts=facts, today=today),
        **members,
        **nested_values(form, typed or {}),
        # Locked fields always come from the store, whatever the browser sent.
        **locked,
    }
    for group in form.groups:  # a member from the store: her locked fields are the store's
        stored = {item[REF]: item for item in members.get(group.name or "", [])}
        items = values.get(group.name or "")
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and item.get(REF) in stored:
                known = stored[item[REF]]
                item.update({f.name: known[f.name] for f in group.fields if f.locked})
    return _page(
        request,
        "form.html",
        portal,
        status_code=422 if errors or message else 200,
        form=form,
        # The template's rules for the page's script: the browser says what the server would.
        rules=client_rules(form, today=today),
        resident_id=resident_id,
        values=values,
        errors=errors or {},
        message=message,
        client_key=client_key,
        community_name=facts.community_name,
        amends=amends,
    )


@router.get("/submissions/{submission_id}")
def submission_page(
    request: Request,
    submission_id: str,
    user: Worker,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
) -> HTMLResponse:
    return render_submission(
        request, submission_id, user=user, state=state, session=session, portal=portal
    )


def _new_facts(
    state: HubState, session: Session, submission: Submission, user: Principal
) -> list[NewFact]:
    if submission.created_by != user.username:
        return []
    resident = session.get(Resident, submission.resident_id)
    if resident is None:
        return []
    return new_facts(
        form_version(session, submission.form_id, submission.form_version),
        resident_facts(session=session, cipher=state.cipher, resident=resident),
        submission_data(cipher=state.cipher, submission=submission),
    )


def render_submission(
    request: Request,
    submission_id: str,
    *,
    user: Principal,
    state: HubState,
    session: Session,
    portal: Any,
    task_error: str | None = None,
    page_error: str | None = None,
) -> HTMLResponse:
    """The submission's page; task_error: why her answer to a robot's question was refused;
    page_error: why another act (撤回) was."""
    submission = get_scoped_submission(
        session=session, submission_id=submission_id, community=community_of(user)
    )
    view = view_submission(session=session, submission=submission)
    names = {cid: c.manifest.name for cid, c in state.connectors.items()}
    # Targets that report a review decision: their line waits for it after 已受理.
    reporting = [cid for cid, c in state.connectors.items() if c.manifest.decisions is not None]
    return _page(
        request,
        "submission.html",
        portal,
        status_code=422 if task_error or page_error else 200,
        submission=view,
        target_names=names,
        reporting=reporting,
        form=form_version(session, submission.form_id, submission.form_version),
        relogin_targets=delegation.sso_targets(state, submission),
        is_submitter=submission.created_by == user.username,
        tasks={t.target: t for t in open_tasks(session=session, submission_id=submission.id)},
        task_error=task_error,
        page_error=page_error,
        may_withdraw=submission.created_by == user.username or bool(user.roles & WITHDRAWERS),
        # What she typed that the store has otherwise: hers to save (hub/forms/_writeback.py).
        new_facts=_new_facts(state, session, submission, user),
    )
