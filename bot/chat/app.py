"""The application: handlers registered python-telegram-bot style, and one message's path.

transport → ``App.handle`` (dedupe, identify) → first matching handler → storage rows
and outbox rows in ONE transaction → commit → outbox flush → transport.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.attendance.alerts import AlertChange
from bot.chat.outbox import Outbox, Recipient, enqueue
from bot.chat.render import render, set_timezone
from bot.chat.router import Sender, Where, identify
from bot.chat.transports.base import IncomingMessage, Transport
from bot.clock import Clock
from bot.school.calendar import SchoolCalendar
from bot.school.config import SchoolConfig
from bot.school.context import SchoolContext
from bot.school.roster import Roster
from storage.enums import InboundStatus, RoomKind, SenderKind
from storage.models import InboundMessage

if TYPE_CHECKING:
    from bot.attendance.parsing import ParseResult
    from bot.attendance.recording import Outcome

log = logging.getLogger(__name__)

ALL_ROOMS: frozenset[str] = frozenset(RoomKind)
# Where private data may be shown.
STAFF_PLACES: frozenset[str] = frozenset({RoomKind.DIRECT, RoomKind.STAFF, RoomKind.LEADERS})
ALL_SENDERS: frozenset[str] = frozenset(SenderKind)


@dataclass
class Handler:
    """``callback(ctx, match)`` runs when the room kind, the sender kind and ``match`` fit.

    ``match(ctx)`` returns something truthy (passed on to the callback) or a falsy value.
    A callback that returns False declines, and the next handler is tried.
    """

    callback: Callable[[Context, Any], bool | None]
    name: str
    rooms: frozenset[str] = ALL_ROOMS
    senders: frozenset[str] = ALL_SENDERS
    match: Callable[[Context], Any] | None = None

    def check(self, ctx: Context) -> Any:
        if ctx.where.kind not in self.rooms or ctx.sender.kind not in self.senders:
            return None
        return self.match(ctx) if self.match else True


@dataclass
class Context:
    app: App
    msg: IncomingMessage
    sender: Sender
    where: Where
    session: Session
    inbound: InboundMessage
    _seq: itertools.count = field(default_factory=itertools.count)

    @property
    def school(self) -> SchoolContext:
        return self.app.school

    @property
    def roster(self) -> Roster:
        return self.school.roster(self.session)

    @property
    def now(self) -> dt.datetime:
        return self.msg.at.astimezone(self.school.tz)

    @property
    def today(self) -> dt.date:
        return self.now.date()

    @property
    def text(self) -> str:
        return self.msg.text

    @cached_property
    def report(self) -> ParseResult:
        """What the absence parser understands of this message (parsed once, lazily)."""
        return self.app.parse(self.msg.text, sender=self.sender, where=self.where, today=self.today)

    def send(self, to: Recipient, template: str, **data: Any) -> None:
        text = render(template, school=self.app.school.config, **data)
        enqueue(self.session, self.app.clock, f"reply:{self.msg.message_id}:{next(self._seq)}", to, text)

    def reply(self, template: str, **data: Any) -> None:
        """Answer where the message came from (the room, or the sender directly)."""
        to = Recipient(contact=self.sender.id) if self.where.is_direct else Recipient(room=self.where.topic)
        self.send(to, template, **data)

    def reply_private(self, template: str, **data: Any) -> None:
        self.send(Recipient(contact=self.sender.id), template, **data)

    def finish(self, out: Outcome, day: dt.date) -> None:
        """After recording: check the alert rule for the students touched, announce changes."""
        from bot.attendance import recording

        recording.finish(self.session, self.school, out, day, self.app.clock.now())
        self.announce(out.alert_changes)
        out.alert_changes = []

    def announce(self, changes: list[AlertChange]) -> None:
        """Queue the notices of alerts this message opened, escalated or closed."""
        from bot.reports.alert_notices import queue_alert_notices

        queue_alert_notices(self.app, self.session, self.school, changes)

    def reply_staff_safe(self, template: str, **data: Any) -> None:
        """Student data never goes to a parent group: answer privately there."""
        if self.where.kind in STAFF_PLACES:
            self.reply(template, **data)
        else:
            self.reply_private(template, **data)


class App:
    def __init__(
        self,
        *,
        school: SchoolConfig,
        engine: Engine,
        clock: Clock,
        transport: Transport,
        instance: str = "bot",
        retry_base_s: float = 5.0,
        max_attempts: int = 8,
        pending_ttl: dt.timedelta = dt.timedelta(minutes=30),
    ) -> None:
        self.school = SchoolContext.of(school)
        self.engine, self.clock, self.transport = engine, clock, transport
        set_timezone(self.school.tz)  # one school per process: its texts show its local time
        self.pending_ttl = pending_ttl
        self.handlers: list[Handler] = []
        # The FAQ handler sets this: the numbered help menu (number, topic id, title).
        self.faq_menu: Callable[[], list[tuple[int, str, str]]] | None = None
        self.outbox = Outbox(
            engine, transport, clock, instance=instance, retry_base_s=retry_base_s, max_attempts=max_attempts
        )

    # -- registry -------------------------------------------------------------------
    def add_handler(
        self,
        callback: Callable[[Context, Any], bool | None],
        *,
        name: str | None = None,
        rooms: Iterable[str] = ALL_ROOMS,
        senders: Iterable[str] = ALL_SENDERS,
        match: Callable[[Context], Any] | None = None,
    ) -> Handler:
        handler = Handler(callback, name or callback.__name__, frozenset(rooms), frozenset(senders), match)
        self.handlers.append(handler)
        return handler

    # -- data the handlers share ----------------------------------------------------
    @property
    def calendar(self) -> SchoolCalendar:
        return self.school.calendar

    @property
    def roster(self) -> Roster:
        with Session(self.engine) as s:
            return self.school.roster(s)

    def invalidate_roster(self) -> None:
        self.school.invalidate_roster()

    def parse(self, text: str, *, sender: Sender, where: Where, today: dt.date) -> ParseResult:
        from bot.attendance.parsing import parse_report

        return parse_report(
            text,
            roster=self.roster,
            calendar=self.calendar,
            today=today,
            sender=sender.staff,
            room_class=where.class_name,
            staff_names=[s.name for s in self.school.config.staff],
        )

    # -- one message's path ---------------------------------------------------------
    async def handle(self, msg: IncomingMessage) -> str | None:
        """Handle one incoming message; returns the handler's name, None for a duplicate."""
        sender, where = identify(msg, self.school.config)
        with Session(self.engine, expire_on_commit=False) as session:
            inbound = InboundMessage(
                message_id=msg.message_id,
                sender_id=msg.sender_id,
                sender_name=msg.sender_name,
                room=msg.room,
                text=msg.text,
                mentioned=msg.mentioned,
                sent_at=msg.at,
                received_at=self.clock.now(),
            )
            session.add(inbound)
            try:
                session.flush()
            except IntegrityError:
                session.rollback()
                log.info("重复投递，已忽略 duplicate delivery ignored: %s", msg.message_id)
                return None
            ctx = Context(self, msg, sender, where, session, inbound)
            try:
                name = self._dispatch(ctx)
                inbound.status, inbound.handler = InboundStatus.HANDLED, name
                session.add(inbound)
                session.commit()
            except Exception as exc:  # a crash in one report must not lose the message
                session.rollback()
                log.exception("处理消息出错 handler crashed on %s", msg.message_id)
                self._record_failure(msg, sender, where, exc)
                name = "error"
        await self.outbox.flush()
        return name

    def _dispatch(self, ctx: Context) -> str:
        for handler in self.handlers:
            matched = handler.check(ctx)
            if not matched:
                continue
            if handler.callback(ctx, matched) is False:
                continue
            return handler.name
        return "none"

    def _record_failure(self, msg: IncomingMessage, sender: Sender, where: Where, exc: Exception) -> None:
        with Session(self.engine) as session:
            session.add(
                InboundMessage(
                    message_id=msg.message_id,
                    sender_id=msg.sender_id,
                    sender_name=msg.sender_name,
                    room=msg.room,
                    text=msg.text,
                    mentioned=msg.mentioned,
                    sent_at=msg.at,
                    received_at=self.clock.now(),
                    status=InboundStatus.FAILED,
                    error=f"{type(exc).__name__}: {exc}"[:500],
                )
            )
            # Only people who were talking to the bot hear about it; a group is not spammed.
            if sender.is_staff or where.is_direct or msg.mentioned:
                to = (
                    Recipient(contact=sender.id)
                    if (where.is_direct or sender.is_staff)
                    else Recipient(room=where.topic)
                )
                enqueue(
                    session,
                    self.clock,
                    f"reply:{msg.message_id}:error",
                    to,
                    render("error.j2", school=self.school.config),
                )
            session.commit()

    # -- sending outside a message (jobs, alerts) ----------------------------------
    def queue(self, session: Session, key: str, to: Recipient, template: str, **data: Any) -> bool:
        return enqueue(session, self.clock, key, to, render(template, school=self.school.config, **data))
