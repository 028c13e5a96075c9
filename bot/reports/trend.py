"""The term's attendance day by day, per class, for the web page's 趋势 and the weekly chart.

Absences are read once for the term (``ledger.spans``) and laid over its school days once
(``streak.kinds_by_day``), as the 台账 export does, so a term costs the days absent, not
students × days. The roll is today's: a child who left mid-term drops out of earlier days
too (the 台账 keeps the exact history).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from bot.attendance import ledger
from bot.attendance.streak import SchoolDayIndex, kinds_by_day
from bot.reports.digest import KIND_ORDER
from bot.reports.overview import on_roll_by_class, rate
from bot.school.context import SchoolContext
from storage.models import Student


@dataclass(frozen=True)
class Series:
    """One line of the chart: a class, or the whole school."""

    name: str
    enrolled: int
    absent: list[Counter[str]]  # per day of ``Trend.days``: kind → students away

    @property
    def rates(self) -> list[float | None]:
        return [rate(self.enrolled, sum(c.values())) for c in self.absent]

    def total(self, kind: str) -> list[int]:
        return [c.get(kind, 0) for c in self.absent]


@dataclass(frozen=True)
class Week:
    monday: dt.date
    days: int
    rate: float | None
    absent_days: Counter[str]  # kind → student-days away


@dataclass(frozen=True)
class Trend:
    school_id: str
    name: str
    days: list[dt.date]
    school: Series
    classes: list[Series] = field(default_factory=list)

    def weeks(self) -> list[Week]:
        """Week over week: the mean daily rate and the student-days away by kind."""
        by_week: dict[dt.date, list[int]] = defaultdict(list)
        for i, d in enumerate(self.days):
            by_week[d - dt.timedelta(days=d.weekday())].append(i)
        out = []
        for monday, idx in by_week.items():
            rates = [r for r in (self.school.rates[i] for i in idx) if r is not None]
            kinds: Counter[str] = Counter()
            for i in idx:
                kinds.update(self.school.absent[i])
            out.append(Week(monday, len(idx), round(sum(rates) / len(rates), 1) if rates else None, kinds))
        return out


def term_trend(
    session: Session, school: SchoolContext, upto: dt.date, *, since: dt.date | None = None, by_class: bool = True
) -> Trend:
    """School days from the term's start (or ``since``) up to ``upto`` (never past the term)."""
    term = school.config.term
    start = max(since or term.start, term.start)
    end = min(upto, term.end)
    index = SchoolDayIndex(school.calendar, start, end) if start <= end else None
    days = index.days if index is not None else []
    roll = on_roll_by_class(session, school.id)
    classes = school.roster(session).classes
    per_class: dict[str, list[Counter[str]]] = {c: [Counter() for _ in days] for c in classes}
    whole: list[Counter[str]] = [Counter() for _ in days]
    if index is not None and days:
        spans = ledger.spans(session, school_id=school.id, since=start)
        kinds = kinds_by_day(spans, index, len(days) - 1)
        rows = session.exec(select(Student.id, Student.class_name).where(col(Student.id).in_(list(kinds)))).all()
        class_of = {sid: cls for sid, cls in rows}
        for sid, by_day in kinds.items():
            cls = class_of.get(sid)
            for i, kind in by_day.items():
                whole[i][kind] += 1
                if cls in per_class:
                    per_class[cls][i][kind] += 1
    return Trend(
        school.id,
        school.name,
        list(days),
        Series(school.name, sum(roll.values()), whole),
        [Series(c, roll.get(c, 0), per_class[c]) for c in classes] if by_class else [],
    )


KINDS = KIND_ORDER
