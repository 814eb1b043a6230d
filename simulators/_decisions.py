"""审核: a reviewer's decision on a filed application, the same in every simulated system.

An application arrives as 已受理. A reviewer later approves it (已批准, with a monthly amount paid
from the month after the decision) or refuses it (不予批准, with a reason). A decision is final:
deciding the same application again is refused. Only the amount differs by system: 高龄津贴 pays
by 津贴类别 (allowance_amount, the default); each other system passes its own rule.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from simulators._errors import ApiError, invalid, not_found
from simulators._storage import CHINA_TZ, write_transaction

STATUS_RECEIVED = "已受理"
STATUS_APPROVED = "已批准"
STATUS_REFUSED = "不予批准"
# How each decided status is spelt in JSON ("result").
RESULTS = {STATUS_APPROVED: "approved", STATUS_REFUSED: "rejected"}
# 高龄津贴 in yuan per month, by 津贴类别.
MONTHLY_AMOUNTS = {"80-89": 100, "90-99": 300, "100+": 600}
MAX_REASON = 200
# Nullable columns every store carries; NULL until the application is decided.
DECISION_COLUMNS = {
    "monthly_amount": "INTEGER",
    "start_month": "TEXT",
    "decided_on": "TEXT",
    "decision_reason": "TEXT",
}
UNDECIDED: dict[str, None] = dict.fromkeys(DECISION_COLUMNS)

# A stored application: text, except monthly_amount (int) and whatever is not set yet (None).
Record = dict[str, str | int | None]
# What an approved application pays a month, in yuan, read from its stored row.
AmountRule = Callable[[sqlite3.Row], int]


def already_decided() -> ApiError:
    return ApiError(409, "ALREADY_DECIDED", "该申请已审核，不能重复审核")


@dataclass(frozen=True)
class Decision:
    status: str
    monthly_amount: int | None
    start_month: str | None
    decided_on: str
    reason: str | None


def china_day(moment: datetime) -> date:
    """The calendar day in China at that moment; a naive clock is taken to be China time."""
    return moment.astimezone(CHINA_TZ).date() if moment.tzinfo else moment.date()


def month_after(day: date) -> str:
    """The month after day's month, as YYYY-MM: payment starts there."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return f"{year:04d}-{month:02d}"


def clean_reason(reason: str | None, *, approved: bool) -> str | None:
    """The reason trimmed (blank is none); raises ApiError (422) when a refusal has none."""
    text = (reason or "").strip() or None
    if text is None and not approved:
        raise invalid("不予批准须填写理由", "reason")
    if text is not None and len(text) > MAX_REASON:
        raise invalid(f"审核意见不能超过{MAX_REASON}个字", "reason")
    return text


def allowance_amount(row: sqlite3.Row) -> int:
    """高龄津贴: the amount for the application's 津贴类别."""
    return MONTHLY_AMOUNTS[row["allowance_type"]]


def decision_for(allowance_type: str, *, approved: bool, reason: str | None, day: date) -> Decision:
    """What deciding on day means for an application of this 津贴类别 (reason already clean)."""
    return decision_paying(MONTHLY_AMOUNTS[allowance_type] if approved else None, reason, day)


def decision_paying(amount: int | None, reason: str | None, day: date) -> Decision:
    """An approval paying amount a month from the month after day; amount None: a refusal."""
    if amount is None:
        return Decision(STATUS_REFUSED, None, None, day.isoformat(), reason)
    return Decision(STATUS_APPROVED, amount, month_after(day), day.isoformat(), reason)


def record_decision(
    db_path: Path,
    *,
    table: str,
    receipt_no: str,
    approved: bool,
    reason: str | None,
    now: datetime,
    monthly_amount: AmountRule = allowance_amount,
) -> sqlite3.Row:
    """Decide one stored application and return its updated row (every column).

    monthly_amount says what an approval pays. Raises ApiError (404, 409, 422) when it cannot.
    The read and the update share one write lock, so two reviewers cannot both decide the same
    application.
    """
    reason = clean_reason(reason, approved=approved)
    with write_transaction(db_path) as conn:
        # `table` is a constant of the calling module, never user input.
        row = conn.execute(f"SELECT * FROM {table} WHERE receipt_no = ?", (receipt_no,)).fetchone()
        if row is None:
            raise not_found()
        if row["decided_on"] is not None:
            raise already_decided()
        amount = monthly_amount(row) if approved else None
        decision = decision_paying(amount, reason, china_day(now))
        conn.execute(
            f"UPDATE {table} SET status = ?, monthly_amount = ?, start_month = ?,"
            " decided_on = ?, decision_reason = ? WHERE receipt_no = ?",
            (
                decision.status,
                decision.monthly_amount,
                decision.start_month,
                decision.decided_on,
                decision.reason,
                receipt_no,
            ),
        )
        updated: sqlite3.Row = conn.execute(
            f"SELECT * FROM {table} WHERE receipt_no = ?", (receipt_no,)
        ).fetchone()
    return updated


def decision_view(record: Mapping[str, str | int | None]) -> dict[str, str | int | None] | None:
    """The decision as the JSON API shows it; None while the application awaits review."""
    if record["decided_on"] is None:
        return None
    return {
        "result": RESULTS[str(record["status"])],
        "monthly_amount": record["monthly_amount"],
        "start_month": record["start_month"],
        "decided_on": record["decided_on"],
        "reason": record["decision_reason"],
    }
