"""What each scheduled job does on a school day (called by ``bot.scheduler``): read the
services' data, render it, queue it.

Every job runs for one school (``(app, school, day)``) and writes its messages to the
outbox under a (job, school, date, recipient) key, so a job run twice (a restart, a
second bot process, ``schoolbot digest``) sends once, and two schools' digests to one
中心校 principal are two messages. The roll-up for people over several schools runs once
for the deployment.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

from sqlmodel import Session

from bot.attendance import changelog
from bot.attendance.alerts import check_alerts
from bot.attendance.illness.cases import check_clusters
from bot.chat.outbox import Recipient
from bot.chat.render import render
from bot.reports import digest, reminders
from bot.reports.alert_notices import queue_alert_notices
from bot.reports.delivery import undelivered_for_digest
from bot.reports.illness_notices import queue_cluster_notices
from bot.reports.trend import term_trend
from bot.reports.weekly_chart import weekly_png
from bot.school.context import SchoolContext
from storage.enums import ChangeSource, PendingKind, Role, RoomKind
from storage.models import PendingQuestion

if TYPE_CHECKING:
    from bot.chat.app import App

MORNING_CHECK_TIME = dt.time(8, 0)  # before lessons: ask about children absent for days
ALERT_CHECK_DELAY_MIN = 30  # after the roll-call reminder: late reports count
WEEKLY_DELAY_MIN = 10  # after the daily digest on the week's last school day
ROLLUP_DELAY_MIN = 5  # after the last school's digest
# Someone over more schools than this (a county officer) gets the roll-up only, not
# each school's digest as well: 300 digests a day would bury the one that matters.
ROLLUP_ONLY_OVER = 10


def leader_recipients(app: App, session: Session, school: SchoolContext) -> list[Recipient]:
    """Who gets the digest: the principals by direct message, and the bound leaders room."""
    many = {c.wechat_id for c in app.deployment.staff if len(c.schools) > ROLLUP_ONLY_OVER}
    people = [Recipient(contact=s.wechat_id) for s in school.with_role(Role.PRINCIPAL) if s.wechat_id not in many]
    rooms = [Recipient(room=b.room_id) for b in app.rooms.of_school(session, school.id, RoomKind.LEADERS)]
    return people + rooms


def morning_absence_check(app: App, school: SchoolContext, day: dt.date) -> None:
    end_of_day = dt.datetime.combine(day, dt.time(23, 59), school.tz)
    with Session(app.engine, expire_on_commit=False) as session:
        for check in reminders.absence_checks(session, school, day):
            sent = app.queue(
                session,
                school,
                f"absence-check:{day}:{check.student.id}",
                Recipient(contact=check.teacher.wechat_id),
                "reminders/absence_check.j2",
                student=check.student,
                days=check.days,
                since=check.since,
                absence=check.absence,
            )
            if sent:
                session.add(
                    PendingQuestion(
                        school_id=school.id,
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


def rollcall_reminder(app: App, school: SchoolContext, day: dt.date) -> None:
    with Session(app.engine, expire_on_commit=False) as session:
        for name, teacher in reminders.unreported_classes(session, school, day):
            app.queue(
                session,
                school,
                f"rollcall:{school.id}:{day}:{name}",
                Recipient(contact=teacher.wechat_id),
                "reminders/rollcall.j2",
                class_name=name,
                teacher=teacher,
                day=day,
            )
        session.commit()


def alert_check(app: App, school: SchoolContext, day: dt.date) -> None:
    with Session(app.engine, expire_on_commit=False) as session:
        changelog.track(session, inbound_id=None, school_id=school.id, now=app.clock.now(), source=ChangeSource.JOB)
        changes = check_alerts(session, school, day, app.clock.now())
        queue_alert_notices(app, session, school, changes)
        queue_cluster_notices(app, session, school, check_clusters(session, school, day, app.clock.now()))
        session.commit()


def render_daily_digest(session: Session, school: SchoolContext, day: dt.date) -> str:
    data = digest.daily(session, school, day).template_data()
    data["undelivered"] = undelivered_for_digest(session, school, day)
    return render("digest/daily.j2", school=school.config, tz=school.tz, **data)


def daily_digest(app: App, school: SchoolContext, day: dt.date) -> None:
    with Session(app.engine, expire_on_commit=False) as session:
        text = render_daily_digest(session, school, day)
        for to in leader_recipients(app, session, school):
            app.queue(session, school, f"digest:{school.id}:{day}:{to.label}", to, "text.j2", text=text)
        session.commit()


def weekly_summary(app: App, school: SchoolContext, day: dt.date) -> None:
    nxt = school.calendar.next_school_day(day)
    if nxt is not None and nxt.isocalendar()[:2] == day.isocalendar()[:2]:
        return  # not the last school day of this week
    with Session(app.engine, expire_on_commit=False) as session:
        summary = digest.weekly(session, school, day)
        text = render("digest/weekly.j2", school=school.config, tz=school.tz, **summary.template_data())
        # The picture of the week and the term follows the text; without a CJK font, the text alone.
        png = weekly_png(term_trend(session, school, day, by_class=False), summary.monday, day)
        for to in leader_recipients(app, session, school):
            app.queue(session, school, f"weekly:{school.id}:{day}:{to.label}", to, "text.j2", text=text)
            if png is not None:
                key = f"weekly-chart:{school.id}:{day}:{to.label}"
                app.queue_image(session, school, key, to, png, "digest/weekly_chart.j2", monday=summary.monday, day=day)
        session.commit()


def rollup_digest(app: App, day: dt.date) -> bool:
    """One message per person over several schools: each school's day in a line or two.

    Returns False when none of the schools had a school day (nothing to report)."""
    overseers = app.deployment.overseers()
    if not overseers:
        return False
    with Session(app.engine, expire_on_commit=False) as session:
        days = {sid: digest.daily(session, s, day) for sid, s in app.schools.items() if s.calendar.is_school_day(day)}
        if not days:
            return False
        for person in overseers:
            mine = [(app.schools[sid], days[sid]) for sid in person.schools if sid in days]
            if not mine:
                continue
            first = mine[0][0]
            app.queue(
                session,
                first,
                f"rollup:{day}:{person.wechat_id}",
                Recipient(contact=person.wechat_id),
                "digest/rollup.j2",
                deployment=app.deployment,
                person=person,
                day=day,
                schools=mine,
            )
        session.commit()
    return True
