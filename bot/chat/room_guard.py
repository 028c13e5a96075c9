"""Before a text goes to a group: is the group what the bot thinks it is?

A staff or leaders group receives names, reasons, phone numbers and digests. Before
anything goes there the bot asks the transport who is in it (cached for a few minutes)
and holds the text back when anyone there is not staff of that school, telling the
principal by direct message. A group with no binding gets nothing at all.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from bot.chat import rooms
from bot.chat.outbox import Recipient
from bot.chat.transports.base import SendError
from storage.enums import Role, RoomKind
from storage.models import InboundMessage, OutboundMessage

if TYPE_CHECKING:
    from bot.chat.app import App
    from bot.school.context import SchoolContext

log = logging.getLogger(__name__)
MEMBERS_TTL = dt.timedelta(minutes=5)
PRIVATE_KINDS = (RoomKind.STAFF, RoomKind.LEADERS)


class RoomGuard:
    def __init__(self, app: App) -> None:
        self.app = app
        self._members: dict[str, tuple[dt.datetime, set[str] | None]] = {}

    async def members(self, room_id: str) -> set[str] | None:
        now = self.app.clock.now()
        cached = self._members.get(room_id)
        if cached is not None and now - cached[0] < MEMBERS_TTL and cached[1] is not None:
            return cached[1]
        found = await self.app.transport.room_members(room_id)
        self._members[room_id] = (now, found)
        return found

    def forget(self, room_id: str) -> None:
        self._members.pop(room_id, None)

    def _tell_the_sender(self, s: Session, school: SchoolContext, row: OutboundMessage, topic: str) -> None:
        """A reply held back still reaches the one who wrote: privately, so nothing is lost."""
        if not row.dedupe_key.startswith("reply:"):
            return
        message_id = row.dedupe_key.split(":")[1]
        inbound = s.exec(select(InboundMessage).where(InboundMessage.message_id == message_id)).first()
        if inbound is None or school.staff_by_wechat(inbound.sender_id) is None:
            return  # only staff get the private copy: it may name students
        self.app.queue(
            s,
            school,
            f"room-guard-copy:{row.id}",
            Recipient(contact=inbound.sender_id),
            "rooms/held_back_copy.j2",
            topic=topic,
            text=row.text,
        )

    async def check(self, row: OutboundMessage) -> None:
        """Raise SendError to hold the row back; return to let it go."""
        assert row.to_room is not None
        with Session(self.app.engine) as s:
            binding = self.app.rooms.get(s, row.to_room)
        if binding is None:
            # The only texts for a group no school has bound are the rooms handler's
            # answers there (how to bind): replies to a message from that very group.
            if row.dedupe_key.startswith("reply:"):
                return
            raise SendError(f"群 {row.to_room} 没有绑定任何学校，不发送 / room is not bound", permanent=True)
        if binding.kind not in PRIVATE_KINDS:
            return  # parent groups only ever get public text
        school = self.app.schools.get(binding.school_id)
        if school is None:
            raise SendError(f"群 {row.to_room} 的学校 {binding.school_id} 不在本部署里", permanent=True)
        members = await self.members(binding.room_id)
        if members is None:
            # Logged out, the members cannot be listed: that is the outage, not this
            # message's fault (it must not use up its attempts while WeChat is away).
            connected = getattr(self.app.transport, "connected", None)
            away = connected is not None and not connected.is_set()
            raise SendError(f"查不到群“{binding.topic}”的成员，稍后再试 / members unknown, will retry", outage=away)
        staff = {m.wechat_id for m in school.staff}
        outsiders = sorted(members - staff)
        with Session(self.app.engine) as s:
            rooms.saw(s, binding.room_id, None, self.app.clock.now(), members=len(members))
            s.commit()
        if not outsiders:
            return
        log.warning("群 %s 里有非本校教职工 %s，未发送 / outsiders in room, held back", binding.topic, outsiders)
        with Session(self.app.engine, expire_on_commit=False) as s:
            day = self.app.clock.now().astimezone(school.tz).date()
            for p in school.with_role(Role.PRINCIPAL):
                self.app.queue(
                    s,
                    school,
                    f"room-guard:{binding.room_id}:{day}:{p.wechat_id}",
                    Recipient(contact=p.wechat_id),
                    "rooms/outsiders.j2",
                    topic=binding.topic,
                    outsiders=outsiders,
                )
            self._tell_the_sender(s, school, row, binding.topic)
            s.commit()
        raise SendError(
            f"群“{binding.topic}”里有不是本校教职工的成员（{'、'.join(outsiders)}），学生信息没有发出 / "
            "the group has members who are not staff: held back",
            permanent=True,
        )
