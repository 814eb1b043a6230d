"""Timelines: what was sent where with what result (回流), and the community's own work."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import or_
from sqlmodel import Session, col, select

from hub.store._models import Resident, ResidentEvent
from hub.store._models_daily import CommunityEvent

EVENT_WORDS = {"visit": "走访", "complaint": "投诉", "service": "服务", "activity": "活动"}


class TimelineEntry(BaseModel):
    kind: str
    summary: str
    resident_id: int | None = None  # whom it is about, on a household's or house's timeline
    target: str | None
    receipt_no: str | None
    submission_id: str | None
    evidence_id: str | None
    occurred_at: str
    #: The community's own work (a visit, a complaint…): which event, open or closed (已办结).
    event_id: int | None = None
    event_status: str | None = None


def timeline(*, session: Session, resident: Resident) -> list[TimelineEntry]:
    """Everything that happened for her: results sent back by target systems (回流) and the
    community's own work (visits, services…), newest first."""
    return timeline_of(session=session, resident_ids=[resident.id or 0])


def timeline_of(
    *,
    session: Session,
    resident_ids: list[int],
    household_ids: list[int] | None = None,
    house_ids: list[int] | None = None,
) -> list[TimelineEntry]:
    """The timeline of several residents, and of the households and houses they live in."""
    results = session.exec(
        select(ResidentEvent).where(col(ResidentEvent.resident_id).in_(resident_ids))
    )
    entries = [
        TimelineEntry(
            kind=e.kind,
            summary=e.summary,
            resident_id=e.resident_id,
            target=e.target,
            receipt_no=e.receipt_no,
            submission_id=e.submission_id,
            evidence_id=e.evidence_id,
            occurred_at=e.occurred_at.isoformat(timespec="seconds"),
        )
        for e in results
    ]
    about = or_(
        col(CommunityEvent.resident_id).in_(resident_ids),
        col(CommunityEvent.household_id).in_(household_ids or []),
        col(CommunityEvent.house_id).in_(house_ids or []),
    )
    entries += [
        TimelineEntry(
            kind=e.kind,
            summary=f"{EVENT_WORDS.get(e.kind, e.kind)}：{e.title}",
            resident_id=e.resident_id,
            target=None,
            receipt_no=None,
            submission_id=None,
            evidence_id=None,
            occurred_at=e.occurred_on.isoformat(),
            event_id=e.id,
            event_status=e.status,
        )
        for e in session.exec(select(CommunityEvent).where(about))
    ]
    return sorted(entries, key=lambda e: e.occurred_at, reverse=True)
