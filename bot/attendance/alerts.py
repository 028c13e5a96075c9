"""The consecutive-absence rule: open, escalate and close alerts, and keep the case.

"对上学期间连续超过3个工作日无故未入校的要边报告边劝返": when a student's streak of
unexcused school days exceeds ``rules.unexcused_streak_alert_days`` an alert opens, once
per episode (the episode is keyed by its first day, so a second check or a second bot
process cannot open it twice), and the head teacher, principal(s) and dropout officer(s)
are told by direct message. ``escalate_after_days`` school days later, still absent, it
escalates once. A return closes it.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.attendance import ledger
from bot.attendance.streak import Streak, streaks
from bot.chat.outbox import Recipient
from storage.models import Alert, AlertEvent, Student

if TYPE_CHECKING:
    from bot.chat.app import App

log = logging.getLogger(__name__)
LIVE = ("open", "home_teaching")


@dataclass(frozen=True)
class CaseView:
    """An alert as staff see it in queries and digests."""

    alert: Alert
    student: Student
    streak: int
    last_followup: AlertEvent | None


def _recipients(app: App, student: Student, *, head_teacher: bool) -> list[str]:
    ids: list[str] = []
    if head_teacher and (ht := app.school.head_teacher_of(student.class_name)):
        ids.append(ht.wechat_id)
    for role in ("principal", "dropout_officer"):
        ids += [s.wechat_id for s in app.school.with_role(role)]
    return list(dict.fromkeys(ids))


def _event(
    session: Session,
    alert: Alert,
    kind: str,
    at: dt.datetime,
    text: str = "",
    by: str | None = None,
    inbound_id: int | None = None,
) -> None:
    session.add(AlertEvent(alert_id=alert.id, kind=kind, at=at, text=text, by=by, inbound_id=inbound_id))


def live_alerts(session: Session, student_ids: list[str] | None = None) -> dict[str, Alert]:
    q = select(Alert).where(Alert.status.in_(LIVE))
    if student_ids is not None:
        q = q.where(Alert.student_id.in_(student_ids))
    return {a.student_id: a for a in session.execute(q).scalars()}


def _open(session: Session, app: App, student: Student, st: Streak, day: dt.date) -> Alert | None:
    now = app.clock.now()
    alert = Alert(
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
    _event(session, alert, "opened", now, f"连续{st.days}个上学日无故未到校，自{st.since}起")
    recipients = _recipients(app, student, head_teacher=True)
    for rid in recipients:
        app.queue(
            session,
            f"alert:{alert.id}:{rid}",
            Recipient(contact=rid),
            "alerts/opened.j2",
            student=student,
            streak=st.days,
            since=st.since,
            day=day,
            head_teacher=app.school.head_teacher_of(student.class_name),
        )
    _event(session, alert, "notified", now, "、".join(_names(app, recipients)))
    log.info("预警 alert opened: %s %s streak %d since %s", student.class_name, student.name, st.days, st.since)
    return alert


def _names(app: App, ids: list[str]) -> list[str]:
    return [(s.name if (s := app.school.staff_by_wechat(i)) else i) for i in ids]


def _escalate(session: Session, app: App, alert: Alert, student: Student, st: Streak, day: dt.date) -> None:
    now = app.clock.now()
    alert.escalated_on = day
    session.add(alert)
    recipients = _recipients(app, student, head_teacher=False)
    for rid in recipients:
        app.queue(
            session,
            f"alert-escalated:{alert.id}:{rid}",
            Recipient(contact=rid),
            "alerts/escalated.j2",
            student=student,
            streak=st.days,
            since=st.since,
            alert=alert,
            day=day,
            followups=followups(session, alert.id),
        )
    _event(session, alert, "escalated", now, f"已连续{st.days}个上学日，升级：" + "、".join(_names(app, recipients)))


def close_alert(
    session: Session,
    app: App,
    alert: Alert,
    student: Student,
    day: dt.date,
    why: str,
    by: str | None = None,
    inbound_id: int | None = None,
) -> None:
    now = app.clock.now()
    alert.status, alert.closed_on = "closed", day
    session.add(alert)
    _event(session, alert, "closed", now, why, by, inbound_id)
    for rid in _recipients(app, student, head_teacher=True):
        app.queue(
            session,
            f"alert-closed:{alert.id}:{rid}",
            Recipient(contact=rid),
            "alerts/closed.j2",
            student=student,
            alert=alert,
            day=day,
            why=why,
        )


def check_alerts(app: App, day: dt.date, session: Session | None = None, student_ids: list[str] | None = None) -> None:
    """Open, escalate or close alerts as of ``day`` (all students, or the ones given)."""
    own = session is None
    session = session or Session(app.engine, expire_on_commit=False)
    try:
        _check(session, app, day, student_ids)
        if own:
            session.commit()
    finally:
        if own:
            session.close()


def _check(session: Session, app: App, day: dt.date, student_ids: list[str] | None) -> None:
    rules = app.school.rules
    current = streaks(ledger.spans(session, student_ids=student_ids), app.calendar, day)
    live = live_alerts(session, student_ids)
    ids = set(current) | set(live)
    students = {s.id: s for s in session.execute(select(Student).where(Student.id.in_(ids))).scalars()} if ids else {}
    school_day = app.calendar.is_school_day(day)
    for sid, alert in live.items():
        st = current.get(sid)
        if st is None or st.since != alert.since:
            # Back in class, or the days were re-described (a correction to 病假, an undo).
            if alert.status == "open" or st is None:
                close_alert(
                    session,
                    app,
                    alert,
                    students[sid],
                    day,
                    "已返校，预警关闭" if st is None else "缺勤已更正，预警关闭",
                )
            continue
        if (
            school_day
            and alert.status == "open"
            and alert.escalated_on is None
            and st.days >= alert.streak_at_open + rules.escalate_after_days
        ):
            _escalate(session, app, alert, students[sid], st, day)
    if not school_day:
        return  # alerts fire on the school day the rule becomes true
    for sid, st in current.items():
        if st.days > rules.unexcused_streak_alert_days and sid not in live and sid in students:
            if students[sid].active:
                _open(session, app, students[sid], st, day)


def followups(session: Session, alert_id: int) -> list[AlertEvent]:
    return list(
        session.execute(
            select(AlertEvent)
            .where(AlertEvent.alert_id == alert_id, AlertEvent.kind.in_(("followup", "home_teaching")))
            .order_by(AlertEvent.at, AlertEvent.id)
        ).scalars()
    )


def add_followup(
    session: Session, app: App, alert: Alert, text: str, by: str, inbound_id: int | None, home_teaching: bool = False
) -> None:
    _event(session, alert, "home_teaching" if home_teaching else "followup", app.clock.now(), text, by, inbound_id)
    if home_teaching and alert.status == "open":
        alert.status = "home_teaching"
        session.add(alert)


def case_views(session: Session, app: App, day: dt.date) -> list[CaseView]:
    """Live alerts with today's streak and the last follow-up, oldest first."""
    live = live_alerts(session)
    if not live:
        return []
    current = streaks(ledger.spans(session, student_ids=list(live)), app.calendar, day)
    students = {s.id: s for s in session.execute(select(Student).where(Student.id.in_(list(live)))).scalars()}
    last: dict[int, AlertEvent] = {}
    for ev in session.execute(
        select(AlertEvent)
        .where(
            AlertEvent.alert_id.in_([a.id for a in live.values()]), AlertEvent.kind.in_(("followup", "home_teaching"))
        )
        .order_by(AlertEvent.at, AlertEvent.id)
    ).scalars():
        last[ev.alert_id] = ev
    views = [
        CaseView(a, students[sid], current[sid].days if sid in current else 0, last.get(a.id))
        for sid, a in live.items()
    ]
    return sorted(views, key=lambda v: (v.alert.since, v.student.class_name, v.student.name))
