from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from simulators import _decisions, _storage
from simulators._errors import ApiError


@pytest.mark.parametrize(
    ("allowance_type", "amount"), [("80-89", 100), ("90-99", 300), ("100+", 600)]
)
def test_approval_pays_the_amount_for_the_allowance_type(allowance_type: str, amount: int) -> None:
    decision = _decisions.decision_for(
        allowance_type, approved=True, reason=None, day=date(2026, 11, 25)
    )
    assert decision == _decisions.Decision("已批准", amount, "2026-12", "2026-11-25", None)


def test_payment_starts_the_month_after_the_decision_even_across_a_year_end() -> None:
    assert _decisions.month_after(date(2026, 12, 15)) == "2027-01"
    assert _decisions.month_after(date(2026, 12, 31)) == "2027-01"
    assert _decisions.month_after(date(2027, 1, 31)) == "2027-02"


def test_refusal_has_a_reason_and_no_amount_or_start_month() -> None:
    decision = _decisions.decision_for(
        "90-99", approved=False, reason="户籍不在本市", day=date(2026, 12, 15)
    )
    assert decision == _decisions.Decision("不予批准", None, None, "2026-12-15", "户籍不在本市")


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_refusal_without_a_reason_is_refused(reason: str | None) -> None:
    with pytest.raises(ApiError) as refused:
        _decisions.clean_reason(reason, approved=False)
    assert (refused.value.status_code, refused.value.field) == (422, "reason")
    assert refused.value.message == "不予批准须填写理由"


def test_reason_is_trimmed_and_optional_for_an_approval() -> None:
    assert _decisions.clean_reason("  同意  ", approved=True) == "同意"
    assert _decisions.clean_reason(" ", approved=True) is None
    with pytest.raises(ApiError):
        _decisions.clean_reason("理" * 201, approved=True)


def test_decision_day_is_the_calendar_day_in_china() -> None:
    # 20:00 UTC on 30 November is 04:00 on 1 December in China.
    assert _decisions.china_day(datetime(2026, 11, 30, 20, tzinfo=UTC)) == date(2026, 12, 1)
    assert _decisions.china_day(datetime(2026, 11, 30, 23, 59)) == date(2026, 11, 30)


def test_missing_columns_are_added_once_and_rows_kept(tmp_path: Path) -> None:
    db_path = tmp_path / "old.db"
    with _storage.connect(db_path) as conn:
        conn.execute("CREATE TABLE t (receipt_no TEXT NOT NULL)")
        conn.execute("INSERT INTO t VALUES ('R1')")
    for _ in range(2):  # the second start finds nothing to add
        _storage.add_missing_columns(db_path, table="t", columns=_decisions.DECISION_COLUMNS)
    with _storage.connect(db_path) as conn:
        columns = {row["name"]: row["type"] for row in conn.execute("PRAGMA table_info(t)")}
        rows = [dict(row) for row in conn.execute("SELECT * FROM t")]
    assert columns == {"receipt_no": "TEXT", **_decisions.DECISION_COLUMNS}
    assert rows == [{"receipt_no": "R1", **_decisions.UNDECIDED}]
