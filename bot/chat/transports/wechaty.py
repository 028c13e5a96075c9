"""The real WeChat transport: python-wechaty 0.10.7 against a Wechaty puppet service.

python-wechaty is used for what it does well (the gRPC client, the event bridge,
payload loading, ``is_self``/``mention_self``); three of its behaviours are replaced:

* reconnecting: stock ``Wechaty.start()`` sleeps a hard-coded 60 s, retries once and
  then dies. Here a loop rebuilds the bot and reconnects every ``reconnect_delay``
  seconds for as long as the service stays away.
* its plugin scheduler: a second APScheduler with a SQLite job store in CACHE_DIR,
  started at every login, that schoolbot (no plugins) never uses; it is never started.
* its loggers: each has its own stderr handler at INFO, logging every message's
  text and, at WARNING, the service token; routed into ours, quieter (see the shim).

Replies go out through ``puppet.message_send_text`` and not ``Room.say``/``Contact.say``:
those reload the sent message by the id the service returns, and puppets that return
none (the mock does) make a delivered reply raise, which the outbox would resend.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable

# isort: off
import bot.chat.transports.wechaty_shim  # noqa: F401  (must precede the first wechaty import)
# isort: on

import wechaty_puppet_service  # noqa: F401  (imported lazily by wechaty; its logger must exist to be tamed)
from grpclib.const import Status
from grpclib.exceptions import GRPCError, StreamTerminatedError
from wechaty import Contact, Message, Room, WechatyOptions
from wechaty_grpc.wechaty.puppet import MessageType  # type: ignore[import-untyped]  # wechaty-grpc ships no type hints
from wechaty_puppet import EventLogoutPayload, FileBox, Puppet, PuppetOptions

from bot.chat.transports.base import DEFAULT_MAX_TEXT, IncomingMessage, MessageCallback, SendError
from bot.chat.transports.wechaty_support import (
    _HINTS,
    _IGNORED_TYPES,
    _NETWORK_ERRORS,
    _TRANSIENT,
    _Bot,
    _free_local_port,
    _NoPluginScheduler,
    _split_endpoint,
    _timestamp,
    bot_time,
)
from bot.clock import Clock

log = logging.getLogger(__name__)


class WechatyTransport:
    name = "wechaty"
    max_text = DEFAULT_MAX_TEXT

    def __init__(
        self,
        endpoint: str,
        token: str,
        *,
        tls: bool = False,
        max_message_age: dt.timedelta = dt.timedelta(minutes=5),
        clock: Clock | None = None,
        reconnect_delay: float = 1.0,
        send_timeout: float = 15.0,
        puppet_factory: Callable[[], Puppet] | None = None,
    ) -> None:
        """``puppet_factory``: tests pass an in-process puppet (one per connection) instead
        of the gRPC puppet service at ``endpoint``."""
        if tls:
            raise ValueError(
                "python-wechaty 0.10 只能用不加密的 gRPC 连接：请在网关上关闭 TLS"
                "（WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_SERVER=true），并把 SCHOOLBOT_WECHATY_TLS 设为 false / "
                "python-wechaty 0.10 speaks plaintext gRPC only: turn TLS off on the gateway"
            )
        self.endpoint, self.token = endpoint, token
        self.host, self.port = _split_endpoint(endpoint)
        self.max_message_age, self.clock = max_message_age, clock
        self.reconnect_delay, self.send_timeout = reconnect_delay, send_timeout
        self.puppet_factory = puppet_factory
        self.connected = asyncio.Event()  # set while logged in; tests and callers wait on it
        self.self_id: str | None = None
        self.self_name: str = ""
        self.logins = 0  # how many times the bot logged in (1 + reconnects)
        self._bot: _Bot | None = None
        self._stopped = asyncio.Event()
        self._queue: asyncio.Queue[IncomingMessage] = asyncio.Queue()
        self._on_message: MessageCallback | None = None
        self._topic_of: dict[str, str] = {}  # room id -> topic
        self._member_of: dict[str, bool] = {}  # room id -> the bot is a member
        self._contacts: set[str] = set()  # contact ids known to exist
        self.on_members_changed: Callable[[str], None] | None = None  # set by the App
        self._last_scan = 0.0

    # -- connection --------------------------------------------------------------------
    def _build_bot(self) -> _Bot:
        # Fresh options and PuppetOptions each time: Wechaty() mutates both, and the
        # dataclass default PuppetOptions() is one shared instance (see wechaty_shim).
        options = WechatyOptions(
            puppet_options=PuppetOptions(),
            token=self.token,
            endpoint=self.endpoint,
            host="127.0.0.1",
            port=_free_local_port(),
            scheduler=_NoPluginScheduler(),
        )
        if self.puppet_factory is not None:
            options.puppet = self.puppet_factory()
        # Contact/Room objects are pooled per class across bots, each bound to the puppet
        # that loaded it; a rebuilt bot must not reuse objects of a dead connection.
        Contact._pool.clear()
        Room._pool.clear()
        return _Bot(options, self)

    async def start(self, on_message: MessageCallback) -> None:
        """Connect, deliver messages one at a time, reconnect when the service goes away."""
        self._on_message = on_message
        self._stopped.clear()
        worker = asyncio.create_task(self._deliver_loop(), name="wechaty-deliver")
        try:
            await self._connect_loop()
        finally:
            # Messages already received get their replies while the channel is still open.
            try:
                await asyncio.wait_for(self._queue.join(), timeout=5)
            except TimeoutError:
                log.warning(
                    "停止时还有 %d 条消息没处理完 / %d messages left unhandled at stop",
                    self._queue.qsize(),
                    self._queue.qsize(),
                )
            worker.cancel()
            self.connected.clear()
            if self._bot is not None:
                await self._teardown(self._bot)

    async def stop(self) -> None:
        self._stopped.set()

    async def _connect_loop(self) -> None:
        down_since: float | None = None  # when the service was first found missing
        next_report = 0.0
        auth_failures = 0
        while not self._stopped.is_set():
            bot = self._bot = self._build_bot()
            logins = self.logins
            outcome, exc = await self._run_once(bot)
            if outcome == "stopped":
                break  # start() drains and tears down
            self.connected.clear()
            await self._teardown(bot)
            now = time.monotonic()
            if self.logins > logins:
                down_since, auth_failures = None, 0
            auth_failures += outcome == "unauthenticated"
            # Lost and token lines always; the rest at once, then once a minute, not per retry.
            if outcome in ("lost", "unauthenticated") or down_since is None or now >= next_report:
                level, hint = _HINTS[outcome]
                log.log(
                    level,
                    hint.format(
                        ep=self.endpoint, delay=self.reconnect_delay, exc=repr(exc), waited=now - (down_since or now)
                    ),
                )
                down_since, next_report = down_since or now, now + 60
            # A wrong token will not fix itself within a second: back off up to a minute.
            delay = min(60.0, self.reconnect_delay * 2**auth_failures)
            try:
                await asyncio.wait_for(self._stopped.wait(), timeout=delay)
            except TimeoutError:
                pass

    async def _run_once(self, bot: _Bot) -> tuple[str, BaseException | None]:
        """One connection, until it ends: (outcome, exception).

        outcome: stopped | lost (was logged in) | unreachable | handshake (TCP yes, gRPC no)
        | unauthenticated | error.
        """
        # The stock client checks reachability with a blocking socket call inside the
        # event loop (3 s on a silent host); probe without blocking first.
        if self.puppet_factory is None:
            try:
                _, writer = await asyncio.wait_for(asyncio.open_connection(self.host, self.port), timeout=3)
                writer.close()
            except (TimeoutError, OSError) as e:
                return "unreachable", e
        stop_wait = asyncio.create_task(self._stopped.wait())
        conn = asyncio.create_task(self._connect(bot), name="wechaty-connection")
        try:
            await asyncio.wait({conn, stop_wait}, return_when=asyncio.FIRST_COMPLETED)
        finally:  # also when start() itself is cancelled (Ctrl-C)
            stop_wait.cancel()
            if not conn.done():
                conn.cancel()
                await asyncio.gather(conn, return_exceptions=True)
        if conn.cancelled():
            return "stopped", None
        exc = conn.exception()
        was_up = self.connected.is_set()
        if exc is None:
            return "lost", None
        if isinstance(exc, GRPCError) and exc.status is Status.UNAUTHENTICATED:
            return "unauthenticated", exc
        if was_up:
            return "lost", exc
        if isinstance(exc, StreamTerminatedError):
            return "handshake", exc  # the port answered, gRPC did not
        if isinstance(exc, (*_NETWORK_ERRORS, GRPCError)) or "ping endpoint" in str(exc):
            return "unreachable", exc
        return "error", exc

    async def _connect(self, bot: _Bot) -> None:
        await bot.init_puppet()
        await bot.init_puppet_event_bridge(bot.puppet)
        puppet = bot.puppet
        # Raw login/logout as well: the bridge forwards only the first login of a connection.
        puppet.on("login", lambda payload: asyncio.ensure_future(self._logged_in(bot, payload.contact_id)))
        puppet.on("logout", lambda payload: self._logged_out(payload))
        log.debug("正在连接 Wechaty 服务 %s / connecting to the Wechaty puppet service", self.endpoint)
        await puppet.start()  # blocks while the event stream lives

    async def _logged_in(self, bot: _Bot, contact_id: str) -> None:
        if bot is not self._bot:
            return
        try:
            payload = await bot.puppet.contact_payload(contact_id)
            self.self_name = payload.name or self.self_name
        except Exception:
            pass
        self.self_id = contact_id
        self.logins += 1
        self.connected.set()
        log.info(
            "已登录微信：%s（%s）%s / logged in as %s",
            self.self_name or contact_id,
            contact_id,
            "，重连成功" if self.logins > 1 else "",
            contact_id,
        )

    def _logged_out(self, payload: EventLogoutPayload) -> None:
        self.connected.clear()
        log.warning(
            "微信已登出（%s）：需要在网关上重新登录 / logged out of WeChat: log in again on the gateway",
            getattr(payload, "data", "") or "",
        )

    async def _teardown(self, bot: _Bot) -> None:
        puppet = bot._puppet
        if puppet is None:
            return
        stream = getattr(puppet, "_event_stream", None)
        if stream is not None:
            stream.remove_all_listeners()
        # Closing the channel is enough; asking a dead service to stop() would hang.
        if getattr(puppet, "channel", None) is not None:
            puppet.channel.close()
            puppet.channel = None
        if hasattr(puppet, "_puppet_stub"):
            puppet._puppet_stub = None

    # -- incoming ----------------------------------------------------------------------
    def _remember_room(self, room_id: str, topic: str) -> None:
        self._topic_of[room_id] = topic

    def _members_changed(self, room_id: str) -> None:
        # Someone joined or left: who may read a staff group is asked again before the next send.
        if self.on_members_changed is not None:
            self.on_members_changed(room_id)

    async def _convert(self, msg: Message) -> None:
        """Turn one python-wechaty message into an IncomingMessage, or drop it."""
        payload = msg.payload
        if msg.is_self():
            return  # the bot's own sends, echoed back by the service
        if payload.type in _IGNORED_TYPES:
            return
        sent = _timestamp(payload.timestamp) if payload.timestamp else dt.datetime.now(dt.UTC)
        age = dt.datetime.now(dt.UTC) - sent
        if age > self.max_message_age:
            log.info(
                "忽略 %.0f 秒前的旧消息 %s（重连时服务可能重放历史）/ ignoring old message (%.0fs)",
                age.total_seconds(),
                payload.id,
                age.total_seconds(),
            )
            return
        room = msg.room()
        topic = None
        if room is not None:
            topic = room.payload.topic
            self._remember_room(room.room_id, topic)
            self._member_of.setdefault(room.room_id, True)
        is_text = payload.type == MessageType.MESSAGE_TYPE_TEXT
        if not is_text and room is not None:
            return  # photos and voice in a group are not for the bot
        talker = msg.talker()
        self._contacts.add(talker.contact_id)
        text = payload.text or ""
        mentioned = False
        if room is not None and is_text:
            # Puppets that fill mention_ids (the mock, padlocal) make mention_self() exact;
            # others only leave "@name" in the text.
            mentioned = await msg.mention_self() or bool(self.self_name and f"@{self.self_name}" in text)
        await self._queue.put(
            IncomingMessage(
                message_id=payload.id or msg.message_id,
                room=topic,
                sender_id=talker.contact_id,
                sender_name=talker.payload.name if talker.is_ready() else "",
                text=text if is_text else "",
                mentioned=mentioned,
                at=bot_time(self.clock, sent),
                is_text=is_text,
                room_id=room.room_id if room is not None else None,
            )
        )

    async def _deliver_loop(self) -> None:
        # One at a time, in arrival order: handlers write the ledger in a transaction
        # and a teacher's correction must not overtake the report it corrects.
        while True:
            msg = await self._queue.get()
            try:
                if self._on_message is not None:
                    await self._on_message(msg)
            except Exception:
                log.exception("处理消息出错 / handling message %s failed", msg.message_id)
            finally:
                self._queue.task_done()

    # -- outgoing ----------------------------------------------------------------------
    async def send(self, *, room: str | None = None, contact: str | None = None, text: str) -> None:
        await self._deliver(room, contact, lambda puppet, to: puppet.message_send_text(to, text))

    async def send_image(
        self, *, room: str | None = None, contact: str | None = None, png: bytes, caption: str
    ) -> None:
        # A file box of a PNG is shown as a picture in the chat; the puppet service carries it as base64.
        box = FileBox.from_base64(base64.b64encode(png), name=f"{caption}.png")
        await self._deliver(room, contact, lambda puppet, to: puppet.message_send_file(to, box))

    async def send_file(self, *, room: str | None = None, contact: str | None = None, path: str, name: str) -> None:
        """A file as WeChat sends one (Wechaty's FileBox); errors as ``send``."""
        await self._deliver(
            room, contact, lambda puppet, to: puppet.message_send_file(to, FileBox.from_file(path, name))
        )

    async def _deliver(
        self, room: str | None, contact: str | None, what: Callable[[Puppet, str], Awaitable[object]]
    ) -> None:
        if (room is None) == (contact is None):
            raise ValueError("send to exactly one room or one contact")
        bot = self._bot
        if not self.connected.is_set() or bot is None or bot._puppet is None:
            raise SendError(
                f"暂时没有连上微信（{self.endpoint}），稍后重发 / not connected to WeChat, will retry", outage=True
            )
        try:
            await asyncio.wait_for(self._send(bot.puppet, room, contact, what), timeout=self.send_timeout)
        except SendError:
            raise
        except GRPCError as e:
            if room is not None:  # perhaps removed from the room: look again before the retry
                self._member_of.pop(room, None)
                self._last_scan = 0.0
            raise SendError(
                f"微信服务拒绝发送 / the service refused the send: {e.status.name} {e.message or ''}",
                permanent=e.status in (Status.INVALID_ARGUMENT, Status.NOT_FOUND, Status.PERMISSION_DENIED),
            ) from e
        except (*_NETWORK_ERRORS, AttributeError) as e:
            # AttributeError: the connection was torn down under us (stub gone).
            raise SendError(
                f"发送时连接中断，稍后重发 / connection lost while sending: {type(e).__name__}", outage=True
            ) from e

    async def _send(
        self, puppet: Puppet, room: str | None, contact: str | None, what: Callable[[Puppet, str], Awaitable[object]]
    ) -> None:
        if room is not None:
            conversation = await self._room_id(puppet, room)
        else:
            assert contact is not None  # _deliver checked: exactly one of room and contact
            conversation = contact
            await self._check_contact(puppet, contact)
        await what(puppet, conversation)

    async def _room_id(self, puppet: Puppet, room_id: str) -> str:
        """``room_id`` is the room's id, never its topic: a topic anyone can give any group."""
        if room_id not in self._topic_of and time.monotonic() - self._last_scan > 30:
            await self._scan_rooms(puppet)
        if room_id not in self._topic_of:
            raise SendError(
                f"找不到群 {room_id}：机器人不在这个群里 / the bot is in no room {room_id!r}",
                permanent=True,
            )
        if not self._member_of.get(room_id, True):
            topic = self._topic_of.get(room_id, room_id)
            raise SendError(
                f"机器人不在群“{topic}”里（可能被移出了群聊），请把保学小助手拉回群 / the bot is not a "
                f"member of room {room_id!r}",
                permanent=True,
            )
        return room_id

    async def room_members(self, room_id: str) -> set[str] | None:
        bot = self._bot
        if not self.connected.is_set() or bot is None or bot._puppet is None:
            return None
        try:
            ids = await asyncio.wait_for(bot.puppet.room_members(room_id), timeout=self.send_timeout)
        except (TimeoutError, GRPCError, *_NETWORK_ERRORS, AttributeError) as e:
            log.warning("查不到群 %s 的成员 / cannot list members of %s: %s", room_id, room_id, e)
            return None
        return {i for i in ids if i != self.self_id}

    def topic_of(self, room_id: str) -> str | None:
        return self._topic_of.get(room_id)

    async def _scan_rooms(self, puppet: Puppet) -> None:
        self._last_scan = time.monotonic()
        for room_id in await puppet.room_list():
            payload = await puppet.room_payload(room_id)
            members = list(payload.member_ids) or await puppet.room_members(room_id)
            # A puppet that lists no members at all is trusted; one that lists them must list us.
            member = self.self_id in members if (members and self.self_id) else True
            self._member_of[room_id] = member
            self._remember_room(room_id, payload.topic or "")

    async def _check_contact(self, puppet: Puppet, contact_id: str) -> None:
        if contact_id in self._contacts:
            return
        try:
            await puppet.contact_payload(contact_id)
        except GRPCError as e:
            if e.status in _TRANSIENT:
                raise
            raise SendError(
                f"找不到微信联系人 {contact_id}（不是好友，或 wechat_id 写错了）/ no such contact", permanent=True
            ) from e
        self._contacts.add(contact_id)
