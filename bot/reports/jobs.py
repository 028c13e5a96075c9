"""What each scheduled job does on a school day (called by bot.scheduler).

Every job writes its messages to the outbox under a (job, date, recipient) key.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.chat.app import App

MORNING_CHECK_TIME = dt.time(8, 0)  # before lessons: ask about children absent for days
ALERT_CHECK_DELAY_MIN = 30  # after the roll-call reminder: late reports count
WEEKLY_DELAY_MIN = 10  # after the daily digest on the week's last school day


def morning_absence_check(app: App, day: dt.date) -> None:
    from bot.reports.reminders import queue_absence_checks

    queue_absence_checks(app, day)


def rollcall_reminder(app: App, day: dt.date) -> None:
    from bot.reports.reminders import queue_rollcall_reminders

    queue_rollcall_reminders(app, day)


def alert_check(app: App, day: dt.date) -> None:
    from bot.attendance.alerts import check_alerts

    check_alerts(app, day)


def daily_digest(app: App, day: dt.date) -> None:
    from bot.reports.digest import queue_digest

    queue_digest(app, day)


def weekly_summary(app: App, day: dt.date) -> None:
    from bot.reports.digest import queue_weekly_summary

    nxt = app.calendar.next_school_day(day)
    if nxt is not None and nxt.isocalendar()[:2] == day.isocalendar()[:2]:
        return  # not the last school day of this week
    queue_weekly_summary(app, day)
