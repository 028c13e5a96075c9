"""The consecutive-absence rule: open, escalate and close alerts, and keep the case.

"对上学期间连续超过3个工作日无故未入校的要边报告边劝返": when a student's streak of
unexcused school days exceeds ``rules.unexcused_streak_alert_days`` an alert opens, once
per episode (the episode is keyed by its first day, so a second check or a second bot
process cannot open it twice), and the head teacher, principal(s) and dropout officer(s)
are told by direct message. ``escalate_after_days`` school days later, still absent, it
escalates once. Only evidence that the child is in school closes it (a return, 全勤,
a roll-call that agrees with its counts, a correction of the days): the job that checks
every morning never closes an alert, and every close says what closed it.

These functions change the ledger and return what changed (``AlertChange``); the
handlers and jobs turn that into messages (``bot.reports.alert_notices``).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.attendance import ledger
from bot.attendance.streak import Streak, streaks
from bot.school.context import SchoolContext
from storage.enums import LIVE_ALERT_STATES, AlertEventKind, AlertStatus, RecordStatus, Role
from storage.models import Alert, AlertEvent, Student

log = logging.getLogger(__name__)
FOLLOWUP_KINDS = (AlertEventKind.FOLLOWUP, AlertEventKind.HOME_TEACHING)


class Change(StrEnum):
    OPENED = "opened"
    ESCALATED = "escalated"
    CLOSED = "closed"
    REOPENED = "reopened"  # the report that closed it was undone
    WITHDRAWN = "withdrawn"  # the report that opened it was undone


@dataclass(frozen=True)
class AlertChange:
    """What happened to one alert, and who must be told."""

    change: Change
    alert: Alert
    student: Student
    day: dt.date
    recipients: list[str]  # chat ids
    streak: int = 0
    since: dt.date | None = None
    why: str = ""
    followups: list[AlertEvent] = field(default_factory=list)


@dataclass(frozen=True)
class CaseView:
    """An alert as staff see it in queries and digests."""

    alert: Alert
    student: Student
    streak: int
    last_followup: AlertEvent | None


def recipients(school: SchoolContext, student: Student, *, head_teacher: bool) -> list[str]:
    """Who answers for this child: the head teacher (when asked for), principals, the dropout officer."""
    ids: list[str] = []
    if head_teacher and (ht := school.config.head_teacher_of(student.class_name)):
        ids.append(ht.wechat_id)
    for role in (Role.PRINCIPAL, Role.DROPOUT_OFFICER):
        ids += [s.wechat_id for s in school.config.with_role(role)]
    return list(dict.fromkeys(ids))


def staff_names(school: SchoolContext, ids: list[str]) -> list[str]:
    return [(s.name if (s := school.config.staff_by_wechat(i)) else i) for i in ids]


def add_event(
    session: Session,
    alert: Alert,
    kind: AlertEventKind,
    at: dt.datetime,
    text: str = "",
    by: str | None = None,
    inbound_id: int | None = None,
) -> None:
    assert alert.id is not None
    session.add(AlertEvent(alert_id=alert.id, kind=kind, at=at, text=text, by=by, inbound_id=inbound_id))


def live_alerts(session: Session, school_id: str, student_ids: list[str] | None = None) -> dict[str, Alert]:
    q = select(Alert).where(Alert.school_id == school_id, col(Alert.status).in_(LIVE_ALERT_STATES))
    if student_ids is not None:
        q = q.where(col(Alert.student_id).in_(student_ids))
    return {a.student_id: a for a in session.exec(q)}


def _open(
    session: Session, school: SchoolContext, student: Student, st: Streak, day: dt.date, now: dt.datetime
) -> AlertChange | None:
    alert = Alert(
        school_id=school.id,
        student_id=student.id,
        episode_key=f"{student.id}:{st.since.isoformat()}",
        since=st.since,
        opened_on=day,
        streak_at_open=st.days,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(alert)
    except IntegrityError:
        return None  # this episode already had its alert (another process, or closed earlier)
    add_event(session, alert, AlertEventKind.OPENED, now, f"连续{st.days}个上学日无故未到校，自{st.since}起")
    log.info("预警 alert opened: %s %s streak %d since %s", student.class_name, student.name, st.days, st.since)
    return AlertChange(
        Change.OPENED, alert, student, day, recipients(school, student, head_teacher=True), st.days, st.since
    )


def _escalate(
    session: Session, school: SchoolContext, alert: Alert, student: Student, st: Streak, day: dt.date, now: dt.datetime
) -> AlertChange:
    alert.escalated_on = day
    session.add(alert)
    ids = recipients(school, student, head_teacher=False)
    assert alert.id is not None
    add_event(
        session,
        alert,
        AlertEventKind.ESCALATED,
        now,
        f"已连续{st.days}个上学日，升级：" + "、".join(staff_names(school, ids)),
    )
    return AlertChange(
        Change.ESCALATED, alert, student, day, ids, st.days, st.since, followups=followups(session, alert.id)
    )


def close_alert(
    session: Session,
    school: SchoolContext,
    alert: Alert,
    student: Student,
    day: dt.date,
    why: str,
    now: dt.datetime,
    by: str | None = None,
    inbound_id: int | None = None,
) -> AlertChange:
    alert.status, alert.closed_on = AlertStatus.CLOSED, day
    session.add(alert)
    add_event(session, alert, AlertEventKind.CLOSED, now, why, by, inbound_id)
    return AlertChange(Change.CLOSED, alert, student, day, recipients(school, student, head_teacher=True), why=why)


STREAK_WINDOW = dt.timedelta(days=21)


def current_streaks(
    session: Session, school: SchoolContext, day: dt.date, student_ids: list[str] | None = None
) -> dict[str, Streak]:
    """The streaks on ``day``, reading the rows of the last weeks only, not the whole term
    (a county's term is a million rows by winter): a streak that starts after the window
    is decided by rows inside it; the few that reach back to its edge are read in full."""
    last = school.calendar.previous_school_day(day, include=True) or day
    window = last - STREAK_WINDOW
    recent = ledger.spans(session, school_id=school.id, student_ids=student_ids, since=window)
    current = streaks(recent, school.calendar, day)
    longer = [sid for sid, st in current.items() if st.since <= window]
    if longer:
        current.update(streaks(ledger.spans(session, school_id=school.id, student_ids=longer), school.calendar, day))
    return current


def check_alerts(
    session: Session,
    school: SchoolContext,
    day: dt.date,
    now: dt.datetime,
    student_ids: list[str] | None = None,
    evidence: dict[str, str] | None = None,
) -> list[AlertChange]:
    """Open, escalate or close alerts as of ``day`` (all students, or the ones given).

    ``evidence``: student id → what a message said that shows the child is in school (or
    that the days were not unexcused). An alert whose streak is gone closes only with it.
    """
    rules = school.rules
    evidence = evidence or {}
    current = current_streaks(session, school, day, student_ids)
    live = live_alerts(session, school.id, student_ids)
    ids = set(current) | set(live)
    students = {s.id: s for s in session.exec(select(Student).where(col(Student.id).in_(ids)))} if ids else {}
    school_day = school.calendar.is_school_day(day)
    changes: list[AlertChange] = []
    for sid, alert in live.items():
        st = current.get(sid)
        if st is None or st.since != alert.since:
            if sid in evidence and (alert.status == AlertStatus.OPEN or st is None):
                why = f"{evidence[sid]}，预警关闭"
                changes.append(close_alert(session, school, alert, students[sid], day, why, now))
            continue
        if (
            school_day
            and alert.status == AlertStatus.OPEN
            and alert.escalated_on is None
            and st.days >= alert.streak_at_open + rules.escalate_after_days
        ):
            changes.append(_escalate(session, school, alert, students[sid], st, day, now))
    if not school_day:
        return changes  # alerts fire on the school day the rule becomes true
    for sid, st in current.items():
        if st.days > rules.unexcused_streak_alert_days and sid not in live and sid in students:
            if students[sid].active and (opened := _open(session, school, students[sid], st, day, now)):
                changes.append(opened)
    return changes


def followups(session: Session, alert_id: int) -> list[AlertEvent]:
    return list(
        session.exec(
            select(AlertEvent)
            .where(
                AlertEvent.alert_id == alert_id,
                col(AlertEvent.kind).in_(FOLLOWUP_KINDS),
                AlertEvent.status == RecordStatus.ACTIVE,
            )
            .order_by(col(AlertEvent.at), col(AlertEvent.id))
        )
    )


def add_followup(
    session: Session,
    alert: Alert,
    text: str,
    by: str,
    inbound_id: int | None,
    now: dt.datetime,
    home_teaching: bool = False,
) -> None:
    kind = AlertEventKind.HOME_TEACHING if home_teaching else AlertEventKind.FOLLOWUP
    add_event(session, alert, kind, now, text, by, inbound_id)
    if home_teaching and alert.status == AlertStatus.OPEN:
        alert.status = AlertStatus.HOME_TEACHING
        session.add(alert)


def case_views(session: Session, school: SchoolContext, day: dt.date) -> list[CaseView]:
    """Live alerts with today's streak and the last follow-up, oldest first."""
    live = live_alerts(session, school.id)
    if not live:
        return []
    current = streaks(ledger.spans(session, school_id=school.id, student_ids=list(live)), school.calendar, day)
    students = {s.id: s for s in session.exec(select(Student).where(col(Student.id).in_(list(live))))}
    last: dict[int | None, AlertEvent] = {}
    for ev in session.exec(
        select(AlertEvent)
        .where(
            col(AlertEvent.alert_id).in_([a.id for a in live.values()]),
            col(AlertEvent.kind).in_(FOLLOWUP_KINDS),
            AlertEvent.status == RecordStatus.ACTIVE,
        )
        .order_by(col(AlertEvent.at), col(AlertEvent.id))
    ):
        last[ev.alert_id] = ev
    views = [
        CaseView(a, students[sid], current[sid].days if sid in current else 0, last.get(a.id))
        for sid, a in live.items()
    ]
    return sorted(views, key=lambda v: (v.alert.since, v.student.class_name, v.student.name))
