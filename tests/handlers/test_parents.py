"""A parent's own messages: their own child's attendance by DM only, worries passed to the
head teacher with nothing said in the group, a hello answered in one line."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import ParentWorry
from tests.conftest import PRINCIPAL, WANGFANG, ZHENG, at

PARENTS_3_2 = "三年级二班家长群"
MUM = "wxid_parent_jiangjun_mum"
OTHER = "wxid_parent_somebody"


async def _bind(bot, name="姜军", relation="妈妈", who=MUM):
    await bot.say(f"绑定 {name} {relation} {who}", room=None)


def worries(bot):
    with bot.session() as s:
        return list(s.execute(select(ParentWorry)).scalars())


async def test_own_child_today_answered_by_dm_only(make_bot):
    bot = await make_bot()
    await _bind(bot)
    await bot.say("姜军今天没来，电话打不通", when=at("2026-11-23", "08:10"))
    sent = await bot.say("我家姜军今天到学校没有", sender=MUM, room=PARENTS_3_2, when=at("2026-11-23", "09:00"))
    assert not [m for m in sent if m.room]
    assert [m.contact for m in sent] == [MUM] and "姜军今天没有到校" in sent[0].text
    sent = await bot.say("今天到校了吗", sender=MUM, room=None)
    assert "姜军今天没有到校" in sent[0].text


async def test_own_child_month_and_leave_state(make_bot):
    bot = await make_bot()
    await _bind(bot)
    await bot.say("姜军病假两天", when=at("2026-11-23", "08:10"))
    sent = await bot.say("这个月缺了几天课", sender=MUM, room=None, when=at("2026-11-25", "19:00"))
    assert "缺勤2天" in sent[0].text and "病假2天" in sent[0].text
    await bot.say("明天肚子疼，请一天假", sender=MUM, room=None)
    sent = await bot.say("请假批了没", sender=MUM, room=None)
    assert "还在等老师回复" in sent[0].text
    await bot.say("同意", room=None)
    sent = await bot.say("老师同意了吗", sender=MUM, room=None)
    assert "班主任已同意" in sent[0].text


async def test_another_childs_record_is_refused_whoever_is_named(make_bot):
    bot = await make_bot()
    await _bind(bot)
    a = await bot.say("王小明今天到校了吗", sender=MUM, room=None, when=at("2026-11-23", "09:00"))
    b = await bot.say("张无名今天到校了吗", sender=MUM, room=None)
    assert a[0].text == b[0].text and "王小明" not in a[0].text and "姜军" in a[0].text


async def test_an_unbound_parent_is_told_how_to_bind(make_bot):
    bot = await make_bot()
    sent = await bot.say("这个月缺了几天", sender=OTHER, room=None, when=at("2026-11-23", "09:00"))
    assert "我是（孩子姓名）的妈妈" in sent[0].text


WORRY_LINES = [
    "孩子这几天说死活不想读书了，咋个办",
    "我家娃说过完年要跟他舅舅去浙江进厂",
    "天天关在屋里耍手机，喊他去学校也不去",
    "娃娃在学校被几个高年级的欺负，现在不敢去学校了",
    "家里这学期实在拿不出钱，生活费都凑不齐",
    "他爸妈都出去了，屋头没人管，早上没人送他上学",
    "孩子肚子疼了好几天，家里没钱去医院看",
    "我们下个月准备搬到昆明去，孩子要转学",
]


async def test_every_worry_reaches_the_head_teacher_and_nothing_is_said_in_the_group(make_bot):
    bot = await make_bot()
    await _bind(bot)
    for i, line in enumerate(WORRY_LINES):
        sent = await bot.say(line, sender=MUM, room=PARENTS_3_2, when=at(f"2026-11-{23 + i // 4}", f"19:{i % 4}0"))
        assert not [m for m in sent if m.room], line
        (to_teacher,) = [m.text for m in sent if m.contact == WANGFANG]
        assert to_teacher.startswith("【家长反映】三年级二班 姜军") and "已绑定为姜军的妈妈" in to_teacher, line
        assert any(m.contact == MUM and "已经转告班主任王芳老师" in m.text for m in sent), line
    assert len(worries(bot)) == len(WORRY_LINES)
    record = await bot.say("姜军 记录", room=None)
    assert "家长反映（早期预警）" in record[0].text


async def test_a_parent_telling_of_another_child(make_bot):
    bot = await make_bot()
    sent = await bot.say(
        "王小明今天也没去学校，我看到他在街上耍",
        sender=OTHER,
        name="李叔",
        room=PARENTS_3_2,
        when=at("2026-11-23", "10:30"),
    )
    assert not [m for m in sent if m.room]
    (to_teacher,) = [m.text for m in sent if m.contact == WANGFANG]
    assert "三年级二班 王小明" in to_teacher and "别人家的孩子" in to_teacher and "李叔" in to_teacher
    (ack,) = [m.text for m in sent if m.contact == OTHER]
    assert "王小明" not in ack
    (row,) = worries(bot)
    assert row.about_other and row.student_id == "G53032017000193"


async def test_an_unbound_strangers_worry_by_dm_names_nobody_to_them(make_bot):
    bot = await make_bot()
    sent = await bot.say("孩子不想上学了，天天在家打游戏", sender=OTHER, room=None, when=at("2026-11-23", "20:00"))
    (ack,) = [m.text for m in sent if m.contact == OTHER]
    assert "学校老师" in ack and "王芳" not in ack
    assert [m.contact for m in sent if m.contact != OTHER] == [PRINCIPAL]


async def test_the_digest_has_the_parents_worries(make_bot):
    bot = await make_bot()
    await _bind(bot)
    await bot.say("我家娃说不想读了", sender=MUM, room=PARENTS_3_2, when=at("2026-11-23", "12:00"))
    sent = await bot.until(at("2026-11-23", "16:31"))
    digest = next(m.text for m in sent if m.contact == PRINCIPAL and "缺勤日报" in m.text)
    assert "家长反映 1 条" in digest and "姜军" in digest


async def test_not_a_worry(make_bot):
    bot = await make_bot()
    for line in ("孩子很喜欢上学，谢谢老师", "营养餐一天补多少钱", "他爸在广东打工，孩子跟奶奶住，挺好的"):
        await bot.say(line, sender=OTHER, room=PARENTS_3_2, when=at("2026-11-23", "12:00"))
    assert worries(bot) == [] and not [m for m in bot.transport.sent if m.contact in (WANGFANG, ZHENG)]


async def test_a_hello_gets_one_short_line(make_bot):
    bot = await make_bot()
    for text in ("@保学小助手 你好", "@保学小助手 在吗"):
        sent = await bot.say(text, sender=OTHER, room=PARENTS_3_2, mentioned=True, when=at("2026-11-23", "12:00"))
        (line,) = [m.text for m in sent]
        assert "\n" not in line.strip() and line.strip().endswith("回复“帮助”看全部。")


async def test_staff_ask_what_parents_said(make_bot):
    bot = await make_bot()
    await _bind(bot)
    await bot.say("娃说在学校老是被人欺负 不敢去了", sender=MUM, room=None, when=at("2026-11-23", "19:00"))
    await bot.say("孩子要跟他爸出去打工了", sender=OTHER, room="四年级一班家长群", when=at("2026-11-24", "19:00"))
    sent = await bot.say("这周家长有没有反映什么情况", sender=PRINCIPAL, room=None, when=at("2026-11-25", "09:00"))
    (reply,) = [m.text for m in sent if m.contact == PRINCIPAL]
    assert "家长反映 2 条" in reply and "三年级二班 姜军" in reply and "四年级一班" in reply, reply
    # a head teacher hears of her own class only
    sent = await bot.say("这周家长有没有反映什么情况", sender=WANGFANG, room=None, when=at("2026-11-25", "09:05"))
    (reply,) = [m.text for m in sent if m.contact == WANGFANG]
    assert "家长反映 1 条" in reply and "四年级一班" not in reply, reply
