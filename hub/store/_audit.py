"""The audit log (审计日志): append-only, hash-chained, readable by community admins.

Logins and logouts, reveals of personal data, every robot's use of a credential and admin changes
are appended here, each entry keyed-hashed with the one before (hub/store/_audit_chain.py), so an
edited, removed or reordered entry is found by ``python -m hub.store audit-verify``. Use it as
``from hub.store import audit``::

    audit.append(
        session,                 # the transaction of the change it records: a rollback drops both
        cipher=cipher,           # the hub's FieldCipher: it holds HUB_CRYPTO__AUDIT_KEY
        actor="worker-a",        # a username, or a job ("system", "robot:civil_affairs")
        roles={"worker"},        # the actor's roles
        action="credential_use", # one of ACTIONS
        community_code="320206104001",  # None for realm-wide events
        subject="credential:<id>",      # kind:id, never a name or an ID number
        detail={"connector": "civil_affairs", "submission_id": "<hex>", "outcome": "ok"},
    ) -> AuditEntry

``detail`` takes ids, field names, states, counts and booleans only: its keys are snake_case, its
strings lowercase identifiers (or 32-hex ids), its integers small. Anything else (Chinese text,
an ID number, a phone) is refused with ValueError, so no personal data reaches the log in clear.
Append last in the transaction, just before it commits: it holds the chain's lock until then.
Entries are never updated or deleted; there is no code path for either.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlmodel import Session

from hub.crypto import FieldCipher
from hub.store._audit_chain import ChainReport, append_entry, canonical_detail, verify_chain
from hub.store._audit_views import AuditPage, AuditView, entries_page, entry_rows
from hub.store._models_audit import ACTIONS, GENESIS, AuditChainHead, AuditEntry

_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")
_WORD = re.compile(r"[a-z][a-z0-9_.:-]{0,63}|[0-9a-f]{32}")
_SUBJECT = re.compile(r"[a-z][a-z_]{0,31}:[A-Za-z0-9_.@:-]{1,100}")
_SMALL = 2**31  # ids and counts fit; an ID number or a phone as a number does not


def append(
    session: Session,
    *,
    cipher: FieldCipher,
    actor: str,
    roles: Iterable[str],
    action: str,
    community_code: str | None,
    subject: str,
    detail: dict[str, object],
) -> AuditEntry:
    """Append one entry to the chain, in the session's transaction (see the module docstring)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}: add it to hub.store.audit.ACTIONS")
    if not _SUBJECT.fullmatch(subject):
        raise ValueError(f"audit subject {subject!r} is not kind:id")
    _check_detail(detail)
    return append_entry(
        session,
        cipher=cipher,
        actor=actor,
        roles=",".join(sorted(set(roles))),
        action=action,
        community_code=community_code,
        subject=subject,
        detail=canonical_detail(detail),
    )


def record_admin_change(
    session: Session,
    *,
    cipher: FieldCipher,
    actor: str,
    roles: Iterable[str],
    community_code: str | None,
    subject: str,
    change: str,
    fields: Iterable[str] = (),
) -> AuditEntry:
    """An admin changed configuration or another person's rights: what (``change``, e.g.
    ``connector_enabled``), on which subject, and which fields, never their values."""
    return append(
        session,
        cipher=cipher,
        actor=actor,
        roles=roles,
        action="admin_change",
        community_code=community_code,
        subject=subject,
        detail={"change": change, "fields": sorted(fields)},
    )


def verify(session: Session, *, cipher: FieldCipher) -> ChainReport:
    """Walk the whole chain; ``report.intact``, or ``report.broken_at`` and ``report.reason``."""
    return verify_chain(session, cipher=cipher)


def _check_detail(detail: dict[str, object]) -> None:
    for key, value in detail.items():
        if not _KEY.fullmatch(key):
            raise ValueError(f"audit detail key {key!r} is not snake_case")
        for item in value if isinstance(value, list | tuple) else [value]:
            if not _allowed(item):
                raise ValueError(f"audit detail {key!r} holds more than an id or a field name")


def _allowed(value: object) -> bool:
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, int):
        return -_SMALL < value < _SMALL
    return isinstance(value, str) and _WORD.fullmatch(value) is not None


__all__ = [
    "ACTIONS",
    "GENESIS",
    "AuditChainHead",
    "AuditEntry",
    "AuditPage",
    "AuditView",
    "ChainReport",
    "append",
    "entries_page",
    "entry_rows",
    "record_admin_change",
    "verify",
]
