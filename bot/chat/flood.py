"""Flood control for what the bot sends to groups: a token bucket per room.

A busy parent group (1,000 messages in a minute) must not get hundreds of bot answers.
Every text to a room takes a token; a room holds at most ``burst`` tokens and gains
``per_minute`` a minute. When a room has none left, the outbox decides by what the text
is (``Outbox._flood``): a reply to a staff member goes to them privately, a repeated
"已经回答过" pointer or another chat answer is dropped, a scheduled message waits for
its token.

The bucket is driven by the bot's Clock (the virtual one in simulate and tests), which
is why it is these few lines rather than a rate-limit library reading the wall clock.
Each bot process keeps its own buckets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

POINTER_TEMPLATE = "faq_chat/pointer.j2"


@dataclass
class _Bucket:
    tokens: float
    at: dt.datetime


@dataclass
class FloodControl:
    per_minute: float = 6.0
    burst: int = 3
    window: dt.timedelta = dt.timedelta(minutes=1)  # repeated pointers within it are one
    _buckets: dict[str, _Bucket] = field(default_factory=dict)
    _last_pointer: dict[str, dt.datetime] = field(default_factory=dict)

    def _refill(self, room: str, now: dt.datetime) -> _Bucket:
        b = self._buckets.get(room)
        if b is None:
            b = self._buckets[room] = _Bucket(float(self.burst), now)
        gained = max((now - b.at).total_seconds(), 0.0) * self.per_minute / 60.0
        b.tokens, b.at = min(float(self.burst), b.tokens + gained), max(now, b.at)
        return b

    def has_token(self, room: str, now: dt.datetime) -> bool:
        return self._refill(room, now).tokens >= 1.0

    def take(self, room: str, now: dt.datetime) -> None:
        """A text went to the room: it used a token."""
        b = self._refill(room, now)
        b.tokens = max(b.tokens - 1.0, 0.0)

    def next_token_at(self, room: str, now: dt.datetime) -> dt.datetime:
        b = self._refill(room, now)
        missing = max(1.0 - b.tokens, 0.0)
        return now + dt.timedelta(seconds=missing * 60.0 / self.per_minute)

    def pointer_repeated(self, room: str, now: dt.datetime) -> bool:
        """True when a pointer already went to this room within the window."""
        last = self._last_pointer.get(room)
        return last is not None and now - last < self.window

    def pointer_sent(self, room: str, now: dt.datetime) -> None:
        self._last_pointer[room] = now
