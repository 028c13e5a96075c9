"""The message path: help from a template, duplicates, crashes, hostile text."""

from __future__ import annotations

import io

from sqlalchemy import select

from bot.chat.transports.console import ConsoleTransport, parse_console_line
from bot.clock import VirtualClock
from storage.models import InboundMessage, OutboundMessage
from tests.conftest import STAFF_ROOM, WANGFANG, at


async def test_help_in_direct_message(make_bot):
    bot = await make_bot()
    out = await bot.say("帮助", room=None)
    assert len(out) == 1 and out[0].contact == WANGFANG
    assert "青石镇中心小学的保学小助手" in out[0].text and "今日缺勤" in out[0].text


async def test_parent_help_has_no_staff_commands(make_bot):
    bot = await make_bot()
    out = await bot.say("@保学小助手 帮助", sender="wxid_parent_1", room="三年级二班家长群", mentioned=True)
    assert len(out) == 1 and out[0].room == "三年级二班家长群"
    assert "今日缺勤" not in out[0].text


async def test_duplicate_delivery_is_handled_once(make_bot):
    bot = await make_bot()
    first = await bot.say("帮助", room=None, message_id="wx-1")
    again = await bot.say("帮助", room=None, message_id="wx-1")
    assert len(first) == 1 and again == []
    with bot.session() as s:
        assert len(s.execute(select(InboundMessage)).all()) == 1


async def test_crash_in_handler_keeps_the_message_and_answers_politely(make_bot):
    bot = await make_bot()

    def boom(ctx, _m):
        ctx.reply("chat/help_teacher.j2", topics=[], short=False)  # queued, then rolled back with the crash
        raise RuntimeError("disk on fire")

    bot.app.handlers.insert(0, type(bot.app.handlers[0])(boom, "boom"))
    out = await bot.say("王小明今天没来", message_id="wx-crash")
    assert [o.contact for o in out] == [WANGFANG] and "没有记入台账" in out[0].text
    with bot.session() as s:
        row = s.execute(select(InboundMessage).where(InboundMessage.message_id == "wx-crash")).scalar_one()
        assert row.status == "failed" and "disk on fire" in row.error and row.text == "王小明今天没来"
        assert len(s.execute(select(OutboundMessage)).all()) == 1


async def test_template_syntax_in_user_text_stays_literal(make_bot):
    bot = await make_bot()
    out = await bot.say("{{ school.name }}'; DROP TABLE student; --", room=None, name="{% raw %}")
    assert len(out) == 1 and "没看懂" in out[0].text
    with bot.session() as s:
        assert s.execute(select(InboundMessage.text)).scalar_one().startswith("{{ school.name }}")


async def test_chit_chat_in_group_gets_nothing(make_bot):
    bot = await make_bot()
    assert await bot.say("收到", sender="wxid_parent_1", room="三年级二班家长群") == []
    assert await bot.say("好的好的", room=STAFF_ROOM) == []


def test_console_line_format(school):
    assert parse_console_line("@三年级二班家长群 王芳: 王小明今天没来", school) == (
        "三年级二班家长群",
        WANGFANG,
        "王芳",
        "王小明今天没来",
        False,
    )
    assert parse_console_line("张三: @保学小助手 帮助", school)[1:] == (
        "console_张三",
        "张三",
        "@保学小助手 帮助",
        True,
    )
    assert parse_console_line("just words", school) is None


async def test_console_chat_answers_help(school, make_bot):
    bot = await make_bot()
    out = io.StringIO()
    console = ConsoleTransport(school, VirtualClock(at("2026-11-23")), stdin=io.StringIO("王芳: 帮助\n"), stdout=out)
    bot.app.transport = bot.app.outbox.transport = console
    await console.start(bot.app.handle)
    assert "[私聊 王芳] 保学小助手：您好，我是青石镇中心小学的保学小助手" in out.getvalue()
