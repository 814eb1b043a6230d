"""Received applications in SQLite, with the platform's Idempotency-Key semantics.

Only a request carrying Idempotency-Key is de-duplicated: the key is looked up and the record
inserted under one write lock, so two concurrent requests with the same key cannot both file.
Requests that fail validation are never stored and so never claim a key.
"""

from __future__ import annotations

import enum
import hashlib
import json
import sqlite3
from pathlib import Path

from simulators._storage import Clock, connect, ensure_schema, next_receipt_no, write_transaction
from simulators.elderly_api._validation import FIELDS

_TABLE = "allowance_applications"
RECEIPT_PREFIX = "YL"
STATUS_ACCEPTED = "已受理"
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
CREATE INDEX IF NOT EXISTS {_TABLE}_id_number ON {_TABLE} (id_number);
"""
# Every value is text except idempotency_key, which is None when the request carried none.
Record = dict[str, str | None]
_COLUMNS = ("receipt_no", "status", "received_at", "idempotency_key", "request_hash", *FIELDS)


class Outcome(enum.Enum):
    CREATED = "created"
    REPLAYED = "replayed"  # same key, same body: the original answer, nothing new stored
    CONFLICT = "conflict"  # same key, different body


def request_hash(body: dict[str, object]) -> str:
    # Canonical JSON, so key order and whitespace do not make "the same body" different.
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class AllowanceStore:
    def __init__(self, *, db_path: Path, clock: Clock) -> None:
        self._db_path = db_path
        self._clock = clock
        ensure_schema(db_path, _SCHEMA)

    def submit(
        self, fields: dict[str, str], *, body_hash: str, idempotency_key: str | None
    ) -> tuple[Outcome, Record]:
        """File an application unless the idempotency key has been seen; return what happened."""
        with write_transaction(self._db_path) as conn:
            if idempotency_key is not None:
                earlier = conn.execute(
                    f"SELECT * FROM {_TABLE} WHERE idempotency_key = ?", (idempotency_key,)
                ).fetchone()
                if earlier is not None:
                    same = earlier["request_hash"] == body_hash
                    return (Outcome.REPLAYED if same else Outcome.CONFLICT), _public(earlier)
            record = self._insert(conn, fields, body_hash, idempotency_key)
        return Outcome.CREATED, record

    def _insert(
        self,
        conn: sqlite3.Connection,
        fields: dict[str, str],
        body_hash: str,
        idempotency_key: str | None,
    ) -> Record:
        received_at = self._clock()
        receipt_no = next_receipt_no(
            conn, table=_TABLE, prefix=RECEIPT_PREFIX, day=received_at.date()
        )
        values = (receipt_no, STATUS_ACCEPTED, received_at.isoformat(timespec="seconds"))
        row = (*values, idempotency_key, body_hash, *(fields[name] for name in FIELDS))
        placeholders = ", ".join("?" for _ in _COLUMNS)
        conn.execute(f"INSERT INTO {_TABLE} ({', '.join(_COLUMNS)}) VALUES ({placeholders})", row)
        return _public(dict(zip(_COLUMNS, row, strict=True)))

    def by_id_number(self, id_number: str) -> list[Record]:
        with connect(self._db_path) as conn:
            rows = conn.execute(
                f"SELECT * FROM {_TABLE} WHERE id_number = ? ORDER BY id", (id_number,)
            )
            return [_public(row) for row in rows]

    def oldest_first(self) -> list[Record]:
        with connect(self._db_path) as conn:
            return [_public(row) for row in conn.execute(f"SELECT * FROM {_TABLE} ORDER BY id")]


def _public(row: sqlite3.Row | Record) -> Record:
    # The request hash is bookkeeping for idempotency, not something anyone submitted.
    return {column: row[column] for column in _COLUMNS if column != "request_hash"}
