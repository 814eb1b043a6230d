"""A target's office hours (China time), as pure functions a workflow can call deterministically."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone

from pydantic import BaseModel

BEIJING = timezone(timedelta(hours=8))  # China has one time zone and no daylight saving
_WEEKDAYS = "一二三四五六日"


class OfficeHours(BaseModel):
    days: list[int]  # ISO weekdays, 1 = Monday
    start: str  # HH:MM, China time
    end: str

    def opens_at(self, now: datetime) -> datetime | None:
        """None if the target is open at `now` (aware); else when it next opens (aware, UTC)."""
        local = now.astimezone(BEIJING)
        start, end = _hm(self.start), _hm(self.end)
        if local.isoweekday() in self.days and start <= local.time() < end:
            return None
        for ahead in range(8):
            day = local.date() + timedelta(days=ahead)
            opening = datetime.combine(day, start, tzinfo=BEIJING)
            if day.isoweekday() in self.days and opening > local:
                return opening.astimezone(UTC)
        raise ValueError(f"office hours open on no day: {self.days}")

    def describe(self) -> str:
        """工作日 08:30–17:30, or 周一、周三 09:00–12:00."""
        days = sorted(set(self.days))
        if days == [1, 2, 3, 4, 5]:
            named = "工作日"
        elif days == list(range(1, 8)):
            named = "每天"
        else:
            named = "、".join(f"周{_WEEKDAYS[d - 1]}" for d in days)
        return f"{named} {self.start}–{self.end}"


def _hm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))
