"""Filed 低保 applications in SQLite. Like the other legacy system it never de-duplicates: the
same form posted twice is filed twice."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from simulators._decisions import (
    DECISION_COLUMNS,
    STATUS_RECEIVED,
    UNDECIDED,
    Record,
    record_decision,
)
from simulators._storage import Clock, connect, ensure_schema, next_receipt_no, write_transaction
from simulators.social_assistance._form import FIELD_NAMES
from simulators.social_assistance._policy import BUSINESS_TYPE, RECEIPT_PREFIX, monthly_amount

_TABLE = "dibao_applications"
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {_TABLE} (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    receipt_no TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    received_at TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    business_type TEXT NOT NULL,
    {", ".join(f"{name} TEXT NOT NULL" for name in FIELD_NAMES)},
    {", ".join(f"{name} {sql_type}" for name, sql_type in DECISION_COLUMNS.items())}
);
CREATE INDEX IF NOT EXISTS {_TABLE}_id_number ON {_TABLE} (id_number);
"""
# What filing writes; the decision columns stay NULL until a reviewer decides.
_COLUMNS = ("receipt_no", "status", "received_at", "submitted_by", "business_type", *FIELD_NAMES)
_PUBLIC = (*_COLUMNS, *DECISION_COLUMNS)
_SELECT = f"SELECT {', '.join(_PUBLIC)} FROM {_TABLE}"


class DibaoStore:
    def __init__(self, *, db_path: Path, clock: Clock) -> None:
        self._db_path = db_path
        self._clock = clock
        ensure_schema(db_path, _SCHEMA)

    def file(self, values: Mapping[str, str], *, submitted_by: str) -> Record:
        """Store one application exactly as typed and return the stored record."""
        received_at = self._clock()
        with write_transaction(self._db_path) as conn:
            receipt_no = next_receipt_no(
                conn, table=_TABLE, prefix=RECEIPT_PREFIX, day=received_at.date()
            )
            record: Record = {
                "receipt_no": receipt_no,
                "status": STATUS_RECEIVED,
                "received_at": received_at.isoformat(timespec="seconds"),
                "submitted_by": submitted_by,
                "business_type": BUSINESS_TYPE,
                **{name: values[name] for name in FIELD_NAMES},
            }
            placeholders = ", ".join("?" for _ in _COLUMNS)
            conn.execute(
                f"INSERT INTO {_TABLE} ({', '.join(_COLUMNS)}) VALUES ({placeholders})",
                [record[column] for column in _COLUMNS],
            )
        return record | UNDECIDED

    def decide(self, receipt_no: str, *, approved: bool, reason: str | None) -> Record:
        """审核: approve or refuse one application; raises ApiError when it cannot."""
        row = record_decision(
            self._db_path,
            table=_TABLE,
            receipt_no=receipt_no,
            approved=approved,
            reason=reason,
            now=self._clock(),
            monthly_amount=_dibao_amount,
        )
        return _public(row)

    def by_id_number(self, id_number: str) -> list[Record]:
        with connect(self._db_path) as conn:
            rows = conn.execute(f"{_SELECT} WHERE id_number = ? ORDER BY id", (id_number,))
            return [_public(row) for row in rows]

    def newest_first(self) -> list[Record]:
        with connect(self._db_path) as conn:
            return [_public(row) for row in conn.execute(f"{_SELECT} ORDER BY id DESC")]


def _dibao_amount(row: sqlite3.Row) -> int:
    # Filing validated both fields, so they parse.
    return monthly_amount(
        household_size=int(row["household_size"]),
        income_per_person=Decimal(row["monthly_income"]),
    )


def _public(row: sqlite3.Row) -> Record:
    return {column: row[column] for column in _PUBLIC}
