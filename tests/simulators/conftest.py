"""A settable clock for the simulators, so receipt numbers and timestamps are predictable."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest

CHINA = timezone(timedelta(hours=8))


class _SettableClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, now: datetime) -> None:
        self.now = now


@pytest.fixture
def _settable_clock() -> _SettableClock:
    return _SettableClock(datetime(2026, 11, 25, 9, 30, tzinfo=CHINA))


@pytest.fixture
def clock(_settable_clock: _SettableClock) -> Callable[[], datetime]:
    """Reads 2026-11-25 09:30 China time until set_clock moves it."""
    return _settable_clock


@pytest.fixture
def set_clock(_settable_clock: _SettableClock) -> Callable[[datetime], None]:
    return _settable_clock.set
