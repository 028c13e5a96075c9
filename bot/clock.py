"""The only place that reads the wall clock.

Everything else takes a ``Clock`` so the same code runs live under APScheduler and
fast-forward in ``schoolbot simulate`` and in tests.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    tz: ZoneInfo

    def now(self) -> dt.datetime: ...

    def today(self) -> dt.date: ...


class RealClock:
    def __init__(self, tz: str | ZoneInfo = "Asia/Shanghai") -> None:
        self.tz = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)

    def now(self) -> dt.datetime:
        return dt.datetime.now(self.tz)

    def today(self) -> dt.date:
        return self.now().date()


class VirtualClock:
    """A clock that only moves when told to."""

    def __init__(self, start: dt.datetime, tz: str | ZoneInfo = "Asia/Shanghai") -> None:
        self.tz = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
        if start.tzinfo is None:
            start = start.replace(tzinfo=self.tz)
        self._now = start.astimezone(self.tz)

    def now(self) -> dt.datetime:
        return self._now

    def today(self) -> dt.date:
        return self._now.date()

    def set(self, when: dt.datetime) -> None:
        if when.tzinfo is None:
            when = when.replace(tzinfo=self.tz)
        when = when.astimezone(self.tz)
        if when < self._now:
            raise ValueError(f"virtual clock cannot go back: {when} < {self._now}")
        self._now = when

    def advance(self, delta: dt.timedelta) -> None:
        self.set(self._now + delta)


class OffsetClock:
    """Real time, shifted so that it starts at ``start`` (trials and end-to-end tests)."""

    def __init__(self, start: dt.datetime, tz: str | ZoneInfo = "Asia/Shanghai") -> None:
        self.tz = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
        if start.tzinfo is None:
            start = start.replace(tzinfo=self.tz)
        self._offset = start - dt.datetime.now(dt.UTC)

    def now(self) -> dt.datetime:
        return (dt.datetime.now(dt.UTC) + self._offset).astimezone(self.tz)

    def today(self) -> dt.date:
        return self.now().date()
