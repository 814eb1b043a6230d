"""Re-wrap every data key in the vault (workers' credentials, and robots' delegated single-sign-on
tokens) under the vault's current KEK while the hub keeps running.

Only the 40-byte wrapped keys change: the sealed login names, passwords and tokens stay byte for
byte,
since the data keys that sealed them are the same. Rows are read in small batches, re-wrapped
outside any transaction and written back one batch per transaction with a compare-and-swap on the
old wrapped key, so a credential the hub re-bound meanwhile (under the current KEK) is left alone.
Core statements: nothing reaches the change history, and neither do credentials anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Engine, Table, func, select, update

from hub.store._models_vault import Credential, DelegatedToken, RobotLogin
from hub.vault import Vault, WrappedKey

#: Every table holding data keys; each has id, kek_id and dek_wrapped columns.
_TABLES: tuple[Table, ...] = (
    Credential.__table__,  # type: ignore[attr-defined]  # set by table=True
    DelegatedToken.__table__,  # type: ignore[attr-defined]
    RobotLogin.__table__,  # type: ignore[attr-defined]
)


@dataclass
class VaultRotationReport:
    kek_id: str
    rewrapped: int = 0
    already_current: int = 0  # wrapped by the current KEK before this run
    skipped: int = 0  # re-bound or removed between read and write; not overwritten
    left: int = 0  # still wrapped by an older KEK after this run


def rotate_vault(*, engine: Engine, vault: Vault, batch_size: int = 200) -> VaultRotationReport:
    """Re-wrap every data key not under the current KEK; safe to run again."""
    report = VaultRotationReport(vault.current_kek_id)
    for table in _TABLES:
        stale = table.c.kek_id != vault.current_kek_id
        report.already_current += _count(engine, table, ~stale)
        after: str | None = None
        while rows := _read_batch(engine, table, stale, after, batch_size):
            written = _write_batch(engine, table, [(row, vault.rewrap(row[1])) for row in rows])
            report.rewrapped += written
            report.skipped += len(rows) - written
            after = rows[-1][0]  # keyset paging: a skipped row is not read again in this run
        report.left += _count(engine, table, stale)
    return report


Row = tuple[str, WrappedKey]


def _count(engine: Engine, table: Table, condition: ColumnElement[bool]) -> int:
    with engine.connect() as connection:
        count: int = connection.execute(
            select(func.count()).select_from(table).where(condition)
        ).scalar_one()
        return count


def _read_batch(
    engine: Engine, table: Table, stale: ColumnElement[bool], after: str | None, limit: int
) -> list[Row]:
    c = table.c
    stmt = select(c.id, c.kek_id, c.dek_wrapped).where(stale).order_by(c.id).limit(limit)
    if after is not None:
        stmt = stmt.where(c.id > after)
    with engine.connect() as connection:
        return [(pk, WrappedKey(kid, wrapped)) for pk, kid, wrapped in connection.execute(stmt)]


def _write_batch(engine: Engine, table: Table, changes: list[tuple[Row, WrappedKey]]) -> int:
    """One short transaction; returns how many rows still held the key as read."""
    c = table.c
    written = 0
    with engine.begin() as connection:
        for (pk, old), new in changes:
            stmt: Any = (
                update(table)
                .where(c.id == pk, c.kek_id == old.kek_id, c.dek_wrapped == old.wrapped)
                .values(kek_id=new.kek_id, dek_wrapped=new.wrapped)
            )
            written += connection.execute(stmt).rowcount
    return written
