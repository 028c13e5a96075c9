"""Morning questions to head teachers, as data: who has not reported, who is still away."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from bot.attendance import ledger
from bot.attendance.streak import streaks
from bot.reports.digest import reported_classes
from bot.school.calendar import SchoolCalendar
from bot.school.config import StaffMember
from bot.school.context import SchoolContext
from storage.enums import AbsenceKind
from storage.models import Absence, Student


@dataclass(frozen=True)
class AbsenceCheck:
    """'今天到校了吗？' about one student, to their head teacher."""

    student: Student
    absence: Absence
    teacher: StaffMember
    days: int  # school days away before today
    since: dt.date  # the first of them


def unreported_classes(session: Session, school: SchoolContext, day: dt.date) -> list[tuple[str, StaffMember]]:
    """Classes with no report today (a 全勤 report counts) that have a head teacher to ask."""
    reported = reported_classes(session, school, day)
    out = []
    for name in school.roster(session).classes:
        teacher = school.config.head_teacher_of(name)
        if name not in reported and teacher is not None:
            out.append((name, teacher))
    return out


def days_away(calendar: SchoolCalendar, start: dt.date, day: dt.date) -> int:
    """School days absent from ``start`` up to the day before ``day``."""
    prev = calendar.previous_school_day(day)
    return calendar.count_school_days(start, prev) if prev and prev >= start else 0


def absence_checks(session: Session, school: SchoolContext, day: dt.date) -> list[AbsenceCheck]:
    """Each open absence that began before today and still has a head teacher to ask.

    The days away are counted as the alert counts them (the streak module, up to the last
    school day), so the morning question and the alert never disagree."""
    rows = [a for a in ledger.open_absences(session, school.id) if a.start < day]
    prev = school.calendar.previous_school_day(day)
    unexcused = (
        streaks(
            ledger.spans(session, school_id=school.id, student_ids=[a.student_id for a in rows]), school.calendar, prev
        )
        if rows and prev
        else {}
    )
    students = (
        {
            s.id: s
            for s in session.exec(
                select(Student).where(col(Student.id).in_([a.student_id for a in rows]), col(Student.active))
            )
        }
        if rows
        else {}
    )
    out = []
    for absence in rows:
        student = students.get(absence.student_id)
        teacher = school.config.head_teacher_of(student.class_name) if student else None
        if student is None or teacher is None:
            continue
        st = unexcused.get(absence.student_id) if absence.kind == AbsenceKind.UNEXCUSED else None
        n = st.days if st else days_away(school.calendar, absence.start, day)
        if n >= 1:
            out.append(AbsenceCheck(student, absence, teacher, n, st.since if st else absence.start))
    return out
