"""The portal's 运维 page, for operators and IT: what only IT can mend, each target's last week,
and whether each target answers now. Nothing on it names a resident."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from connectors.sdk import check_targets
from hub._state import HubState
from hub.api._ops import AttentionList, attention
from hub.connector_config import connector_configs
from hub.deps import OpsStaff, PortalSessionDep, SessionDep, StateDep
from hub.portal._render import page as _page
from hub.store import delivery_counts

router = APIRouter(include_in_schema=False)

#: The statuses counted per target, in the order a delivery passes through them.
COUNTED = ("pending", "running", "needs_login", "failed", "rejected", "succeeded")
WEEK = timedelta(days=7)
#: Each target gets this long to answer; they are asked all at once, so the page waits no longer.
HEALTH_TIMEOUT_S = 2.0


@router.get("/ops")
async def ops_page(
    request: Request,
    user: OpsStaff,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
) -> HTMLResponse:
    base_urls = {
        cid: config["base_url"]
        for cid, config in connector_configs(state.settings).items()
        if cid in state.connectors and config.get("base_url")
    }
    # The store's reads in a thread, the targets' health on the loop: both at once.
    (found, counts), health = await asyncio.gather(
        asyncio.to_thread(_read, state, session),
        check_targets(base_urls, timeout_s=HEALTH_TIMEOUT_S),
    )
    targets = sorted(set(state.connectors) | set(counts))
    seen = {status for by_status in counts.values() for status in by_status}
    return _page(
        request,
        "ops.html",
        portal,
        attention=found,
        targets=targets,
        names={cid: c.manifest.name for cid, c in state.connectors.items()},
        counts=counts,
        counted=[*COUNTED, *sorted(seen - set(COUNTED))],  # a status added later shows too
        health=health,
        exporter=user.username,
    )


def _read(state: HubState, session: Session) -> tuple[AttentionList, dict[str, dict[str, int]]]:
    since = datetime.now(UTC) - WEEK
    return attention(state=state, session=session), delivery_counts(session=session, since=since)
