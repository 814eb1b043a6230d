"""Filed 高龄津贴 applications: kept as typed, never de-duplicated (simulators/_filed.py)."""

from __future__ import annotations

from pathlib import Path

from simulators._filed import FiledApplications
from simulators._storage import Clock
from simulators.civil_affairs._form import FIELD_NAMES

RECEIPT_PREFIX = "MZGL"


class ApplicationStore(FiledApplications):
    def __init__(self, *, db_path: Path, clock: Clock) -> None:
        super().__init__(
            db_path=db_path,
            clock=clock,
            table="applications",
            receipt_prefix=RECEIPT_PREFIX,
            fields=FIELD_NAMES,
        )
