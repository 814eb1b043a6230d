"""SQLite plumbing and receipt numbers shared by the simulators.

A connection per operation keeps threads apart (FastAPI runs sync work on a thread pool), and
writes take SQLite's write lock up front (BEGIN IMMEDIATE) so that reading the day's last
receipt number and inserting the next one cannot interleave, even across processes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing, contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

# China has had one time zone and no daylight saving since 1991; a fixed offset needs no tzdata.
CHINA_TZ = timezone(timedelta(hours=8), "CST")

Clock = Callable[[], datetime]


def china_now() -> datetime:
    return datetime.now(CHINA_TZ)


@contextmanager
def connect(db_path: Path) -> Iterator[sqlite3.Connection]:
    # isolation_level=None: no implicit transactions; writers open theirs explicitly below.
    with closing(sqlite3.connect(db_path, isolation_level=None, timeout=10.0)) as conn:
        conn.row_factory = sqlite3.Row
        yield conn


@contextmanager
def write_transaction(db_path: Path) -> Iterator[sqlite3.Connection]:
    with connect(db_path) as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def ensure_schema(db_path: Path, ddl: str) -> None:
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with connect(db_path) as conn:
        conn.executescript(ddl)


def add_missing_columns(db_path: Path, *, table: str, columns: Mapping[str, str]) -> None:
    """Upgrade a file made by an older version: add each column (name: SQL type) it lacks.

    Under the write lock, so two processes starting on one file cannot both add a column.
    """
    with write_transaction(db_path) as conn:
        # `table` and `columns` are constants of the calling module, never user input.
        present = {row["name"] for row in conn.execute(f"PRAGMA table_info({table})")}
        for name, sql_type in columns.items():
            if name not in present:
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {sql_type}")


def next_receipt_no(conn: sqlite3.Connection, *, table: str, prefix: str, day: date) -> str:
    """prefix + YYYYMMDD + a 6-digit sequence that restarts every day. Call inside a write lock."""
    day_prefix = f"{prefix}{day:%Y%m%d}"
    # `table` is a constant of the calling module, never user input.
    row = conn.execute(
        f"SELECT MAX(receipt_no) FROM {table} WHERE receipt_no LIKE ?", (f"{day_prefix}%",)
    ).fetchone()
    last = int(row[0][len(day_prefix) :]) if row[0] else 0
    return f"{day_prefix}{last + 1:06d}"
