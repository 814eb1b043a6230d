"""Collected records: kept as typed, never de-duplicated (simulators/_filed.py).

Information collection pays nothing, so review here differs from the allowance systems: a
reviewer marks a record 审核通过 (no amount, no start month) or 审核不通过 (with a reason).
"""

from __future__ import annotations

from pathlib import Path

from simulators._decisions import Record, already_decided, china_day, clean_reason
from simulators._errors import not_found
from simulators._filed import FiledApplications
from simulators._storage import Clock, write_transaction
from simulators.veterans._form import BUSINESS_TYPE, FIELD_NAMES, RECEIPT_PREFIX

TABLE = "veterans_records"
STATUS_PASSED = "审核通过"
STATUS_FAILED = "审核不通过"


def _no_amount(row: object) -> int:
    raise AssertionError("veterans records are decided by VeteransStore.decide, without amounts")


class VeteransStore(FiledApplications):
    def __init__(self, *, db_path: Path, clock: Clock) -> None:
        super().__init__(
            db_path=db_path,
            clock=clock,
            table=TABLE,
            receipt_prefix=RECEIPT_PREFIX,
            fields=FIELD_NAMES,
            fixed={"business_type": BUSINESS_TYPE},
            monthly_amount=_no_amount,
        )
        self._db = db_path
        self._now = clock

    def decide(self, receipt_no: str, *, approved: bool, reason: str | None) -> Record:
        """审核通过 or 审核不通过; raises ApiError (404, 409, 422) when it cannot.

        The read and the update share one write lock, so two reviewers cannot both decide.
        """
        reason = clean_reason(reason, approved=approved)
        day = china_day(self._now()).isoformat()
        with write_transaction(self._db) as conn:
            row = conn.execute(
                f"SELECT decided_on FROM {TABLE} WHERE receipt_no = ?", (receipt_no,)
            ).fetchone()
            if row is None:
                raise not_found()
            if row["decided_on"] is not None:
                raise already_decided()
            conn.execute(
                f"UPDATE {TABLE} SET status = ?, decided_on = ?, decision_reason = ?"
                " WHERE receipt_no = ?",
                (STATUS_PASSED if approved else STATUS_FAILED, day, reason, receipt_no),
            )
        decided = self.by_receipt(receipt_no)
        assert decided is not None  # records are never deleted
        return decided
