"""Applications filed through a legacy web form, in SQLite, as both web systems keep them.

Deliberately no de-duplication: like the real legacy systems, they file whatever they are sent,
twice if sent twice; the hub's tests rely on seeing that. Each system names its table, receipt
prefix and form fields, and may fix columns of its own (a business type) and its rule for the
approved monthly amount.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path

from simulators._decisions import (
    DECISION_COLUMNS,
    STATUS_RECEIVED,
    UNDECIDED,
    AmountRule,
    Record,
    allowance_amount,
    record_decision,
)
from simulators._storage import (
    Clock,
    add_missing_columns,
    connect,
    ensure_schema,
    next_receipt_no,
    write_transaction,
)


class FiledApplications:
    def __init__(
        self,
        *,
        db_path: Path,
        clock: Clock,
        table: str,
        receipt_prefix: str,
        fields: Sequence[str],
        fixed: Mapping[str, str] | None = None,
        monthly_amount: AmountRule = allowance_amount,
    ) -> None:
        """fixed: columns every record of this system carries (e.g. its business type)."""
        self._db_path = db_path
        self._clock = clock
        self._table = table
        self._prefix = receipt_prefix
        self._fields = tuple(fields)
        self._fixed = dict(fixed or {})
        self._monthly_amount = monthly_amount
        # What filing writes; the decision columns stay NULL until a reviewer decides.
        self._columns = ("receipt_no", "status", "received_at", "submitted_by", *self._fixed)
        self._columns += self._fields
        self._select = f"SELECT {', '.join((*self._columns, *DECISION_COLUMNS))} FROM {table}"
        ensure_schema(db_path, self._schema())
        # A file from before decisions existed gets their columns.
        add_missing_columns(db_path, table=table, columns=DECISION_COLUMNS)

    def file(self, values: Mapping[str, str], *, submitted_by: str) -> Record:
        """Store one application exactly as typed and return the stored record."""
        received_at = self._clock()
        with write_transaction(self._db_path) as conn:
            receipt_no = next_receipt_no(
                conn, table=self._table, prefix=self._prefix, day=received_at.date()
            )
            record: Record = {
                "receipt_no": receipt_no,
                "status": STATUS_RECEIVED,
                "received_at": received_at.isoformat(timespec="seconds"),
                "submitted_by": submitted_by,
                **self._fixed,
                **{name: values[name] for name in self._fields},
            }
            placeholders = ", ".join("?" for _ in self._columns)
            conn.execute(
                f"INSERT INTO {self._table} ({', '.join(self._columns)}) VALUES ({placeholders})",
                [record[column] for column in self._columns],
            )
        return record | UNDECIDED

    def decide(self, receipt_no: str, *, approved: bool, reason: str | None) -> Record:
        """审核: approve or refuse one application; raises ApiError when it cannot."""
        row = record_decision(
            self._db_path,
            table=self._table,
            receipt_no=receipt_no,
            approved=approved,
            reason=reason,
            now=self._clock(),
            monthly_amount=self._monthly_amount,
        )
        return self._public(row)

    def by_receipt(self, receipt_no: str) -> Record | None:
        with connect(self._db_path) as conn:
            row = conn.execute(f"{self._select} WHERE receipt_no = ?", (receipt_no,)).fetchone()
            return None if row is None else self._public(row)

    def by_id_number(self, id_number: str) -> list[Record]:
        with connect(self._db_path) as conn:
            rows = conn.execute(f"{self._select} WHERE id_number = ? ORDER BY id", (id_number,))
            return [self._public(row) for row in rows]

    def newest_first(self) -> list[Record]:
        with connect(self._db_path) as conn:
            rows = conn.execute(f"{self._select} ORDER BY id DESC")
            return [self._public(row) for row in rows]

    def _public(self, row: sqlite3.Row) -> Record:
        return {column: row[column] for column in (*self._columns, *DECISION_COLUMNS)}

    def _schema(self) -> str:
        t = self._table
        columns = [f"{name} TEXT NOT NULL" for name in (*self._fixed, *self._fields)]
        columns += [f"{name} {sql_type}" for name, sql_type in DECISION_COLUMNS.items()]
        return f"""
CREATE TABLE IF NOT EXISTS {t} (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    receipt_no TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    received_at TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    {", ".join(columns)}
);
CREATE INDEX IF NOT EXISTS {t}_id_number ON {t} (id_number);
"""
