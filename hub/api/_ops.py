"""For operators and IT: the failed deliveries only IT can mend, as JSON (the portal's /ops page
shows the same rows). Ids, systems and error types: no resident is named."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from fastapi import APIRouter
from pydantic import BaseModel
from sqlmodel import Session

from hub._state import HubState
from hub.deps import OpsStaff, SessionDep, StateDep
from hub.store import needing_it
from hub.submitting import workflow_id
from hub.words import IT_ERROR_WORDS

router = APIRouter(prefix="/api", tags=["ops"])

#: The newest this many are listed; the total says how many there are in all.
LIMIT = 200


class AttentionItem(BaseModel):
    submission_id: str
    target: str
    target_name: str
    error_type: str  # RobotBroken | ConfigurationError
    error_words: str  # 机器人故障 | 配置错误
    message: str | None  # what the worker was told
    failed_at: datetime  # Beijing time
    trace_ids: list[str]  # failure traces kept: `python -m hub.store export-trace ID FILE`
    workflow_url: str  # the submission's workflow in the Temporal UI
    submitted_by: str  # the worker's username, to ask her to submit again once it is mended
    community: str


class AttentionList(BaseModel):
    total: int
    items: list[AttentionItem]


def attention(*, state: HubState, session: Session) -> AttentionList:
    found = needing_it(session=session, limit=LIMIT)
    temporal = state.settings.temporal
    workflows = f"{temporal.ui_url}/namespaces/{quote(temporal.namespace, safe='')}/workflows"
    items = []
    for row in found.rows:
        connector = state.connectors.get(row.target)
        items.append(
            AttentionItem(
                **row.model_dump(),
                target_name=connector.manifest.name if connector else row.target,
                error_words=IT_ERROR_WORDS.get(row.error_type, row.error_type),
                workflow_url=f"{workflows}/{workflow_id(row.submission_id)}",
            )
        )
    return AttentionList(total=found.total, items=items)


@router.get("/ops/attention")
def get_attention(user: OpsStaff, state: StateDep, session: SessionDep) -> AttentionList:
    """Failed deliveries only IT can mend (broken robots, configuration errors), newest first,
    at most 200, with their total. Operators and IT admins."""
    return attention(state=state, session=session)
