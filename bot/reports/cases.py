"""The term's 控辍保学 cases with their whole 劝返 timeline, for the web page's 预警与劝返.

Open and home-teaching cases come from ``alerts.case_views`` (the streaks the digest and
the 预警 query show); closed cases of the term are listed beside them. Each carries every
active event (opened, notified, 劝返 records, escalation, close), oldest first.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from bot.attendance.alerts import CaseView, case_views
from bot.school.context import SchoolContext
from storage.enums import AlertStatus, RecordStatus
from storage.models import Alert, AlertEvent, Student


@dataclass(frozen=True)
class Case:
    alert: Alert
    student: Student
    streak: int  # today's consecutive unexcused school days (0 for a closed case)
    events: list[AlertEvent] = field(default_factory=list)


@dataclass(frozen=True)
class TermCases:
    day: dt.date
    open: list[Case]
    home_teaching: list[Case]
    closed: list[Case]

    def only(self, class_name: str) -> TermCases:
        def keep(cases: list[Case]) -> list[Case]:
            return [c for c in cases if c.student.class_name == class_name]

        return TermCases(self.day, keep(self.open), keep(self.home_teaching), keep(self.closed))


def events_of(session: Session, alert_ids: list[int]) -> dict[int, list[AlertEvent]]:
    out: dict[int, list[AlertEvent]] = defaultdict(list)
    if alert_ids:
        for ev in session.exec(
            select(AlertEvent)
            .where(col(AlertEvent.alert_id).in_(alert_ids), AlertEvent.status == RecordStatus.ACTIVE)
            .order_by(col(AlertEvent.at), col(AlertEvent.id))
        ):
            out[ev.alert_id].append(ev)
    return out


def term_cases(session: Session, school: SchoolContext, day: dt.date) -> TermCases:
    live: list[CaseView] = case_views(session, school, day)
    closed_alerts = list(
        session.exec(
            select(Alert)
            .where(
                Alert.school_id == school.id,
                Alert.status == AlertStatus.CLOSED,
                col(Alert.closed_on) >= school.config.term.start,
                col(Alert.closed_on) <= day,
            )
            .order_by(col(Alert.closed_on).desc(), col(Alert.id))
        )
    )
    students = (
        {
            s.id: s
            for s in session.exec(select(Student).where(col(Student.id).in_([a.student_id for a in closed_alerts])))
        }
        if closed_alerts
        else {}
    )
    ids = [v.alert.id for v in live if v.alert.id is not None] + [a.id for a in closed_alerts if a.id is not None]
    events = events_of(session, ids)

    def case(v: CaseView) -> Case:
        return Case(v.alert, v.student, v.streak, events.get(v.alert.id or 0, []))

    return TermCases(
        day=day,
        open=[case(v) for v in live if v.alert.status == AlertStatus.OPEN],
        home_teaching=[case(v) for v in live if v.alert.status == AlertStatus.HOME_TEACHING],
        closed=[Case(a, students[a.student_id], 0, events.get(a.id or 0, [])) for a in closed_alerts],
    )
