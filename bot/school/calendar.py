"""Which days are school days (pure).

A school day is inside the term, a working day by the national calendar
(``chinese-calendar`` knows 调休 make-up days), plus ``extra_school_days``, minus
``extra_holidays``. For a year the package does not know, Monday–Friday stands in and
``incomplete_years`` says so, so the digest can warn that the calendar is a guess.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from functools import lru_cache

import chinese_calendar

from bot.school.config import Term

log = logging.getLogger(__name__)
_warned_years: set[int] = set()


@lru_cache(maxsize=4096)
def national_workday(day: dt.date) -> tuple[bool, bool]:
    """(is a working day, the national calendar knows this year)."""
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:
        if day.year not in _warned_years:
            _warned_years.add(day.year)
            log.warning(
                "chinese-calendar %s 不认识 %s 年的节假日安排，暂按周一至周五上课计算 / "
                "no official holiday calendar for %s: falling back to Monday-Friday",
                getattr(chinese_calendar, "__version__", "?"),
                day.year,
                day.year,
            )
        return day.weekday() < 5, False


class SchoolCalendar:
    def __init__(self, term: Term) -> None:
        self.term = term
        self._holidays = frozenset(term.extra_holidays)
        self._extra = frozenset(term.extra_school_days)

    def in_term(self, day: dt.date) -> bool:
        return self.term.start <= day <= self.term.end

    def is_school_day(self, day: dt.date) -> bool:
        if not self.in_term(day) or day in self._holidays:
            return False
        if day in self._extra:
            return True
        return national_workday(day)[0]

    def is_known(self, day: dt.date) -> bool:
        """False when the day's year is outside what chinese-calendar knows."""
        return national_workday(day)[1]

    def incomplete_years(self, start: dt.date, end: dt.date) -> list[int]:
        return [y for y in range(start.year, end.year + 1) if not self.is_known(dt.date(y, 6, 1))]

    def school_days(self, start: dt.date, end: dt.date) -> Iterator[dt.date]:
        day = start
        while day <= end:
            if self.is_school_day(day):
                yield day
            day += dt.timedelta(days=1)

    def next_school_day(self, day: dt.date, *, include: bool = False) -> dt.date | None:
        day = day if include else day + dt.timedelta(days=1)
        while day <= self.term.end:
            if self.is_school_day(day):
                return day
            day += dt.timedelta(days=1)
        return None

    def previous_school_day(self, day: dt.date, *, include: bool = False) -> dt.date | None:
        day = day if include else day - dt.timedelta(days=1)
        while day >= self.term.start:
            if self.is_school_day(day):
                return day
            day -= dt.timedelta(days=1)
        return None

    def nth_school_day(self, start: dt.date, n: int) -> dt.date:
        """The n-th school day counting ``start`` as the first if it is one (n >= 1).

        Past the term's end it keeps counting on weekdays, so a leave never ends
        "nowhere"; the caller only ever stores the date.
        """
        day, count = start, 0
        while True:
            if self.is_school_day(day) or (day > self.term.end and day.weekday() < 5):
                count += 1
                if count >= n:
                    return day
            day += dt.timedelta(days=1)

    def count_school_days(self, start: dt.date, end: dt.date) -> int:
        return sum(1 for _ in self.school_days(start, end))
