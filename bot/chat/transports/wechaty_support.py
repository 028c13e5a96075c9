"""What the Wechaty transport needs around python-wechaty: which messages and gRPC
statuses mean what, the log lines for each way a connection ends, endpoint and time
parsing, a plugin scheduler that never runs, and ``_Bot``, the Wechaty subclass that hands
events to the transport."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import socket
from typing import TYPE_CHECKING

# isort: off
import bot.chat.transports.wechaty_shim
# isort: on

import wechaty_puppet_service  # noqa: F401  (imported lazily by wechaty; its logger must exist to be tamed)
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from grpclib.const import Status
from grpclib.exceptions import StreamTerminatedError
from wechaty import Contact, Message, Room, Wechaty, WechatyOptions
from wechaty_grpc.wechaty.puppet import MessageType  # type: ignore[import-untyped]  # wechaty-grpc ships no type hints
from wechaty_puppet import ScanStatus

if TYPE_CHECKING:
    from bot.chat.transports.wechaty import WechatyTransport
    from bot.clock import Clock

log = logging.getLogger("bot.chat.transports.wechaty")


# Not worth a "请发文字" reply, even in a direct message: a sticker is usually a thank-you,
# a recall notice or a system line (unspecified) is nobody talking to the bot.
_IGNORED_TYPES = frozenset(
    {MessageType.MESSAGE_TYPE_EMOTICON, MessageType.MESSAGE_TYPE_RECALLED, MessageType.MESSAGE_TYPE_UNSPECIFIED}
)
# gRPC statuses that say "try again later" rather than "this will never work".
_TRANSIENT = frozenset(
    {
        Status.UNAVAILABLE,
        Status.DEADLINE_EXCEEDED,
        Status.CANCELLED,
        Status.ABORTED,
        Status.RESOURCE_EXHAUSTED,
        Status.UNAUTHENTICATED,
        Status.INTERNAL,
    }
)
_NETWORK_ERRORS = (OSError, StreamTerminatedError, asyncio.TimeoutError)
_HINTS = {
    "lost": (
        logging.WARNING,
        "与 Wechaty 服务 {ep} 的连接断了，每 {delay:g} 秒重连一次 / connection to the Wechaty "
        "service lost ({exc}), reconnecting every {delay:g}s",
    ),
    "unreachable": (
        logging.ERROR,
        "连不上 Wechaty 服务 {ep}（已等 {waited:.0f} 秒，继续重试）：请确认网关在运行、"
        "SCHOOLBOT_WECHATY_ENDPOINT（或 WECHATY_PUPPET_SERVICE_ENDPOINT）的 host:port 写对了 / "
        "cannot reach the Wechaty puppet service at {ep} ({waited:.0f}s so far, still "
        "retrying): is the gateway running, is the endpoint right? ({exc})",
    ),
    "handshake": (
        logging.ERROR,
        "{ep} 端口能连上，但 gRPC 连接马上断了：网关多半开着 TLS（python-wechaty 0.10 只会明文 "
        "gRPC，请在网关设 WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_SERVER=true），或者这个端口不是 "
        "Wechaty 服务 / the port answers but gRPC drops at once: the gateway most likely has "
        "TLS on, or this is not a Wechaty puppet service ({exc})",
    ),
    "unauthenticated": (
        logging.ERROR,
        "Wechaty 服务拒绝了令牌（UNAUTHENTICATED）：请检查 SCHOOLBOT_WECHATY_TOKEN（或 "
        "WECHATY_PUPPET_SERVICE_TOKEN）和网关的 token 是否一致 / the puppet service at "
        "{ep} rejected the token (UNAUTHENTICATED): check SCHOOLBOT_WECHATY_TOKEN",
    ),
    "error": (logging.ERROR, "Wechaty 连接出错，继续重试 / Wechaty connection failed, retrying: {exc}"),
}


# Each python-wechaty logger prints every message's text at INFO and PuppetService the token.
bot.chat.transports.wechaty_shim.quiet_loggers()


class _NoPluginScheduler(AsyncIOScheduler):
    """Handed to python-wechaty as its plugin scheduler, which it starts at every login."""

    def start(self, *args: object, **kwargs: object) -> None:
        pass

    def shutdown(self, *args: object, **kwargs: object) -> None:
        pass


def _free_local_port() -> int:
    # At login python-wechaty refuses to go on if 127.0.0.1:<port> (default 5000, where
    # its unused plugin web server would listen) accepts connections.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _timestamp(raw: int) -> dt.datetime:
    # Puppets send seconds or milliseconds; 2145888000 s is 2038, in ms it is 1970-01-26.
    seconds = raw / 1000 if raw > 2_145_888_000 else raw
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def _split_endpoint(endpoint: str) -> tuple[str, int]:
    host, _, port = endpoint.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(
            f"Wechaty 地址应写成 host:port（例如 127.0.0.1:8788），而不是“{endpoint}” / "
            f"endpoint must be host:port, got {endpoint!r}"
        )
    return host.strip("[]"), int(port)


class _Bot(Wechaty):
    """One connection's Wechaty: hands messages and topic changes to the transport."""

    def __init__(self, options: WechatyOptions, transport: WechatyTransport) -> None:
        super().__init__(options)
        self.transport = transport

    async def on_message(self, msg: Message) -> None:
        if self.transport._bot is not self:
            return  # a late event of a connection already replaced
        try:
            await self.transport._convert(msg)
        except Exception:
            log.exception("读取微信消息失败，已跳过 / could not read message %s, skipped", msg.message_id)

    async def on_room_topic(
        self, room: Room, new_topic: str, old_topic: str, changer: Contact, date: dt.datetime
    ) -> None:
        # python-wechaty keeps one Room per group and does not reload its payload on a
        # rename: without this the next message would bring the old name back.
        if room.payload is not None:
            room.payload.topic = new_topic
        self.transport._remember_room(room.room_id, new_topic)

    async def on_room_join(self, room: Room, invitees: list[Contact], inviter: Contact, date: dt.datetime) -> None:
        self.transport._members_changed(room.room_id)

    async def on_room_leave(self, room: Room, leavers: list[Contact], remover: Contact, date: dt.datetime) -> None:
        self.transport._members_changed(room.room_id)

    async def on_scan(self, qr_code: str, status: ScanStatus, data: str | None = None) -> None:
        # python-wechaty logs the QR link at INFO, which our quieter loggers hide.
        if qr_code:
            log.warning("微信需要扫码登录：用机器人的微信扫 https://wechaty.js.org/qrcode/%s / scan to log in", qr_code)


def bot_time(clock: Clock | None, sent: dt.datetime) -> dt.datetime:
    """A message's time as the bot's clock reads it. The service stamps messages by the
    wall clock; a bot started on a shifted clock (SCHOOLBOT_CLOCK_START) must see them at
    the same shift."""
    if clock is None:
        return sent
    shift = clock.now() - dt.datetime.now(dt.UTC)
    at = sent + shift if abs(shift) > dt.timedelta(seconds=1) else sent
    return at.astimezone(clock.tz)
