"""WechatyTransport on an in-process fake puppet: python-wechaty's real event bridge and
user classes, no Node, no network. Checks the mapping to IncomingMessage, what is
dropped, sending, and reconnecting; the end-to-end tests in tests/e2e do the same over
the real gRPC protocol.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

# isort: off
import bot.chat.transports.wechaty_shim  # noqa: F401  (must precede the first wechaty import)

# isort: on
from grpclib.const import Status
from grpclib.exceptions import GRPCError, StreamTerminatedError
from pyee import AsyncIOEventEmitter
from wechaty_puppet import (
    ContactPayload,
    EventLoginPayload,
    EventMessagePayload,
    MessagePayload,
    MessageType,
    Puppet,
    PuppetOptions,
    RoomMemberPayload,
    RoomPayload,
)

from bot.chat.transports.base import SendError
from bot.chat.transports.wechaty import WechatyTransport
from bot.clock import OffsetClock

ROOT = Path(__file__).resolve().parents[2]
BOT_ID, BOT_NAME = "wxid_schoolbot", "保学小助手"
STAFF_ROOM, PARENT_ROOM, OTHER_ROOM = "青石镇中心小学教师群", "三年级二班家长群", "别人的群"
STAFF_ID, PARENT_ID, OTHER_ID = "r1@chatroom", "r2@chatroom", "r3@chatroom"
WANGFANG, PARENT = "wxid_demo_wangfang", "wxid_parent_1"


class World:
    """What the chat service knows; survives reconnects (a new FakePuppet each time)."""

    def __init__(self) -> None:
        self.contacts = {BOT_ID: BOT_NAME, WANGFANG: "王芳", PARENT: "家长李", "wxid_demo_chenguohua": "陈国华"}
        self.rooms = {
            "r1@chatroom": (STAFF_ROOM, [BOT_ID, WANGFANG]),
            "r2@chatroom": (PARENT_ROOM, [BOT_ID, WANGFANG, PARENT]),
            "r3@chatroom": (OTHER_ROOM, [WANGFANG]),
        }  # the bot is not in r3
        self.messages: dict[str, MessagePayload] = {}
        self.sent: list[tuple[str, str]] = []
        self.files: list[tuple[str, object]] = []  # (conversation, FileBox) the bot sent
        self.puppets: list[FakePuppet] = []
        self.room_list_calls = 0
        self.down = False  # the service is away: connections are refused
        self._ids = itertools.count(1)

    @property
    def puppet(self) -> FakePuppet:
        return self.puppets[-1]

    def factory(self) -> FakePuppet:
        self.puppets.append(FakePuppet(self))
        return self.puppets[-1]

    def add(
        self,
        *,
        sender: str,
        text: str = "",
        room: str | None = None,
        mention: bool = False,
        kind: MessageType = MessageType.MESSAGE_TYPE_TEXT,
        age: dt.timedelta = dt.timedelta(0),
        emit: bool = True,
    ) -> str:
        room_id = next((rid for rid, (topic, _) in self.rooms.items() if topic == room), "") if room else ""
        # python-wechaty drops a message id it has seen in this process: ids unique across tests.
        mid = f"m{next(self._ids)}-{uuid.uuid4().hex[:8]}"
        self.messages[mid] = MessagePayload(
            id=mid,
            from_id=sender,
            room_id=room_id,
            to_id="" if room else BOT_ID,
            text=text,
            type=kind,
            timestamp=int((time.time() - age.total_seconds()) * 1000),
            mention_ids=[BOT_ID] if mention else [],
        )
        if emit:
            self.puppet.emit_event("message", EventMessagePayload(message_id=mid))
        return mid


class FakePuppet(Puppet):
    """The puppet surface python-wechaty's bridge and user classes touch."""

    def __init__(self, world: World) -> None:
        super().__init__(PuppetOptions(), "fake")
        self.world = world
        self._event_stream = AsyncIOEventEmitter()
        self.login_user_id: str | None = None
        self._ended = asyncio.Event()
        self._drop = False

    def on(self, event_name, caller) -> None:
        self._event_stream.on(event_name, caller)

    def listener_count(self, event_name) -> int:
        return len(self._event_stream.listeners(event_name))

    def emit_event(self, name, payload) -> None:
        self._event_stream.emit(name, payload)

    async def start(self) -> None:
        if self.world.down:
            raise ConnectionRefusedError(111, "Connect call failed")
        self.login_user_id = BOT_ID
        self.emit_event("login", EventLoginPayload(contact_id=BOT_ID))
        await self._ended.wait()  # like the gRPC event stream: returns when the stream ends
        if self._drop:
            raise StreamTerminatedError("Connection lost")

    def drop(self) -> None:
        self._drop = True
        self._ended.set()

    async def stop(self) -> None:
        self._ended.set()

    def self_id(self) -> str:
        return self.login_user_id or ""

    async def contact_payload(self, contact_id: str) -> ContactPayload:
        if contact_id not in self.world.contacts:
            raise GRPCError(Status.UNKNOWN, f"MockContact.load(): {contact_id} not exist.")
        return ContactPayload(id=contact_id, name=self.world.contacts[contact_id])

    async def room_list(self) -> list[str]:
        self.world.room_list_calls += 1
        return list(self.world.rooms)

    async def room_payload(self, room_id: str) -> RoomPayload:
        topic, members = self.world.rooms[room_id]
        return RoomPayload(id=room_id, topic=topic, member_ids=list(members))

    async def room_members(self, room_id: str) -> list[str]:
        return list(self.world.rooms[room_id][1])

    async def room_member_payload(self, room_id: str, contact_id: str) -> RoomMemberPayload:
        return RoomMemberPayload(id=contact_id, name=self.world.contacts.get(contact_id, ""))

    async def message_payload(self, message_id: str) -> MessagePayload:
        return self.world.messages[message_id]

    async def message_send_file(self, conversation_id: str, file) -> str:
        self.world.files.append((conversation_id, file))
        return f"file-{len(self.world.files)}"

    async def message_send_text(self, conversation_id: str, message: str, mention_ids=None) -> str:
        self.world.sent.append((conversation_id, message))
        # Echo the bot's own message back, as WeChat and the mock do.
        is_room = conversation_id in self.world.rooms
        topic = self.world.rooms[conversation_id][0] if is_room else None
        return self.world.add(sender=BOT_ID, text=message, room=topic)


@pytest.fixture
async def wired():
    world = World()
    received = []

    async def on_message(msg):
        received.append(msg)

    transport = WechatyTransport("127.0.0.1:1", "token", puppet_factory=world.factory, reconnect_delay=0.05)
    task = asyncio.create_task(transport.start(on_message))
    await asyncio.wait_for(transport.connected.wait(), 5)
    yield world, transport, received
    await transport.stop()
    await asyncio.wait_for(task, 5)


async def settle(received: list, n: int, timeout: float = 3.0) -> list:
    """Wait until ``n`` messages have been delivered (and a little more for strays)."""
    deadline = time.monotonic() + timeout
    while len(received) < n and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)
    return received


async def test_room_text_maps_to_incoming_message(wired):
    world, transport, received = wired
    mid = world.add(sender=WANGFANG, text="王小明今天没来，电话打不通", room=STAFF_ROOM)
    [msg] = await settle(received, 1)
    assert (msg.message_id, msg.room, msg.sender_id, msg.sender_name) == (mid, STAFF_ROOM, WANGFANG, "王芳")
    assert msg.room_id == STAFF_ID  # how the bot knows the group; the topic is only for people
    assert msg.text == "王小明今天没来，电话打不通" and msg.is_text and not msg.mentioned
    assert msg.at.tzinfo is not None and abs((dt.datetime.now(dt.UTC) - msg.at).total_seconds()) < 5
    assert transport.self_id == BOT_ID and transport.self_name == BOT_NAME


async def test_direct_message_has_no_room(wired):
    world, _, received = wired
    world.add(sender=PARENT, text="帮助")
    [msg] = await settle(received, 1)
    assert msg.room is None and msg.sender_id == PARENT and msg.text == "帮助" and not msg.mentioned


async def test_mention_from_mention_ids_and_from_text(wired):
    world, _, received = wired
    world.add(sender=PARENT, text="@保学小助手\u2005营养餐一天补助多少钱", room=PARENT_ROOM, mention=True)
    world.add(sender=PARENT, text="@保学小助手 雨露计划怎么申请", room=PARENT_ROOM)  # a puppet without mention_ids
    world.add(sender=PARENT, text="收到，谢谢老师", room=PARENT_ROOM)
    msgs = await settle(received, 3)
    assert {m.text: m.mentioned for m in msgs} == {
        "@保学小助手\u2005营养餐一天补助多少钱": True,
        "@保学小助手 雨露计划怎么申请": True,
        "收到，谢谢老师": False,
    }


async def test_own_messages_are_ignored(wired):
    world, transport, received = wired
    await transport.send(room=STAFF_ID, text="已记录：王小明")
    await transport.send(contact=WANGFANG, text="好的")
    assert len(world.sent) == 2
    assert await settle(received, 1, timeout=0.3) == []


async def test_old_messages_are_ignored(wired):
    world, _, received = wired
    world.add(sender=WANGFANG, text="昨天的消息", room=STAFF_ROOM, age=dt.timedelta(minutes=10))
    world.add(sender=WANGFANG, text="四分钟前", room=STAFF_ROOM, age=dt.timedelta(minutes=4))
    msgs = await settle(received, 1)
    assert [m.text for m in msgs] == ["四分钟前"]


async def test_non_text_only_in_direct_messages(wired):
    world, _, received = wired
    world.add(sender=PARENT, kind=MessageType.MESSAGE_TYPE_IMAGE)  # DM photo: ask for text
    world.add(sender=PARENT, kind=MessageType.MESSAGE_TYPE_AUDIO)  # DM voice: ask for text
    world.add(sender=PARENT, kind=MessageType.MESSAGE_TYPE_IMAGE, room=PARENT_ROOM)  # group photo: not for us
    world.add(sender=PARENT, kind=MessageType.MESSAGE_TYPE_EMOTICON)  # a sticker: no reply
    msgs = await settle(received, 2)
    assert len(msgs) == 2 and all(m.room is None and not m.is_text and m.text == "" for m in msgs)


async def test_send_to_room_by_id_and_to_contact(wired):
    world, transport, _ = wired
    await transport.send(room=PARENT_ID, text="营养餐每生每天5元")
    await transport.send(contact="wxid_demo_chenguohua", text="今日缺勤汇总")
    assert world.sent == [("r2@chatroom", "营养餐每生每天5元"), ("wxid_demo_chenguohua", "今日缺勤汇总")]


async def test_a_picture_goes_as_a_png_file_box(wired):
    import base64

    world, transport, _ = wired
    png = b"\x89PNG\r\n\x1a\n" + bytes(64)
    await transport.send_image(
        contact="wxid_demo_chenguohua", png=png, caption="青石镇中心小学出勤趋势_11月23日-11月27日"
    )
    await transport.send_image(room=PARENT_ID, png=png, caption="图")
    [(to, box), (room, _)] = world.files
    assert to == "wxid_demo_chenguohua" and room == "r2@chatroom"
    assert box.name == "青石镇中心小学出勤趋势_11月23日-11月27日.png"
    assert base64.b64decode(box.base64) == png
    with pytest.raises(SendError):
        await transport.send_image(room=STAFF_ROOM, png=png, caption="图")  # a topic is never a room


async def test_room_topic_is_cached_from_incoming_messages(wired):
    world, transport, received = wired
    world.add(sender=WANGFANG, text="收到", room=STAFF_ROOM)
    await settle(received, 1)
    await transport.send(room=STAFF_ID, text="好")
    assert world.room_list_calls == 0 and world.sent == [("r1@chatroom", "好")]


async def test_a_topic_is_never_taken_for_a_room(wired):
    world, transport, received = wired
    world.add(sender=WANGFANG, text="收到", room=STAFF_ROOM)
    await settle(received, 1)
    with pytest.raises(SendError) as e:
        await transport.send(room=STAFF_ROOM, text="王小明的监护人电话")
    assert e.value.permanent and world.sent == []


async def test_room_members_come_from_the_service(wired):
    _, transport, _ = wired
    assert await transport.room_members(PARENT_ID) == {WANGFANG, PARENT}  # the bot itself is not counted


async def test_room_not_found_or_not_member_is_permanent(wired):
    _, transport, _ = wired
    with pytest.raises(SendError) as e1:
        await transport.send(room="没有这个群", text="x")
    with pytest.raises(SendError) as e2:
        await transport.send(room=OTHER_ID, text="x")
    with pytest.raises(SendError) as e3:
        await transport.send(contact="wxid_nobody", text="x")
    assert e1.value.permanent and "没有这个群" in str(e1.value)
    assert e2.value.permanent and "不在群" in str(e2.value)
    assert e3.value.permanent


async def test_disconnected_send_is_retryable_and_reconnect_delivers_again(wired):
    world, transport, received = wired
    first = world.puppet
    world.down = True
    first.drop()
    while transport.connected.is_set():
        await asyncio.sleep(0.005)
    with pytest.raises(SendError) as e:
        await transport.send(contact=WANGFANG, text="稍后")
    assert not e.value.permanent
    await asyncio.sleep(0.3)  # several refused reconnects
    assert not transport.connected.is_set() and len(world.puppets) > 2
    world.down = False
    await asyncio.wait_for(transport.connected.wait(), 5)
    assert world.puppet is not first and transport.logins == 2
    world.add(sender=WANGFANG, text="重连后", room=STAFF_ROOM)
    [msg] = await settle(received, 1)
    assert msg.text == "重连后"
    await transport.send(room=STAFF_ID, text="收到")
    assert world.sent[-1] == ("r1@chatroom", "收到")


async def test_shifted_clock_shifts_message_dates():
    world = World()
    received = []

    async def on_message(msg):
        received.append(msg)

    start = dt.datetime.fromisoformat("2026-11-23T16:29:55+08:00")
    transport = WechatyTransport(
        "127.0.0.1:1", "t", puppet_factory=world.factory, clock=OffsetClock(start, "Asia/Shanghai")
    )
    task = asyncio.create_task(transport.start(on_message))
    await asyncio.wait_for(transport.connected.wait(), 5)
    world.add(sender=WANGFANG, text="王小明今天没来", room=STAFF_ROOM)
    [msg] = await settle(received, 1)
    await transport.stop()
    await asyncio.wait_for(task, 5)
    assert abs((msg.at - start).total_seconds()) < 5 and msg.at.utcoffset() == dt.timedelta(hours=8)


def test_tls_and_bad_endpoint_are_refused_clearly():
    with pytest.raises(ValueError, match="TLS"):
        WechatyTransport("127.0.0.1:8788", "t", tls=True)
    with pytest.raises(ValueError, match="host:port"):
        WechatyTransport("127.0.0.1", "t")


async def test_whole_bot_answers_help_and_asks_for_text(school, db_url):
    """The real App and handlers behind the transport: 帮助 gets the help text, a photo gets 请发文字."""
    from sqlmodel import Session

    from bot.chat.render import render
    from bot.clock import RealClock
    from bot.runtime import Bootstrap, build_app, open_database
    from bot.settings import Settings
    from storage.queries import sync_school

    world = World()
    engine = open_database(db_url)
    with Session(engine) as s:
        sync_school(s, school)
    clock = RealClock(school.timezone)
    transport = WechatyTransport("127.0.0.1:1", "t", puppet_factory=world.factory, clock=clock)
    app = build_app(Bootstrap(Settings(db=db_url, instance_id="test"), school, engine), transport, clock)
    task = asyncio.create_task(transport.start(app.handle))
    await asyncio.wait_for(transport.connected.wait(), 5)
    world.add(sender=PARENT, text="帮助")
    world.add(sender=PARENT, kind=MessageType.MESSAGE_TYPE_IMAGE)
    deadline = time.monotonic() + 5
    while len(world.sent) < 2 and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    await transport.stop()
    await asyncio.wait_for(task, 5)
    assert [to for to, _ in world.sent] == [PARENT, PARENT]
    assert world.sent[1][1] == render("transport/please_send_text.j2")
    assert "帮助" in world.sent[0][1] or len(world.sent[0][1]) > 10


# -- the shim -------------------------------------------------------------------------
def _run(code: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("CACHE_DIR", None)
    return subprocess.run(
        [sys.executable, "-W", "error::DeprecationWarning:__main__", "-c", code],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_shim_makes_wechaty_importable_without_litter(tmp_path):
    code = (
        "import bot.chat.transports.wechaty_shim, os\n"
        "import wechaty\n"
        "from wechaty_puppet.schemas.puppet import PuppetOptions\n"
        "assert hash(PuppetOptions()) is not None\n"
        "print(os.environ['CACHE_DIR'])"
    )
    r = _run(code, tmp_path)
    assert r.returncode == 0, r.stderr
    assert not (tmp_path / ".wechaty").exists()  # no cache folder where the bot was started
    assert not r.stdout.strip().startswith(str(tmp_path))
    assert "telnetlib" not in r.stderr  # the deprecation warning is kept quiet


def test_shim_stands_in_for_telnetlib_removed_in_313(tmp_path):
    # Python 3.13 has no telnetlib: simulate that, then use what wechaty uses it for.
    code = (
        "import sys; sys.modules['telnetlib'] = None\n"
        "import importlib\n"
        "import bot.chat.transports.wechaty_shim\n"
        "import wechaty, socket\n"
        "from wechaty_puppet_service.utils import ping_endpoint\n"
        "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(); port = s.getsockname()[1]\n"
        "assert ping_endpoint(f'127.0.0.1:{port}')\n"
        "s.close()\n"
        "assert not ping_endpoint(f'127.0.0.1:{port}')\n"
        "print('ok')"
    )
    # sys.modules['telnetlib'] = None makes the import raise ImportError, as on 3.13.
    r = _run(code, tmp_path)
    assert r.returncode == 0 and "ok" in r.stdout, r.stderr
