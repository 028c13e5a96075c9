"""The FAQ through the whole bot (in-memory transport, virtual clock): when it speaks."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from storage.models import FaqQuery
from tests.conftest import LEADERS_ROOM, PRINCIPAL, STAFF_ROOM, WANGFANG, at

PARENT_ROOM = "三年级二班家长群"
OTHER_PARENT_ROOM = "三年级一班家长群"
P1, P2, P3 = "wxid_parent_1", "wxid_parent_2", "wxid_parent_3"
AMBIGUOUS = "在外地上学两免一补还有吗"  # 两免一补, or studying 外地: the bot asks which


def rows(bot) -> list[FaqQuery]:
    with bot.session() as s:
        return list(s.execute(select(FaqQuery).order_by(FaqQuery.id)).scalars())


async def test_direct_message_is_answered(make_bot):
    bot = await make_bot()
    out = await bot.say("營養餐一天補幾塊錢", sender=P1, room=None)
    assert len(out) == 1 and out[0].contact == P1 and out[0].room is None
    assert "每天补助 5 元" in out[0].text and "不要给任何人转账" in out[0].text
    [row] = rows(bot)
    assert row.topic == "nutrition_meal" and row.answered and row.reason == "answered" and row.room is None


async def test_direct_message_nothing_matches_says_so_with_the_menu(make_bot):
    bot = await make_bot()
    out = await bot.say("学校食堂承包给哪家了", sender=P1, room=None)
    assert len(out) == 1 and "答不了" in out[0].text and "4. 营养餐补助" in out[0].text
    # the menu was just shown to this person: a number picks a topic
    out = await bot.say("4", sender=P1, room=None)
    assert len(out) == 1 and "每天补助 5 元" in out[0].text


async def test_group_mention_answers_in_the_group(make_bot):
    bot = await make_bot()
    out = await bot.say("@保学小助手\u2005娃在读中职 国家有啥子补助", sender=P1, room=PARENT_ROOM, mentioned=True)
    assert len(out) == 1 and out[0].room == PARENT_ROOM and "中职" in out[0].text and "2300" in out[0].text


async def test_group_mention_with_no_topic_gets_the_help_menu(make_bot):
    bot = await make_bot()
    out = await bot.say("@保学小助手 学校食堂承包给哪家了", sender=P1, room=PARENT_ROOM, mentioned=True)
    assert (
        len(out) == 1
        and out[0].room == PARENT_ROOM
        and "回复数字" in out[0].text
        and "1. 两免一补是什么" in out[0].text
    )
    out = await bot.say("12", sender=P1, room=PARENT_ROOM)
    assert len(out) == 1 and "雨露计划" in out[0].text


async def test_group_unprompted_clear_question_is_answered(make_bot):
    bot = await make_bot()
    out = await bot.say("喂老师我问一下那个营养参的钱是一天几块钱", sender=P1, room=PARENT_ROOM)
    assert len(out) == 1 and out[0].room == PARENT_ROOM and "每天补助 5 元" in out[0].text


async def test_group_chit_chat_and_school_life_are_ignored(make_bot):
    bot = await make_bot()
    for text in (
        "收到",
        "谢谢老师",
        "好的 收到",
        "明天几点放学",
        "我家孩子今天到校没有",
        "王小明今天来了吗",
        "营养餐今天吃的什么",
        "补助表已经交给班主任了",
    ):
        assert await bot.say(text, sender=P1, room=PARENT_ROOM) == [], text
    reasons = [r.reason for r in rows(bot)]
    assert not any(r.answered for r in rows(bot))
    assert reasons[:3] == ["chit_chat"] * 3 and "child_specific" in reasons


async def test_group_unprompted_statement_and_long_paste_are_ignored(make_bot):
    bot = await make_bot()
    assert await bot.say("营养餐的通知我看了", sender=P1, room=PARENT_ROOM) == []
    notice = "关于营养餐补助和生活补助发放的通知：" + "各位家长请注意，生活补助多少钱、营养餐怎么补助，详见附件。" * 30
    assert await bot.say(notice, sender=P1, room=PARENT_ROOM) == []


async def test_unprompted_answer_once_per_topic_per_group_per_hour(make_bot):
    bot = await make_bot()
    first = await bot.say("营养餐一天补多少钱啊", sender=P1, room=PARENT_ROOM, when=at("2026-11-24", "10:00"))
    assert len(first) == 1 and "每天补助 5 元" in first[0].text
    second = await bot.say("营养参是一天几块钱", sender=P2, room=PARENT_ROOM, when=at("2026-11-24", "10:20"))
    assert len(second) == 1 and "10:00" in second[0].text and "往上翻看" in second[0].text
    assert "5 元" not in second[0].text
    # another group, another topic: not limited by that answer
    other = await bot.say("营养餐一天补多少钱啊", sender=P3, room=OTHER_PARENT_ROOM, when=at("2026-11-24", "10:25"))
    assert len(other) == 1 and "每天补助 5 元" in other[0].text
    topic2 = await bot.say("中职有没有助学金", sender=P3, room=PARENT_ROOM, when=at("2026-11-24", "10:30"))
    assert len(topic2) == 1 and "2300" in topic2[0].text
    # an hour after the answer: a fresh full answer
    later = await bot.say("营养餐一天到底补几块", sender=P3, room=PARENT_ROOM, when=at("2026-11-24", "11:05"))
    assert len(later) == 1 and "每天补助 5 元" in later[0].text
    reasons = [(r.room, r.topic, r.reason) for r in rows(bot)]
    assert reasons.count((PARENT_ROOM, "nutrition_meal", "repeat")) == 1


async def test_mention_is_always_answered_in_full(make_bot):
    bot = await make_bot()
    await bot.say("营养餐一天补多少钱啊", sender=P1, room=PARENT_ROOM, when=at("2026-11-24", "10:00"))
    out = await bot.say(
        "@保学小助手 营养餐一天补多少钱", sender=P2, room=PARENT_ROOM, mentioned=True, when=at("2026-11-24", "10:10")
    )
    assert len(out) == 1 and "每天补助 5 元" in out[0].text


async def test_ambiguous_question_asks_which_and_a_digit_answers(make_bot):
    bot = await make_bot()
    out = await bot.say(AMBIGUOUS, sender=P1, room=None)
    assert len(out) == 1 and out[0].text.startswith("您想问的是：1. ") and out[0].text.endswith("？回复数字")
    assert "两免一补是什么" in out[0].text and "在外地上学的资助" in out[0].text
    first_is_elsewhere = out[0].text.index("在外地上学的资助") < out[0].text.index("两免一补是什么")
    out = await bot.say("２", sender=P1, room=None)
    assert len(out) == 1
    assert ("资助跟着学籍走" in out[0].text) != first_is_elsewhere
    [row] = rows(bot)
    assert row.answered and row.reason == "answered"
    assert row.topic == ("two_exemptions_one_subsidy" if first_is_elsewhere else "study_elsewhere")
    # the question is closed: another digit does nothing now
    assert (await bot.say("1", sender=P1, room=None))[0].text.startswith("不好意思")


async def test_ambiguous_in_group_only_the_asker_can_choose(make_bot):
    bot = await make_bot()
    out = await bot.say("@保学小助手 " + AMBIGUOUS, sender=P1, room=PARENT_ROOM, mentioned=True)
    assert len(out) == 1 and "回复数字" in out[0].text
    assert await bot.say("1", sender=P2, room=PARENT_ROOM) == []  # someone else: nothing
    out = await bot.say("1", sender=P1, room=PARENT_ROOM)
    assert len(out) == 1 and out[0].room == PARENT_ROOM and "提醒" in out[0].text


async def test_unprompted_ambiguous_question_stays_quiet(make_bot):
    bot = await make_bot()
    assert await bot.say(AMBIGUOUS + "呢", sender=P1, room=PARENT_ROOM) == []
    assert rows(bot)[0].reason == "ambiguous"


async def test_help_menu_number_answers_that_topic(make_bot):
    bot = await make_bot()
    out = await bot.say("帮助", sender=P1, room=PARENT_ROOM)
    assert len(out) == 1 and "4. 营养餐补助" in out[0].text and "16. 怎么给孩子请假" in out[0].text
    assert await bot.say("4", sender=P2, room=PARENT_ROOM) == []  # P2 was shown nothing
    out = await bot.say("16", sender=P1, room=PARENT_ROOM)
    assert len(out) == 1 and "请假" in out[0].text and out[0].room == PARENT_ROOM
    assert await bot.say("99", sender=P1, room=PARENT_ROOM) == []


async def test_bare_number_without_a_question_is_ignored(make_bot):
    bot = await make_bot()
    assert await bot.say("2", sender=P1, room=PARENT_ROOM) == []
    assert await bot.say("3", sender=P2, room=PARENT_ROOM, when=at("2026-11-23", "09:00")) == []


async def test_menu_number_expires(make_bot):
    bot = await make_bot()
    await bot.say("帮助", sender=P1, room=PARENT_ROOM, when=at("2026-11-24", "10:00"))
    assert await bot.say("4", sender=P1, room=PARENT_ROOM, when=at("2026-11-24", "11:00")) == []


async def test_staff_unanswered_questions_in_direct_message(make_bot):
    bot = await make_bot(start=at("2026-11-19", "07:00"))
    await bot.say("学校食堂承包给哪家了", sender=P1, room=None, when=at("2026-11-20", "10:00"))
    await bot.say(
        "@保学小助手 {{ 7*7 }} 校车费能报销吗",
        sender=P2,
        room=PARENT_ROOM,
        mentioned=True,
        when=at("2026-11-23", "09:00"),
    )
    await bot.say("收到", sender=P2, room=PARENT_ROOM)
    await bot.say("营养餐多少钱", sender=P3, room=None)
    await bot.say("很久以前的问题没人答", sender=P3, room=None, when=at("2026-11-23", "09:30"))
    out = await bot.say("未回答问题", sender=PRINCIPAL, room=None, when=at("2026-11-24", "08:00"))
    assert len(out) == 1 and out[0].contact == PRINCIPAL
    text = out[0].text
    assert "学校食堂承包给哪家了" in text and "{{ 7*7 }} 校车费能报销吗" in text and "49" not in text
    assert "收到" not in text and "营养餐多少钱" not in text
    assert PARENT_ROOM in text and "私聊" in text
    # a week later the oldest is gone
    out = await bot.say("未回答问题", sender=PRINCIPAL, room=None, when=at("2026-11-27", "12:00"))
    assert "学校食堂承包给哪家了" not in out[0].text and "校车费" in out[0].text


async def test_staff_unanswered_questions_in_staff_and_leaders_rooms(make_bot):
    bot = await make_bot()
    await bot.say("学校食堂承包给哪家了", sender=P1, room=None)
    out = await bot.say("@保学小助手 未回答问题", sender=WANGFANG, room=STAFF_ROOM, mentioned=True)
    assert len(out) == 1 and out[0].room == STAFF_ROOM and "学校食堂承包给哪家了" in out[0].text
    out = await bot.say("未回答问题", sender=PRINCIPAL, room=LEADERS_ROOM)
    assert len(out) == 1 and out[0].room == LEADERS_ROOM


async def test_unanswered_questions_refused_privately_in_parent_room(make_bot):
    bot = await make_bot()
    await bot.say("学校食堂承包给哪家了", sender=P1, room=None)
    for mentioned in (False, True):
        out = await bot.say(
            ("@保学小助手 " if mentioned else "") + "未回答问题", sender=WANGFANG, room=PARENT_ROOM, mentioned=mentioned
        )
        assert len(out) == 1 and out[0].room is None and out[0].contact == WANGFANG
        assert "学校食堂" not in out[0].text and "私聊" in out[0].text


async def test_parents_cannot_list_unanswered_questions(make_bot):
    bot = await make_bot()
    await bot.say("学校食堂承包给哪家了", sender=P1, room=None)
    out = await bot.say("未回答问题", sender=P2, room=None)
    assert all("学校食堂" not in o.text for o in out)


async def test_staff_rooms_are_never_answered_unmentioned(make_bot):
    bot = await make_bot()
    assert await bot.say("营养餐一天补多少钱", sender=WANGFANG, room=STAFF_ROOM) == []
    assert await bot.say("营养餐一天补多少钱", sender=PRINCIPAL, room=LEADERS_ROOM) == []
    # a teacher's unmentioned message in a parent group is not a question for the bot
    assert await bot.say("营养餐一天补多少钱？家长们可以看看通知", sender=WANGFANG, room=PARENT_ROOM) == []


async def test_no_student_data_ever_reaches_a_parent_room(make_bot, school):
    bot = await make_bot()
    sent = []
    for text, mentioned in (
        ("@保学小助手 王小明今天来了吗", True),
        ("王小明今天到校没有", False),
        ("@保学小助手 我家孩子评上补助没有", True),
        ("@保学小助手 谢谢", True),
        ("@保学小助手 营养餐多少钱", True),
        ("帮助", False),
        ("@保学小助手 张洋洋在学校乖不乖", True),
    ):
        sent += await bot.say(text, sender=P1, room=PARENT_ROOM, mentioned=mentioned)
    # in the group, or privately to the asker (how to bind, for a child's attendance)
    assert sent and all(o.room == PARENT_ROOM or o.contact == P1 for o in sent)
    names = {s.name for s in school.students}
    for o in sent:
        leaked = [n for n in names if n in o.text]
        assert not leaked, (o.text, leaked)
    assert any("班主任" in o.text for o in sent)


async def test_huge_paste_and_template_syntax_are_handled_politely(make_bot):
    bot = await make_bot()
    paste = ("{{ school.name }}{% for x in range(9) %}" + "营养餐的钱怎么算呢我想问一下" * 3000)[:50_000]
    assert len(paste.encode()) > 50_000
    started = dt.datetime.now()
    out = await bot.say(paste, sender=P1, room=None)
    assert (dt.datetime.now() - started).total_seconds() < 5
    assert len(out) == 1 and "青石镇中心小学" not in out[0].text
    assert await bot.say(paste, sender=P1, room=PARENT_ROOM) == []
    out = await bot.say("{{ school.name }} 营养餐多少钱", sender=P1, room=None)
    assert len(out) == 1 and "每天补助 5 元" in out[0].text
    [*_, last] = rows(bot)
    assert last.text.startswith("{{ school.name }}")
    assert all(len(r.text) <= 1000 for r in rows(bot))
