"""Received applications in SQLite, with the platform's Idempotency-Key semantics.

Only a request carrying Idempotency-Key is de-duplicated: the key is looked up and the record
inserted under one write lock, so two concurrent requests with the same key cannot both file.
Requests that fail validation are never stored and so never claim a key.

An application still awaiting review may be amended (修改) under its receipt number: every field
but the 公民身份号码 and the 津贴类别 (another person or allowance is a new application), counted
in `amendments` and dated by `amended_at`. Once a reviewer has decided, it is final.
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
from simulators.elderly_api._errors import not_amendable, not_found, unchangeable
from simulators.elderly_api._validation import FIELDS

_TABLE = "allowance_applications"
RECEIPT_PREFIX = "YL"
# Added after the first release: add_missing_columns gives an older file them too.
_AMENDMENT_COLUMNS = {"amendments": "INTEGER NOT NULL DEFAULT 0", "amended_at": "TEXT"}
_ADDED_COLUMNS = {**DECISION_COLUMNS, **_AMENDMENT_COLUMNS}
# What an amendment may not change: a different person or allowance is a new application.
_FIXED = ("id_number", "allowance_type")
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {_TABLE} (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    receipt_no TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    received_at TEXT NOT NULL,
    idempotency_key TEXT UNIQUE,
    request_hash TEXT NOT NULL,
    {", ".join(f"{name} TEXT NOT NULL" for name in FIELDS)},
    {", ".join(f"{name} {sql_type}" for name, sql_type in _ADDED_COLUMNS.items())}
);
CREATE INDEX IF NOT EXISTS {_TABLE}_id_number ON {_TABLE} (id_number);
"""
# What filing writes; the decision columns stay NULL until a reviewer decides, and the
# amendment columns at 0 and NULL. Besides those, every value is text except idempotency_key,
# which is None when the request carried none.
_COLUMNS = ("receipt_no", "status", "received_at", "idempotency_key", "request_hash", *FIELDS)
_PUBLIC = (*(column for column in _COLUMNS if column != "request_hash"), *_ADDED_COLUMNS)
_UNAMENDED: Record = {"amendments": 0, "amended_at": None}


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
        add_missing_columns(db_path, table=_TABLE, columns=_ADDED_COLUMNS)

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
        return _public({**dict(zip(_COLUMNS, row, strict=True)), **UNDECIDED, **_UNAMENDED})

    def amend(self, receipt_no: str, fields: dict[str, str]) -> Record:
        """修改: replace a filed application's fields; raises ApiError (404, 422) when it cannot.

        Every accepted amendment counts, even one that changes nothing. The request hash stays
        the original POST's, so a late retry of that POST is still answered as a replay.
        """
        with write_transaction(self._db_path) as conn:
            # One write lock around the read and the update: a reviewer deciding at the same
            # moment comes either before (and the amendment is refused) or after.
            row = conn.execute(
                f"SELECT * FROM {_TABLE} WHERE receipt_no = ?", (receipt_no,)
            ).fetchone()
            _check_amendable(row, fields)
            assignments = ", ".join(f"{name} = ?" for name in FIELDS)
            now = self._clock().isoformat(timespec="seconds")
            conn.execute(
                f"UPDATE {_TABLE} SET {assignments}, amendments = amendments + 1,"
                " amended_at = ? WHERE receipt_no = ?",
                (*(fields[name] for name in FIELDS), now, receipt_no),
            )
            updated = conn.execute(
                f"SELECT * FROM {_TABLE} WHERE receipt_no = ?", (receipt_no,)
            ).fetchone()
        return _public(updated)

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


def _check_amendable(row: sqlite3.Row | None, fields: dict[str, str]) -> None:
    if row is None:
        raise not_found()
    if row["decided_on"] is not None:
        raise not_amendable()
    for name in _FIXED:
        if fields[name] != row[name]:
            raise unchangeable(name)


def _public(row: sqlite3.Row | Mapping[str, str | int | None]) -> Record:
    # The request hash is bookkeeping for idempotency, not something anyone submitted.
    return {column: row[column] for column in _PUBLIC}
