"""The one small interface every transport implements.

It mirrors python-wechaty's ``Message`` (talker, room, text, mention_self, date, id) so
the Wechaty transport is a thin adapter, and the in-memory and console transports can
stand in for it in tests, ``simulate`` and ``run`` without an account.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class IncomingMessage:
    message_id: str  # transport id; a repeat is a re-delivery (the dedupe key)
    room: str | None  # the room's topic as it reads now (for people); None for a direct message
    sender_id: str  # sender's chat id (wxid)
    sender_name: str  # display name
    text: str
    mentioned: bool  # the message @-mentions the bot
    at: dt.datetime  # when it was sent (tz-aware)
    is_text: bool = True  # False for images, voice, files …: the bot asks for text
    room_id: str | None = None  # the transport's id of the room: how the bot knows a group


MessageCallback = Callable[[IncomingMessage], Awaitable[object]]  # transports ignore the result


class SendError(Exception):
    """A send that failed.

    ``permanent``: the transport rejected this message and retrying cannot help (no such
    room, not a contact). ``outage``: the transport itself is away (not logged in, the
    connection dropped); that is no fault of the message, so it never counts toward the
    outbox's ``max_attempts``. Neither: this message was refused for now; retried, counted.
    """

    def __init__(self, message: str, *, permanent: bool = False, outage: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.outage = outage and not permanent


DEFAULT_MAX_TEXT = 4000  # characters WeChat delivers in one message without cutting it


class Transport(Protocol):
    name: str
    max_text: int  # the longest text one send may carry; the outbox splits longer ones

    async def start(self, on_message: MessageCallback) -> None:
        """Connect and deliver incoming messages to ``on_message`` until stopped."""

    async def send(self, *, room: str | None = None, contact: str | None = None, text: str) -> None:
        """Send ``text`` to a room (by its room id) or a contact (by chat id); raise SendError."""

    async def send_image(
        self, *, room: str | None = None, contact: str | None = None, png: bytes, caption: str
    ) -> None:
        """Send a PNG picture (the weekly chart); ``caption`` names it (its file name, logs); raise SendError."""

    async def send_file(self, *, room: str | None = None, contact: str | None = None, path: str, name: str) -> None:
        """A file (the 台账 workbook), to exactly one room or contact; errors as ``send``."""
        ...

    async def room_members(self, room_id: str) -> set[str] | None:
        """The chat ids in a room, or None when the transport cannot tell."""

    async def stop(self) -> None: ...
