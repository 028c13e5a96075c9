"""One school's day, class by class, for the web page's 今日 table.

Built on ``digest.daily`` (the same absences, the same enrolment, the same reported
classes the 16:30 digest counts) and adds what a table needs and a chat line does not:
every class, with its roll, and the rate.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from bot.reports.digest import DailyDigest, daily, reported_classes
from bot.school.context import SchoolContext
from storage.models import SchoolClass, Student


def rate(enrolled: int, absent: int) -> float | None:
    """Attendance rate in percent, one decimal; None when nobody is enrolled."""
    return round(100.0 * (enrolled - absent) / enrolled, 1) if enrolled else None


@dataclass(frozen=True)
class ClassDay:
    name: str
    class_id: int | None  # SchoolClass.id: the opaque id in the class page's address
    reported: bool
    enrolled: int  # 应到: on the roll today
    by_kind: Counter[str]
    absent: list[tuple[Student, str]]  # (student, kind), as the digest orders them
    part_days: list[tuple[Student, str]]  # (student, portion): late, half days

    @property
    def absent_total(self) -> int:
        return sum(self.by_kind.values())

    @property
    def present(self) -> int:  # 实到
        return self.enrolled - self.absent_total

    @property
    def rate(self) -> float | None:
        return rate(self.enrolled, self.absent_total)


@dataclass(frozen=True)
class SchoolDay:
    school_id: str
    name: str
    day: dt.date
    is_school_day: bool
    digest: DailyDigest
    classes: list[ClassDay]

    @property
    def enrolled(self) -> int:
        return self.digest.enrolled

    @property
    def absent_total(self) -> int:
        return self.digest.absent_total

    @property
    def rate(self) -> float | None:
        return rate(self.enrolled, self.absent_total)

    @property
    def unreported(self) -> list[str]:
        return [c.name for c in self.classes if not c.reported]

    def of_class(self, name: str) -> ClassDay | None:
        return next((c for c in self.classes if c.name == name), None)


def class_ids(session: Session, school_id: str) -> dict[str, int]:
    rows = session.exec(select(SchoolClass).where(SchoolClass.school_id == school_id))
    return {c.name: c.id for c in rows if c.id is not None}


def class_by_id(session: Session, school_id: str, class_id: int) -> str | None:
    c = session.get(SchoolClass, class_id)
    return c.name if c is not None and c.school_id == school_id else None


def on_roll_by_class(session: Session, school_id: str) -> Counter[str]:
    rows = session.exec(
        select(Student.class_name, func.count())
        .where(Student.school_id == school_id, col(Student.active))
        .group_by(col(Student.class_name))
    )
    return Counter({name: n for name, n in rows})


def school_day(session: Session, school: SchoolContext, day: dt.date) -> SchoolDay:
    d = daily(session, school, day)
    lines = {c.name: c for c in d.classes}  # the digest lists only classes with news
    reported = reported_classes(session, school, day)
    roll = on_roll_by_class(session, school.id)
    ids = class_ids(session, school.id)
    classes = []
    for name in school.roster(session).classes:
        absent = lines[name].absent if name in lines else []
        classes.append(
            ClassDay(
                name=name,
                class_id=ids.get(name),
                reported=name in reported,
                enrolled=roll.get(name, 0),
                by_kind=Counter(kind for _, kind in absent),
                absent=absent,
                part_days=[(s, p) for s, p in d.part_days if s.class_name == name],
            )
        )
    return SchoolDay(school.id, school.name, day, school.calendar.is_school_day(day), d, classes)
