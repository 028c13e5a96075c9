"""In-memory transport: tests and ``schoolbot simulate`` drive the bot through it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.chat.transports.base import DEFAULT_MAX_TEXT, IncomingMessage, MessageCallback, SendError
from bot.clock import Clock


@dataclass(frozen=True)
class Sent:
    at: dt.datetime | None
    room: str | None  # the room id
    contact: str | None
    text: str
    image: bytes | None = None  # a picture (PNG); ``text`` is its caption
    file: bytes | None = None  # a file sent (send_file): its content, as the recipient gets it


class MemoryTransport:
    name = "memory"
    max_text = DEFAULT_MAX_TEXT

    def __init__(self, clock: Clock | None = None, known_rooms: set[str] | None = None) -> None:
        self.clock = clock
        self.sent: list[Sent] = []
        self.on_message: MessageCallback | None = None
        self.known_rooms = known_rooms  # None: every room exists
        # Who is in each room: seeded by the caller (simulate: a staff room holds its
        # school's staff), and everyone who speaks there joins.
        self.members: dict[str, set[str]] = {}
        self.on_members_changed: Callable[[str], None] | None = None  # set by the App
        self.fail_next: list[Exception] = []  # injected send failures, consumed in order
        self.down = False  # an outage (simulate's ``transport: down``): every send fails as WeChat's would
        self._ids = itertools.count(1)

    async def start(self, on_message: MessageCallback) -> None:
        self.on_message = on_message

    async def stop(self) -> None:
        self.on_message = None

    async def send(self, *, room: str | None = None, contact: str | None = None, text: str) -> None:
        if self.down:
            raise SendError("暂时没有连上微信，稍后重发 / not connected, will retry", outage=True)
        if self.fail_next:
            raise self.fail_next.pop(0)
        if room is not None and self.known_rooms is not None and room not in self.known_rooms:
            raise SendError(f"机器人不在群“{room}”里 / bot is not in room {room!r}", permanent=True)
        self.sent.append(Sent(self.clock.now() if self.clock else None, room, contact, text))

    async def send_image(
        self, *, room: str | None = None, contact: str | None = None, png: bytes, caption: str
    ) -> None:
        await self.send(room=room, contact=contact, text=caption)
        self.sent[-1] = dataclasses.replace(self.sent[-1], image=png)

    async def send_file(self, *, room: str | None = None, contact: str | None = None, path: str, name: str) -> None:
        """Recorded as a message whose text is the file's name and whose ``file`` its bytes."""
        if self.down:
            raise SendError("暂时没有连上微信，稍后重发 / not connected, will retry", outage=True)
        if room is not None and self.known_rooms is not None and room not in self.known_rooms:
            raise SendError(f"机器人不在群“{room}”里 / bot is not in room {room!r}", permanent=True)
        content = Path(path).read_bytes()
        self.sent.append(Sent(self.clock.now() if self.clock else None, room, contact, f"[文件] {name}", file=content))

    async def room_members(self, room_id: str) -> set[str] | None:
        return set(self.members.get(room_id, set()))

    async def deliver(
        self,
        *,
        text: str,
        sender_id: str,
        sender_name: str = "",
        room: str | None = None,
        room_id: str | None = None,
        mentioned: bool = False,
        at: dt.datetime | None = None,
        message_id: str | None = None,
        is_text: bool = True,
    ) -> object:
        """Feed one incoming message to the bot, as the chat service would; returns what
        the bot's callback returns (``App.handle``: the handler's name)."""
        if self.on_message is None:
            raise RuntimeError("transport not started")
        when = at or (self.clock.now() if self.clock else dt.datetime.now(dt.UTC))
        # Here, as in simulate, a room with no id of its own is known by its topic.
        rid = room_id or room
        if rid is not None and sender_id not in self.members.setdefault(rid, set()):
            self.members[rid].add(sender_id)
            if self.on_members_changed is not None:
                self.on_members_changed(rid)
        msg = IncomingMessage(
            message_id=message_id or f"mem-{next(self._ids)}",
            room=room,
            sender_id=sender_id,
            sender_name=sender_name,
            text=text,
            mentioned=mentioned,
            at=when,
            is_text=is_text,
            room_id=rid,
        )
        return await self.on_message(msg)

    def take(self) -> list[Sent]:
        out, self.sent = self.sent, []
        return out
