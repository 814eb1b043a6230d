"""Collected records in SQLite, with the platform's Idempotency-Key semantics (see
simulators._keyed_store). Records are collected, not reviewed: each stays 已归集.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from simulators._decisions import Record, china_day
from simulators._keyed_store import KeyedStore
from simulators._storage import Clock
from simulators.city_data._validation import FIELDS

STATUS_COLLECTED = "已归集"
RECEIPT_PREFIX = "SJGJ"
_TABLE = "collected_records"


class CollectedStore(KeyedStore):
    def __init__(self, *, db_path: Path, clock: Clock) -> None:
        super().__init__(
            db_path=db_path,
            clock=clock,
            table=_TABLE,
            fields=FIELDS,
            status=STATUS_COLLECTED,
            receipt_prefix=RECEIPT_PREFIX,
            index=("person", ("business_type", "id_number")),
        )

    def by_person(self, business_type: str, id_number: str) -> list[Record]:
        """One person's records of one business, oldest first."""
        return self._where("business_type = ? AND id_number = ?", (business_type, id_number))

    def _next_receipt_no(self, conn: sqlite3.Connection, received_at: datetime) -> str:
        """SJGJ-YYYY- and a 6-digit sequence that restarts every year; inside the write lock."""
        prefix = f"{RECEIPT_PREFIX}-{china_day(received_at).year:04d}-"
        row = conn.execute(
            f"SELECT MAX(receipt_no) FROM {_TABLE} WHERE receipt_no LIKE ?", (f"{prefix}%",)
        ).fetchone()
        last = int(row[0][len(prefix) :]) if row[0] else 0
        return f"{prefix}{last + 1:06d}"
