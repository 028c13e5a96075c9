"""Flood control: 1,000 messages in a parent group within a minute (issue 14).

The group gets at most its bucket's share (burst + a minute's refill) of bot messages;
repeated "已经回答过" pointers are one; every staff report in the flood is recorded and
answered (privately once the group's budget is spent)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter

from sqlalchemy import select

from bot.chat.flood import FloodControl
from storage.enums import OutboxStatus
from storage.models import Absence, InboundMessage, OutboundMessage
from tests.conftest import WANGFANG, at

ROOM = "三年级二班家长群"
QUESTIONS = ["营养餐一天补多少钱啊", "中职有没有助学金", "两免一补是什么", "雨露计划怎么申请"]
CHATTER = ["收到", "谢谢老师", "好的", "明天几点放学", "👍", "[强]"]


def test_the_bucket_holds_a_burst_and_refills_at_its_rate():
    bucket, room = FloodControl(per_minute=6, burst=3), "r"
    t0 = at("2026-11-24", "10:00")
    taken = 0
    for second in range(120):
        now = t0 + dt.timedelta(seconds=second)
        while bucket.has_token(room, now):
            bucket.take(room, now)
            taken += 1
    assert taken == 3 + 6 * 2 - 1  # 3 at once, then one every 10 s for the rest of 2 minutes
    assert bucket.next_token_at(room, t0 + dt.timedelta(seconds=119)) == t0 + dt.timedelta(seconds=120)


async def test_a_thousand_messages_in_a_minute(make_bot):
    bot = await make_bot(start=at("2026-11-24", "09:59"))
    class_students = [s.name for s in bot.app.roster.by_class["三年级二班"] if len(bot.app.roster.by_name[s.name]) == 1]
    reported = class_students[:20]
    start = at("2026-11-24", "10:00")
    await bot.until(start)
    sent = []
    staff_ids = []
    mentions = 0
    parents = itertools.cycle([f"wxid_parent_{i}" for i in range(60)])
    for i in range(1000):
        when = start + dt.timedelta(milliseconds=59_000 * i // 1000)
        bot.clock.set(when)
        if i % 50 == 25:
            text, sender, mentioned = f"{reported[i // 50]}今天没来", WANGFANG, False
            staff_ids.append(f"flood-{i}")
        elif i % 6 == 0:
            text, sender, mentioned = "@保学小助手 " + QUESTIONS[i % 4], next(parents), True
            mentions += 1
        elif i % 7 == 0:
            text, sender, mentioned = QUESTIONS[i % 4], next(parents), False
        else:
            text, sender, mentioned = CHATTER[i % len(CHATTER)], next(parents), False
        await bot.transport.deliver(
            text=text, sender_id=sender, room=ROOM, mentioned=mentioned, message_id=f"flood-{i}"
        )
        sent += bot.transport.take()
    in_group = [m for m in sent if m.room == ROOM]
    flood = bot.app.outbox.flood
    assert flood is not None
    share = flood.burst + flood.per_minute * 1  # one minute of the flood
    assert 0 < len(in_group) <= share
    pointers = [m for m in in_group if "已经回答过" in m.text]
    assert len(pointers) <= 1

    with bot.session() as s:
        absences = s.execute(select(Absence).where(Absence.status == "active")).scalars().all()
        rows = s.execute(select(OutboundMessage)).scalars().all()
        handled = {
            r.message_id: r.status
            for r in s.execute(select(InboundMessage).where(InboundMessage.message_id.in_(staff_ids))).scalars()
        }
    recorded = {bot.app.roster.by_id[a.student_id].name for a in absences}
    assert set(reported) <= recorded  # every staff report in the flood is in the ledger
    assert set(handled.values()) == {"handled"} and len(handled) == len(staff_ids)
    # and each was answered: in the group, or privately once the group's budget was spent
    answered = {r.dedupe_key.split(":")[1] for r in rows if r.status == OutboxStatus.SENT}
    assert set(staff_ids) <= answered
    statuses = Counter(r.status for r in rows)
    assert OutboxStatus.FAILED not in statuses
    print(
        f"\nflood: 1000 in ({mentions} @-mentions, {len(staff_ids)} staff reports); "
        f"{len(in_group)} out in the group ({len(pointers)} pointer), "
        f"{len([m for m in sent if m.contact == WANGFANG])} to {WANGFANG} privately, "
        f"{statuses[OutboxStatus.DROPPED]} dropped"
    )


async def test_repeated_pointers_within_a_minute_are_one(make_bot):
    bot = await make_bot(start=at("2026-11-24", "09:59"))
    first = await bot.say("营养餐一天补多少钱啊", sender="wxid_parent_1", room=ROOM, when=at("2026-11-24", "10:00"))
    assert len(first) == 1 and "5 元" in first[0].text
    t = at("2026-11-24", "10:00")
    second = await bot.say("营养参是一天几块钱", sender="wxid_parent_2", room=ROOM, when=t + dt.timedelta(seconds=20))
    third = await bot.say("营养餐一天几块钱呀", sender="wxid_parent_3", room=ROOM, when=t + dt.timedelta(seconds=40))
    assert len(second) == 1 and "往上翻看" in second[0].text
    assert third == []  # a token was there: it is the repeat within the minute that is dropped
    later = await bot.say("营养餐到底一天几块", sender="wxid_parent_4", room=ROOM, when=t + dt.timedelta(seconds=100))
    assert len(later) == 1 and "往上翻看" in later[0].text  # a minute on, one pointer again


async def test_a_reply_to_staff_goes_privately_when_the_group_has_had_its_share(make_bot):
    bot = await make_bot(start=at("2026-11-24", "09:59"))
    await bot.until(at("2026-11-24", "10:00"))
    for i in range(3):  # the burst
        out = await bot.say("@保学小助手 两免一补是什么", sender=f"wxid_parent_{i}", room=ROOM, mentioned=True)
        assert len(out) == 1 and out[0].room == ROOM
    dropped = await bot.say("@保学小助手 中职有没有助学金", sender="wxid_parent_9", room=ROOM, mentioned=True)
    assert dropped == []  # a parent's chat answer over the budget is dropped
    staff = await bot.say("@保学小助手 帮助", sender=WANGFANG, room=ROOM, mentioned=True)
    assert len(staff) == 1 and staff[0].contact == WANGFANG and staff[0].room is None
    assert staff[0].text.startswith(f"（{ROOM}里消息太多，这条回复改为私聊发给您）")
