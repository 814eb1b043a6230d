"""The REST API: residents, households, houses, events, submissions and evidence, scoped to the
caller's community (organizations and vehicles: hub.api._things)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from hub import delegation, resubmitting, submitting, withdrawing
from hub._state import HubState
from hub.clock import beijing_today
from hub.deps import (
    CurrentUser,
    PortalSessionDep,
    SessionDep,
    StateDep,
    Worker,
    caller_token,
    community_of,
    visible_communities,
)
from hub.errors import Forbidden, NotFound
from hub.store import (
    ChangeView,
    CommunityFigures,
    EventCreate,
    EventUpdate,
    HouseDetail,
    Household,
    HouseholdDetail,
    HouseholdMember,
    HouseholdUpdate,
    HouseUpdate,
    HouseView,
    Resident,
    ResidentCreate,
    ResidentPublic,
    ResidentUpdate,
    RevealedFacts,
    SubmissionView,
    TimelineEntry,
    create_resident,
    events_of_month,
    get_scoped_event,
    get_scoped_house,
    get_scoped_household,
    get_scoped_resident,
    get_scoped_submission,
    history_of,
    house_detail,
    house_of,
    household_detail,
    household_members,
    load_evidence,
    overview,
    record_event,
    resident_public,
    reveal,
    search_residents,
    set_tags,
    tags_of,
    timeline,
    update_event,
    update_house,
    update_household,
    update_resident,
    view_submission,
)
from hub.submitting import CLIENT_KEY_PATTERN
from identity import Principal

router = APIRouter(prefix="/api", tags=["api"])

#: Who may see personal data unmasked (and leaves a record each time).
REVEAL_ROLE = "community_admin"


def _reveal_admin(user: Worker) -> Principal:
    # A dependency, so the role is checked before the body: no one else learns what it needs.
    if REVEAL_ROLE not in user.roles:
        raise Forbidden(
            "reveal needs community_admin", user_message="查看完整信息需要社区管理员权限"
        )
    return user


RevealAdmin = Annotated[Principal, Depends(_reveal_admin)]


class ResidentWithTimeline(ResidentPublic):
    tags: list[str]
    house: HouseView | None
    household: list[HouseholdMember]
    timeline: list[TimelineEntry]


class TagsUpdate(BaseModel):
    tags: list[str]


class EventPublic(BaseModel):
    id: int
    kind: str
    title: str
    detail: str
    occurred_on: date
    status: str
    resident_id: int | None
    recorded_by: str


class SubmissionRequest(BaseModel):
    resident_id: int
    form_id: str
    client_key: str = Field(pattern=CLIENT_KEY_PATTERN)
    #: Field name -> text; a repeating group's name -> its items, each field name -> text.
    answers: dict[str, str | list[dict[str, str]]]
    #: An earlier submission of the same resident and form that this one corrects (修改).
    amends: str | None = None


@router.get("/residents")
def list_residents(
    user: Worker, state: StateDep, session: SessionDep, q: str = ""
) -> list[ResidentPublic]:
    """Residents of the caller's community, masked."""
    return search_residents(
        session=session, cipher=state.cipher, community=community_of(user), query=q
    )


@router.get("/residents/{resident_id}")
def get_resident(
    resident_id: int, user: Worker, state: StateDep, session: SessionDep
) -> ResidentWithTimeline:
    """One resident of the caller's community, with everything sent for her and its results."""
    resident = get_scoped_resident(
        session=session, resident_id=resident_id, community=community_of(user)
    )
    return _resident_view(state, session, resident)


@router.post("/residents", status_code=201)
def post_resident(
    body: ResidentCreate, user: Worker, state: StateDep, session: SessionDep
) -> ResidentWithTimeline:
    """Register a resident of the caller's community (ID checked, personal data encrypted)."""
    community = community_of(user)
    if body.household_id is not None:
        household = session.get(Household, body.household_id)
        if household is None or household.community_code != community:
            raise NotFound(f"household {body.household_id} not in scope")
    resident = create_resident(session=session, cipher=state.cipher, data=body, community=community)
    return _resident_view(state, session, resident)


@router.patch("/residents/{resident_id}")
def patch_resident(
    resident_id: int, body: ResidentUpdate, user: Worker, state: StateDep, session: SessionDep
) -> ResidentWithTimeline:
    """Change her name, phone or relation to the head of household; the history keeps who did."""
    resident = get_scoped_resident(
        session=session, resident_id=resident_id, community=community_of(user)
    )
    update_resident(session=session, cipher=state.cipher, resident=resident, data=body)
    return _resident_view(state, session, resident)


@router.put("/residents/{resident_id}/tags")
def put_tags(
    resident_id: int, body: TagsUpdate, user: Worker, state: StateDep, session: SessionDep
) -> ResidentWithTimeline:
    """Replace a resident's tags (高龄, 独居, 退役军人…); every change is kept in her history."""
    resident = get_scoped_resident(
        session=session, resident_id=resident_id, community=community_of(user)
    )
    set_tags(session=session, resident=resident, tags=body.tags)
    return _resident_view(state, session, resident)


class RevealRequest(BaseModel):
    reason: str = Field(min_length=2, max_length=200)


@router.post("/residents/{resident_id}/reveal")
def post_reveal(
    resident_id: int, body: RevealRequest, user: RevealAdmin, state: StateDep, session: SessionDep
) -> RevealedFacts:
    """Her ID number and phone in clear: community admins only, with a reason, always recorded."""
    resident = get_scoped_resident(
        session=session, resident_id=resident_id, community=community_of(user)
    )
    return reveal(
        session=session,
        cipher=state.cipher,
        resident=resident,
        actor=user.username,
        roles=user.roles,
        reason=body.reason,
    )


@router.get("/residents/{resident_id}/history")
def get_history(resident_id: int, user: Worker, session: SessionDep) -> list[ChangeView]:
    """Who changed this resident's record, when, and which fields (encrypted ones by name only)."""
    resident = get_scoped_resident(
        session=session, resident_id=resident_id, community=community_of(user)
    )
    return history_of(session=session, resident=resident)


@router.post("/events", status_code=201)
def post_event(body: EventCreate, user: Worker, session: SessionDep) -> EventPublic:
    """Record a piece of the community's daily work: a visit, complaint, service or activity."""
    community = community_of(user)
    if body.resident_id is not None:
        get_scoped_resident(session=session, resident_id=body.resident_id, community=community)
    if body.household_id is not None:
        get_scoped_household(session=session, household_id=body.household_id, community=community)
    if body.house_id is not None:
        get_scoped_house(session=session, house_id=body.house_id, community=community)
    row = record_event(session=session, data=body, community=community, recorded_by=user.username)
    return EventPublic.model_validate(row, from_attributes=True)


@router.patch("/events/{event_id}")
def patch_event(event_id: int, body: EventUpdate, user: Worker, session: SessionDep) -> EventPublic:
    """Correct an event, or mark it 已办结 (closed) or reopen it; only the fields given change."""
    event = get_scoped_event(session=session, event_id=event_id, community=community_of(user))
    row = update_event(session=session, event=event, data=body)
    return EventPublic.model_validate(row, from_attributes=True)


@router.get("/events")
def get_events(user: Worker, session: SessionDep, month: str) -> list[EventPublic]:
    """The community's daily work in one month (YYYY-MM), oldest first."""
    rows = events_of_month(session=session, community=community_of(user), month=month)
    return [EventPublic.model_validate(r, from_attributes=True) for r in rows]


def _resident_view(state: HubState, session: Session, resident: Resident) -> ResidentWithTimeline:
    public = resident_public(session=session, cipher=state.cipher, resident=resident)
    return ResidentWithTimeline(
        **public.model_dump(),
        tags=tags_of(session=session, resident=resident),
        house=house_of(session=session, resident=resident),
        household=household_members(session=session, cipher=state.cipher, resident=resident),
        timeline=timeline(session=session, resident=resident),
    )


@router.post("/submissions", status_code=201)
async def submit(
    body: SubmissionRequest,
    request: Request,
    user: Worker,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
    response: Response,
) -> SubmissionView:
    """Submit once; the same client_key returns the same submission (200) instead of a new one.

    Targets reached through single sign-on get the caller's token exchanged for theirs now,
    while it is live (hub.delegation).
    """
    submission, created = submitting.create(
        state=state,
        session=session,
        community=community_of(user),
        username=user.username,
        resident_id=body.resident_id,
        form_id=body.form_id,
        client_key=body.client_key,
        answers=body.answers,
        amends=body.amends,
    )
    await delegation.delegate(
        state=state,
        session=session,
        submission=submission,
        subject_token=caller_token(request, state, portal),
    )
    session.commit()  # the submission exists before its workflow can look for it
    await submitting.start_fan_out(state=state, submission=submission)
    if not created:
        response.status_code = 200
    return view_submission(session=session, submission=submission)


@router.get("/submissions/{submission_id}")
def get_submission(submission_id: str, user: Worker, session: SessionDep) -> SubmissionView:
    """A submission's per-target delivery status and receipts."""
    submission = get_scoped_submission(
        session=session, submission_id=submission_id, community=community_of(user)
    )
    return view_submission(session=session, submission=submission)


@router.post("/submissions/{submission_id}/withdraw")
async def withdraw_submission(
    submission_id: str, user: Worker, state: StateDep, session: SessionDep
) -> SubmissionView:
    """撤回: stop the deliveries not yet filed (already filed ones keep their receipts). The
    answer is the submission as it stands; deliveries turn 已撤回 within seconds."""
    submission = get_scoped_submission(
        session=session, submission_id=submission_id, community=community_of(user)
    )
    await withdrawing.withdraw(state=state, session=session, submission=submission, user=user)
    return view_submission(session=session, submission=submission)


@router.post("/submissions/{submission_id}/resubmit")
async def resubmit_submission(
    request: Request,
    submission_id: str,
    user: Worker,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
) -> SubmissionView:
    """重新报送: deliver again to the targets whose delivery failed, only to them."""
    submission = get_scoped_submission(
        session=session, submission_id=submission_id, community=community_of(user)
    )
    await resubmitting.resubmit_failed(
        state=state,
        session=session,
        submission=submission,
        username=user.username,
        subject_token=caller_token(request, state, portal),
    )
    return view_submission(session=session, submission=submission)


@router.get("/households/{household_id}")
def get_household(
    household_id: int, user: Worker, state: StateDep, session: SessionDep
) -> HouseholdDetail:
    """A household (户): its members, its house and everything that happened for any of them."""
    household = get_scoped_household(
        session=session, household_id=household_id, community=community_of(user)
    )
    return household_detail(session=session, cipher=state.cipher, household=household)


@router.patch("/households/{household_id}")
def patch_household(
    household_id: int, body: HouseholdUpdate, user: Worker, state: StateDep, session: SessionDep
) -> HouseholdDetail:
    """Correct a household's address or type; only the fields given change."""
    household = get_scoped_household(
        session=session, household_id=household_id, community=community_of(user)
    )
    update_household(session=session, household=household, data=body)
    return household_detail(session=session, cipher=state.cipher, household=household)


@router.get("/houses/{house_id}")
def get_house(house_id: int, user: Worker, state: StateDep, session: SessionDep) -> HouseDetail:
    """A house (房): its safety status, who lives there, and its timeline (e.g. 安全排查)."""
    house = get_scoped_house(session=session, house_id=house_id, community=community_of(user))
    return house_detail(session=session, cipher=state.cipher, house=house)


@router.patch("/houses/{house_id}")
def patch_house(
    house_id: int, body: HouseUpdate, user: Worker, state: StateDep, session: SessionDep
) -> HouseDetail:
    """Correct a house's use, ownership or safety status; only the fields given change."""
    house = get_scoped_house(session=session, house_id=house_id, community=community_of(user))
    update_house(session=session, house=house, data=body)
    return house_detail(session=session, cipher=state.cipher, house=house)


@router.get("/overview")
def get_overview(user: CurrentUser, session: SessionDep) -> list[CommunityFigures]:
    """Figures per community: her own for a worker; every community below a street or district
    viewer's region. Counts only, never people."""
    communities = visible_communities(user, session)
    return overview(session=session, communities=communities, today=beijing_today())


@router.get("/evidence/{evidence_id}")
def get_evidence(evidence_id: str, user: Worker, state: StateDep, session: SessionDep) -> Response:
    """Evidence of a delivery (e.g. the confirmation page screenshot), decrypted for the caller."""
    content, content_type = load_evidence(
        session=session, cipher=state.cipher, evidence_id=evidence_id, community=community_of(user)
    )
    return Response(content, media_type=content_type, headers={"Cache-Control": "private"})
