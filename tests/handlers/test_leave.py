"""A parent's leave request: told privately, the head teacher confirms, recorded as the teacher's."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Absence
from tests.conftest import WANGFANG, at

PARENTS_3_2 = "三年级二班家长群"
PARENT = "wxid_parent_wangxiaoming"


def absences(bot):
    with bot.session() as s:
        return list(s.execute(select(Absence).where(Absence.status == "active")).scalars())


async def test_leave_round_trip_in_the_parent_group(make_bot):
    bot = await make_bot()
    sent = await bot.say(
        "老师，王小明发烧了，今天请一天假", sender=PARENT, room=PARENTS_3_2, when=at("2026-11-23", "07:20")
    )
    to_parent = [m for m in sent if m.contact == PARENT]
    to_teacher = [m for m in sent if m.contact == WANGFANG]
    assert not [m for m in sent if m.room]  # nothing said in the group
    assert "已转告班主任王芳老师" in to_parent[0].text
    assert "同意" in to_teacher[0].text and "王小明" in to_teacher[0].text
    assert absences(bot) == []  # nothing on a parent's word alone
    sent = await bot.say("同意", room=None)
    rows = absences(bot)
    assert [(r.kind, r.start.isoformat(), r.end.isoformat(), r.reported_by) for r in rows] == [
        ("sick", "2026-11-23", "2026-11-23", WANGFANG)
    ]
    assert any(m.contact == WANGFANG and m.text.startswith("已记录：三年级二班 王小明") for m in sent)
    assert any(m.contact == PARENT and "班主任已同意" in m.text for m in sent)


async def test_declined_leave_is_not_recorded(make_bot):
    bot = await make_bot()
    await bot.say("王小明家里有事，请两天假", sender=PARENT, room=PARENTS_3_2, when=at("2026-11-23", "07:20"))
    sent = await bot.say("不同意", room=None)
    assert absences(bot) == []
    assert any(m.contact == PARENT and "没有同意" in m.text for m in sent)


async def test_a_stranger_by_direct_message_learns_nothing_of_any_child(make_bot):
    bot = await make_bot()
    names = [s.name for s in bot.app.roster.students[:60]] + ["杨子豪", "刘晓峰", "张无名"]
    answers = set()
    for i, name in enumerate(names):
        sent = await bot.say(f"{name}发烧了，今天请一天假", sender=f"wxid_stranger_{i}", room=None, name="校长陈国华")
        assert all(m.contact == f"wxid_stranger_{i}" for m in sent)
        answers |= {m.text for m in sent}
    assert len(answers) == 1  # the same words whoever is named, enrolled or not
    (text,) = answers
    assert "家长群" in text and "王芳" not in text and not any(n in text for n in names)
    assert not [m for m in bot.transport.sent if m.contact == WANGFANG]


async def test_the_head_teacher_gets_a_summary_not_the_senders_words(make_bot):
    bot = await make_bot()
    sent = await bot.say(
        "王小明发烧了请一天假 加我微信wx_scam_123转账报名费",
        sender=PARENT,
        name="校长陈国华",
        room=PARENTS_3_2,
        when=at("2026-11-23", "07:20"),
    )
    (to_teacher,) = [m.text for m in sent if m.contact == WANGFANG]
    assert "wx_scam_123" not in to_teacher and "转账" not in to_teacher
    assert "三年级二班家长群里的“校长陈国华”" in to_teacher and "是不是孩子家长，请您自己确认" in to_teacher


async def test_at_most_three_leave_requests_a_day_from_one_sender(make_bot):
    bot = await make_bot()
    for name in ("王小明", "蒋天佑", "高兴"):
        await bot.say(f"{name}发烧请假一天", sender=PARENT, room=PARENTS_3_2, when=at("2026-11-23", "07:20"))
    sent = await bot.say("吴倩发烧请假一天", sender=PARENT, room=PARENTS_3_2)
    assert [m.contact for m in sent] == [PARENT] and "今天您已经请了3次假" in sent[0].text


async def test_two_requests_need_a_name(make_bot):
    bot = await make_bot()
    await bot.say("王小明发烧请假一天", sender=PARENT, room=PARENTS_3_2, when=at("2026-11-23", "07:20"))
    await bot.say("蒋天佑肚子疼，请一天病假", sender="wxid_parent2", room=PARENTS_3_2)
    sent = await bot.say("同意", room=None)
    assert "请回复“同意+姓名”" in sent[0].text and absences(bot) == []
    await bot.say("同意蒋天佑", room=None)
    assert [bot.app.roster.by_id[r.student_id].name for r in absences(bot)] == ["蒋天佑"]


async def test_other_class_children_and_plain_chat_are_left_alone(make_bot):
    bot = await make_bot()
    sent = await bot.say("高兴今天发烧请假", sender=PARENT, room="三年级一班家长群", when=at("2026-11-23", "07:20"))
    assert sent == []  # 高兴 is in 三年级二班: not this group's child
    sent = await bot.say("收到，谢谢老师", sender=PARENT, room=PARENTS_3_2)
    assert sent == []


# -- a bound parent ----------------------------------------------------------------------

MUM = "wxid_parent_cuiruoxi_mum"


async def _bind(bot, name, relation="妈妈", who=MUM):
    await bot.say(f"绑定 {name} {relation} {who}", room=None)


async def test_a_bound_parent_asks_leave_without_naming_the_child(make_bot):
    bot = await make_bot()
    await _bind(bot, "崔若曦")
    sent = await bot.say(
        "老师 我家娃今天咳嗽得厉害，请一天假", sender=MUM, room=PARENTS_3_2, when=at("2026-11-23", "07:20")
    )
    assert not [m for m in sent if m.room]
    (to_teacher,) = [m.text for m in sent if m.contact == WANGFANG]
    assert "崔若曦" in to_teacher and "已绑定为崔若曦的妈妈" in to_teacher and "咳嗽" in to_teacher
    sent = await bot.say("同意", room=None)
    assert any(m.contact == MUM and "早日康复" in m.text for m in sent)


async def test_a_bound_parent_may_ask_leave_by_direct_message(make_bot):
    bot = await make_bot()
    await _bind(bot, "崔若曦")
    sent = await bot.say("明天家里吃喜酒，请一天假", sender=MUM, room=None, when=at("2026-11-23", "19:00"))
    (to_teacher,) = [m.text for m in sent if m.contact == WANGFANG]
    assert "私聊里的" in to_teacher and "11月24日" in to_teacher
    sent = await bot.say("同意", room=None)
    (to_parent,) = [m.text for m in sent if m.contact == MUM]
    assert "班主任已同意" in to_parent and "康复" not in to_parent


async def test_a_funeral_leave_is_not_wished_a_recovery(make_bot):
    bot = await make_bot()
    await _bind(bot, "崔若曦")
    await bot.say("孩子外公过世了，回老家奔丧，请三天假", sender=MUM, room=None, when=at("2026-11-23", "07:00"))
    sent = await bot.say("同意", room=None)
    (to_parent,) = [m.text for m in sent if m.contact == MUM]
    assert "节哀" in to_parent and "康复" not in to_parent


async def test_a_parent_of_two_is_asked_which_child(make_bot):
    bot = await make_bot()
    await _bind(bot, "崔若曦")
    await _bind(bot, "姜军")
    sent = await bot.say("今天发烧了，请一天假", sender=MUM, room=None, when=at("2026-11-23", "07:00"))
    assert [m.contact for m in sent] == [MUM] and "1. " in sent[0].text and "2. " in sent[0].text
    assert not [m for m in bot.transport.sent if m.contact == WANGFANG and "请假" in m.text]
    order = [n for n in ("崔若曦", "姜军") if n in sent[0].text]
    number = 1 + sorted(order, key=sent[0].text.index).index("姜军")
    sent = await bot.say(str(number), sender=MUM, room=None)
    (to_teacher,) = [m.text for m in sent if m.contact == WANGFANG]
    assert "姜军" in to_teacher and "崔若曦" not in to_teacher


async def test_a_bound_parent_cannot_ask_leave_for_another_child_by_dm(make_bot):
    bot = await make_bot()
    await _bind(bot, "崔若曦")
    a = await bot.say("王小明发烧了，请一天假", sender=MUM, room=None, when=at("2026-11-23", "07:00"))
    b = await bot.say("张无名发烧了，请一天假", sender=MUM, room=None)
    assert [m.contact for m in a + b] == [MUM, MUM] and a[0].text == b[0].text
