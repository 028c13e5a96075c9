"""Who is speaking, and where (pure): the first step of every message's path."""

from __future__ import annotations

from dataclasses import dataclass

from bot.chat.transports.base import IncomingMessage
from bot.school.config import RoomConfig, SchoolConfig, StaffMember

DIRECT = "direct"  # the room kind of a direct message to the bot
UNKNOWN = "unknown"  # a group the school has not configured


@dataclass(frozen=True)
class Sender:
    id: str
    name: str
    kind: str  # staff | parent | stranger
    staff: StaffMember | None = None

    @property
    def is_staff(self) -> bool:
        return self.kind == "staff"


@dataclass(frozen=True)
class Where:
    kind: str  # direct | parents | staff | leaders | unknown
    topic: str | None = None
    class_name: str | None = None

    @property
    def is_direct(self) -> bool:
        return self.kind == DIRECT

    @property
    def is_parent_room(self) -> bool:
        return self.kind == "parents"


def identify(msg: IncomingMessage, school: SchoolConfig) -> tuple[Sender, Where]:
    if msg.room is None:
        where = Where(DIRECT)
    else:
        room: RoomConfig | None = school.room(msg.room)
        where = Where(room.kind, room.topic, room.class_name) if room else Where(UNKNOWN, msg.room)
    staff = school.staff_by_wechat(msg.sender_id)
    if staff is not None:
        kind = "staff"
    elif where.is_parent_room:
        kind = "parent"
    else:
        # A stranger may still be a parent writing directly; the leave handler checks
        # whether they belong to a parent group it knows. Nothing private reaches them.
        kind = "stranger"
    return Sender(msg.sender_id, msg.sender_name or (staff.name if staff else ""), kind, staff), where
