"""What each scheduled job does on a school day (called by ``bot.scheduler``): read the
services' data, render it, queue it.

Every job writes its messages to the outbox under a (job, date, recipient) key, so a
job run twice (a restart, a second bot process, ``schoolbot digest``) sends once.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

from sqlmodel import Session

from bot.attendance.alerts import check_alerts
from bot.chat.outbox import Recipient
from bot.chat.render import render
from bot.reports import digest, reminders
from bot.reports.alert_notices import queue_alert_notices
from bot.school.context import SchoolContext
from storage.enums import PendingKind, Role, RoomKind
from storage.models import PendingQuestion

if TYPE_CHECKING:
    from bot.chat.app import App

MORNING_CHECK_TIME = dt.time(8, 0)  # before lessons: ask about children absent for days
ALERT_CHECK_DELAY_MIN = 30  # after the roll-call reminder: late reports count
WEEKLY_DELAY_MIN = 10  # after the daily digest on the week's last school day


def leader_recipients(school: SchoolContext) -> list[Recipient]:
    """Who gets the digest: the principals by direct message, and the leaders room."""
    people = [Recipient(contact=s.wechat_id) for s in school.config.with_role(Role.PRINCIPAL)]
    rooms = [Recipient(room=r.topic) for r in school.config.rooms_of_kind(RoomKind.LEADERS)]
    return people + rooms


def morning_absence_check(app: App, day: dt.date) -> None:
    school = app.school
    end_of_day = dt.datetime.combine(day, dt.time(23, 59), school.tz)
    with Session(app.engine, expire_on_commit=False) as session:
        for check in reminders.absence_checks(session, school, day):
            sent = app.queue(
                session,
                f"absence-check:{day}:{check.student.id}",
                Recipient(contact=check.teacher.wechat_id),
                "reminders/absence_check.j2",
                student=check.student,
                days=check.days,
                absence=check.absence,
            )
            if sent:
                session.add(
                    PendingQuestion(
                        kind=PendingKind.ABSENCE_CHECK,
                        ask_to=check.teacher.wechat_id,
                        room=None,
                        payload=json.dumps(
                            {"student_id": check.student.id, "name": check.student.name}, ensure_ascii=False
                        ),
                        created_at=app.clock.now(),
                        expires_at=end_of_day,
                    )
                )
        session.commit()


def rollcall_reminder(app: App, day: dt.date) -> None:
    with Session(app.engine, expire_on_commit=False) as session:
        for name, teacher in reminders.unreported_classes(session, app.school, day):
            app.queue(
                session,
                f"rollcall:{day}:{name}",
                Recipient(contact=teacher.wechat_id),
                "reminders/rollcall.j2",
                class_name=name,
                teacher=teacher,
                day=day,
            )
        session.commit()


def alert_check(app: App, day: dt.date) -> None:
    with Session(app.engine, expire_on_commit=False) as session:
        changes = check_alerts(session, app.school, day, app.clock.now())
        queue_alert_notices(app, session, app.school, changes)
        session.commit()


def render_daily_digest(session: Session, school: SchoolContext, day: dt.date) -> str:
    return render("digest/daily.j2", school=school.config, **digest.daily(session, school, day).template_data())


def daily_digest(app: App, day: dt.date) -> None:
    with Session(app.engine, expire_on_commit=False) as session:
        text = render_daily_digest(session, app.school, day)
        for to in leader_recipients(app.school):
            app.queue(session, f"digest:{day}:{to.label}", to, "text.j2", text=text)
        session.commit()


def weekly_summary(app: App, day: dt.date) -> None:
    nxt = app.school.calendar.next_school_day(day)
    if nxt is not None and nxt.isocalendar()[:2] == day.isocalendar()[:2]:
        return  # not the last school day of this week
    with Session(app.engine, expire_on_commit=False) as session:
        data = digest.weekly(session, app.school, day).template_data()
        text = render("digest/weekly.j2", school=app.school.config, **data)
        for to in leader_recipients(app.school):
            app.queue(session, f"weekly:{day}:{to.label}", to, "text.j2", text=text)
        session.commit()
