"""The outbox: every message the bot sends is written first, sent after, marked sent.

A dedupe key (job, date, recipient — or the inbound message a reply answers) makes a
message exist once, however often a job runs or a restart replays it.

Sending takes ONE row at a time: the oldest due row whose recipient has nothing older
still undelivered (so each chat gets its messages in order), claimed with a short lease
that is renewed while the transport works on it. A slow gateway therefore never lets a
second sender (the 15-second poll, another process) take a row that is being sent. A
process that died mid-send leaves a claim that its restart (same instance id) releases
at once, or that expires for the others.

What remains at-least-once: a crash (or a transport timeout) after the chat service
accepted a text and before the row is marked sent sends that one text again. Nothing
else is ever sent twice.

An outage (``SendError.outage``) never fails a message: the row waits, uncounted, and
goes when the transport is back. Only a rejection of that message counts toward
``max_attempts``; a row that fails for good is listed in the principal's next digest
(``undelivered``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, exists
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult, Engine
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, or_, select, update

from bot.chat.flood import POINTER_TEMPLATE, FloodControl
from bot.chat.render import render
from bot.chat.transports.base import DEFAULT_MAX_TEXT, SendError, Transport
from bot.clock import Clock
from storage.enums import OutboxStatus
from storage.models import OutboundMessage

log = logging.getLogger(__name__)
CLAIM_LEASE = dt.timedelta(minutes=2)
UNSENT = (OutboxStatus.PENDING, OutboxStatus.SENDING)
PART_MARK_RESERVE = 12  # room for "（12/12）" in front of each part


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
    session: Session,
    clock: Clock,
    key: str,
    to: Recipient,
    text: str,
    *,
    school_id: str | None = None,
    template: str | None = None,
    image: bytes | None = None,
    attachment: str | None = None,
) -> bool:
    """Add a message unless its key exists; True if it was added. Caller commits.

    The text is kept whole however long: the sender splits it into parts the transport
    can carry (``split_text``)."""
    now = clock.now()
    row = dict(
        dedupe_key=key,
        school_id=school_id,
        to_room=to.room,
        to_contact=to.contact,
        text=text,
        template=template,
        image=image,
        attachment=attachment,
        created_at=now,
        next_attempt_at=now,
    )
    # One statement: the unique key decides (here or in another process meanwhile), with
    # no look-up first and no savepoint around it.
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = OutboundMessage.__table__  # type: ignore[attr-defined]
    stmt = insert(table).values(row).on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(table.c.id)
    # RETURNING says whether this statement added the row; rowcount does not on every
    # driver (psycopg reports -1 for a skipped INSERT … ON CONFLICT here).
    result: CursorResult[Any] = session.execute(stmt)  # type: ignore[assignment]
    return result.first() is not None


def split_text(text: str, limit: int) -> list[str]:
    """A text the transport cannot carry at once, as numbered parts cut at line ends.

    A single line longer than a part is cut inside (nothing else can be done with it);
    every character of the text is in exactly one part, in order."""
    if len(text) <= limit:
        return [text]
    budget = max(limit - PART_MARK_RESERVE, 1)
    chunks: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        while len(line) > budget:  # a line no part can hold
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:budget])
            line = line[budget:]
        if len(current) + len(line) > budget:
            chunks.append(current)
            current = ""
        current += line
    if current:
        chunks.append(current)
    parts = [c.rstrip("\n") for c in chunks]
    return [render("transport/part.j2", n=i, total=len(parts), text=p) for i, p in enumerate(parts, 1)]


def undelivered(
    session: Session, school_id: str, since: dt.datetime | None, until: dt.datetime
) -> list[OutboundMessage]:
    """Messages of a school that failed for good in [since, until): the digest lists them."""
    q = select(OutboundMessage).where(
        OutboundMessage.school_id == school_id,
        OutboundMessage.status == OutboxStatus.FAILED,
        col(OutboundMessage.failed_at).is_not(None),
        col(OutboundMessage.failed_at) < until,
    )
    if since is not None:
        q = q.where(col(OutboundMessage.failed_at) >= since)
    return list(session.exec(q.order_by(col(OutboundMessage.id))))


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
        flood: FloodControl | None = None,
        staff_sender: Callable[[OutboundMessage], tuple[str, str] | None] | None = None,
        lease: dt.timedelta = CLAIM_LEASE,
        renew_every_s: float | None = None,
    ) -> None:
        self.engine, self.transport, self.clock = engine, transport, clock
        # Checked before a text goes to a group; raises SendError to hold it back.
        self.guard = guard
        self.instance = instance
        self.retry_base = dt.timedelta(seconds=retry_base_s)
        self.max_attempts = max_attempts
        self.flood = flood
        # The staff member a reply in a group answers and the group's name (None: not a
        # reply, or not to staff).
        self.staff_sender = staff_sender
        self.lease = lease
        self.renew_every_s = lease.total_seconds() / 4 if renew_every_s is None else renew_every_s
        self._lock = asyncio.Lock()
        self._again = False
        self._claim_sql: tuple[Any, Any] | None = None

    def release_own_claims(self) -> int:
        """At start: rows this instance claimed before it died go back to pending, due now."""
        with Session(self.engine) as s:
            res = s.exec(
                update(OutboundMessage)
                .where(
                    col(OutboundMessage.status) == OutboxStatus.SENDING,
                    col(OutboundMessage.claimed_by) == self.instance,
                )
                .values(status=OutboxStatus.PENDING, next_attempt_at=self.clock.now(), claimed_by=None)
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

    # -- claiming ---------------------------------------------------------------------
    def _claim_statements(self, dialect: str) -> tuple[Any, Any]:
        """The claim's query and its compare-and-set, built once: building them is most of
        a claim's cost in SQLAlchemy."""
        if self._claim_sql is None:
            older = aliased(OutboundMessage)
            same_chat = or_(older.to_room == OutboundMessage.to_room, older.to_contact == OutboundMessage.to_contact)
            q = (
                select(OutboundMessage)
                .where(
                    col(OutboundMessage.status).in_(UNSENT),
                    col(OutboundMessage.next_attempt_at) <= bindparam("now"),
                    ~exists().where(col(older.id) < OutboundMessage.id, col(older.status).in_(UNSENT), same_chat),
                )
                .order_by(col(OutboundMessage.id))
                .limit(1)
            )
            if dialect == "postgresql":
                q = q.with_for_update(skip_locked=True)
            # Compare-and-set: on SQLite two processes may read the same row; only one
            # update finds it still unclaimed.
            cas = (
                update(OutboundMessage)
                .where(
                    col(OutboundMessage.id) == bindparam("row_id"),
                    col(OutboundMessage.status) == bindparam("was"),
                    col(OutboundMessage.next_attempt_at) <= bindparam("now"),
                )
                .values(status=OutboxStatus.SENDING, claimed_by=self.instance, next_attempt_at=bindparam("until"))
            )
            self._claim_sql = (q, cas)
        return self._claim_sql

    def _claim_next(self) -> OutboundMessage | None:
        """The oldest due row with nothing older undelivered to the same chat, claimed."""
        now = self.clock.now()
        with Session(self.engine, expire_on_commit=False) as s:
            q, cas = self._claim_statements(s.get_bind().dialect.name)
            row: OutboundMessage | None = s.exec(q, params={"now": now}).first()
            if row is None:
                return None
            until = now + self.lease
            res = s.connection().execute(cas, {"row_id": row.id, "was": row.status, "now": now, "until": until})
            s.commit()
            if not res.rowcount:
                return None
            # What the update wrote, without reading the row back.
            for key, value in (
                ("status", OutboxStatus.SENDING),
                ("claimed_by", self.instance),
                ("next_attempt_at", until),
            ):
                set_committed_value(row, key, value)
            return row

    def _renew(self, row_id: int) -> None:
        with Session(self.engine) as s:
            s.exec(
                update(OutboundMessage)
                .where(
                    col(OutboundMessage.id) == row_id,
                    col(OutboundMessage.status) == OutboxStatus.SENDING,
                    col(OutboundMessage.claimed_by) == self.instance,
                )
                .values(next_attempt_at=self.clock.now() + self.lease)
            )
            s.commit()

    async def _keep_claim(self, row_id: int) -> None:
        """While a send is under way, keep the lease from running out under it."""
        while True:
            await asyncio.sleep(self.renew_every_s)
            self._renew(row_id)

    def _finish(self, row_id: int, **values: Any) -> None:
        with Session(self.engine) as s:
            s.exec(update(OutboundMessage).where(col(OutboundMessage.id) == row_id).values(**values))
            s.commit()

    # -- sending ----------------------------------------------------------------------
    async def flush(self, limit: int | None = None) -> int:
        """Send what is due, oldest first; returns how many were sent.

        One flush at a time per process: a flush asked for while one runs makes the
        running one look again before it stops. ``limit`` caps the rows tried."""
        if self._lock.locked():
            self._again = True
            return 0
        async with self._lock:
            sent = tried = 0
            while True:
                self._again = False
                while limit is None or tried < limit:
                    row = self._claim_next()
                    if row is None:
                        break
                    tried += 1
                    result = await self._send_one(row)
                    if result is None:  # the transport is away: the rest would only fail too
                        return sent
                    sent += result
                if not self._again or (limit is not None and tried >= limit):
                    return sent

    async def _send_one(self, row: OutboundMessage) -> int | None:
        """1 sent, 0 not (failed, held, dropped, waiting for a token), None for an outage."""
        assert row.id is not None  # a claimed row was read back from the table
        if row.to_room is not None and self.flood is not None:
            if not self._flood(row):
                return 0
        keeper = asyncio.create_task(self._keep_claim(row.id))
        try:
            if row.to_room is not None and self.guard is not None:
                await self.guard(row)
            await self._send_parts(row)
        except SendError as e:
            self._failed(row, e)
            return None if e.outage else 0
        finally:
            # Not awaited: awaiting it here could swallow a cancellation of this task.
            # A renewal that would still run finds the row no longer "sending" and does nothing.
            keeper.cancel()
        now = self.clock.now()
        if row.to_room is not None and self.flood is not None:
            self.flood.take(row.to_room, now)
            if row.template == POINTER_TEMPLATE:
                self.flood.pointer_sent(row.to_room, now)
        self._finish(row.id, status=OutboxStatus.SENT, attempts=row.attempts + 1, sent_at=now, last_error=None)
        return 1

    async def _send_parts(self, row: OutboundMessage) -> None:
        assert row.id is not None
        if row.image is not None:
            await self.transport.send_image(room=row.to_room, contact=row.to_contact, png=row.image, caption=row.text)
            return
        limit = getattr(self.transport, "max_text", DEFAULT_MAX_TEXT)
        parts = split_text(row.text, limit)
        for i in range(row.parts_sent, len(parts)):
            await self.transport.send(room=row.to_room, contact=row.to_contact, text=parts[i])
            if i + 1 < len(parts) or row.attachment:  # a retry goes on from the next part, not from the first
                row.parts_sent = i + 1
                self._finish(row.id, parts_sent=i + 1)
        if row.attachment:  # the file is the last part: after its caption
            path = Path(row.attachment)
            if not path.is_file():
                raise SendError(f"要发送的文件不见了 / the file to send is gone: {path.name}", permanent=True)
            await self.transport.send_file(room=row.to_room, contact=row.to_contact, path=str(path), name=path.name)

    def _failed(self, row: OutboundMessage, e: SendError) -> None:
        assert row.id is not None
        now = self.clock.now()
        if e.outage:
            # Not this message's fault: it waits, uncounted, for the transport to return.
            log.info("发送暂缓 transport away (%s): %s", row.dedupe_key, e)
            self._finish(
                row.id,
                status=OutboxStatus.PENDING,
                last_error=str(e)[:500],
                next_attempt_at=now + self.retry_base,
                claimed_by=None,
            )
            return
        attempts = row.attempts + 1
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
            next_attempt_at=now + delay,
            failed_at=now if final else None,
            claimed_by=None,
        )

    def _flood(self, row: OutboundMessage) -> bool:
        """May this text go to its room now? If not, the row is dealt with here."""
        assert row.id is not None and row.to_room is not None and self.flood is not None
        room, now = row.to_room, self.clock.now()
        pointer = row.template == POINTER_TEMPLATE
        if pointer and self.flood.pointer_repeated(room, now):
            self._drop(row, "已经提示过往上翻看 / pointer coalesced")
            return False
        if self.flood.has_token(room, now):
            return True
        found = self.staff_sender(row) if self.staff_sender is not None else None
        if found is not None:
            # A staff member's report is never left unanswered: privately, at once.
            staff, topic = found
            text = render("transport/flood_dm.j2", topic=topic, text=row.text)
            log.info("群 %s 消息太多，改为私聊 %s / room over budget: reply by DM", room, staff)
            self._finish(
                row.id,
                to_room=None,
                to_contact=staff,
                text=text,
                status=OutboxStatus.PENDING,
                next_attempt_at=now,
                claimed_by=None,
            )
            return False
        if row.dedupe_key.startswith("reply:"):
            # A chat answer only helps at once; the group has had its share this minute.
            self._drop(row, "群里消息太多，未回复 / room over budget")
            return False
        # A scheduled message (a digest, an alert) waits for its token, never dropped.
        self._finish(
            row.id, status=OutboxStatus.PENDING, next_attempt_at=self.flood.next_token_at(room, now), claimed_by=None
        )
        return False

    def _drop(self, row: OutboundMessage, why: str) -> None:
        assert row.id is not None
        log.info("不发送 dropped (%s): %s", row.dedupe_key, why)
        self._finish(row.id, status=OutboxStatus.DROPPED, last_error=why, claimed_by=None)
