"""Consecutive unexcused school days (pure).

The streak of a student on a day is the number of consecutive school days, ending on
that day (or the last school day before it), on which the student was ``unexcused``;
weekends and holidays inside it neither break nor count. Computed for a whole county
in one pass over the absence rows: cost grows with the days absent, not with
students × days.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bot.school.calendar import SchoolCalendar
from storage.enums import AbsenceKind


@dataclass(frozen=True)
class Span:
    """One active absence row. ``order`` breaks overlaps: the later report wins."""

    student_id: str
    kind: str
    start: dt.date
    end: dt.date | None  # None: open, counts every school day up to the day asked
    order: int = 0


@dataclass(frozen=True)
class Streak:
    student_id: str
    days: int  # consecutive unexcused school days
    since: dt.date  # first day of the run
    last: dt.date  # the school day the streak is measured at


class SchoolDayIndex:
    """School days of a range as a sorted list, for O(log n) positions."""

    def __init__(self, calendar: SchoolCalendar, start: dt.date, end: dt.date) -> None:
        self.days = list(calendar.school_days(start, end))

    def position(self, day: dt.date) -> int:
        """Index of the last school day <= day, or -1."""
        return bisect.bisect_right(self.days, day) - 1

    def first_at_or_after(self, day: dt.date) -> int:
        return bisect.bisect_left(self.days, day)


def kinds_by_day(spans: Iterable[Span], index: SchoolDayIndex, upto: int) -> dict[str, dict[int, str]]:
    """student → {school-day position: kind}, later reports overriding earlier ones."""
    out: dict[str, dict[int, str]] = defaultdict(dict)
    for span in sorted(spans, key=lambda s: s.order):
        lo = index.first_at_or_after(span.start)
        hi = upto if span.end is None else min(upto, index.position(span.end))
        days = out[span.student_id]
        for i in range(lo, hi + 1):
            days[i] = span.kind
    return out


def streaks(spans: Iterable[Span], calendar: SchoolCalendar, day: dt.date) -> dict[str, Streak]:
    """Students whose streak on ``day`` is at least 1, with its length and start."""
    spans = list(spans)
    if not spans:
        return {}
    first = min(s.start for s in spans)
    index = SchoolDayIndex(calendar, min(first, day), day)
    upto = index.position(day)
    if upto < 0:
        return {}
    result: dict[str, Streak] = {}
    for student, days in kinds_by_day(spans, index, upto).items():
        if days.get(upto) != AbsenceKind.UNEXCUSED:
            continue
        i = upto
        while i - 1 >= 0 and days.get(i - 1) == AbsenceKind.UNEXCUSED:
            i -= 1
        result[student] = Streak(student, upto - i + 1, index.days[i], index.days[upto])
    return result


def absent_on(spans: Iterable[Span], day: dt.date) -> dict[str, str]:
    """student → kind for everyone absent on ``day`` (the latest report wins)."""
    out: dict[str, tuple[int, str]] = {}
    for s in spans:
        if s.start <= day and (s.end is None or s.end >= day):
            if s.student_id not in out or out[s.student_id][0] < s.order:
                out[s.student_id] = (s.order, s.kind)
    return {k: v[1] for k, v in out.items()}
