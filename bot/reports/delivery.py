"""Messages that could not be delivered, for the principal's next digest.

A message the chat service rejected for good (not a contact, the bot is no longer in
the group, held back from a group with outsiders) is marked failed in the outbox and
would otherwise only be in a log nobody reads. The daily digest lists those that failed
since the previous school day's digest, so each is reported exactly once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from bot.chat.outbox import undelivered
from bot.school.context import SchoolContext
from storage.models import Room


@dataclass(frozen=True)
class Undelivered:
    who: str  # a staff member's name, a group's name, or the chat id when neither is known
    error: str
    failed_at: dt.datetime


def digest_window(school: SchoolContext, day: dt.date) -> tuple[dt.datetime | None, dt.datetime]:
    """From the previous school day's digest time to this day's."""
    at = school.rules.digest_time
    prev = school.calendar.previous_school_day(day)
    since = dt.datetime.combine(prev, at, school.tz) if prev is not None else None
    return since, dt.datetime.combine(day, at, school.tz)


def undelivered_for_digest(session: Session, school: SchoolContext, day: dt.date) -> list[Undelivered]:
    since, until = digest_window(school, day)
    out = []
    for row in undelivered(session, school.id, since, until):
        if row.to_contact is not None:
            staff = school.staff_by_wechat(row.to_contact)
            who = f"{staff.name}（私聊）" if staff else row.to_contact
        else:
            room = session.exec(select(Room).where(Room.room_id == row.to_room)).first()
            who = room.topic if room else str(row.to_room)
        assert row.failed_at is not None  # undelivered() selects failed rows by it
        out.append(Undelivered(who, (row.last_error or "").split(" / ")[0][:60], row.failed_at))
    return out
