"""Writing ledger rows directly, for tests of jobs that don't need the chat side."""

from __future__ import annotations

import datetime as dt

from bot.attendance import ledger
from bot.clock import VirtualClock


def record(bot, name: str, class_name: str, kind: str, start: str, end: str | None = None, by: str = "test"):
    student = bot.app.roster.named(name, class_name)[0]
    with bot.session() as s:
        ledger.record_absence(
            s,
            school_id="qingshi",
            student_id=student.student_id,
            kind=kind,
            start=dt.date.fromisoformat(start),
            end=dt.date.fromisoformat(end) if end else None,
            reason="",
            reported_by=by,
            inbound_id=None,
            now=bot.clock.now(),
        )
        s.commit()
    return student


def all_reported(bot, day: str, except_class: str | None = None):
    with bot.session() as s:
        for name in bot.app.school.classes:
            if name != except_class:
                ledger.add_class_report(
                    s,
                    school_id="qingshi",
                    class_name=name,
                    day=dt.date.fromisoformat(day),
                    kind="all_present",
                    reported_by="test",
                    inbound_id=None,
                    now=bot.clock.now(),
                )
        s.commit()


def to(sent, contact=None, room=None):
    return [m for m in sent if (contact and m.contact == contact) or (room and m.room == room)]


def clock_of(bot) -> VirtualClock:
    return bot.clock
