"""数据下发 / 数据收集: a street or district user sends a collection table or a questionnaire to
communities under her region and follows it; a community's workers complete their rows and
report (上报); residents answer a questionnaire through their community's link (/q/<token>),
without an account."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from hub._state import HubState
from hub.clock import beijing_today
from hub.deps import (
    CurrentUser,
    PortalSessionDep,
    Requester,
    SessionDep,
    StateDep,
    Worker,
    community_of,
)
from hub.errors import Forbidden, InvalidInput, NotFound
from hub.forms import FormTemplate, client_rules, form_version, offered_forms
from hub.idcard import mask_value
from hub.portal._render import page as _page
from hub.reports import content_disposition, to_xlsx
from hub.requests import (
    REQUEST_KINDS,
    Sender,
    answer,
    community_names,
    community_part,
    community_requests,
    community_row,
    is_open,
    merged_table,
    progress,
    questionnaire_part,
    report,
    row_lines,
    save_row,
    send_request,
    sender_request,
    sent_requests,
    unseal,
)
from hub.store import DataRequest, communities_under
from hub.store import audit as audit_log
from identity import Principal

router = APIRouter(include_in_schema=False)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_NOT_POSTED = ("csrf_token", "client_key")


@router.get("/requests")
def requests_page(
    request: Request, user: CurrentUser, session: SessionDep, portal: PortalSessionDep
) -> HTMLResponse:
    """Her community's requests (a worker) and those sent from her region (a requester)."""
    sends = "requester" in user.roles and bool(user.region_code)
    fills = "worker" in user.roles and bool(user.community_code)
    if not (sends or fills):
        raise Forbidden("no requests for this role", user_message="您的账号不能查看数据收集")
    today = beijing_today()
    received = []
    if fills:
        for item in community_requests(session, community_of(user)):
            [own] = [p for p in progress(session, item) if p.code == user.community_code]
            received.append((item, own))
    sent = []
    if sends and user.region_code:
        sent = [
            (item, progress(session, item)) for item in sent_requests(session, user.region_code)
        ]
    return _page(
        request, "requests.html", portal, received=received, sent=sent, sends=sends,
        today=today, kinds=REQUEST_KINDS,
    )  # fmt: skip


@router.get("/requests/new")
def new_request_page(
    request: Request, user: Requester, session: SessionDep, portal: PortalSessionDep
) -> HTMLResponse:
    return _new_page(request, portal, session, _region(user), {})


@router.post("/requests/new")
async def send(
    request: Request,
    user: Requester,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
) -> Response:
    posted = await request.form()
    chosen = [str(code) for code in posted.getlist("communities")]
    form_id, deadline = str(posted.get("form_id", "")), str(posted.get("deadline", ""))
    note = str(posted.get("note", ""))
    typed: dict[str, Any] = {
        "form_id": form_id, "deadline": deadline, "note": note, "communities": chosen,
    }  # fmt: skip
    region = _region(user)
    try:
        form = _requestable(session).get(form_id)
        if form is None:
            raise InvalidInput("no form", user_message="请选择要下发的表")
        sent = send_request(
            session,
            cipher=state.cipher,
            sender=Sender(
                username=user.username, name=user.name, roles=user.roles, region_code=region
            ),
            form=form,
            communities=chosen,
            deadline=_deadline(deadline),
            note=note,
            today=beijing_today(),
        )
    except InvalidInput as exc:
        return _new_page(request, portal, session, region, typed, exc.user_message or "")
    session.commit()
    return RedirectResponse(f"/requests/{sent.id}", status_code=303)


@router.get("/requests/{request_id}")
def request_page(
    request: Request,
    request_id: str,
    user: CurrentUser,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
    notice: str = "",
) -> HTMLResponse:
    """The sender's progress per community, or the community's rows (or link) and 上报."""
    today = beijing_today()
    if "requester" in user.roles and user.region_code:
        item = session.get(DataRequest, request_id)
        if item is not None and item.region_code.startswith(user.region_code):
            return _page(
                request, "request.html", portal, item=item, side="sender",
                places=progress(session, item), today=today, kinds=REQUEST_KINDS,
                hub_url=state.settings.hub.url,
            )  # fmt: skip
        if "worker" not in user.roles:
            raise NotFound(f"data request {request_id}")
    if "worker" not in user.roles:
        raise Forbidden("not asked", user_message="您的账号不能查看数据收集")
    return _community_page(request, portal, state, session, request_id, community_of(user), notice)


@router.get("/requests/{request_id}/rows/{row_id}")
def row_page(
    request: Request,
    request_id: str,
    row_id: int,
    user: Worker,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
) -> HTMLResponse:
    part = community_part(session, request_id, community_of(user))
    row = community_row(session, part, row_id)
    form = form_version(session, part[0].form_id, part[0].form_version)
    return _row_page(request, portal, part, form, row.id or 0, unseal(state.cipher, row.values_enc))


@router.post("/requests/{request_id}/rows/{row_id}")
async def save(
    request: Request,
    request_id: str,
    row_id: int,
    user: Worker,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
) -> Response:
    posted = {k: str(v) for k, v in (await request.form()).items() if k not in _NOT_POSTED}
    part = community_part(session, request_id, community_of(user))
    row = community_row(session, part, row_id)
    form = form_version(session, part[0].form_id, part[0].form_version)
    errors = save_row(
        session, cipher=state.cipher, part=part, form=form, row=row, posted=posted,
        by=user.username, today=beijing_today(),
    )  # fmt: skip
    session.commit()  # what she typed is kept, wrong or not
    if errors:
        values = unseal(state.cipher, row.values_enc)
        return _row_page(request, portal, part, form, row_id, values, errors)
    lines = row_lines(session, state.cipher, part[0], part[1].community_code)
    after = [line for line in lines if not line.complete and line.id != row_id]
    if after:  # on to the next one still missing something, as she would on paper
        return RedirectResponse(f"/requests/{request_id}/rows/{after[0].id}", status_code=303)
    return RedirectResponse(f"/requests/{request_id}?notice=all-complete", status_code=303)


@router.post("/requests/{request_id}/report")
def report_rows(
    request: Request,
    request_id: str,
    user: Worker,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
) -> Response:
    part = community_part(session, request_id, community_of(user))
    try:
        report(session, cipher=state.cipher, part=part, by=user.username, roles=user.roles)
    except InvalidInput as exc:
        return _community_page(
            request, portal, state, session, request_id, community_of(user), "",
            message=exc.user_message or "",
        )  # fmt: skip
    session.commit()
    return RedirectResponse(f"/requests/{request_id}?notice=reported", status_code=303)


@router.get("/requests/{request_id}/export.xlsx", response_class=Response)
def export(request_id: str, user: Requester, state: StateDep, session: SessionDep) -> Response:
    item = sender_request(session, request_id, _region(user))
    form = form_version(session, item.form_id, item.form_version)
    table = merged_table(
        session, cipher=state.cipher, request=item, form=form, today=beijing_today()
    )
    audit_log.append(
        session,
        cipher=state.cipher,
        actor=user.username,
        roles=user.roles,
        action="data_request_export",
        community_code=None,
        subject=f"data_request:{item.id}",
        detail={"rows": len(table.rows)},
    )
    session.commit()
    headers = {"Content-Disposition": content_disposition(table)}
    return Response(to_xlsx(table), media_type=XLSX, headers=headers)


@router.get("/q/{token}")
def questionnaire_page(
    request: Request, token: str, session: SessionDep, done: str = ""
) -> HTMLResponse:
    """The questionnaire as a resident opens it from her community's link: no account."""
    part = questionnaire_part(session, token)
    form = form_version(session, part[0].form_id, part[0].form_version)
    return _questionnaire(request, session, part, form, {}, {}, done=bool(done))


@router.post("/q/{token}")
async def questionnaire_answer(
    request: Request, token: str, state: StateDep, session: SessionDep
) -> Response:
    posted = await request.form()
    values = {k: str(v) for k, v in posted.items() if k not in _NOT_POSTED}
    part = questionnaire_part(session, token)
    form = form_version(session, part[0].form_id, part[0].form_version)
    try:
        errors = answer(
            session, cipher=state.cipher, part=part, form=form, posted=values,
            client_key=str(posted.get("client_key", "")), today=beijing_today(),
        )  # fmt: skip
    except InvalidInput as exc:
        return _questionnaire(request, session, part, form, values, {}, message=exc.user_message)
    if errors:
        return _questionnaire(
            request, session, part, form, values, errors, client_key=str(posted.get("client_key"))
        )
    session.commit()
    return RedirectResponse(f"/q/{token}?done=1", status_code=303)


def _region(user: Principal) -> str:
    """The region a requester speaks for; without one she may send nothing and see nothing
    (an empty prefix would be every community)."""
    if not user.region_code:
        raise Forbidden("requester without region", user_message="您的账号未关联街道或区")
    return user.region_code


def _requestable(session: Session) -> dict[str, FormTemplate]:
    forms = offered_forms(session, kind=None)
    return {k: f for k, f in forms.items() if f.kind in REQUEST_KINDS}


def _deadline(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("deadline", user_message="请选择截止日期") from None


def _new_page(
    request: Request,
    portal: Any,
    session: Session,
    region: str,
    typed: dict[str, Any],
    message: str = "",
) -> HTMLResponse:
    codes = communities_under(session=session, region_prefix=region) if region else []
    names = community_names(session, codes)
    default = (beijing_today() + timedelta(days=7)).isoformat()
    return _page(
        request, "request_new.html", portal, status_code=422 if message else 200,
        forms=sorted(_requestable(session).values(), key=lambda f: (f.kind, f.title)),
        communities=[(code, names.get(code, code)) for code in codes],
        typed={"deadline": default, "communities": codes} | typed, message=message,
        kinds=REQUEST_KINDS,
    )  # fmt: skip


def _community_page(
    request: Request,
    portal: Any,
    state: HubState,
    session: Session,
    request_id: str,
    community: str,
    notice: str,
    message: str = "",
) -> HTMLResponse:
    part = community_part(session, request_id, community)
    item = part[0]
    [own] = [p for p in progress(session, item) if p.code == community]
    lines = row_lines(session, state.cipher, item, community) if item.kind == "collection" else []
    return _page(
        request, "request.html", portal, status_code=422 if message else 200, item=item,
        side="community", own=own, lines=lines, today=beijing_today(), kinds=REQUEST_KINDS,
        notice=notice, message=message, hub_url=state.settings.hub.url,
    )  # fmt: skip


def _row_page(
    request: Request,
    portal: Any,
    part: Any,
    form: FormTemplate,
    row_id: int,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    item, line = part
    shown = dict(values)
    for field in form.fields:  # as on the application form: masked where the template says
        if field.masked and field.locked and shown.get(field.name):
            shown[field.name] = mask_value(field.type, shown[field.name])
    return _page(
        request, "request_row.html", portal, status_code=422 if errors else 200, item=item,
        form=form, values=shown, errors=errors or {}, row_id=row_id,
        reported=line.submitted_at is not None, rules=client_rules(form, today=beijing_today()),
    )  # fmt: skip


def _questionnaire(
    request: Request,
    session: Session,
    part: Any,
    form: FormTemplate,
    values: dict[str, str],
    errors: dict[str, str],
    *,
    message: str = "",
    done: bool = False,
    client_key: str = "",
) -> HTMLResponse:
    item, line = part
    place = community_names(session, [line.community_code]).get(line.community_code, "")
    today = beijing_today()
    return _page(
        request, "questionnaire.html", None, status_code=422 if errors or message else 200,
        item=item, form=form, values=values, errors=errors, message=message, done=done,
        place=place, open=is_open(item, today),
        client_key=client_key or secrets.token_urlsafe(16),
        rules=client_rules(form, today=today),
    )  # fmt: skip
