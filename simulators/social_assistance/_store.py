"""Filed 低保 applications: kept exactly as typed, never de-duplicated (simulators/_filed.py);
an approval pays the 低保 standard minus the family's income, per person."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

from simulators._filed import FiledApplications
from simulators._storage import Clock
from simulators.social_assistance._form import FIELD_NAMES
from simulators.social_assistance._policy import BUSINESS_TYPE, RECEIPT_PREFIX, monthly_amount


class DibaoStore(FiledApplications):
    def __init__(self, *, db_path: Path, clock: Clock) -> None:
        super().__init__(
            db_path=db_path,
            clock=clock,
            table="dibao_applications",
            receipt_prefix=RECEIPT_PREFIX,
            fields=FIELD_NAMES,
            fixed={"business_type": BUSINESS_TYPE},
            monthly_amount=_dibao_amount,
        )


def _dibao_amount(row: sqlite3.Row) -> int:
    # Filing validated both fields, so they parse.
    return monthly_amount(
        household_size=int(row["household_size"]),
        income_per_person=Decimal(row["monthly_income"]),
    )
