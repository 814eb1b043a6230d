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
from collections.abc import Mapping
from pathlib import Path

from simulators._decisions import (
    DECISION_COLUMNS,
    STATUS_RECEIVED,
    UNDECIDED,
    Record,
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
from simulators.elderly_api._validation import FIELDS

_TABLE = "allowance_applications"
RECEIPT_PREFIX = "YL"
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {_TABLE} (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    receipt_no TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    received_at TEXT NOT NULL,
    idempotency_key TEXT UNIQUE,
    request_hash TEXT NOT NULL,
    {", ".join(f"{name} TEXT NOT NULL" for name in FIELDS)},
    {", ".join(f"{name} {sql_type}" for name, sql_type in DECISION_COLUMNS.items())}
);
CREATE INDEX IF NOT EXISTS {_TABLE}_id_number ON {_TABLE} (id_number);
"""
# What filing writes; the decision columns stay NULL until a reviewer decides. Besides those,
# every value is text except idempotency_key, which is None when the request carried none.
_COLUMNS = ("receipt_no", "status", "received_at", "idempotency_key", "request_hash", *FIELDS)
_PUBLIC = (*(column for column in _COLUMNS if column != "request_hash"), *DECISION_COLUMNS)


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
        add_missing_columns(db_path, table=_TABLE, columns=DECISION_COLUMNS)

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
        values = (receipt_no, STATUS_RECEIVED, received_at.isoformat(timespec="seconds"))
        row = (*values, idempotency_key, body_hash, *(fields[name] for name in FIELDS))
        placeholders = ", ".join("?" for _ in _COLUMNS)
        conn.execute(f"INSERT INTO {_TABLE} ({', '.join(_COLUMNS)}) VALUES ({placeholders})", row)
        return _public({**dict(zip(_COLUMNS, row, strict=True)), **UNDECIDED})

    def decide(self, receipt_no: str, *, approved: bool, reason: str | None) -> Record:
        """审核: approve or refuse one application; raises ApiError when it cannot."""
        row = record_decision(
            self._db_path,
            table=_TABLE,
            receipt_no=receipt_no,
            approved=approved,
            reason=reason,
            now=self._clock(),
        )
        return _public(row)

    def by_receipt(self, receipt_no: str) -> Record | None:
        with connect(self._db_path) as conn:
            query = f"SELECT * FROM {_TABLE} WHERE receipt_no = ?"
            row = conn.execute(query, (receipt_no,)).fetchone()
            return None if row is None else _public(row)

    def by_id_number(self, id_number: str) -> list[Record]:
        with connect(self._db_path) as conn:
            rows = conn.execute(
                f"SELECT * FROM {_TABLE} WHERE id_number = ? ORDER BY id", (id_number,)
            )
            return [_public(row) for row in rows]

    def oldest_first(self) -> list[Record]:
        with connect(self._db_path) as conn:
            return [_public(row) for row in conn.execute(f"SELECT * FROM {_TABLE} ORDER BY id")]


def _public(row: sqlite3.Row | Mapping[str, str | int | None]) -> Record:
    # The request hash is bookkeeping for idempotency, not something anyone submitted.
    return {column: row[column] for column in _PUBLIC}
