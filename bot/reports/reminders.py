"""Morning questions to head teachers: who has not reported, who is still away."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlmodel import Session

from bot.attendance import ledger
from bot.chat.outbox import Recipient
from bot.reports.digest import reported_classes
from storage.models import PendingQuestion, Student

if TYPE_CHECKING:
    from bot.chat.app import App


def queue_rollcall_reminders(app: App, day: dt.date) -> None:
    """Head teachers whose class has no report today (a 全勤 report counts) get a nudge."""
    with Session(app.engine, expire_on_commit=False) as session:
        reported = reported_classes(session, day)
        for name in app.school.classes:
            teacher = app.school.head_teacher_of(name)
            if name in reported or teacher is None:
                continue
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


def days_away(app: App, start: dt.date, day: dt.date) -> int:
    """School days absent from ``start`` up to the day before ``day``."""
    prev = app.calendar.previous_school_day(day)
    return app.calendar.count_school_days(start, prev) if prev and prev >= start else 0


def queue_absence_checks(app: App, day: dt.date) -> None:
    """For each open absence that began before today: '今天到校了吗？' to the head teacher."""
    end_of_day = dt.datetime.combine(day, dt.time(23, 59), app.clock.tz)
    with Session(app.engine, expire_on_commit=False) as session:
        rows = [a for a in ledger.open_absences(session) if a.start < day]
        students = (
            {
                s.id: s
                for s in session.execute(
                    select(Student).where(Student.id.in_([a.student_id for a in rows]), Student.active)
                ).scalars()
            }
            if rows
            else {}
        )
        for absence in rows:
            student = students.get(absence.student_id)
            teacher = app.school.head_teacher_of(student.class_name) if student else None
            if teacher is None:
                continue
            n = days_away(app, absence.start, day)
            if n < 1:
                continue
            if app.queue(
                session,
                f"absence-check:{day}:{student.id}",
                Recipient(contact=teacher.wechat_id),
                "reminders/absence_check.j2",
                student=student,
                days=n,
                absence=absence,
            ):
                session.add(
                    PendingQuestion(
                        kind="absence_check",
                        ask_to=teacher.wechat_id,
                        room=None,
                        payload=json.dumps({"student_id": student.id, "name": student.name}, ensure_ascii=False),
                        created_at=app.clock.now(),
                        expires_at=end_of_day,
                    )
                )
        session.commit()
