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
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.attendance import changelog
from bot.attendance.alerts import AlertChange
from bot.chat import hygiene, rooms
from bot.chat.flood import FloodControl
from bot.chat.outbox import CLAIM_LEASE, Outbox, Recipient, enqueue
from bot.chat.render import render
from bot.chat.room_guard import RoomGuard
from bot.chat.router import Sender, Where, identify
from bot.chat.transports.base import IncomingMessage, Transport
from bot.clock import Clock
from bot.school.calendar import SchoolCalendar
from bot.school.config import SchoolConfig
from bot.school.context import SchoolContext
from bot.school.deployment import Deployment
from bot.school.reload import ConfigWatch
from bot.school.roster import Roster
from storage.enums import InboundStatus, RoomKind, SenderKind
from storage.models import InboundMessage, OutboundMessage, School

if TYPE_CHECKING:
    from bot.attendance.illness.cases import ClusterChange
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
    school: SchoolContext  # the room's school; in a direct message, the sender's
    _seq: itertools.count = field(default_factory=itertools.count)

    @cached_property
    def roster(self) -> Roster:
        """The school's roster as this message sees it (reloaded when an import changed it)."""
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
        return self.parse(self.msg.text)

    def parse(self, text: str) -> ParseResult:
        """What the absence parser understands of a text, as from this sender, here, today."""
        from bot.attendance.parsing import parse_report

        return parse_report(
            text,
            roster=self.roster,
            calendar=self.school.calendar,
            today=self.today,
            sender=self.sender.staff,
            room_class=self.where.class_name,
            staff_names=[s.name for s in self.school.staff],
        )

    def send(self, to: Recipient, template: str, **data: Any) -> None:
        key = f"reply:{self.msg.message_id}:{next(self._seq)}"
        self.app.queue(self.session, self.school, key, to, template, **data)

    def reply(self, template: str, **data: Any) -> None:
        """Answer where the message came from (the room, or the sender directly)."""
        if self.where.is_direct or self.where.room_id is None:
            to = Recipient(contact=self.sender.id)
        else:
            to = Recipient(room=self.where.room_id)
        self.send(to, template, **data)

    def reply_private(self, template: str, **data: Any) -> None:
        self.send(Recipient(contact=self.sender.id), template, **data)

    def send_file_private(self, path: str, template: str, **data: Any) -> None:
        """A file to the sender alone, after a caption (a workbook of student data never goes to a group)."""
        key = f"reply:{self.msg.message_id}:{next(self._seq)}"
        self.app.queue(
            self.session, self.school, key, Recipient(contact=self.sender.id), template, attachment=path, **data
        )

    def finish(self, out: Outcome, day: dt.date) -> None:
        """After recording: check the alert rule for the students touched, announce changes."""
        from bot.attendance import recording

        recording.finish(self.session, self.school, out, day, self.app.clock.now())
        self.announce(out.alert_changes, out.cluster_changes)
        out.alert_changes, out.cluster_changes = [], []

    def announce(self, changes: list[AlertChange], clusters: list[ClusterChange] | None = None) -> None:
        """Queue the notices of alerts (and 因病缺课 clusters) this message opened, escalated or closed."""
        from bot.reports.alert_notices import queue_alert_notices
        from bot.reports.illness_notices import queue_cluster_notices

        queue_alert_notices(self.app, self.session, self.school, changes)
        if clusters:
            queue_cluster_notices(self.app, self.session, self.school, clusters)

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
        school: SchoolConfig | Deployment,
        engine: Engine,
        clock: Clock,
        transport: Transport,
        instance: str = "bot",
        retry_base_s: float = 5.0,
        max_attempts: int = 8,
        pending_ttl: dt.timedelta = dt.timedelta(minutes=30),
        flood: FloodControl | None = None,
        lease: dt.timedelta = CLAIM_LEASE,
        export_dir: Path = Path(".schoolbot/exports"),
    ) -> None:
        self.deployment = Deployment.of(school)
        self.export_dir = export_dir  # workbooks asked for in chat, kept until sent (and after, as sent)
        # Each school with the people who work across schools added to its staff.
        self.schools: dict[str, SchoolContext] = {s.id: SchoolContext.of(s) for s in self.deployment.with_cross_staff()}
        self.engine, self.clock, self.transport = engine, clock, transport
        self.rooms = rooms.RoomDirectory()
        self.pending_ttl = pending_ttl
        # Where the web page is and how long a login link (网页) lasts: build_app sets them from settings.
        self.web_url = "http://127.0.0.1:8080"
        self.web_link_minutes = 10
        self.handlers: list[Handler] = []
        # The FAQ handler sets this: the numbered help menu (number, topic id, title).
        self.faq_menu: Callable[[], list[tuple[int, str, str]]] | None = None
        self.guard = RoomGuard(self)
        if hasattr(transport, "on_members_changed"):
            transport.on_members_changed = self.guard.forget
        # ``schoolbot run`` watches the folder (a school.toml edit reaches the running bot);
        # tests and one-off commands do not.
        self.watch: ConfigWatch | None = None
        self.topics_as_ids = True
        self.on_reconfigured: list[Callable[[], None]] = []
        self.outbox = Outbox(
            engine,
            transport,
            clock,
            instance=instance,
            retry_base_s=retry_base_s,
            max_attempts=max_attempts,
            guard=self.guard.check,
            flood=flood if flood is not None else FloodControl(),
            staff_sender=self._staff_sender,
            lease=lease,
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
    def school(self) -> SchoolContext:
        """The first school: the only one in a single-school deployment."""
        return next(iter(self.schools.values()))

    @property
    def calendar(self) -> SchoolCalendar:
        return self.school.calendar

    @property
    def roster(self) -> Roster:
        with Session(self.engine) as s:
            return self.school.roster(s)

    def invalidate_roster(self) -> None:
        for school in self.schools.values():
            school.invalidate_roster()

    def refresh(self, session: Session) -> None:
        """Who the staff are and what the folder says, as of now: another process (a
        ``staff invite`` bound, ``staff remove``, a school.toml edit) may have changed either."""
        if self.watch is not None and self.watch.changed():
            self.reload_config(session)
        versions = dict(session.exec(select(School.id, School.staff_version)).all())
        for sid, school in self.schools.items():
            school.refresh_staff(session, versions.get(sid, 0))

    def reload_config(self, session: Session) -> bool:
        """Load the school folder again; a folder that does not load keeps what we had."""
        from bot.school.config import SchoolConfigError
        from bot.school.deployment import load_deployment
        from storage.queries import sync_school

        try:
            dep = load_deployment(self.deployment.folder)
        except SchoolConfigError as e:
            log.error(
                "学校设置改过但有问题，仍按原设置运行 / the edited school folder does not load, "
                "keeping the running one:\n  %s",
                "\n  ".join(e.problems),
            )
            if self.watch is not None:
                self.watch.refuse()
            return False
        configs = dep.with_cross_staff()
        for cfg in configs:
            sync_school(session, cfg, seed_roster=False, topics_as_ids=self.topics_as_ids)
        session.commit()
        for cfg in configs:
            if cfg.id in self.schools:
                self.schools[cfg.id].reconfigure(cfg)
            else:
                self.schools[cfg.id] = SchoolContext.of(cfg)
        for gone in set(self.schools) - {c.id for c in configs}:
            del self.schools[gone]
        self.deployment = dep
        self.rooms.invalidate()
        if self.watch is not None:
            self.watch.loaded(dep)
        log.info("学校设置已重新读取 / school folder reloaded: %s", ", ".join(c.id for c in configs))
        for callback in self.on_reconfigured:
            callback()
        return True

    def school_of(self, sender: Sender, where: Where) -> SchoolContext:
        sid = where.school_id or sender.school_id or ""
        return self.schools.get(sid, self.school)

    # -- one message's path ---------------------------------------------------------
    async def handle(self, msg: IncomingMessage) -> str | None:
        """Handle one incoming message; returns the handler's name, None for a duplicate."""
        cleaned = hygiene.clean_message(msg)  # before anything reads or stores it
        msg = cleaned.msg
        with Session(self.engine, expire_on_commit=False) as session:
            self.refresh(session)
            binding = self.rooms.get(session, msg.room_id)
            sender, where = identify(msg, binding, {k: v.config for k, v in self.schools.items()})
            school = self.school_of(sender, where)
            inbound = self._inbound_row(msg, sender, where, truncated=cleaned.truncated)
            session.add(inbound)
            try:
                session.flush()
            except IntegrityError:
                session.rollback()
                log.info("重复投递，已忽略 duplicate delivery ignored: %s", msg.message_id)
                return None
            if msg.room_id is not None:
                rooms.saw(session, msg.room_id, msg.room, self.clock.now())
            # From here every ledger row this message writes or changes is logged against it.
            changelog.track(session, inbound_id=inbound.id, school_id=school.id, now=self.clock.now())
            ctx = Context(self, msg, sender, where, session, inbound, school)
            try:
                name = self._dispatch(ctx)
                if cleaned.truncated:
                    self._too_long(ctx, cleaned.original_length)
                inbound.status, inbound.handler = InboundStatus.HANDLED, name
                session.add(inbound)
                session.commit()
            except Exception as exc:  # a crash in one report must not lose the message
                session.rollback()
                log.exception("处理消息出错 handler crashed on %s", msg.message_id)
                self._record_failure(msg, sender, where, school, exc, truncated=cleaned.truncated)
                name = "error"
        await self.outbox.flush()
        return name

    def _inbound_row(self, msg: IncomingMessage, sender: Sender, where: Where, **extra: Any) -> InboundMessage:
        return InboundMessage(
            message_id=msg.message_id,
            sender_id=msg.sender_id,
            sender_name=msg.sender_name,
            room=msg.room,
            room_id=msg.room_id,
            school_id=where.school_id or sender.school_id,
            text=msg.text,
            mentioned=msg.mentioned,
            sent_at=msg.at,
            received_at=self.clock.now(),
            **extra,
        )

    def _dispatch(self, ctx: Context) -> str:
        if ctx.sender.kind != SenderKind.STAFF:
            # How a school secretary finds a new teacher's chat id for school.toml.
            log.info(
                "不在 school.toml 里的发送人 sender not in school.toml: %s（%s）在 in %s",
                ctx.msg.sender_id,
                ctx.msg.sender_name or "?",
                ctx.msg.room_id or "私聊 direct",
            )
        for handler in self.handlers:
            matched = handler.check(ctx)
            if not matched:
                continue
            if handler.callback(ctx, matched) is False:
                continue
            return handler.name
        return "none"

    def _too_long(self, ctx: Context, length: int) -> None:
        """A text cut at MAX_CHARS was read as far as it goes; when no handler answered
        it, whoever was talking to the bot hears why (a group is not spammed)."""
        answered = next(ctx._seq) > 0
        if not answered and (ctx.sender.is_staff or ctx.where.is_direct or ctx.msg.mentioned):
            # where it was said: the note names nobody, and a parent may not be a contact
            ctx.reply("chat/too_long.j2", length=length, limit=hygiene.MAX_CHARS)

    def _staff_sender(self, row: OutboundMessage) -> tuple[str, str] | None:
        """For flood control: the staff member a reply in a group answers, and the group."""
        if not row.dedupe_key.startswith("reply:") or row.to_room is None:
            return None
        message_id = row.dedupe_key[len("reply:") :].rsplit(":", 1)[0]
        with Session(self.engine) as s:
            inbound = s.exec(select(InboundMessage).where(InboundMessage.message_id == message_id)).first()
            if inbound is None:
                return None
            school = self.schools.get(inbound.school_id or "", self.school)
            if school.staff_by_wechat(inbound.sender_id) is None:
                return None
            binding = self.rooms.get(s, row.to_room)
        return inbound.sender_id, (binding.topic if binding else inbound.room or "群")

    def _record_failure(
        self,
        msg: IncomingMessage,
        sender: Sender,
        where: Where,
        school: SchoolContext,
        exc: Exception,
        *,
        truncated: bool = False,
    ) -> None:
        with Session(self.engine) as session:
            session.add(
                self._inbound_row(
                    msg,
                    sender,
                    where,
                    status=InboundStatus.FAILED,
                    error=f"{type(exc).__name__}: {exc}"[:500],
                    truncated=truncated,
                )
            )
            # Only people who were talking to the bot hear about it; a group is not spammed.
            if sender.is_staff or where.is_direct or msg.mentioned:
                to = (
                    Recipient(contact=sender.id)
                    if (where.is_direct or sender.is_staff or where.room_id is None)
                    else Recipient(room=where.room_id)
                )
                self.queue(session, school, f"reply:{msg.message_id}:error", to, "error.j2")
            session.commit()

    # -- sending outside a message (jobs, alerts) ----------------------------------
    def queue_image(
        self, session: Session, school: SchoolContext, key: str, to: Recipient, png: bytes, template: str, **data: Any
    ) -> bool:
        """A picture on the outbox; its caption (file name) is rendered from a template like any text."""
        caption = render(template, school=school.config, tz=school.tz, **data).strip()
        return enqueue(session, self.clock, key, to, caption, school_id=school.id, template=template, image=png)

    def queue(
        self,
        session: Session,
        school: SchoolContext,
        key: str,
        to: Recipient,
        template: str,
        *,
        attachment: str | None = None,
        **data: Any,
    ) -> bool:
        """Render a template for one school (its name, its time zone) and put it on the outbox;
        ``attachment``: a file sent after the text."""
        text = render(template, school=school.config, tz=school.tz, **data)
        return enqueue(
            session, self.clock, key, to, text, school_id=school.id, template=template, attachment=attachment
        )
