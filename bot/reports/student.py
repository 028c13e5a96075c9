"""One student's history at a school: absences, cases and their events (the "X 记录" query
and the web page's student page read the same)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from bot.reports.cases import events_of
from bot.school.context import SchoolContext
from storage.enums import AlertStatus, RecordStatus
from storage.models import Absence, Alert, AlertEvent, Enrolment, Student


@dataclass(frozen=True)
class StudentHistory:
    student: Student
    absences: list[Absence]  # active rows, oldest first
    cases: list[tuple[Alert, list[AlertEvent]]]

    def template_data(self) -> dict[str, object]:
        return {"student": self.student, "absences": self.absences, "cases": self.cases}

    def days_by_kind(self, start: dt.date, end: dt.date) -> dict[dt.date, str]:
        """Calendar days start..end → the kind (or the part of the day) recorded, the latest row winning."""
        out: dict[dt.date, str] = {}
        for a in sorted(self.absences, key=lambda r: r.id or 0):
            last = min(a.end or end, end)
            d = max(a.start, start)
            while d <= last:
                out[d] = a.kind if a.portion == "full" else a.portion
                d += dt.timedelta(days=1)
        return out


def history(session: Session, school: SchoolContext, student_id: str) -> StudentHistory | None:
    student = session.get(Student, student_id)
    if student is None:
        return None
    absences = list(
        session.exec(
            select(Absence)
            .where(
                Absence.school_id == school.id,  # after a transfer the other school's records stay its own
                Absence.student_id == student_id,
                Absence.status == RecordStatus.ACTIVE,
            )
            .order_by(col(Absence.start))
        )
    )
    alerts = list(
        session.exec(
            select(Alert)
            .where(Alert.school_id == school.id, Alert.student_id == student_id, Alert.status != AlertStatus.UNDONE)
            .order_by(col(Alert.id))
        )
    )
    events = events_of(session, [a.id for a in alerts if a.id is not None])
    return StudentHistory(student, absences, [(a, events.get(a.id or 0, [])) for a in alerts])


def enrolment_of(session: Session, school_id: str, enrolment_id: int) -> Enrolment | None:
    """The web page names a student by an enrolment's id (opaque), never by the 学籍号."""
    e = session.get(Enrolment, enrolment_id)
    return e if e is not None and e.school_id == school_id else None


def enrolment_ids(session: Session, school_id: str, student_ids: list[str]) -> dict[str, int]:
    """student → the id of their latest enrolment at this school (for links)."""
    if not student_ids:
        return {}
    rows = session.exec(
        select(Enrolment)
        .where(Enrolment.school_id == school_id, col(Enrolment.student_id).in_(student_ids))
        .order_by(col(Enrolment.id))
    )
    return {e.student_id: e.id for e in rows if e.id is not None}
