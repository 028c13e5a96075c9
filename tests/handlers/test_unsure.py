"""Someone of the child's between the name and what is said ("蒋天佑同桌没来"): the bot asks
one short question instead of guessing who is away, answered like the which-student one."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.models import Absence
from tests.conftest import at


def active(bot):
    with bot.session() as s:
        rows = list(s.execute(select(Absence).where(Absence.status == "active")).scalars())
    return [(bot.app.roster.by_id[r.student_id].name, r.kind) for r in rows]


@pytest.mark.parametrize(
    "text,said",
    [
        ("蒋天佑同桌今天没来", "蒋天佑同桌"),
        ("蒋天佑的妈妈没来", "蒋天佑的妈妈"),
        ("蒋天佑他弟弟今天也没来", "蒋天佑他弟弟"),
        ("蒋天佑家长没到", "蒋天佑家长"),
    ],
)
async def test_the_teacher_is_asked_and_nothing_is_guessed(make_bot, text, said):
    bot = await make_bot()
    sent = await bot.say(text, when=at("2026-11-23", "08:10"))
    assert [m.text for m in sent] == [f"“{said}”是说三年级二班 蒋天佑本人吗？回复“是”记录蒋天佑，回复“不是”不记录。"]
    assert active(bot) == []


async def test_yes_records_the_child_named(make_bot):
    bot = await make_bot()
    await bot.say("蒋天佑同桌今天没来", when=at("2026-11-23", "08:10"))
    sent = await bot.say("是", when=at("2026-11-23", "08:11"))
    assert sent[0].text.startswith("已记录：三年级二班 蒋天佑 11月23日起 未到校")
    assert active(bot) == [("蒋天佑", "unexcused")]


async def test_no_records_nothing(make_bot):
    bot = await make_bot()
    await bot.say("蒋天佑的妈妈没来", when=at("2026-11-23", "08:10"))
    sent = await bot.say("不是", when=at("2026-11-23", "08:11"))
    assert "没有记录" in sent[0].text and active(bot) == []


async def test_the_rest_of_the_message_is_recorded_and_only_the_doubt_asked(make_bot):
    bot = await make_bot()
    sent = await bot.say("王小明发烧请假，蒋天佑同桌没来", when=at("2026-11-23", "08:10"))
    assert sent[0].text.startswith("已记录：三年级二班 王小明")
    assert "“蒋天佑同桌”是说" in sent[1].text
    assert active(bot) == [("王小明", "sick")]


@pytest.mark.parametrize("text", ["蒋天佑妈妈打电话说他发烧了", "蒋天佑妈妈请假了", "蒋天佑同学今天没来"])
async def test_a_parent_speaking_for_the_child_is_no_doubt(make_bot, text):
    bot = await make_bot()
    sent = await bot.say(text, when=at("2026-11-23", "08:10"))
    assert sent[0].text.startswith("已记录：三年级二班 蒋天佑")
