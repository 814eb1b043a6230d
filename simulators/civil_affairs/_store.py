"""Filed applications in SQLite. Deliberately no de-duplication: like the real legacy system, it
files whatever it is sent, twice if sent twice; the hub's tests rely on seeing that."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from simulators._storage import Clock, connect, ensure_schema, next_receipt_no, write_transaction
from simulators.civil_affairs._form import FIELD_NAMES

_TABLE = "applications"
RECEIPT_PREFIX = "MZGL"
STATUS_ACCEPTED = "已受理"
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {_TABLE} (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    receipt_no TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    received_at TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    {", ".join(f"{name} TEXT NOT NULL" for name in FIELD_NAMES)}
);
CREATE INDEX IF NOT EXISTS {_TABLE}_id_number ON {_TABLE} (id_number);
"""
_COLUMNS = ("receipt_no", "status", "received_at", "submitted_by", *FIELD_NAMES)
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM {_TABLE}"


class ApplicationStore:
    def __init__(self, *, db_path: Path, clock: Clock) -> None:
        self._db_path = db_path
        self._clock = clock
        ensure_schema(db_path, _SCHEMA)

    def file(self, values: Mapping[str, str], *, submitted_by: str) -> dict[str, str]:
        """Store one application exactly as typed and return the stored record."""
        received_at = self._clock()
        with write_transaction(self._db_path) as conn:
            receipt_no = next_receipt_no(
                conn, table=_TABLE, prefix=RECEIPT_PREFIX, day=received_at.date()
            )
            record = {
                "receipt_no": receipt_no,
                "status": STATUS_ACCEPTED,
                "received_at": received_at.isoformat(timespec="seconds"),
                "submitted_by": submitted_by,
                **{name: values[name] for name in FIELD_NAMES},
            }
            placeholders = ", ".join("?" for _ in _COLUMNS)
            conn.execute(
                f"INSERT INTO {_TABLE} ({', '.join(_COLUMNS)}) VALUES ({placeholders})",
                [record[column] for column in _COLUMNS],
            )
        return record

    def by_id_number(self, id_number: str) -> list[dict[str, str]]:
        with connect(self._db_path) as conn:
            rows = conn.execute(f"{_SELECT} WHERE id_number = ? ORDER BY id", (id_number,))
            return [dict(row) for row in rows]

    def newest_first(self) -> list[dict[str, str]]:
        with connect(self._db_path) as conn:
            return [dict(row) for row in conn.execute(f"{_SELECT} ORDER BY id DESC")]
