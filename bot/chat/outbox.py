"""The outbox: every message the bot sends is written first, sent after, marked sent.

A dedupe key (job, date, recipient — or the inbound message a reply answers) makes a
message exist once, however often a job runs or a restart replays it. Sending claims a
row with a lease, so two bot processes sharing PostgreSQL never send the same row, and
a process that died mid-send leaves a claim that expires and is retried.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, or_, select, update

from bot.chat.transports.base import SendError, Transport
from bot.clock import Clock
from storage.enums import OutboxStatus
from storage.models import OutboundMessage

log = logging.getLogger(__name__)
CLAIM_LEASE = dt.timedelta(minutes=2)
MAX_TEXT = 4000  # WeChat cuts long texts; a digest is split by its template, never here


@dataclass(frozen=True)
class Recipient:
    room: str | None = None
    contact: str | None = None

    def __post_init__(self) -> None:
        if (self.room is None) == (self.contact is None):
            raise ValueError("a message goes to exactly one room or one contact")

    @property
    def label(self) -> str:
        return f"room:{self.room}" if self.room else f"contact:{self.contact}"


def enqueue(
    session: Session, clock: Clock, key: str, to: Recipient, text: str, *, school_id: str | None = None
) -> bool:
    """Add a message unless its key exists; True if it was added. Caller commits."""
    if session.exec(select(OutboundMessage.id).where(OutboundMessage.dedupe_key == key)).first() is not None:
        return False
    now = clock.now()
    row = OutboundMessage(
        dedupe_key=key,
        school_id=school_id,
        to_room=to.room,
        to_contact=to.contact,
        text=text[:MAX_TEXT],
        created_at=now,
        next_attempt_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # another process enqueued the same key meanwhile
        return False
    return True


class Outbox:
    def __init__(
        self,
        engine: Engine,
        transport: Transport,
        clock: Clock,
        *,
        instance: str,
        retry_base_s: float = 5.0,
        max_attempts: int = 8,
        guard: Callable[[OutboundMessage], Awaitable[None]] | None = None,
    ) -> None:
        self.engine, self.transport, self.clock = engine, transport, clock
        # Checked before a text goes to a group; raises SendError to hold it back.
        self.guard = guard
        self.instance = instance
        self.retry_base = dt.timedelta(seconds=retry_base_s)
        self.max_attempts = max_attempts

    def release_own_claims(self) -> int:
        """At start: rows this instance claimed before it died go back to pending."""
        with Session(self.engine) as s:
            res = s.exec(
                update(OutboundMessage)
                .where(
                    col(OutboundMessage.status) == OutboxStatus.SENDING,
                    col(OutboundMessage.claimed_by) == self.instance,
                )
                .values(status=OutboxStatus.PENDING, next_attempt_at=self.clock.now())
            )
            s.commit()
            return res.rowcount or 0

    def retry_now(self) -> int:
        """After a reconnect: what waited out the outage goes now, not after its backoff."""
        with Session(self.engine) as s:
            res = s.exec(
                update(OutboundMessage)
                .where(
                    col(OutboundMessage.status) == OutboxStatus.PENDING,
                    col(OutboundMessage.next_attempt_at) > self.clock.now(),
                )
                .values(next_attempt_at=self.clock.now())
            )
            s.commit()
            return res.rowcount or 0

    def _claim(self, limit: int) -> list[OutboundMessage]:
        now = self.clock.now()
        with Session(self.engine, expire_on_commit=False) as s:
            q = (
                select(OutboundMessage)
                .where(
                    or_(OutboundMessage.status == OutboxStatus.PENDING, OutboundMessage.status == OutboxStatus.SENDING),
                    OutboundMessage.next_attempt_at <= now,
                )
                .order_by(col(OutboundMessage.id))
                .limit(limit)
            )
            if s.get_bind().dialect.name == "postgresql":
                q = q.with_for_update(skip_locked=True)
            rows = list(s.exec(q))
            for row in rows:
                row.status, row.claimed_by = OutboxStatus.SENDING, self.instance
                row.next_attempt_at = now + CLAIM_LEASE
                s.add(row)
            s.commit()
            return rows

    def _finish(self, row_id: int, **values: Any) -> None:
        with Session(self.engine) as s:
            s.exec(update(OutboundMessage).where(col(OutboundMessage.id) == row_id).values(**values))
            s.commit()

    async def flush(self, limit: int = 200) -> int:
        """Send what is due; returns how many were sent."""
        sent, held = 0, 0
        while True:
            rows = self._claim(limit)
            if not rows:
                return sent
            for row in rows:
                ok = await self._send_one(row)
                sent += ok
                held += row.to_room is not None and not ok
            if len(rows) < limit and not held:
                return sent
            held = 0  # a held-back group text may have queued a warning to the principal: send it too

    async def _send_one(self, row: OutboundMessage) -> int:
        assert row.id is not None  # a claimed row was read back from the table
        attempts = row.attempts + 1
        try:
            if row.to_room is not None and self.guard is not None:
                await self.guard(row)
            await self.transport.send(room=row.to_room, contact=row.to_contact, text=row.text)
        except SendError as e:
            final = e.permanent or attempts >= self.max_attempts
            delay = self.retry_base * (2 ** (attempts - 1))
            log.warning(
                "发送失败 send failed (%s, attempt %d%s): %s → %s",
                row.dedupe_key,
                attempts,
                ", giving up" if final else f", retry in {delay.total_seconds():.0f}s",
                row.to_room or row.to_contact,
                e,
            )
            self._finish(
                row.id,
                status=OutboxStatus.FAILED if final else OutboxStatus.PENDING,
                attempts=attempts,
                last_error=str(e)[:500],
                next_attempt_at=self.clock.now() + delay,
                claimed_by=None,
            )
            return 0
        self._finish(row.id, status=OutboxStatus.SENT, attempts=attempts, sent_at=self.clock.now(), last_error=None)
        return 1
