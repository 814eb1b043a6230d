"""Reports and ledgers in the portal: the list with one-tap downloads, and a report on screen."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from hub.api._reports import run_for
from hub.deps import PortalSessionDep, SessionDep, StateDep, Worker
from hub.portal._render import page as _page
from hub.reports import ReportDefinition, beijing_today, shipped_definitions

router = APIRouter(include_in_schema=False)

Definitions = Annotated[dict[str, ReportDefinition], Depends(shipped_definitions)]


@router.get("/reports")
def reports(
    request: Request, user: Worker, portal: PortalSessionDep, definitions: Definitions
) -> HTMLResponse:
    this_month = beijing_today().strftime("%Y-%m")
    return _page(request, "reports.html", portal, reports=definitions.values(), month=this_month)


@router.get("/reports/{report_id}")
def report(
    request: Request,
    report_id: str,
    user: Worker,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
    definitions: Definitions,
    month: str | None = None,
) -> HTMLResponse:
    result = run_for(report_id, user, state, session, definitions, month)
    return _page(request, "report.html", portal, report=result)
