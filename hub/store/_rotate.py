"""Re-encrypt personal data under the current key while the hub keeps running.

Rows are read in small batches, re-encrypted outside any transaction, and written back one batch
per transaction with a compare-and-swap: a value the hub changed in the meantime is left alone
(the hub writes with the current key, and a re-run picks up anything else). Blind indexes are
HMACs under their own key and do not change.

The updates are Core statements, so the change history (an ORM flush hook) records nothing and
``updated_at`` stays: a re-encryption changes no one's data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, ColumnElement, Engine, LargeBinary, Table, func, select, update
from sqlmodel import SQLModel

from hub.crypto import FieldCipher
from hub.store._human import ANSWER_CONTEXT, IMAGE_CONTEXT
from hub.store._models import Evidence, PortalSession, Resident, Submission
from hub.store._models_human import HumanTask
from hub.store._models_requests import ROW_CONTEXT, DataRequestRow
from hub.store._residents import ID_CONTEXT, NAME_CONTEXT, PHONE_CONTEXT


@dataclass(frozen=True)
class EncryptedColumn:
    model: type[SQLModel]
    name: str
    context: str  # associated data; must match what the writing module passes

    @property
    def table(self) -> Table:
        table: Table = self.model.__table__  # type: ignore[attr-defined]  # set by table=True
        return table

    @property
    def column(self) -> Column[Any]:
        return self.table.c[self.name]

    @property
    def primary_key(self) -> Column[Any]:
        (pk,) = self.table.primary_key.columns
        return pk

    @property
    def label(self) -> str:
        return f"{self.table.name}.{self.name}"

    @property
    def is_bytes(self) -> bool:
        return isinstance(self.column.type, LargeBinary)


# Every encrypted column, one line each. The contexts restate private constants of the modules
# that write them; tests/hub/store/test_rotate.py reads back through those modules, so a drift
# fails there.
ENCRYPTED_COLUMNS: tuple[EncryptedColumn, ...] = (
    EncryptedColumn(Resident, "name_enc", NAME_CONTEXT),
    EncryptedColumn(Resident, "id_number_enc", ID_CONTEXT),
    EncryptedColumn(Resident, "phone_enc", PHONE_CONTEXT),
    EncryptedColumn(Submission, "data_enc", "submission.data"),
    EncryptedColumn(Evidence, "blob_enc", "evidence.blob"),
    EncryptedColumn(PortalSession, "profile_enc", "session.profile"),
    EncryptedColumn(PortalSession, "tokens_enc", "session.tokens"),
    EncryptedColumn(HumanTask, "image_enc", IMAGE_CONTEXT),
    EncryptedColumn(HumanTask, "answer_enc", ANSWER_CONTEXT),
    EncryptedColumn(DataRequestRow, "values_enc", ROW_CONTEXT),
)


@dataclass
class ColumnReport:
    column: str
    reencrypted: int = 0
    already_current: int = 0  # under the current key before this run
    skipped: int = 0  # changed by the hub between read and write; not overwritten
    left: int = 0  # still under an older key after this run


@dataclass
class RotationReport:
    key_id: str
    columns: list[ColumnReport] = field(default_factory=list)

    @property
    def reencrypted(self) -> int:
        return sum(c.reencrypted for c in self.columns)

    @property
    def left(self) -> int:
        return sum(c.left for c in self.columns)


Row = tuple[Any, str | bytes]


def rotate_keys(*, engine: Engine, cipher: FieldCipher, batch_size: int = 200) -> RotationReport:
    """Re-encrypt every value not under the cipher's current key; safe to run again."""
    report = RotationReport(key_id=cipher.current_key_id)
    for column in ENCRYPTED_COLUMNS:
        report.columns.append(_rotate_column(engine, cipher, column, batch_size))
    return report


def _rotate_column(
    engine: Engine, cipher: FieldCipher, column: EncryptedColumn, batch_size: int
) -> ColumnReport:
    current = _under_key(column, cipher.current_key_id)
    counts = ColumnReport(column.label, already_current=_count(engine, column, current))
    after: Any = None
    while rows := _read_batch(engine, column, ~current, after, batch_size):
        changes = [(pk, old, _reencrypt(cipher, column, old)) for pk, old in rows]
        written = _write_batch(engine, column, changes)
        counts.reencrypted += written
        counts.skipped += len(rows) - written
        after = rows[-1][0]  # keyset paging: a skipped row is not read again in this run
    counts.left = _count(engine, column, ~current)
    return counts


def _under_key(column: EncryptedColumn, key_id: str) -> ColumnElement[bool]:
    # A prefix test in SQL, so current rows (and evidence blobs) are never loaded.
    prefix: str | bytes = f"{key_id}:".encode() if column.is_bytes else f"{key_id}:"
    return func.substr(column.column, 1, len(prefix)) == prefix


def _count(engine: Engine, column: EncryptedColumn, condition: ColumnElement[bool]) -> int:
    # NULL (a resident without a phone) is neither under the current key nor under an old one.
    stmt = select(func.count()).select_from(column.table).where(condition)
    with engine.connect() as connection:
        count: int = connection.execute(stmt).scalar_one()
        return count


def _read_batch(
    engine: Engine, column: EncryptedColumn, stale: ColumnElement[bool], after: Any, limit: int
) -> list[Row]:
    stmt = select(column.primary_key, column.column).where(stale).order_by(column.primary_key)
    if after is not None:
        stmt = stmt.where(column.primary_key > after)
    with engine.connect() as connection:
        return [(pk, value) for pk, value in connection.execute(stmt.limit(limit))]


def _reencrypt(cipher: FieldCipher, column: EncryptedColumn, old: str | bytes) -> str | bytes:
    if isinstance(old, bytes):
        data = cipher.decrypt_bytes(old, context=column.context)
        return cipher.encrypt_bytes(data, context=column.context)
    plaintext = cipher.decrypt(old, context=column.context)
    return cipher.encrypt(plaintext, context=column.context)


def _write_batch(
    engine: Engine, column: EncryptedColumn, changes: list[tuple[Any, str | bytes, str | bytes]]
) -> int:
    """Write one batch in one short transaction; return how many rows still held the old value.

    The WHERE on the old value is the compare-and-swap: a row the hub rewrote (or deleted) since
    it was read matches nothing and keeps the hub's value. Only this column is set, so the hub's
    concurrent changes to other columns of the row are kept too.
    """
    written = 0
    with engine.begin() as connection:
        for pk, old, new in changes:
            stmt = (
                update(column.table)
                .where(column.primary_key == pk, column.column == old)
                .values({column.name: new})
            )
            written += connection.execute(stmt).rowcount
    return written
