"""Tables of the audit log (hub.store.audit): the entries, and the one-row head of their chain.

Neither is in the change history (hub/store/_history.py): the audit log is its own record, and
it is never updated or deleted (a trigger refuses both, see migration 0006).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

#: Every action the log knows, in the words the portal and the export show.
ACTIONS = {
    "login": "登录",
    "logout": "退出登录",
    "reveal": "查看完整信息",
    "credential_use": "使用账号凭据",
    "credential_bind": "绑定账号凭据",
    "admin_change": "管理变更",
    "withdraw": "撤回报送",
    "form_publish": "发布表单",
    "data_request_send": "下发数据收集",
    "data_request_submit": "上报数据收集",
    "data_request_export": "导出数据汇总",
}

#: What the first entry's prev_hash is: the chain starts from a fixed value, not from nothing.
GENESIS = "0" * 64


class AuditEntry(SQLModel, table=True):
    """Who did what to which record, when; each entry keyed-hashed together with the one before.

    ``detail`` holds ids, field names, counts and states only, never personal data in clear.
    """

    __table_args__ = (
        Index("ix_auditentry_community_seq", "community_code", "seq"),
        Index("ix_auditentry_community_at", "community_code", "at"),
    )

    #: 1, 2, 3… with no gaps: assigned while the chain head is locked, never by the database.
    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    at: datetime
    actor: str  # a username, or a job such as "system"
    roles: str  # the actor's roles, sorted, comma-separated
    action: str  # one of ACTIONS
    community_code: str | None = None  # None for realm-wide events
    subject: str  # what it was done to: resident:123, connector:civil_affairs, user:worker-a
    detail: str  # canonical JSON
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)  # HMAC-SHA256 of every other column (hub.store._audit_chain)


class AuditChainHead(SQLModel, table=True):
    """The chain's last link, in one row (id 1). Appending locks it, so two hub processes never
    both extend the same entry; verifying compares it with the last entry, so a cut-off tail
    does not pass for a shorter intact chain."""

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_seq: int
    last_hash: str = Field(max_length=64)
