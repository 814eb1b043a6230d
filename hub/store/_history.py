"""Every change to the community's records is kept: who, when, what changed.

One SQLAlchemy `after_flush` hook writes a ChangeRecord per created, updated or deleted row of
the audited tables, in the same transaction as the change. The actor is whatever the request or
job put in ``session.info["actor"]``. Encrypted columns and blind indexes are named as changed,
never given: the history must not become a clear copy of what encryption protects.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import SQLModel

from hub.store._models import Community, House, Household, Resident, utcnow
from hub.store._models_daily import (
    ChangeRecord,
    CommunityEvent,
    Organization,
    ResidentTag,
    Vehicle,
)

AUDITED: tuple[type[SQLModel], ...] = (
    Community,
    House,
    Household,
    Resident,
    Organization,
    Vehicle,
    CommunityEvent,
    ResidentTag,
)
_SECRET_SUFFIXES = ("_enc", "_index", "_masked")
_HIDDEN = "（已修改，内容加密）"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _shown(key: str, value: Any) -> Any:
    return _HIDDEN if key.endswith(_SECRET_SUFFIXES) and value is not None else _plain(value)


def _changes(obj: SQLModel, action: str) -> dict[str, list[Any]]:
    state = inspect(obj)
    changes: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if action in ("create", "delete"):
            value = getattr(obj, attr.key)
            if value is not None:
                shown = _shown(attr.key, value)
                changes[attr.key] = [None, shown] if action == "create" else [shown, None]
        elif action == "update" and history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            changes[attr.key] = [_shown(attr.key, old), _shown(attr.key, new)]
    return changes


def _row(obj: SQLModel, action: str, actor: str) -> dict[str, Any] | None:
    changes = _changes(obj, action)
    if action == "update" and not changes:
        return None
    identity = inspect(obj).identity or (getattr(obj, "id", None),)
    return {
        "entity": type(obj).__tablename__,
        "entity_id": ",".join(str(part) for part in identity),
        "community_code": getattr(obj, "community_code", None) or getattr(obj, "code", None),
        "resident_id": obj.id if isinstance(obj, Resident) else getattr(obj, "resident_id", None),
        "action": action,
        "changes": json.dumps(changes, ensure_ascii=False),
        "actor": actor,
        "at": utcnow(),
    }


@event.listens_for(OrmSession, "after_flush")
def _record_history(session: OrmSession, _context: Any) -> None:
    actor = str(session.info.get("actor", "system"))
    rows = []
    for action, objects in (
        ("create", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objects:
            if isinstance(obj, AUDITED):
                row = _row(obj, action, actor)
                if row is not None:
                    rows.append(row)
    if rows:
        session.connection().execute(insert(ChangeRecord), rows)
