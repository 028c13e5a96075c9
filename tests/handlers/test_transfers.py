"""Transfers told in chat (docs/SPEC.md "Transfers"): a head teacher says a child has left
for another school, or that a new one has come; the roll follows, a new child only after
the principal agrees. Written as head teachers write."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.models import Absence, AlertEvent, Enrolment, InboundMessage, PendingQuestion, Student
from tests.conftest import OFFICER, PRINCIPAL, WANGFANG, ZHENG, at
from tests.handlers.test_ledger_truth import FRI, MON, alerts, away_four_days

XIAOMING = "G53032017000193"  # 三年级二班 王小明 (三年级一班 has a 王小明 too)
XIAOHUA = "G53032018009999"  # 李小花: on nobody's roll yet
PARENTS_3_2 = "三年级二班家长群"
PARENT = "wxid_parent_wangxiaoming"


def student(bot, sid: str) -> Student | None:
    with bot.session() as s:
        return s.get(Student, sid)


def enrolments(bot, sid: str) -> list[Enrolment]:
    with bot.session() as s:
        return list(s.execute(select(Enrolment).where(Enrolment.student_id == sid).order_by(Enrolment.id)).scalars())


def open_questions(bot) -> list[PendingQuestion]:
    with bot.session() as s:
        q = select(PendingQuestion).where(PendingQuestion.kind == "transfer_in", PendingQuestion.status == "open")
        return list(s.execute(q).scalars())


def handler_of(bot, text: str) -> str | None:
    with bot.session() as s:
        row = s.execute(select(InboundMessage).where(InboundMessage.text == text)).scalars().first()
        return row.handler if row else None


# -- out ---------------------------------------------------------------------------------


async def test_a_transfer_out_leaves_the_roll_and_closes_the_case_as_a_transfer(make_bot):
    bot = await make_bot()
    await away_four_days(bot, "王小明")
    sent = await bot.say("王小明转学了，转到县城二小", when=at(FRI, "08:10"))
    mine = [m for m in sent if m.room or m.contact == WANGFANG]
    assert mine[0].text.startswith("已登记：三年级二班 王小明 11月27日转出（转到县城二小），控辍保学台账已记为转学")
    assert "撤销" in mine[0].text  # how it is corrected: not by 撤销
    row = student(bot, XIAOMING)
    assert row is not None and not row.active and row.left_on.isoformat() == FRI
    (enrolment,) = enrolments(bot, XIAOMING)
    assert (enrolment.left_why, enrolment.left_to) == ("转学", "县城二小")
    (alert,) = alerts(bot)
    assert alert.status == "closed"
    with bot.session() as s:
        closing = s.execute(select(AlertEvent).where(AlertEvent.kind == "closed")).scalars().one()
    assert "县城二小" in closing.text and closing.by == WANGFANG  # the audit: who told it, in which message
    told = {m.contact for m in sent if "已转学（转入 县城二小）" in m.text}
    assert {PRINCIPAL, OFFICER} <= told
    # his absences end the day before he left; he is no longer on the roll the bot reads
    (away,) = [a for a in active_rows(bot) if a.student_id == XIAOMING]
    assert away.end is not None and away.end.isoformat() == "2026-11-26"
    assert XIAOMING not in bot.app.roster.by_id


def active_rows(bot) -> list[Absence]:
    with bot.session() as s:
        return list(s.execute(select(Absence).where(Absence.status == "active")).scalars())


async def test_undo_after_a_transfer_does_not_reopen_half_of_it(make_bot):
    bot = await make_bot()
    await away_four_days(bot, "王小明")
    await bot.say("王小明转走了 去广东读书了", when=at(FRI, "08:10"))
    await bot.say("撤销", when=at(FRI, "08:12"))
    assert alerts(bot)[0].status == "closed"
    assert not student(bot, XIAOMING).active
    (enrolment,) = enrolments(bot, XIAOMING)
    assert enrolment.left_to == "广东"


async def test_a_day_said_is_the_day_of_the_transfer(make_bot):
    bot = await make_bot()
    sent = await bot.say("王小明11月24号就转走了，去他妈妈那边读书了", when=at("2026-11-25", "09:00"))
    assert "11月24日转出（转到他妈妈那边）" in sent[0].text
    assert student(bot, XIAOMING).left_on.isoformat() == "2026-11-24"


async def test_the_rest_of_the_message_is_reported_as_usual(make_bot):
    bot = await make_bot()
    sent = await bot.say("王小明转学了，转到县城二小。蔡雨泽今天没来", when=at(MON, "08:10"))
    assert not student(bot, XIAOMING).active
    assert [a.student_id for a in active_rows(bot)] == ["G53032017000188"]
    assert any("蔡雨泽" in m.text and "未到校" in m.text for m in sent)


async def test_another_class_teacher_may_tell_it_and_the_childs_head_teacher_hears(make_bot):
    bot = await make_bot()
    sent = await bot.say("三年级二班的王小明已经转学到城关小学", sender=ZHENG, when=at(MON, "10:00"))
    assert not student(bot, XIAOMING).active
    (note,) = [m for m in sent if m.contact == WANGFANG]
    assert "郑秀英报告：您班（三年级二班）的王小明 11月23日转学（转到城关小学）" in note.text


async def test_a_principal_naming_a_name_two_children_bear_is_asked_which(make_bot):
    bot = await make_bot()
    sent = await bot.say("王小明办了转学手续", sender=PRINCIPAL, room=None, when=at(MON, "10:00"))
    assert "名单上有2个王小明" in sent[0].text and "三年级一班" in sent[0].text
    assert student(bot, XIAOMING).active


async def test_a_transfer_on_a_day_to_come_changes_nothing_yet(make_bot):
    bot = await make_bot()
    sent = await bot.say("王小明明天转学，转到县城二小", when=at(MON, "10:00"))
    assert "还没到" in sent[0].text
    assert student(bot, XIAOMING).active


# -- in ----------------------------------------------------------------------------------


async def test_a_new_child_waits_for_the_principal_and_then_is_on_the_roll(make_bot):
    bot = await make_bot()
    sent = await bot.say(f"李小花是新转来的，学籍号{XIAOHUA}，女", when=at(MON, "08:00"))
    (ask,) = [m for m in sent if m.contact == PRINCIPAL]
    assert ask.text == (
        f"王芳报告：李小花（学籍号{XIAOHUA}，女）新转入三年级二班。回复“同意转入”登记，回复“不同意转入”不登记。"
    )
    assert "已请校长陈国华确认" in next(m for m in sent if m.room).text
    assert student(bot, XIAOHUA) is None
    # not on the roll yet: her absence is not recorded
    await bot.say("李小花今天没来", when=at(MON, "08:05"))
    assert student(bot, XIAOHUA) is None and not active_rows(bot)

    sent = await bot.say("同意转入", sender=PRINCIPAL, room=None, when=at(MON, "09:00"))
    row = student(bot, XIAOHUA)
    assert row is not None and row.active and (row.name, row.class_name, row.gender) == ("李小花", "三年级二班", "女")
    (enrolment,) = enrolments(bot, XIAOHUA)
    assert enrolment.joined_on is not None and enrolment.joined_on.isoformat() == MON
    assert "已登记：李小花" in next(m for m in sent if m.contact == PRINCIPAL).text
    assert "陈国华校长已同意" in next(m for m in sent if m.contact == WANGFANG).text
    assert open_questions(bot) == []

    sent = await bot.say("李小花今天没来", when=at(MON, "09:10"))
    assert "三年级二班 李小花" in sent[0].text
    assert [a.student_id for a in active_rows(bot)] == [XIAOHUA]


async def test_the_principal_saying_no_adds_nobody(make_bot):
    bot = await make_bot()
    await bot.say(f"新转来一个学生李小花 学籍号{XIAOHUA}  女", when=at(MON, "08:00"))
    sent = await bot.say("不同意转入", sender=PRINCIPAL, room=None, when=at(MON, "09:00"))
    assert student(bot, XIAOHUA) is None
    assert "没有同意李小花" in next(m for m in sent if m.contact == WANGFANG).text
    assert open_questions(bot) == []


async def test_a_new_child_without_a_student_id_is_asked_for_one(make_bot):
    bot = await make_bot()
    sent = await bot.say("我班新转来一个学生叫李小花", when=at(MON, "08:00"))
    assert "请把姓名和学籍号一起发来" in sent[0].text
    assert open_questions(bot) == []


async def test_a_student_id_already_here_is_not_added_again(make_bot):
    bot = await make_bot()
    sent = await bot.say(f"王小明是新转来的，学籍号{XIAOMING}", when=at(MON, "08:00"))
    assert "已经在名单上" in sent[0].text
    assert open_questions(bot) == []


# -- who may, and what is not a transfer --------------------------------------------------


async def test_a_parent_can_neither_transfer_out_nor_in(make_bot):
    bot = await make_bot()
    await bot.say("王小明转学了，转到县城二小", sender=PARENT, room=PARENTS_3_2, when=at(MON, "08:00"))
    await bot.say(f"李小花是新转来的，学籍号{XIAOHUA}", sender=PARENT, room=PARENTS_3_2, when=at(MON, "08:05"))
    await bot.say("同意转入", sender=PARENT, room=None, when=at(MON, "08:10"))
    assert student(bot, XIAOMING).active
    assert student(bot, XIAOHUA) is None and open_questions(bot) == []


async def test_only_the_principal_asked_can_agree(make_bot):
    bot = await make_bot()
    await bot.say(f"李小花是新转来的，学籍号{XIAOHUA}", when=at(MON, "08:00"))
    sent = await bot.say("同意转入", sender=OFFICER, room=None, when=at(MON, "08:10"))
    assert student(bot, XIAOHUA) is None and len(open_questions(bot)) == 1
    assert not any("学籍号一起发来" in m.text for m in sent)


@pytest.mark.parametrize("text", ["转学的政策是什么", "王小明要转学了吗？", "王小明想转学，家长还在考虑"])
async def test_talk_of_transfers_is_not_a_transfer(make_bot, text):
    bot = await make_bot()
    await bot.say(text, when=at(MON, "10:00"))
    assert handler_of(bot, text) != "transfer"
    assert student(bot, XIAOMING).active


# -- in, from another school of the deployment --------------------------------------------

TIAN = "wxid_sm_tianxiuzhi"  # shimen, head teacher of 三年级二班
LUO = "wxid_sm_luodeming"  # shimen's principal
HUANG = "wxid_zx_huangzhiqiang"  # principal over both
LINJIAQI = "G53032017000150"  # qingshi 三年级一班


async def test_a_child_on_another_schools_roll_moves_from_there(make_two):
    bot = await make_two()
    sent = await bot.say(f"新转来一个学生林佳琪，学籍号{LINJIAQI}", sender=TIAN, room=None, when=at(MON, "08:00"))
    asked = {m.contact for m in sent if "从青石镇中心小学转来" in m.text}
    assert asked == {LUO, HUANG}
    await bot.say("同意转入", sender=LUO, room=None, when=at(MON, "09:00"))
    row = student(bot, LINJIAQI)
    assert row is not None and (row.school_id, row.class_name, row.active) == ("shimen", "三年级二班", True)
    old, new = enrolments(bot, LINJIAQI)
    assert (old.school_id, old.left_why, old.left_to) == ("qingshi", "转学", "石门村完全小学")
    assert new.school_id == "shimen"
    assert open_questions(bot) == []  # 黄志强's question is settled by 罗德明's answer
