"""Received 房屋安全排查登记 records in SQLite, with the platform's Idempotency-Key semantics.

Only a request carrying Idempotency-Key is de-duplicated: the key is looked up and the record
inserted under one write lock, so two concurrent requests with the same key cannot both file.
Requests that fail validation are never stored and so never claim a key.

复核 (review) uses the shared decision columns, but a housing record pays nothing: a reviewer
confirms it (已复核) or refuses it (不予批准, with a reason); the amount and start month stay NULL.
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
    STATUS_REFUSED,
    UNDECIDED,
    Record,
    already_decided,
    china_day,
    clean_reason,
)
from simulators._errors import not_found
from simulators._storage import Clock, connect, ensure_schema, next_receipt_no, write_transaction
from simulators.housing_api._validation import FIELDS

STATUS_REVIEWED = "已复核"
RECEIPT_PREFIX = "FWAQ"
_TABLE = "house_inspections"
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
CREATE INDEX IF NOT EXISTS {_TABLE}_owner ON {_TABLE} (owner_id_number);
"""
# What filing writes; every value is text except idempotency_key (None when not sent).
_COLUMNS = ("receipt_no", "status", "received_at", "idempotency_key", "request_hash", *FIELDS)
_PUBLIC = (*(column for column in _COLUMNS if column != "request_hash"), *DECISION_COLUMNS)
# What the JSON API calls each decided status.
RESULTS = {STATUS_REVIEWED: "approved", STATUS_REFUSED: "rejected"}


class Outcome(enum.Enum):
    CREATED = "created"
    REPLAYED = "replayed"  # same key, same body: the original answer, nothing new stored
    CONFLICT = "conflict"  # same key, different body


def request_hash(body: Mapping[str, object]) -> str:
    # Canonical JSON, so key order and whitespace do not make "the same body" different.
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class InspectionStore:
    def __init__(self, *, db_path: Path, clock: Clock) -> None:
        self._db_path = db_path
        self._clock = clock
        ensure_schema(db_path, _SCHEMA)

    def submit(
        self, fields: Mapping[str, str], *, body_hash: str, idempotency_key: str | None
    ) -> tuple[Outcome, Record]:
        """File a record unless the idempotency key has been seen; return what happened."""
        with write_transaction(self._db_path) as conn:
            if idempotency_key is not None:
                earlier = conn.execute(
                    f"SELECT * FROM {_TABLE} WHERE idempotency_key = ?", (idempotency_key,)
                ).fetchone()
                if earlier is not None:
                    same = earlier["request_hash"] == body_hash
                    return (Outcome.REPLAYED if same else Outcome.CONFLICT), _public(earlier)
            received_at = self._clock()
            receipt_no = next_receipt_no(
                conn, table=_TABLE, prefix=RECEIPT_PREFIX, day=received_at.date()
            )
            values = (receipt_no, STATUS_RECEIVED, received_at.isoformat(timespec="seconds"))
            row = (*values, idempotency_key, body_hash, *(fields[name] for name in FIELDS))
            placeholders = ", ".join("?" for _ in _COLUMNS)
            query = f"INSERT INTO {_TABLE} ({', '.join(_COLUMNS)}) VALUES ({placeholders})"
            conn.execute(query, row)
        return Outcome.CREATED, _public({**dict(zip(_COLUMNS, row, strict=True)), **UNDECIDED})

    def decide(self, receipt_no: str, *, approved: bool, reason: str | None) -> Record:
        """复核: confirm or refuse one record; raises ApiError (404, 409, 422) when it cannot."""
        reason = clean_reason(reason, approved=approved)
        status = STATUS_REVIEWED if approved else STATUS_REFUSED
        decided_on = china_day(self._clock()).isoformat()
        # The read and the update share one write lock: two reviewers cannot both decide.
        with write_transaction(self._db_path) as conn:
            row = conn.execute(
                f"SELECT decided_on FROM {_TABLE} WHERE receipt_no = ?", (receipt_no,)
            ).fetchone()
            if row is None:
                raise not_found()
            if row["decided_on"] is not None:
                raise already_decided()
            conn.execute(
                f"UPDATE {_TABLE} SET status = ?, decided_on = ?, decision_reason = ?"
                " WHERE receipt_no = ?",
                (status, decided_on, reason, receipt_no),
            )
            updated = conn.execute(
                f"SELECT * FROM {_TABLE} WHERE receipt_no = ?", (receipt_no,)
            ).fetchone()
        return _public(updated)

    def by_receipt(self, receipt_no: str) -> Record | None:
        with connect(self._db_path) as conn:
            query = f"SELECT * FROM {_TABLE} WHERE receipt_no = ?"
            row = conn.execute(query, (receipt_no,)).fetchone()
            return None if row is None else _public(row)

    def by_owner(self, owner_id_number: str, *, address: str | None) -> list[Record]:
        """Records for one owner's ID number (and house address, when given), oldest first."""
        query = f"SELECT * FROM {_TABLE} WHERE owner_id_number = ?"
        params = [owner_id_number]
        if address is not None:
            query, params = f"{query} AND address = ?", [*params, address]
        with connect(self._db_path) as conn:
            return [_public(row) for row in conn.execute(f"{query} ORDER BY id", params)]

    def oldest_first(self) -> list[Record]:
        with connect(self._db_path) as conn:
            return [_public(row) for row in conn.execute(f"SELECT * FROM {_TABLE} ORDER BY id")]


def decision_view(record: Mapping[str, str | int | None]) -> dict[str, str | int | None] | None:
    """The 复核 decision as the JSON API shows it (the other platforms' shape, amounts null)."""
    if record["decided_on"] is None:
        return None
    return {
        "result": RESULTS[str(record["status"])],
        "monthly_amount": None,
        "start_month": None,
        "decided_on": record["decided_on"],
        "reason": record["decision_reason"],
    }


def _public(row: sqlite3.Row | Mapping[str, str | int | None]) -> Record:
    # The request hash is bookkeeping for idempotency, not something anyone submitted.
    return {column: row[column] for column in _PUBLIC}
