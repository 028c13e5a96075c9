"""Binding a parent to their child: the phone's last 4 digits, the lock-out, the head
teacher's side, unbinding, and nothing about enrolment told to a stranger."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Guardian, LedgerChange
from tests.conftest import WANGFANG, ZHENG, at

PARENTS_3_2 = "三年级二班家长群"
MOTHER = "wxid_parent_zhouzixuan_mum"


def bindings(bot, status="active"):
    with bot.session() as s:
        return [
            (g.student_id, g.chat_id, g.relation, g.how)
            for g in s.execute(select(Guardian).where(Guardian.status == status)).scalars()
        ]


async def test_bind_by_the_phones_last_four_digits(make_bot):
    bot = await make_bot()
    sent = await bot.say("我是周子轩的妈妈", sender=MOTHER, room=None, when=at("2026-11-23", "19:00"))
    assert [m.contact for m in sent] == [MOTHER] and "后4位" in sent[0].text
    sent = await bot.say("9104", sender=MOTHER, room=None)  # 周子轩's roster phone 13433529104
    assert "已绑定：您是三年级二班 周子轩的妈妈" in sent[0].text
    assert bindings(bot) == [("G53032017000189", MOTHER, "妈妈", "phone")]


async def test_an_at_mention_in_the_class_group_is_answered_privately(make_bot):
    bot = await make_bot()
    sent = await bot.say("@保学小助手 我是三(2)班周子轩家长", sender=MOTHER, room=PARENTS_3_2, mentioned=True)
    assert not [m for m in sent if m.room] and "后4位" in sent[0].text
    sent = await bot.say("后四位是9104", sender=MOTHER, room=None)
    assert bindings(bot) == [("G53032017000189", MOTHER, "监护人", "phone")]


async def test_three_wrong_tries_lock_binding_for_a_day(make_bot):
    bot = await make_bot()
    await bot.say("我是周子轩的奶奶", sender=MOTHER, room=None, when=at("2026-11-23", "19:00"))
    first = await bot.say("1234", sender=MOTHER, room=None)
    assert "还可以再试2次" in first[0].text
    await bot.say("2345", sender=MOTHER, room=None)
    third = await bot.say("3456", sender=MOTHER, room=None)
    assert "连续3次" in third[0].text and "11月24日19:00" in third[0].text
    await bot.say("我是周子轩的奶奶", sender=MOTHER, room=None)
    sent = await bot.say("9104", sender=MOTHER, room=None)  # right, but locked
    assert bindings(bot) == [] and "连续3次" in sent[0].text
    await bot.say("我是周子轩的奶奶", sender=MOTHER, room=None, when=at("2026-11-24", "19:05"))
    sent = await bot.say("9104", sender=MOTHER, room=None)
    assert bindings(bot) == [("G53032017000189", MOTHER, "奶奶", "phone")]


async def test_a_stranger_learns_nothing_of_enrolment(make_bot):
    bot = await make_bot()
    answers, wrong = set(), set()
    for i, name in enumerate(["周子轩", "王小明", "张无名", "李想想"]):
        who = f"wxid_stranger_{i}"
        answers |= {m.text.replace(name, "X") for m in await bot.say(f"我是{name}的爸爸", sender=who, room=None)}
        wrong |= {m.text for m in await bot.say("0000", sender=who, room=None)}
    assert len(answers) == 1 and len(wrong) == 1
    assert not [m for m in bot.transport.sent if m.contact == WANGFANG]


async def test_no_phone_on_the_roster_the_head_teacher_confirms(make_bot):
    bot = await make_bot()
    with bot.session() as s:
        from storage.models import School, Student

        st = s.get(Student, "G53032017000189")
        st.phone = ""
        s.add(st)
        s.get(School, st.school_id).roster_version += 1
        s.commit()
    bot.app.invalidate_roster()
    await bot.say("我是周子轩的外婆", sender=MOTHER, room=None)
    sent = await bot.say("1111", sender=MOTHER, room=None)
    to_parent = [m.text for m in sent if m.contact == MOTHER]
    (to_teacher,) = [m.text for m in sent if m.contact == WANGFANG]
    assert "没有核对上" in to_parent[0] and "确认绑定周子轩" in to_teacher
    sent = await bot.say("确认绑定", room=None)
    assert bindings(bot) == [("G53032017000189", MOTHER, "外婆", "confirmed")]
    assert any(m.contact == MOTHER and "已绑定" in m.text for m in sent)


async def test_head_teacher_binds_and_unbinds_from_their_side(make_bot):
    bot = await make_bot()
    sent = await bot.say(f"绑定 周子轩 爸爸 {MOTHER}", room=None)
    assert "已绑定：三年级二班 周子轩的爸爸" in sent[0].text
    assert any(m.contact == MOTHER and "已绑定" in m.text for m in sent)
    await bot.say(f"绑定 王小明 妈妈 {MOTHER}", room=None)  # several children for one parent
    assert {b[0] for b in bindings(bot)} == {"G53032017000189", "G53032017000193"}
    refused = await bot.say(f"绑定 周子轩 爸爸 {MOTHER}", sender=ZHENG, room=None)  # another class's teacher
    assert "只有周子轩的班主任" in refused[0].text
    sent = await bot.say(f"绑定 三(2)班 周子轩 奶奶 {MOTHER}x", room=None)  # a class written with it
    assert "已绑定：三年级二班 周子轩的奶奶" in sent[0].text
    await bot.say("解绑 周子轩 奶奶", room=None)
    sent = await bot.say("解绑 周子轩 爸爸", room=None)
    assert "已解除绑定" in sent[0].text
    assert [b[0] for b in bindings(bot)] == ["G53032017000193"]
    with bot.session() as s:
        logged = s.execute(select(LedgerChange).where(LedgerChange.table_name == "guardian")).scalars().all()
    assert len(logged) == 5  # three bindings and two unbindings, in the audit's log


async def test_a_transfer_out_ends_the_bindings(make_bot):
    bot = await make_bot()
    await bot.say(f"绑定 王小明 妈妈 {MOTHER}", room=None)
    await bot.say("王小明转学了，转到县城二小", room=None)
    assert bindings(bot) == [] and bindings(bot, "unbound")


async def test_the_audit_lists_bindings_and_undo_takes_back_a_mistaken_one(make_bot):
    from bot.reports.audit import trail

    bot = await make_bot()
    await bot.say(f"绑定 周子轩 妈妈 {MOTHER}", room=None, when=at("2026-11-23", "19:00"))
    with bot.session() as s:
        lines = trail(s, bot.app.school, student_id="G53032017000189")
    assert [(line.who, line.what.split()[0]) for line in lines] == [("王芳", "家长绑定")]
    sent = await bot.say("撤销", room=None)
    assert sent and bindings(bot) == [] and bindings(bot, "undone")
