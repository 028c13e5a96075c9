"""The principal's daily absence digest and the weekly summary."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlmodel import Session

from bot.attendance import ledger
from bot.attendance.alerts import case_views
from bot.attendance.streak import absent_on
from bot.chat.outbox import Recipient
from bot.chat.render import render
from storage.models import Alert, ClassReport, Student

if TYPE_CHECKING:
    from bot.chat.app import App

KIND_ORDER = ("unexcused", "sick", "personal")


def reported_classes(session: Session, day: dt.date) -> set[str]:
    return set(
        session.execute(
            select(ClassReport.class_name).where(ClassReport.day == day, ClassReport.status == "active")
        ).scalars()
    )


def digest_data(session: Session, app: App, day: dt.date) -> dict:
    absent = absent_on(ledger.spans(session, since=day), day)
    students = (
        {s.id: s for s in session.execute(select(Student).where(Student.id.in_(list(absent)))).scalars()}
        if absent
        else {}
    )
    enrolled = session.execute(
        select(func.count()).select_from(Student).where(Student.school_id == app.school.id, Student.active)
    ).scalar_one()
    by_class: dict[str, list[tuple[Student, str]]] = defaultdict(list)
    for sid, kind in absent.items():
        by_class[students[sid].class_name].append((students[sid], kind))
    reported = reported_classes(session, day)
    classes = []
    for name in app.school.classes:
        rows = sorted(by_class.get(name, []), key=lambda r: (KIND_ORDER.index(r[1]), r[0].name))
        if rows or name not in reported:
            classes.append({"name": name, "absent": rows, "reported": name in reported})
    cases = case_views(session, app, day)
    flagged = sorted((s for s in students.values() if s.poverty or s.left_behind), key=lambda s: (s.class_name, s.name))
    return {
        "day": day,
        "enrolled": enrolled,
        "absent_total": len(absent),
        "by_kind": Counter(absent.values()),
        "classes": classes,
        "alerts": [c for c in cases if c.alert.status == "open"],
        "home_teaching": [c for c in cases if c.alert.status == "home_teaching"],
        "flagged": flagged,
        "calendar_incomplete": not app.calendar.is_known(day),
    }


def render_digest(session: Session, app: App, day: dt.date) -> str:
    return render("digest/daily.j2", school=app.school, **digest_data(session, app, day))


def _leader_recipients(app: App) -> list[Recipient]:
    people = [Recipient(contact=s.wechat_id) for s in app.school.with_role("principal")]
    rooms = [Recipient(room=r.topic) for r in app.school.rooms_of_kind("leaders")]
    return people + rooms


def queue_digest(app: App, day: dt.date) -> None:
    with Session(app.engine, expire_on_commit=False) as session:
        text = render_digest(session, app, day)
        for to in _leader_recipients(app):
            app.queue(session, f"digest:{day}:{to.label}", to, "text.j2", text=text)
        session.commit()


def weekly_data(session: Session, app: App, day: dt.date) -> dict:
    monday = day - dt.timedelta(days=day.weekday())
    days = list(app.calendar.school_days(monday, day))
    spans = ledger.spans(session, since=monday)
    per_day = [(d, Counter(absent_on(spans, d).values())) for d in days]
    opened = session.execute(
        select(func.count()).select_from(Alert).where(Alert.opened_on >= monday, Alert.opened_on <= day)
    ).scalar_one()
    closed = session.execute(
        select(func.count()).select_from(Alert).where(Alert.closed_on >= monday, Alert.closed_on <= day)
    ).scalar_one()
    cases = case_views(session, app, day)
    return {
        "monday": monday,
        "day": day,
        "per_day": per_day,
        "opened": opened,
        "closed": closed,
        "still_open": [c for c in cases if c.alert.status == "open"],
        "home_teaching": [c for c in cases if c.alert.status == "home_teaching"],
        "calendar_incomplete": any(not app.calendar.is_known(d) for d in days),
    }


def queue_weekly_summary(app: App, day: dt.date) -> None:
    with Session(app.engine, expire_on_commit=False) as session:
        text = render("digest/weekly.j2", school=app.school, **weekly_data(session, app, day))
        for to in _leader_recipients(app):
            app.queue(session, f"weekly:{day}:{to.label}", to, "text.j2", text=text)
        session.commit()
