"""The hub's idea of "today": China has one time zone and no daylight saving, so every date a
worker sees or enters is a Beijing date, whatever zone the server runs in."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")


def beijing_today() -> date:
    return datetime.now(BEIJING).date()
