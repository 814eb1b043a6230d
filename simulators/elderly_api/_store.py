"""Received applications in SQLite, with the platform's Idempotency-Key semantics (see
simulators._keyed_store).

An application still awaiting review may be amended (修改) under its receipt number: every field
but the 公民身份号码 and the 津贴类别 (another person or allowance is a new application), counted
in `amendments` and dated by `amended_at`. Once a reviewer has decided, it is final.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from simulators._decisions import DECISION_COLUMNS, STATUS_RECEIVED, Record, record_decision
from simulators._errors import not_found
from simulators._keyed_store import KeyedStore
from simulators._storage import Clock, add_missing_columns, write_transaction
from simulators.elderly_api._errors import not_amendable, unchangeable
from simulators.elderly_api._validation import FIELDS

_TABLE = "allowance_applications"
RECEIPT_PREFIX = "YL"
# Added after the first release: add_missing_columns gives an older file them too. Filing
# leaves the decision columns NULL until a reviewer decides, and the amendment ones at 0, NULL.
_AMENDMENT_COLUMNS = {"amendments": "INTEGER NOT NULL DEFAULT 0", "amended_at": "TEXT"}
_ADDED_COLUMNS = {**DECISION_COLUMNS, **_AMENDMENT_COLUMNS}
# What an amendment may not change: a different person or allowance is a new application.
_FIXED = ("id_number", "allowance_type")


class AllowanceStore(KeyedStore):
    def __init__(self, *, db_path: Path, clock: Clock) -> None:
        super().__init__(
            db_path=db_path,
            clock=clock,
            table=_TABLE,
            fields=FIELDS,
            status=STATUS_RECEIVED,
            receipt_prefix=RECEIPT_PREFIX,
            index=("id_number", ("id_number",)),
            added_columns=_ADDED_COLUMNS,
        )
        add_missing_columns(db_path, table=_TABLE, columns=_ADDED_COLUMNS)

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
        return self._public(updated)

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
        return self._public(row)

    def by_id_number(self, id_number: str) -> list[Record]:
        return self._where("id_number = ?", (id_number,))


def _check_amendable(row: sqlite3.Row | None, fields: dict[str, str]) -> None:
    if row is None:
        raise not_found()
    if row["decided_on"] is not None:
        raise not_amendable()
    for name in _FIXED:
        if fields[name] != row[name]:
            raise unchangeable(name)
