"""Filed 两项补贴 applications: kept as typed, never de-duplicated (simulators/_filed.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from simulators._filed import FiledApplications
from simulators._storage import Clock
from simulators.disability._form import BUSINESS_TYPE, CARE, FIELD_NAMES, LIVING

RECEIPT_PREFIX = "CJBT"
#: The simulator's own amounts, in yuan a month (illustrative, not any year's 无锡 standard):
#: 困难残疾人生活补贴 is flat; 重度残疾人护理补贴 goes by 残疾等级.
LIVING_AMOUNT = 150
CARE_AMOUNTS = {"1": 200, "2": 150}


def subsidy_amount(row: sqlite3.Row) -> int:
    """What an approved application pays a month: the sum over the subsidies it asked for."""
    chosen = row["subsidy_types"].split(",")
    living = LIVING_AMOUNT if LIVING in chosen else 0
    care = CARE_AMOUNTS.get(row["disability_grade"], 0) if CARE in chosen else 0
    return living + care


class ApplicationStore(FiledApplications):
    def __init__(self, *, db_path: Path, clock: Clock) -> None:
        super().__init__(
            db_path=db_path,
            clock=clock,
            table="applications",
            receipt_prefix=RECEIPT_PREFIX,
            fields=FIELD_NAMES,
            fixed={"business_type": BUSINESS_TYPE},
            monthly_amount=subsidy_amount,
        )
