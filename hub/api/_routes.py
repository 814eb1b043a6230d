"""The REST API: residents, submissions and evidence, scoped to the caller's community."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from hub import submitting
from hub.deps import SessionDep, StateDep, Worker, community_of
from hub.store import (
    ResidentPublic,
    SubmissionView,
    TimelineEntry,
    get_scoped_resident,
    get_scoped_submission,
    load_evidence,
    resident_public,
    search_residents,
    timeline,
    view_submission,
)

router = APIRouter(prefix="/api", tags=["api"])


class ResidentWithTimeline(ResidentPublic):
    timeline: list[TimelineEntry]


class SubmissionRequest(BaseModel):
    resident_id: int
    form_id: str
    client_key: str = Field(min_length=8, max_length=100)
    answers: dict[str, str]


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
    public = resident_public(session=session, cipher=state.cipher, resident=resident)
    return ResidentWithTimeline(
        **public.model_dump(), timeline=timeline(session=session, resident=resident)
    )


@router.post("/submissions", status_code=201)
async def submit(
    body: SubmissionRequest, user: Worker, state: StateDep, session: SessionDep, response: Response
) -> SubmissionView:
    """Submit once; the same client_key returns the same submission (200) instead of a new one."""
    submission, created = submitting.create(
        state=state,
        session=session,
        community=community_of(user),
        username=user.username,
        resident_id=body.resident_id,
        form_id=body.form_id,
        client_key=body.client_key,
        answers=body.answers,
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


@router.get("/evidence/{evidence_id}")
def get_evidence(evidence_id: str, user: Worker, state: StateDep, session: SessionDep) -> Response:
    """Evidence of a delivery (e.g. the confirmation page screenshot), decrypted for the caller."""
    content, content_type = load_evidence(
        session=session, cipher=state.cipher, evidence_id=evidence_id, community=community_of(user)
    )
    return Response(content, media_type=content_type, headers={"Cache-Control": "private"})
