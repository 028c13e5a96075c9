"""Delivery under a bad network: outages, rejections, order per chat, long texts, a slow
gateway, restarts (issue 14)."""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
import sys
from collections import Counter

from sqlalchemy import select
from sqlmodel import Session

from bot.chat.outbox import Outbox, Recipient, enqueue, split_text
from bot.chat.transports.base import SendError
from bot.reports.delivery import undelivered_for_digest
from storage.enums import OutboxStatus
from storage.models import OutboundMessage
from tests.conftest import PRINCIPAL, WANGFANG, ZHENG, at


def rows(bot) -> list[OutboundMessage]:
    with bot.session() as s:
        return list(s.execute(select(OutboundMessage).order_by(OutboundMessage.id)).scalars())


def queue_texts(bot, texts: list[tuple[Recipient, str]]) -> None:
    with bot.session() as s:
        for i, (to, text) in enumerate(texts):
            enqueue(s, bot.clock, f"test:{i}", to, text, school_id="qingshi")
        s.commit()


async def test_enqueue_says_whether_it_added_the_row(make_bot):
    # Callers act on it ("已经提醒过"): true once per key, on SQLite and on PostgreSQL alike.
    bot = await make_bot()
    to = Recipient(contact="wxid_demo_wangfang")
    with bot.session() as s:
        assert enqueue(s, bot.clock, "test:once", to, "一", school_id="qingshi") is True
        s.commit()
    with bot.session() as s:
        assert enqueue(s, bot.clock, "test:once", to, "二", school_id="qingshi") is False
        s.commit()
    assert [r.text for r in rows(bot) if r.dedupe_key == "test:once"] == ["一"]


async def test_an_outage_longer_than_every_retry_fails_nothing(make_bot):
    bot = await make_bot(start=at("2026-11-23", "16:29"))
    bot.app.outbox.max_attempts = 2
    bot.transport.down = True
    for minute in range(30, 120):  # 90 minutes of polling while WeChat is away
        await bot.until(at("2026-11-23", f"{16 + minute // 60}:{minute % 60:02d}"))
    waiting = rows(bot)
    assert waiting and {r.status for r in waiting} == {OutboxStatus.PENDING}
    assert {r.attempts for r in waiting} == {0}  # an outage is no attempt of the message
    bot.transport.down = False
    bot.app.outbox.retry_now()
    await bot.app.outbox.flush()
    digests = Counter(m.contact or m.room for m in bot.transport.take() if "缺勤日报" in m.text)
    assert digests == {PRINCIPAL: 1, "青石镇中心小学行政群": 1}
    assert {r.status for r in rows(bot)} == {OutboxStatus.SENT}


async def test_only_rejections_count_and_a_failed_row_is_in_the_next_digest_once(make_bot):
    bot = await make_bot(start=at("2026-11-23", "10:00"))
    bot.app.outbox.max_attempts = 3
    bot.transport.fail_next = [SendError("对方拒收 refused") for _ in range(3)]
    queue_texts(bot, [(Recipient(contact=ZHENG), "明天开会")])
    for minute in range(1, 5):
        await bot.until(at("2026-11-23", f"10:0{minute}"))
    (row,) = rows(bot)
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 3) and row.failed_at is not None
    monday = await bot.until(at("2026-11-23", "16:31"))
    tuesday = await bot.until(at("2026-11-24", "16:31"))
    line = "发给郑秀英（私聊）"
    assert [m.contact or m.room for m in monday if line in m.text] == [PRINCIPAL, "青石镇中心小学行政群"]
    assert not [m for m in tuesday if line in m.text]
    with bot.session() as s:
        assert undelivered_for_digest(s, bot.app.school, dt.date(2026, 11, 24)) == []


async def test_a_permanent_rejection_fails_at_once(make_bot):
    bot = await make_bot(start=at("2026-11-23", "10:00"))
    bot.transport.fail_next = [SendError("不是好友 no such contact", permanent=True)]
    queue_texts(bot, [(Recipient(contact=ZHENG), "明天开会")])
    await bot.app.outbox.flush()
    (row,) = rows(bot)
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 1)


async def test_after_a_reconnect_each_chat_gets_its_messages_oldest_first(make_bot):
    bot = await make_bot(start=at("2026-11-23", "10:00"))
    room = Recipient(room="青石镇中心小学教师群")
    texts = [(Recipient(contact=WANGFANG) if i % 3 else room, f"第{i}条") for i in range(12)]
    bot.transport.down = True
    queue_texts(bot, texts)
    await bot.app.outbox.flush()
    # a rejection of one message holds back the later ones to the same chat, not others
    bot.transport.down = False
    bot.transport.fail_next = [SendError("稍后再试 busy")]
    await bot.app.outbox.flush()
    first = bot.transport.take()
    later = await bot.until(at("2026-11-23", "10:05"))
    later += await bot.until(at("2026-11-23", "10:06"))  # the group's 4th waited for a token (flood control)
    sent = [(m.contact or m.room, m.text) for m in first + later]
    for who in (WANGFANG, "青石镇中心小学教师群"):
        mine = [t for w, t in sent if w == who]
        expected = [t for to, t in texts if (to.contact or to.room) == who]
        assert mine == expected
    assert len(sent) == len(texts)


def test_a_long_text_is_split_at_line_ends_into_numbered_parts():
    lines = [f"{i:02d}. 三年级二班 王小明 病假，发烧，家长已请假" for i in range(40)]
    text = "\n".join(lines)
    parts = split_text(text, 200)
    assert len(parts) > 1 and all(len(p) <= 200 for p in parts)
    n = len(parts)
    assert [p.split("）", 1)[0] for p in parts] == [f"（{i}/{n}" for i in range(1, n + 1)]
    bodies = [p.split("）", 1)[1] for p in parts]
    assert "\n".join(bodies) == text  # nothing cut, nothing lost, every part ends at a line end
    assert split_text("短消息", 200) == ["短消息"]
    one_line = "啊" * 450
    assert "".join(p.split("）", 1)[1] for p in split_text(one_line, 200)) == one_line


async def test_parts_go_in_order_and_an_outage_between_parts_repeats_none(make_bot):
    bot = await make_bot(start=at("2026-11-23", "10:00"))
    bot.transport.max_text = 120
    text = "\n".join(f"第{i}行：王小明 病假" for i in range(30))
    queue_texts(bot, [(Recipient(contact=PRINCIPAL), text)])
    original_send = bot.transport.send
    calls = 0

    async def drop_after_two(**kw):
        nonlocal calls
        calls += 1
        if calls == 3:
            raise SendError("连接中断 connection lost", outage=True)
        await original_send(**kw)

    bot.transport.send = drop_after_two
    await bot.app.outbox.flush()
    await bot.app.outbox.flush()
    first = bot.transport.take()
    got = [m.text for m in first + await bot.until(at("2026-11-23", "10:01"))]
    n = len(got)
    assert n > 2 and len(set(got)) == n
    assert "\n".join(t.split("）", 1)[1] for t in got) == text
    (row,) = rows(bot)
    assert row.status == OutboxStatus.SENT


class SlowGateway:
    """A gateway that takes ``seconds`` (of the virtual clock) per send, yielding meanwhile
    so the poll and a second process get to run in the middle of every send."""

    name = "slow"
    max_text = 4000

    def __init__(self, clock, seconds: int) -> None:
        self.clock, self.seconds = clock, seconds
        self.sent: list[str] = []

    async def send(self, *, room=None, contact=None, text):
        for _ in range(self.seconds):
            self.clock.advance(dt.timedelta(seconds=1))
            await asyncio.sleep(0)
        self.sent.append(text)

    async def room_members(self, room_id):
        return None


def outbox(bot, transport, instance: str, lease_s: float) -> Outbox:
    return Outbox(
        bot.app.engine,
        transport,
        bot.clock,
        instance=instance,
        lease=dt.timedelta(seconds=lease_s),
        renew_every_s=0,  # renew at every turn of the loop: the virtual clock moves per send
    )


async def test_a_slow_gateway_with_a_backlog_of_250_sends_nothing_twice(make_bot):
    bot = await make_bot(start=at("2026-11-23", "10:00"))
    queue_texts(bot, [(Recipient(contact=f"wxid_parent_{i % 40}"), f"消息{i}") for i in range(250)])
    gateway = SlowGateway(bot.clock, seconds=1)
    # the lease (3 s) is far shorter than the backlog takes (250 s): the old batch claim
    # would have had most rows taken again by the poll and by the second process
    a, b = outbox(bot, gateway, "a", 3), outbox(bot, gateway, "b", 3)

    async def poll(box):
        for _ in range(60):
            await box.flush()
            await asyncio.sleep(0)

    await asyncio.gather(a.flush(), poll(a), b.flush(), poll(b))
    await a.flush()
    counts = Counter(gateway.sent)
    assert len(counts) == 250 and max(counts.values()) == 1


async def test_a_send_slower_than_the_lease_keeps_its_claim(make_bot):
    bot = await make_bot(start=at("2026-11-23", "10:00"))
    queue_texts(bot, [(Recipient(contact=PRINCIPAL), "一条很慢的消息")])
    gateway = SlowGateway(bot.clock, seconds=30)  # ten leases long
    a, b = outbox(bot, gateway, "a", 3), outbox(bot, gateway, "b", 3)

    async def other_process():
        for _ in range(40):
            await b.flush()
            await asyncio.sleep(0)

    await asyncio.gather(a.flush(), other_process())
    assert gateway.sent == ["一条很慢的消息"]


async def test_a_restarted_instance_takes_back_its_rows_at_once(make_bot, db_url):
    bot = await make_bot(start=at("2026-11-23", "10:00"))
    queue_texts(bot, [(Recipient(contact=PRINCIPAL), "重启前认领的消息")])
    with Session(bot.app.engine) as s:
        row = s.execute(select(OutboundMessage)).scalar_one()
        row.status, row.claimed_by = OutboxStatus.SENDING, "test"
        row.next_attempt_at = bot.clock.now() + dt.timedelta(minutes=2)
        s.add(row)
        s.commit()
    restarted = await make_bot(start=at("2026-11-23", "10:00"))  # instance id "test" again
    assert restarted.app.outbox.release_own_claims() == 1
    await restarted.app.outbox.flush()
    assert [m.text for m in restarted.transport.sent] == ["重启前认领的消息"]


def _id_in_subprocess(path) -> str:
    code = "import sys; from pathlib import Path; from bot.runtime import persisted_instance_id as p; print(p(Path(sys.argv[1])))"
    return subprocess.run(
        [sys.executable, "-c", code, str(path)], check=True, capture_output=True, text=True
    ).stdout.strip()


def test_the_instance_id_survives_a_restart_and_is_never_shared_by_two_live_processes(tmp_path):
    from bot.runtime import persisted_instance_id

    path = tmp_path / "state" / "instance-id"
    first = _id_in_subprocess(path)
    assert first and _id_in_subprocess(path) == first  # a restart is the same instance
    held = persisted_instance_id(path)  # this process now holds that id
    assert held == first
    other = _id_in_subprocess(path)
    assert other and other != first  # a second live process gets an id of its own


async def test_a_staff_group_whose_members_cannot_be_listed_while_logged_out_waits_uncounted(make_bot):
    bot = await make_bot(start=at("2026-11-23", "16:29"))
    bot.app.outbox.max_attempts = 2
    bot.transport.connected = asyncio.Event()  # as the Wechaty transport has: cleared while logged out

    async def nobody_can_tell(room_id):
        return None  # what the Wechaty transport answers while logged out

    bot.transport.room_members = nobody_can_tell
    for minute in range(30, 50):
        await bot.until(at("2026-11-23", f"16:{minute}"))
    (row,) = [r for r in rows(bot) if r.to_room == "青石镇中心小学行政群"]
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 0)
    bot.transport.connected.set()  # logged in, yet still cannot tell: that is this room's problem
    for minute in range(50, 59):
        await bot.until(at("2026-11-23", f"16:{minute}"))
    (row,) = [r for r in rows(bot) if r.to_room == "青石镇中心小学行政群"]
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 2)
