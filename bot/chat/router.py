"""Who is speaking, and where (pure): the first step of every message's path."""

from __future__ import annotations

from dataclasses import dataclass

from bot.chat.transports.base import IncomingMessage
from bot.school.config import RoomConfig, SchoolConfig, StaffMember
from storage.enums import RoomKind, SenderKind


@dataclass(frozen=True)
class Sender:
    id: str
    name: str
    kind: SenderKind
    staff: StaffMember | None = None

    @property
    def is_staff(self) -> bool:
        return self.kind == SenderKind.STAFF


@dataclass(frozen=True)
class Where:
    kind: str  # a RoomKind: direct | parents | staff | leaders | unknown
    topic: str | None = None
    class_name: str | None = None

    @property
    def is_direct(self) -> bool:
        return self.kind == RoomKind.DIRECT

    @property
    def is_parent_room(self) -> bool:
        return self.kind == RoomKind.PARENTS


def identify(msg: IncomingMessage, school: SchoolConfig) -> tuple[Sender, Where]:
    if msg.room is None:
        where = Where(RoomKind.DIRECT)
    else:
        room: RoomConfig | None = school.room(msg.room)
        where = Where(room.kind, room.topic, room.class_name) if room else Where(RoomKind.UNKNOWN, msg.room)
    staff = school.staff_by_wechat(msg.sender_id)
    if staff is not None:
        kind = SenderKind.STAFF
    elif where.is_parent_room:
        kind = SenderKind.PARENT
    else:
        # A stranger may still be a parent writing directly; the leave handler checks
        # whether they belong to a parent group it knows. Nothing private reaches them.
        kind = SenderKind.STRANGER
    return Sender(msg.sender_id, msg.sender_name or (staff.name if staff else ""), kind, staff), where
