"""Collected records in SQLite, with the platform's Idempotency-Key semantics.

Only a request carrying Idempotency-Key is de-duplicated: the key is looked up and the record
inserted under one write lock, so two concurrent requests with the same key cannot both file.
Requests that fail validation are never stored and so never claim a key. Nothing else is
de-duplicated: the same person's same business collected twice is two records, which is what
lets tests prove a connector collects each submission exactly once.

Records are collected, not reviewed: each stays 已归集.
"""

from __future__ import annotations

import enum
import hashlib
import json
import sqlite3
from collections.abc import Mapping
from pathlib import Path

from simulators._decisions import Record, china_day
from simulators._storage import Clock, connect, ensure_schema, write_transaction
from simulators.city_data._validation import FIELDS

STATUS_COLLECTED = "已归集"
RECEIPT_PREFIX = "SJGJ"
_TABLE = "collected_records"
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {_TABLE} (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    receipt_no TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    received_at TEXT NOT NULL,
    idempotency_key TEXT UNIQUE,
    request_hash TEXT NOT NULL,
    {", ".join(f"{name} TEXT NOT NULL" for name in FIELDS)}
);
CREATE INDEX IF NOT EXISTS {_TABLE}_person ON {_TABLE} (business_type, id_number);
"""
# What filing writes; every value is text except idempotency_key (None when not sent).
_COLUMNS = ("receipt_no", "status", "received_at", "idempotency_key", "request_hash", *FIELDS)
_PUBLIC = tuple(column for column in _COLUMNS if column != "request_hash")


class Outcome(enum.Enum):
    CREATED = "created"
    REPLAYED = "replayed"  # same key, same body: the original answer, nothing new stored
    CONFLICT = "conflict"  # same key, different body


def request_hash(body: Mapping[str, object]) -> str:
    # Canonical JSON, so key order and whitespace do not make "the same body" different.
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class CollectedStore:
    def __init__(self, *, db_path: Path, clock: Clock) -> None:
        self._db_path = db_path
        self._clock = clock
        ensure_schema(db_path, _SCHEMA)

    def submit(
        self, fields: Mapping[str, str], *, body_hash: str, idempotency_key: str | None
    ) -> tuple[Outcome, Record]:
        """Collect a record unless the idempotency key has been seen; return what happened."""
        with write_transaction(self._db_path) as conn:
            if idempotency_key is not None:
                earlier = conn.execute(
                    f"SELECT * FROM {_TABLE} WHERE idempotency_key = ?", (idempotency_key,)
                ).fetchone()
                if earlier is not None:
                    same = earlier["request_hash"] == body_hash
                    return (Outcome.REPLAYED if same else Outcome.CONFLICT), _public(earlier)
            received_at = self._clock()
            receipt_no = _next_receipt_no(conn, china_day(received_at).year)
            values = (receipt_no, STATUS_COLLECTED, received_at.isoformat(timespec="seconds"))
            row = (*values, idempotency_key, body_hash, *(fields[name] for name in FIELDS))
            placeholders = ", ".join("?" for _ in _COLUMNS)
            query = f"INSERT INTO {_TABLE} ({', '.join(_COLUMNS)}) VALUES ({placeholders})"
            conn.execute(query, row)
        return Outcome.CREATED, _public(dict(zip(_COLUMNS, row, strict=True)))

    def by_receipt(self, receipt_no: str) -> Record | None:
        with connect(self._db_path) as conn:
            query = f"SELECT * FROM {_TABLE} WHERE receipt_no = ?"
            row = conn.execute(query, (receipt_no,)).fetchone()
            return None if row is None else _public(row)

    def by_person(self, business_type: str, id_number: str) -> list[Record]:
        """One person's records of one business, oldest first."""
        query = f"SELECT * FROM {_TABLE} WHERE business_type = ? AND id_number = ? ORDER BY id"
        with connect(self._db_path) as conn:
            return [_public(row) for row in conn.execute(query, (business_type, id_number))]

    def oldest_first(self) -> list[Record]:
        with connect(self._db_path) as conn:
            return [_public(row) for row in conn.execute(f"SELECT * FROM {_TABLE} ORDER BY id")]


def _next_receipt_no(conn: sqlite3.Connection, year: int) -> str:
    """SJGJ-YYYY- and a 6-digit sequence that restarts every year. Call inside the write lock."""
    prefix = f"{RECEIPT_PREFIX}-{year:04d}-"
    row = conn.execute(
        f"SELECT MAX(receipt_no) FROM {_TABLE} WHERE receipt_no LIKE ?", (f"{prefix}%",)
    ).fetchone()
    last = int(row[0][len(prefix) :]) if row[0] else 0
    return f"{prefix}{last + 1:06d}"


def _public(row: sqlite3.Row | Mapping[str, str | None]) -> Record:
    # The request hash is bookkeeping for idempotency, not something anyone submitted.
    return {column: row[column] for column in _PUBLIC}
