"""Which school's group a room is, by the transport's room id (never by its topic).

A topic is a name anyone in a group can change: a parent who renames the class group to
the staff group's name must not receive the staff group's messages. The directory maps
room ids to their binding (school, kind, class); a room that is not bound is unknown,
and the bot says nothing there except, to staff, how to bind it.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from sqlmodel import Session, col, select

from storage.enums import RoomKind
from storage.models import Room, SeenRoom


@dataclass(frozen=True)
class Binding:
    room_id: str
    school_id: str
    topic: str  # what the school calls it
    kind: RoomKind
    class_name: str | None


class RoomDirectory:
    """room id → binding, read from the ``room`` table: reloaded after a bind here, and at
    least every ``ttl_s`` seconds, so a bind made by another bot process on the same
    database is seen within that time."""

    def __init__(self, ttl_s: float = 60.0) -> None:
        self._by_id: dict[str, Binding] | None = None
        self._loaded_at = 0.0
        self.ttl_s = ttl_s

    def load(self, session: Session) -> dict[str, Binding]:
        if self._by_id is None or time.monotonic() - self._loaded_at > self.ttl_s:
            self._loaded_at = time.monotonic()
            rows = session.exec(select(Room).where(col(Room.room_id).is_not(None)).order_by(col(Room.id)))
            self._by_id = {
                r.room_id: Binding(r.room_id, r.school_id, r.topic, RoomKind(r.kind), r.class_name)
                for r in rows
                if r.room_id
            }
        return self._by_id

    def get(self, session: Session, room_id: str | None) -> Binding | None:
        return self.load(session).get(room_id) if room_id else None

    def of_school(self, session: Session, school_id: str, kind: RoomKind | None = None) -> list[Binding]:
        return [b for b in self.load(session).values() if b.school_id == school_id and (kind is None or b.kind == kind)]

    def invalidate(self) -> None:
        self._by_id = None


def bind(session: Session, *, school_id: str, topic: str, room_id: str, by: str | None, now: dt.datetime) -> Room:
    """Bind a room id to the school's room called ``topic`` (configured, or new as given)."""
    for other in session.exec(select(Room).where(Room.room_id == room_id)):
        if other.school_id != school_id or other.topic != topic:
            other.room_id = None  # a room is one school's one group at a time
            session.add(other)
    session.flush()
    row = session.exec(select(Room).where(Room.school_id == school_id, Room.topic == topic)).first()
    if row is None:
        raise LookupError(topic)
    row.room_id, row.bound_by, row.bound_at = room_id, by, now
    session.add(row)
    return row


def saw(session: Session, room_id: str, topic: str | None, now: dt.datetime, members: int | None = None) -> None:
    """Remember a group the bot is in, under its current name (``schoolbot rooms list``)."""
    row = session.get(SeenRoom, room_id) or SeenRoom(room_id=room_id, last_seen_at=now)
    row.topic, row.last_seen_at = topic or row.topic, now
    if members is not None:
        row.members = members
    session.add(row)
