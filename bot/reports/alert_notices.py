"""Alert changes as messages: the opened / escalated / closed notices by direct message.

Called by the alert job and by the handlers whose report changed an alert, in the same
transaction as the change, so a notice is queued exactly when its change commits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from bot.attendance.alerts import AlertChange, Change, add_event, staff_names
from bot.chat.outbox import Recipient
from bot.school.context import SchoolContext
from storage.enums import AlertEventKind

if TYPE_CHECKING:
    from bot.chat.app import App

_KEYS = {
    Change.OPENED: "alert",
    Change.ESCALATED: "alert-escalated",
    Change.CLOSED: "alert-closed",
    Change.REOPENED: "alert-reopened",
    Change.WITHDRAWN: "alert-withdrawn",
}
# An alert opens and escalates once per episode (two bot processes checking at once send
# one notice); a close can be undone and happen again, so each of those is its own notice.
_ONCE_PER_EPISODE = (Change.OPENED, Change.ESCALATED)


def queue_transfer_closings(app: App, session: Session, closed: list[tuple[int, str]]) -> None:
    """Whoever was told of a case hears that a transfer closed it (roster import)."""
    from bot.attendance.alerts import recipients
    from storage.models import Alert, Student

    for alert_id, why in closed:
        alert = session.get(Alert, alert_id)
        student = session.get(Student, alert.student_id) if alert else None
        school = app.schools.get(alert.school_id) if alert else None
        if alert is None or student is None or school is None or alert.closed_on is None:
            continue
        who = recipients(school, student, head_teacher=False)
        change = AlertChange(Change.CLOSED, alert, student, alert.closed_on, who, why=why)
        queue_alert_notices(app, session, school, [change])


def queue_alert_notices(app: App, session: Session, school: SchoolContext, changes: list[AlertChange]) -> None:
    for ch in changes:
        # Every notice names the student, the case and the day; each kind adds what it is about.
        data: dict[str, Any] = {"student": ch.student, "alert": ch.alert, "day": ch.day}
        if ch.change == Change.OPENED:
            data |= {"streak": ch.streak, "since": ch.since}
            data["head_teacher"] = school.head_teacher_of(ch.student.class_name)
        elif ch.change in (Change.ESCALATED, Change.REOPENED):
            data |= {"streak": ch.streak, "since": ch.since, "followups": ch.followups, "why": ch.why}
        else:
            data["why"] = ch.why
        template = f"alerts/{ch.change.value}.j2"
        key = f"{_KEYS[ch.change]}:{ch.alert.id}"
        if ch.change not in _ONCE_PER_EPISODE:
            key += f":{app.clock.now().isoformat()}"
        for rid in ch.recipients:
            app.queue(session, school, f"{key}:{rid}", Recipient(contact=rid), template, **data)
        if ch.change == Change.OPENED:
            add_event(
                session,
                ch.alert,
                AlertEventKind.NOTIFIED,
                app.clock.now(),
                "、".join(staff_names(school, ch.recipients)),
            )
