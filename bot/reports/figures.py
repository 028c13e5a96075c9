"""Figures staff ask for, over a period and a set of classes, as data.

The same ledger reads as the digest (``ledger.spans`` + ``streak.absent_on`` day by day),
so a question and the digest never disagree. Counts are over school days only.
Enrolment is the roll as it stands (students active now): the roll on each past day is
not kept apart from transfers, so a past day's rate uses today's roll.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from bot.attendance import ledger
from bot.attendance.alerts import CaseView, case_views
from bot.attendance.streak import absent_on
from bot.school.context import SchoolContext
from storage.enums import AlertEventKind, AlertStatus, RecordStatus
from storage.models import Alert, AlertEvent, Student


@dataclass(frozen=True)
class AbsenceFigures:
    start: dt.date
    end: dt.date
    school_days: list[dt.date]
    enrolled: int  # students of the classes asked about, on the roll now
    # (student, kind) → school days away; a student away with two kinds has two entries
    student_days: Counter[tuple[str, str]]
    students: dict[str, Student]
    per_day: list[tuple[dt.date, Counter[str]]]  # each school day: kind → students away
    by_class: Counter[str] = field(default_factory=Counter)  # class → student-days away
    away: dict[dt.date, dict[str, str]] = field(default_factory=dict)  # day → student → kind

    @property
    def by_kind(self) -> Counter[str]:
        out: Counter[str] = Counter()
        for (_, kind), n in self.student_days.items():
            out[kind] += n
        return out

    @property
    def person_days(self) -> int:
        return sum(self.student_days.values())

    def rows(self, kinds: tuple[str, ...] | None = None) -> list[tuple[Student, str, int]]:
        """(student, kind, days) for the kinds asked, most days first."""
        out = [
            (self.students[sid], kind, n)
            for (sid, kind), n in self.student_days.items()
            if kinds is None or kind in kinds
        ]
        return sorted(out, key=lambda r: (-r[2], r[0].class_name, r[0].name))


@dataclass(frozen=True)
class Attendance:
    start: dt.date
    end: dt.date
    school_days: int
    expected: int  # student-days due (应到)
    present: int  # student-days in school (实到)
    per_class: list[tuple[str, int, int]]  # (class, 应到, 实到) over the period

    @property
    def rate(self) -> float | None:
        return self.present / self.expected if self.expected else None


@dataclass(frozen=True)
class Dropout:
    enrolled: int  # on the roll now
    out_of_school: list[CaseView]  # live cases not taught at home: children not in school
    home_teaching: list[CaseView]
    target: float

    @property
    def rate(self) -> float | None:
        return len(self.out_of_school) / self.enrolled if self.enrolled else None

    @property
    def consolidation(self) -> float | None:
        """Share of the roll in school or taught at home (the school's own 巩固 figure, SPEC §6a)."""
        return 1 - self.rate if self.rate is not None else None


def _roll(session: Session, school: SchoolContext, classes: set[str] | None) -> list[Student]:
    q = select(Student).where(Student.school_id == school.id, col(Student.active))
    if classes is not None:
        q = q.where(col(Student.class_name).in_(sorted(classes)))
    return list(session.exec(q))


def absences(
    session: Session, school: SchoolContext, start: dt.date, end: dt.date, classes: set[str] | None = None
) -> AbsenceFigures:
    roll = {s.id: s for s in _roll(session, school, classes)}
    spans = [s for s in ledger.spans(session, school_id=school.id, since=start) if s.student_id in roll]
    days = list(school.calendar.school_days(start, end))
    student_days: Counter[tuple[str, str]] = Counter()
    by_class: Counter[str] = Counter()
    per_day = []
    by_day = {}
    for day in days:
        away = by_day[day] = absent_on(spans, day)
        per_day.append((day, Counter(away.values())))
        for sid, kind in away.items():
            student_days[(sid, kind)] += 1
            by_class[roll[sid].class_name] += 1
    return AbsenceFigures(start, end, days, len(roll), student_days, roll, per_day, by_class, by_day)


def attendance(
    session: Session, school: SchoolContext, start: dt.date, end: dt.date, classes: set[str] | None = None
) -> Attendance:
    """应到/实到 over the class-days that were reported: nobody knows who came in a silent class."""
    from bot.reports.digest import reported_classes

    f = absences(session, school, start, end, classes)
    size = Counter(s.class_name for s in f.students.values())
    due: Counter[str] = Counter()
    came: Counter[str] = Counter()
    for day, _ in f.per_day:
        away = Counter(f.students[sid].class_name for sid in f.away[day])
        for c in reported_classes(session, school, day) & set(size):
            due[c] += size[c]
            came[c] += size[c] - away[c]
    order = {c: i for i, c in enumerate(school.roster(session).classes)}
    per_class = [(c, due[c], came[c]) for c in sorted(due, key=lambda c: order.get(c, 0))]
    return Attendance(start, end, len(f.school_days), sum(due.values()), sum(came.values()), per_class)


def dropout(session: Session, school: SchoolContext, day: dt.date, classes: set[str] | None = None) -> Dropout:
    cases = [c for c in case_views(session, school, day) if classes is None or c.student.class_name in classes]
    home = [c for c in cases if c.alert.status == AlertStatus.HOME_TEACHING]
    out = [c for c in cases if c.alert.status != AlertStatus.HOME_TEACHING]
    return Dropout(len(_roll(session, school, classes)), out, home, school.rules.dropout_rate_target)


def followups(
    session: Session, school: SchoolContext, start: dt.date, end: dt.date, classes: set[str] | None = None
) -> list[tuple[Student, AlertEvent]]:
    """The 劝返 notes written over the period, oldest first."""
    rows = session.exec(
        select(AlertEvent, Student)
        .join(Alert, col(AlertEvent.alert_id) == col(Alert.id))
        .join(Student, col(Alert.student_id) == col(Student.id))
        .where(
            Alert.school_id == school.id,
            AlertEvent.kind == AlertEventKind.FOLLOWUP,
            AlertEvent.status == RecordStatus.ACTIVE,
        )
        .order_by(col(AlertEvent.at), col(AlertEvent.id))
    )
    out = []
    for ev, st in rows:
        at = ev.at if ev.at.tzinfo else ev.at.replace(tzinfo=dt.UTC)
        if start <= at.astimezone(school.tz).date() <= end and (classes is None or st.class_name in classes):
            out.append((st, ev))
    return out
