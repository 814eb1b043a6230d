"""The audit log for community admins: her community's entries (JSON), their export (xlsx), and
whether the chain verifies."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel
from sqlmodel import Session

from hub.clock import beijing_today
from hub.crypto import FieldCipher
from hub.deps import CommunityAdmin, SessionDep, StateDep, community_of
from hub.reports import ReportResult, content_disposition, to_xlsx
from hub.store import Community, audit

router = APIRouter(prefix="/api", tags=["audit"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ["序号", "时间", "操作人", "操作", "对象", "说明", "校验值"]
Page = Annotated[int, Query(ge=1)]


class ChainStatus(BaseModel):
    """The whole log's chain (every community's entries), checked now."""

    intact: bool
    checked: int
    broken_at: int | None
    reason: str | None


class AuditLog(audit.AuditPage):
    chain: ChainStatus


@router.get("/audit")
def get_audit(
    user: CommunityAdmin,
    state: StateDep,
    session: SessionDep,
    month: str | None = None,
    action: str | None = None,
    page: Page = 1,
) -> AuditLog:
    """Her community's audit log, newest first, 100 a page; `month` YYYY-MM (Beijing time),
    `action` e.g. login or reveal. Community admins only."""
    found = audit.entries_page(
        session=session, community=community_of(user), month=month, action=action, page=page
    )
    return AuditLog(**found.model_dump(), chain=chain_status(session, state.cipher))


@router.get("/audit.xlsx", response_class=Response)
def download_audit(
    user: CommunityAdmin,
    session: SessionDep,
    month: str | None = None,
    action: str | None = None,
) -> Response:
    """Her community's audit log as an Excel workbook, with each entry's hash (校验值)."""
    result = audit_report(session, community=community_of(user), month=month, action=action)
    headers = {"Content-Disposition": content_disposition(result), "Cache-Control": "private"}
    return Response(to_xlsx(result), media_type=XLSX, headers=headers)


def chain_status(session: Session, cipher: FieldCipher) -> ChainStatus:
    report = audit.verify(session, cipher=cipher)
    return ChainStatus(
        intact=report.intact,
        checked=report.checked,
        broken_at=report.broken_at,
        reason=report.reason,
    )


def audit_report(
    session: Session, *, community: str, month: str | None, action: str | None
) -> ReportResult:
    """The log as a report, so it leaves in the same workbook style as every ledger."""
    rows = audit.entry_rows(session=session, community=community, month=month, action=action)
    place = session.get(Community, community)
    return ReportResult(
        report_id="audit",
        title="审计日志",
        short_title="审计日志",
        community_code=community,
        community_name=place.name if place else community,
        generated_on=beijing_today(),
        month=month,
        headers=HEADERS,
        rows=[
            [r.seq, r.at_local, r.actor, r.action_words, r.subject_words, r.summary, r.hash]
            for r in rows
        ],
    )
