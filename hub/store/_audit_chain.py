"""The audit log's hash chain: how an entry is linked, appended under a lock, and verified.

Each entry's ``hash`` is HMAC-SHA256, under ``HUB_CRYPTO__AUDIT_KEY``, of a canonical JSON of all
its other columns, ``prev_hash`` (the entry before's ``hash``) included. A bare SHA-256 chain
only shows that someone who rewrote rows did not also recompute the hashes after them; anyone
who can write the database can do that. The key lives with the hub, not in the database, so
such a rewrite fails verification. The price: verifying needs the key too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import select, update
from sqlmodel import Session, col

from hub.crypto import FieldCipher
from hub.errors import ConfigurationError
from hub.store._models_audit import GENESIS, AuditChainHead, AuditEntry

_DOMAIN = b"hub.audit.v1\x00"  # never the same bytes as another use of the key
_HEAD = 1
_BATCH = 1000


def canonical_detail(detail: dict[str, object]) -> str:
    return json.dumps(detail, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class _Columns(Protocol):
    """An entry's columns: an AuditEntry, or a row read past the ORM."""

    @property
    def seq(self) -> int: ...
    @property
    def at(self) -> datetime: ...
    @property
    def actor(self) -> str: ...
    @property
    def roles(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def community_code(self) -> str | None: ...
    @property
    def subject(self) -> str: ...
    @property
    def detail(self) -> str: ...
    @property
    def prev_hash(self) -> str: ...
    @property
    def hash(self) -> str: ...


def link(cipher: FieldCipher, entry: _Columns) -> str:
    """The hash an entry must carry: every other column, prev_hash included, under the key."""
    fields = {
        "seq": entry.seq,
        "at": entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": entry.actor,
        "roles": entry.roles,
        "action": entry.action,
        "community_code": entry.community_code,
        "subject": entry.subject,
        "detail": entry.detail,
        "prev_hash": entry.prev_hash,
    }
    text = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return cipher.audit_mac(_DOMAIN + text.encode())


def append_entry(
    session: Session,
    *,
    cipher: FieldCipher,
    actor: str,
    roles: str,
    action: str,
    community_code: str | None,
    subject: str,
    detail: str,
) -> AuditEntry:
    """Give the entry the next number and link it to the last one, in the caller's transaction.

    The head row is updated *before* it is read: on PostgreSQL the UPDATE takes its row lock
    (a second process waits there until the first commits, then reads the new head); on SQLite
    it is the transaction's first write, which takes the database's write lock. Either way no
    two transactions read the same head, so the chain cannot fork. The lock is held until the
    caller commits: append last, just before committing.
    """
    bumped = session.execute(
        update(AuditChainHead)
        .where(col(AuditChainHead.id) == _HEAD)
        .values(last_seq=col(AuditChainHead.last_seq) + 1)
        .execution_options(synchronize_session=False)
    )
    if getattr(bumped, "rowcount", 0) != 1:
        raise ConfigurationError("audit chain head missing: run `python -m hub.store migrate`")
    seq, prev = session.execute(
        select(col(AuditChainHead.last_seq), col(AuditChainHead.last_hash)).where(
            col(AuditChainHead.id) == _HEAD
        )
    ).one()
    entry = AuditEntry(
        seq=seq,
        at=datetime.now(UTC),
        actor=actor,
        roles=roles,
        action=action,
        community_code=community_code,
        subject=subject,
        detail=detail,
        prev_hash=prev,
        hash="",
    )
    entry.hash = link(cipher, entry)
    session.add(entry)
    session.execute(
        update(AuditChainHead)
        .where(col(AuditChainHead.id) == _HEAD)
        .values(last_hash=entry.hash)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainReport:
    """What verifying found: how many entries were checked, and the first broken one if any."""

    checked: int
    broken_at: int | None = None
    #: hash mismatch | gap | prev mismatch | missing at the end
    reason: str | None = None
    last_hash: str = GENESIS

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify_chain(session: Session, *, cipher: FieldCipher) -> ChainReport:
    """Walk the whole chain in order; stop at the first entry that does not hold."""
    # The head first: entries appended while we walk are past it and left for the next run.
    head = session.execute(
        select(col(AuditChainHead.last_seq), col(AuditChainHead.last_hash)).where(
            col(AuditChainHead.id) == _HEAD
        )
    ).one_or_none()
    if head is None:
        raise ConfigurationError("audit chain head missing: run `python -m hub.store migrate`")
    expected, prev = 1, GENESIS
    for entry in _entries_up_to(session, head.last_seq):
        if entry.seq != expected:
            return ChainReport(expected - 1, expected, f"gap: next entry is {entry.seq}", prev)
        if link(cipher, entry) != entry.hash:
            return ChainReport(expected - 1, expected, "hash mismatch", prev)
        if entry.prev_hash != prev:
            return ChainReport(expected - 1, expected, "prev mismatch", prev)
        expected, prev = expected + 1, entry.hash
    if expected - 1 != head.last_seq or prev != head.last_hash:
        reason = f"missing at the end: the chain head says {head.last_seq} entries"
        return ChainReport(expected - 1, expected, reason, prev)
    return ChainReport(expected - 1, last_hash=prev)


def _entries_up_to(session: Session, last_seq: int) -> Iterator[_Columns]:
    # Plain rows in batches, past the ORM: the log grows without bound, the memory of a verify
    # (and of the request session it may share) must not.
    columns = [c for c in AuditEntry.__table__.columns]  # type: ignore[attr-defined]
    seq = 0
    while True:
        stmt = (
            select(*columns)
            .where(col(AuditEntry.seq) > seq, col(AuditEntry.seq) <= last_seq)
            .order_by(col(AuditEntry.seq))
            .limit(_BATCH)
        )
        batch = session.execute(stmt).all()
        if not batch:
            return
        yield from batch
        seq = batch[-1].seq
