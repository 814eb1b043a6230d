"""Reports and ledgers in the portal: the list with one-tap downloads, and a report on screen."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from hub.api._reports import run_for
from hub.deps import PortalSessionDep, SessionDep, StateDep, Worker
from hub.portal import STATUS_WORDS, templates
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


def _page(request: Request, template: str, portal: Any, **context: Any) -> HTMLResponse:
    # The context base.html needs, as hub.portal._routes gives it.
    session, user = portal if portal else (None, None)
    return templates.TemplateResponse(
        request,
        template,
        {
            "user": user,
            "csrf_token": session.csrf_token if session else "",
            "status_words": STATUS_WORDS,
            **context,
        },
    )
