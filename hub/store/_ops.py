"""What operators and IT watch: failed deliveries only IT can mend, and each target's recent
deliveries by status. Ids, statuses, the connectors' own Chinese messages and the submitting
worker's username: no resident's data."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from hub.clock import BEIJING
from hub.errors import NEEDS_IT
from hub.store._models import Community, Delivery, Evidence, Submission

#: How a robot's failure trace is stored (workflows.activities.TRACE_TYPE).
_TRACE = "application/zip"


class AttentionRow(BaseModel):
    submission_id: str
    target: str
    error_type: str
    message: str | None  # the connector's Chinese words, as the worker saw them
    failed_at: datetime  # Beijing time
    trace_ids: list[str]  # evidence ids of the failure traces kept, newest first
    submitted_by: str  # the worker's username: who is asked to submit again once it is mended
    community: str  # her community's name


class Attention(BaseModel):
    total: int  # all of them; rows holds the newest `limit`
    rows: list[AttentionRow]


def needing_it(*, session: Session, limit: int = 200) -> Attention:
    """Failed deliveries whose last error only IT can mend (hub.errors.NEEDS_IT), newest first."""
    failed = (Delivery.status == "failed", col(Delivery.error_type).in_(NEEDS_IT))
    total = session.exec(select(func.count()).select_from(Delivery).where(*failed)).one()
    rows = session.exec(
        select(Delivery, Submission.created_by, Community.name)
        .join(Submission, col(Submission.id) == Delivery.submission_id)
        .join(Community, col(Community.code) == Submission.community_code)
        .where(*failed)
        .order_by(col(Delivery.updated_at).desc(), col(Delivery.id).desc())
        .limit(limit)
    ).all()
    traces = _trace_ids(session, [d.submission_id for d, _, _ in rows])
    return Attention(
        total=total,
        rows=[
            AttentionRow(
                submission_id=d.submission_id,
                target=d.target,
                error_type=d.error_type or "",
                message=d.message,
                failed_at=d.updated_at.astimezone(BEIJING),
                trace_ids=traces.get((d.submission_id, d.target), []),
                submitted_by=submitted_by,
                community=community,
            )
            for d, submitted_by, community in rows
        ],
    )


def delivery_counts(*, session: Session, since: datetime) -> dict[str, dict[str, int]]:
    """target -> status -> how many of its deliveries last changed at or after `since`."""
    rows = session.exec(
        select(Delivery.target, Delivery.status, func.count())
        .where(Delivery.updated_at >= since)
        .group_by(Delivery.target, Delivery.status)
    ).all()
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for target, status, n in rows:
        counts[target][status] = n
    return dict(counts)


def _trace_ids(session: Session, submission_ids: list[str]) -> dict[tuple[str, str], list[str]]:
    if not submission_ids:
        return {}
    rows = session.exec(
        select(Evidence.id, Evidence.submission_id, Evidence.target)
        .where(col(Evidence.submission_id).in_(set(submission_ids)))
        .where(Evidence.content_type == _TRACE)
        .order_by(col(Evidence.created_at).desc(), col(Evidence.id))
    ).all()
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for evidence_id, submission_id, target in rows:
        found[(submission_id, target)].append(evidence_id)
    return found
