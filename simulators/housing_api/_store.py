"""Received 房屋安全排查登记 records in SQLite, with the platform's Idempotency-Key semantics
(see simulators._keyed_store).

复核 (review) uses the shared decision columns, but a housing record pays nothing: a reviewer
confirms it (已复核) or refuses it (不予批准, with a reason); the amount and start month stay NULL.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from simulators._decisions import (
    DECISION_COLUMNS,
    STATUS_RECEIVED,
    STATUS_REFUSED,
    Record,
    already_decided,
    china_day,
    clean_reason,
)
from simulators._errors import not_found
from simulators._keyed_store import KeyedStore
from simulators._storage import Clock, write_transaction
from simulators.housing_api._validation import FIELDS

STATUS_REVIEWED = "已复核"
RECEIPT_PREFIX = "FWAQ"
_TABLE = "house_inspections"
# What the JSON API calls each decided status.
RESULTS = {STATUS_REVIEWED: "approved", STATUS_REFUSED: "rejected"}


class InspectionStore(KeyedStore):
    def __init__(self, *, db_path: Path, clock: Clock) -> None:
        super().__init__(
            db_path=db_path,
            clock=clock,
            table=_TABLE,
            fields=FIELDS,
            status=STATUS_RECEIVED,
            receipt_prefix=RECEIPT_PREFIX,
            index=("owner", ("owner_id_number",)),
            added_columns=DECISION_COLUMNS,
        )

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
        return self._public(updated)

    def by_owner(self, owner_id_number: str, *, address: str | None) -> list[Record]:
        """Records for one owner's ID number (and house address, when given), oldest first."""
        if address is None:
            return self._where("owner_id_number = ?", (owner_id_number,))
        return self._where("owner_id_number = ? AND address = ?", (owner_id_number, address))


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
