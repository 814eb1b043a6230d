"""Reading the audit log: one community's entries, newest first, in words an admin reads."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from hub.clock import BEIJING
from hub.errors import InvalidInput
from hub.store._models_audit import ACTIONS, AuditEntry

PER_PAGE = 100

_KEYS = {
    "fields": "字段",
    "reason_chars": "理由字数",
    "change_record": "变更记录",
    "via": "方式",
    "connector": "目标系统",
    "credential_id": "凭据",
    "submission_id": "申报",
    "activity": "环节",
    "outcome": "结果",
    "state": "状态",
    "change": "变更",
}
_VALUES = {
    "id_number": "身份证号码",
    "phone": "手机号码",
    "portal": "门户",
    "ok": "成功",
    "rejected": "被拒绝",
    "pending": "待验证",
    "verified": "已验证",
    "discarded": "未通过验证",
    "removed": "已解除绑定",
    "deliver": "递交申请",
    "check_decision": "查询审核结果",
    "verify": "验证登录",
}
_SUBJECTS = {
    "resident": "居民",
    "user": "用户",
    "connector": "目标系统",
    "credential": "凭据",
}


class AuditView(BaseModel):
    seq: int
    at: datetime
    #: Beijing time, to the second, as the portal and the export show it.
    at_local: str
    actor: str
    roles: list[str]
    action: str
    action_words: str
    subject: str
    subject_words: str
    detail: dict[str, Any]
    #: The detail in words (说明).
    summary: str
    hash: str


class AuditPage(BaseModel):
    entries: list[AuditView]
    page: int
    pages: int
    total: int


def entries_page(
    *,
    session: Session,
    community: str,
    month: str | None = None,
    action: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> AuditPage:
    """One page of a community's entries, newest first; ``month`` YYYY-MM (Beijing time)."""
    stmt = _of(community, month, action)
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    page = max(page, 1)
    rows = session.exec(
        stmt.order_by(col(AuditEntry.seq).desc()).offset((page - 1) * per_page).limit(per_page)
    )
    return AuditPage(
        entries=[view(r) for r in rows],
        page=page,
        pages=max(1, math.ceil(total / per_page)),
        total=total,
    )


def entry_rows(
    *, session: Session, community: str, month: str | None = None, action: str | None = None
) -> list[AuditView]:
    """Every entry the filters keep, newest first: what the export writes."""
    stmt = _of(community, month, action).order_by(col(AuditEntry.seq).desc())
    return [view(r) for r in session.exec(stmt)]


def view(entry: AuditEntry) -> AuditView:
    detail = json.loads(entry.detail)
    return AuditView(
        seq=entry.seq,
        at=entry.at,
        at_local=entry.at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S"),
        actor=entry.actor,
        roles=entry.roles.split(",") if entry.roles else [],
        action=entry.action,
        action_words=ACTIONS.get(entry.action, entry.action),
        subject=entry.subject,
        subject_words=_subject_words(entry.subject),
        detail=detail,
        summary="；".join(f"{_KEYS.get(k, k)}：{_words(v)}" for k, v in detail.items()),
        hash=entry.hash,
    )


def _of(community: str, month: str | None, action: str | None) -> SelectOfScalar[AuditEntry]:
    stmt = select(AuditEntry).where(AuditEntry.community_code == community)
    if action:
        if action not in ACTIONS:
            raise InvalidInput("unknown audit action", field_errors={"action": "没有这种操作"})
        stmt = stmt.where(AuditEntry.action == action)
    if month:
        start, end = _month_bounds(month)
        stmt = stmt.where(col(AuditEntry.at) >= start, col(AuditEntry.at) < end)
    return stmt


def _month_bounds(month: str) -> tuple[datetime, datetime]:
    """A Beijing calendar month as a half-open range of UTC instants."""
    try:
        year, mon = (int(part) for part in month.split("-"))
        start = datetime(year, mon, 1, tzinfo=BEIJING)
    except ValueError:
        raise InvalidInput("bad month", user_message="月份格式应为 年-月，例如 2026-11") from None
    end = datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=BEIJING)
    return start.astimezone(UTC), end.astimezone(UTC)


def _words(value: Any) -> str:
    if isinstance(value, list):
        return "、".join(_words(v) for v in value) or "无"
    if value is None:
        return "无"
    if isinstance(value, bool):  # before the lookup: True == 1 as a dict key
        return "是" if value else "否"
    return _VALUES.get(str(value), str(value))


def _subject_words(subject: str) -> str:
    kind, _, ident = subject.partition(":")
    return f"{_SUBJECTS[kind]} {ident}" if kind in _SUBJECTS else subject
