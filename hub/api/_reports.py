"""Ledgers and reports: list, run (JSON) and download (xlsx), for the caller's community."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel
from sqlmodel import Session

from hub._state import HubState
from hub.deps import SessionDep, StateDep, Worker, community_of
from hub.reports import (
    ReportDefinition,
    ReportResult,
    content_disposition,
    find_definition,
    run_report,
    shipped_definitions,
    to_xlsx,
)
from identity import Principal

router = APIRouter(prefix="/api/reports", tags=["reports"])

Definitions = Annotated[dict[str, ReportDefinition], Depends(shipped_definitions)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReportSummary(BaseModel):
    id: str
    title: str
    description: str
    #: What the report asks for, e.g. ["month"] for the monthly ledger.
    params: list[str]


@router.get("")
def list_reports(user: Worker, definitions: Definitions) -> list[ReportSummary]:
    """The reports and ledgers workers can run."""
    return [
        ReportSummary(id=d.id, title=d.title, description=d.description, params=d.params)
        for d in definitions.values()
    ]


# Before "/{report_id}", which would otherwise take "x.xlsx" as an id.
@router.get("/{report_id}.xlsx", response_class=Response)
def download_report(
    report_id: str,
    user: Worker,
    state: StateDep,
    session: SessionDep,
    definitions: Definitions,
    month: str | None = None,
) -> Response:
    """The report as an Excel workbook, named after the community, report and date."""
    result = run_for(report_id, user, state, session, definitions, month)
    headers = {"Content-Disposition": content_disposition(result), "Cache-Control": "private"}
    return Response(to_xlsx(result), media_type=XLSX, headers=headers)


@router.get("/{report_id}")
def get_report(
    report_id: str,
    user: Worker,
    state: StateDep,
    session: SessionDep,
    definitions: Definitions,
    month: str | None = None,
) -> ReportResult:
    """The report's headers and rows on the caller's community; month as YYYY-MM."""
    return run_for(report_id, user, state, session, definitions, month)


def run_for(
    report_id: str,
    user: Principal,
    state: HubState,
    session: Session,
    definitions: dict[str, ReportDefinition],
    month: str | None,
) -> ReportResult:
    """One report on the caller's community (shared with the portal's report pages)."""
    return run_report(
        find_definition(definitions, report_id),
        session=session,
        cipher=state.cipher,
        community=community_of(user),
        params={"month": month} if month else {},
        target_names={cid: c.manifest.name for cid, c in state.connectors.items()},
    )
