"""Records received through a JSON API in SQLite, with the platforms' Idempotency-Key semantics.

Only a request carrying Idempotency-Key is de-duplicated: the key is looked up and the record
inserted under one write lock, so two concurrent requests with the same key cannot both file.
Requests that fail validation are never stored and so never claim a key. Nothing else is
de-duplicated: the same body sent twice without a key is two records, which is what lets tests
prove a connector files each submission exactly once.

Each platform names its table, fields, receipt numbers and look-up index, and may add columns
of its own (a decision, amendments) that filing leaves at their defaults.
"""

from __future__ import annotations

import enum
import hashlib
import json
import sqlite3
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from simulators._decisions import Record
from simulators._storage import Clock, connect, ensure_schema, next_receipt_no, write_transaction


class Outcome(enum.Enum):
    CREATED = "created"
    REPLAYED = "replayed"  # same key, same body: the original answer, nothing new stored
    CONFLICT = "conflict"  # same key, different body


def request_hash(body: Mapping[str, object]) -> str:
    # Canonical JSON, so key order and whitespace do not make "the same body" different.
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class KeyedStore:
    def __init__(
        self,
        *,
        db_path: Path,
        clock: Clock,
        table: str,
        fields: Sequence[str],
        status: str,
        receipt_prefix: str,
        index: tuple[str, Sequence[str]],
        added_columns: Mapping[str, str] | None = None,
    ) -> None:
        """index: the look-up index's name suffix and columns; added_columns: name -> SQL type
        (with its default) of columns filing does not write."""
        self._db_path = db_path
        self._clock = clock
        self._table = table
        self._fields = tuple(fields)
        self._status = status
        self._prefix = receipt_prefix
        self._added = dict(added_columns or {})
        # What filing writes; every value is text except idempotency_key (None when not sent).
        keyed = ("receipt_no", "status", "received_at", "idempotency_key", "request_hash")
        self._columns: tuple[str, ...] = (*keyed, *self._fields)
        # The request hash is bookkeeping for idempotency, not something anyone submitted.
        self._shown = (*(c for c in self._columns if c != "request_hash"), *self._added)
        ensure_schema(db_path, self._schema(index))

    def submit(
        self, fields: Mapping[str, str], *, body_hash: str, idempotency_key: str | None
    ) -> tuple[Outcome, Record]:
        """File a record unless the idempotency key has been seen; return what happened."""
        with write_transaction(self._db_path) as conn:
            if idempotency_key is not None:
                earlier = conn.execute(
                    f"SELECT * FROM {self._table} WHERE idempotency_key = ?", (idempotency_key,)
                ).fetchone()
                if earlier is not None:
                    same = earlier["request_hash"] == body_hash
                    return (Outcome.REPLAYED if same else Outcome.CONFLICT), self._public(earlier)
            received_at = self._clock()
            receipt_no = self._next_receipt_no(conn, received_at)
            values = (receipt_no, self._status, received_at.isoformat(timespec="seconds"))
            row = (*values, idempotency_key, body_hash, *(fields[name] for name in self._fields))
            placeholders = ", ".join("?" for _ in self._columns)
            columns = ", ".join(self._columns)
            conn.execute(f"INSERT INTO {self._table} ({columns}) VALUES ({placeholders})", row)
            filed = self._row(conn, receipt_no)
        assert filed is not None  # inserted under this very lock
        return Outcome.CREATED, filed

    def by_receipt(self, receipt_no: str) -> Record | None:
        with connect(self._db_path) as conn:
            return self._row(conn, receipt_no)

    def oldest_first(self) -> list[Record]:
        return self._where(None, ())

    def _where(self, condition: str | None, params: Sequence[str]) -> list[Record]:
        """The records matching an SQL condition (a constant of the caller), oldest first."""
        where = "" if condition is None else f" WHERE {condition}"
        query = f"SELECT * FROM {self._table}{where} ORDER BY id"
        with connect(self._db_path) as conn:
            return [self._public(row) for row in conn.execute(query, params)]

    def _row(self, conn: sqlite3.Connection, receipt_no: str) -> Record | None:
        query = f"SELECT * FROM {self._table} WHERE receipt_no = ?"
        row = conn.execute(query, (receipt_no,)).fetchone()
        return None if row is None else self._public(row)

    def _next_receipt_no(self, conn: sqlite3.Connection, received_at: datetime) -> str:
        """prefix + YYYYMMDD + a daily sequence; a platform numbering otherwise overrides it."""
        return next_receipt_no(conn, table=self._table, prefix=self._prefix, day=received_at.date())

    def _public(self, row: sqlite3.Row) -> Record:
        return {column: row[column] for column in self._shown}

    def _schema(self, index: tuple[str, Sequence[str]]) -> str:
        t, (index_name, index_columns) = self._table, index
        columns = [f"{name} TEXT NOT NULL" for name in self._fields]
        columns += [f"{name} {sql_type}" for name, sql_type in self._added.items()]
        return f"""
CREATE TABLE IF NOT EXISTS {t} (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    receipt_no TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    received_at TEXT NOT NULL,
    idempotency_key TEXT UNIQUE,
    request_hash TEXT NOT NULL,
    {", ".join(columns)}
);
CREATE INDEX IF NOT EXISTS {t}_{index_name} ON {t} ({", ".join(index_columns)});
"""
