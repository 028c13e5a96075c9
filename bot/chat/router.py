"""Who is speaking, and where (pure): the first step of every message's path.

A room is known by its binding (``bot.chat.rooms``: the transport's room id → school,
kind, class), never by its topic; a sender is staff of the room's school, or of some
school when writing directly, by chat id, never by display name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.chat.rooms import Binding
from bot.chat.transports.base import IncomingMessage
from bot.school.config import SchoolConfig, StaffMember
from storage.enums import RoomKind, SenderKind


@dataclass(frozen=True)
class Sender:
    id: str
    name: str
    kind: SenderKind
    staff: StaffMember | None = None
    school_id: str | None = None  # the school they are staff of (the room's, or their first)

    @property
    def is_staff(self) -> bool:
        return self.kind == SenderKind.STAFF


@dataclass(frozen=True)
class Where:
    kind: str  # a RoomKind: direct | parents | staff | leaders | unknown
    topic: str | None = None  # the school's name for the room; for an unknown room, its name now
    class_name: str | None = None
    room_id: str | None = None  # the transport's id: where a reply goes
    school_id: str | None = None  # the school whose room it is (None: direct, or unknown)

    @property
    def is_direct(self) -> bool:
        return self.kind == RoomKind.DIRECT

    @property
    def is_parent_room(self) -> bool:
        return self.kind == RoomKind.PARENTS


def identify(
    msg: IncomingMessage, binding: Binding | None, schools: Mapping[str, SchoolConfig]
) -> tuple[Sender, Where]:
    if msg.room is None and msg.room_id is None:
        where = Where(RoomKind.DIRECT)
    elif binding is not None:
        where = Where(binding.kind, binding.topic, binding.class_name, binding.room_id, binding.school_id)
    else:
        where = Where(RoomKind.UNKNOWN, msg.room, None, msg.room_id)
    staff, school_id = None, where.school_id
    if where.school_id is not None:
        staff = schools[where.school_id].staff_by_wechat(msg.sender_id)
    else:
        for sid, school in schools.items():
            if (staff := school.staff_by_wechat(msg.sender_id)) is not None:
                school_id = sid
                break
    if staff is not None:
        kind = SenderKind.STAFF
    elif where.is_parent_room:
        # Staff of another school in this school's parent group are parents here.
        kind = SenderKind.PARENT
    else:
        # A stranger may still be a parent writing directly; nothing private reaches them.
        kind = SenderKind.STRANGER
    name = msg.sender_name or (staff.name if staff else "")
    return Sender(msg.sender_id, name, kind, staff, school_id if staff else where.school_id), where
