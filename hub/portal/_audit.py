"""The portal's 审计日志 page: a community admin's view of her community's audit log."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from hub.api._audit import chain_status
from hub.deps import CommunityAdmin, PortalSessionDep, SessionDep, StateDep, community_of
from hub.portal._render import page as _page
from hub.store import audit

router = APIRouter(include_in_schema=False)

#: Why a chain is broken, by the start of verify's reason.
_WHY = {
    "hash mismatch": "记录内容被改动",
    "gap": "有记录被删除",
    "prev mismatch": "记录顺序被打乱",
    "missing at the end": "最新的记录被删除",
}


@router.get("/audit")
def audit_page(
    request: Request,
    user: CommunityAdmin,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
    month: str = "",
    action: str = "",
    page: Annotated[int, Query(ge=1)] = 1,
) -> HTMLResponse:
    found = audit.entries_page(
        session=session,
        community=community_of(user),
        month=month or None,
        action=action or None,
        page=page,
    )
    chain = chain_status(session, state.cipher)
    filters = {k: v for k, v in (("month", month), ("action", action)) if v}
    return _page(
        request,
        "audit.html",
        portal,
        log=found,
        chain=chain,
        why=next((w for k, w in _WHY.items() if (chain.reason or "").startswith(k)), ""),
        actions=audit.ACTIONS,
        month=month,
        action=action,
        query=urlencode(filters),
    )
