"""Re-wrap every credential's data key under the vault's current KEK while the hub keeps running.

Only the 40-byte wrapped keys change: the sealed login names and passwords stay byte for byte,
since the data keys that sealed them are the same. Rows are read in small batches, re-wrapped
outside any transaction and written back one batch per transaction with a compare-and-swap on the
old wrapped key, so a credential the hub re-bound meanwhile (under the current KEK) is left alone.
Core statements: nothing reaches the change history, and neither do credentials anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Engine, Table, func, select, update

from hub.store._models_vault import Credential
from hub.vault import Vault, WrappedKey

_TABLE: Table = Credential.__table__  # type: ignore[attr-defined]  # set by table=True


@dataclass
class VaultRotationReport:
    kek_id: str
    rewrapped: int = 0
    already_current: int = 0  # wrapped by the current KEK before this run
    skipped: int = 0  # re-bound or removed between read and write; not overwritten
    left: int = 0  # still wrapped by an older KEK after this run


def rotate_vault(*, engine: Engine, vault: Vault, batch_size: int = 200) -> VaultRotationReport:
    """Re-wrap every data key not under the current KEK; safe to run again."""
    stale = _TABLE.c.kek_id != vault.current_kek_id
    report = VaultRotationReport(vault.current_kek_id, already_current=_count(engine, ~stale))
    after: str | None = None
    while rows := _read_batch(engine, stale, after, batch_size):
        written = _write_batch(engine, [(row, vault.rewrap(row[1])) for row in rows])
        report.rewrapped += written
        report.skipped += len(rows) - written
        after = rows[-1][0]  # keyset paging: a skipped row is not read again in this run
    report.left = _count(engine, stale)
    return report


Row = tuple[str, WrappedKey]


def _count(engine: Engine, condition: ColumnElement[bool]) -> int:
    with engine.connect() as connection:
        count: int = connection.execute(
            select(func.count()).select_from(_TABLE).where(condition)
        ).scalar_one()
        return count


def _read_batch(
    engine: Engine, stale: ColumnElement[bool], after: str | None, limit: int
) -> list[Row]:
    c = _TABLE.c
    stmt = select(c.id, c.kek_id, c.dek_wrapped).where(stale).order_by(c.id).limit(limit)
    if after is not None:
        stmt = stmt.where(c.id > after)
    with engine.connect() as connection:
        return [(pk, WrappedKey(kid, wrapped)) for pk, kid, wrapped in connection.execute(stmt)]


def _write_batch(engine: Engine, changes: list[tuple[Row, WrappedKey]]) -> int:
    """One short transaction; returns how many rows still held the key as read."""
    c = _TABLE.c
    written = 0
    with engine.begin() as connection:
        for (pk, old), new in changes:
            stmt: Any = (
                update(_TABLE)
                .where(c.id == pk, c.kek_id == old.kek_id, c.dek_wrapped == old.wrapped)
                .values(kek_id=new.kek_id, dek_wrapped=new.wrapped)
            )
            written += connection.execute(stmt).rowcount
    return written
