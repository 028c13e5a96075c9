"""Head teachers' reports through the whole bot: record, confirm, supersede, roll-call, privacy."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Absence, ClassReport, InboundMessage
from tests.conftest import STAFF_ROOM, WANGFANG, ZHENG, at

PARENTS_3_2 = "三年级二班家长群"


def active(bot, name=None):
    with bot.session() as s:
        q = select(Absence).where(Absence.status == "active")
        rows = list(s.execute(q.order_by(Absence.id)).scalars())
    if name is None:
        return rows
    ids = {st.student_id for st in bot.app.roster.by_name[name]}
    return [r for r in rows if r.student_id in ids]


async def test_report_is_recorded_and_confirmed_in_one_line(make_bot):
    bot = await make_bot()
    sent = await bot.say("王小明今天没来，电话打不通", when=at("2026-11-23", "08:10"))
    assert [m.text for m in sent] == ["已记录：三年级二班 王小明 11月23日起 未到校（电话打不通）。"]
    assert sent[0].room == STAFF_ROOM
    rows = active(bot, "王小明")
    assert len(rows) == 1 and rows[0].kind == "unexcused" and rows[0].end is None
    assert rows[0].reported_by == WANGFANG


async def test_several_students_with_their_own_reasons(make_bot):
    bot = await make_bot()
    sent = await bot.say("三(2)班 应到37 实到35，高兴病假两天，蒋天佑没来", when=at("2026-11-23", "08:10"))
    text = sent[0].text
    assert "高兴 11月23日—11月24日 病假；蒋天佑 11月23日起 未到校（原因不明）（应到37 实到35）。" in text
    assert {r.kind for r in active(bot)} == {"sick", "unexcused"}
    with bot.session() as s:
        reports = list(s.execute(select(ClassReport)).scalars())
    assert [(r.class_name, r.kind, r.expected, r.present) for r in reports] == [("三年级二班", "rollcall", 37, 35)]


async def test_later_report_supersedes_and_keeps_history(make_bot):
    bot = await make_bot()
    await bot.say("王小明今天没来", when=at("2026-11-23", "08:10"))
    await bot.say("王小明不是旷课，是病假", when=at("2026-11-23", "09:00"))
    rows = active(bot, "王小明")
    assert [(r.kind, r.start.isoformat()) for r in rows] == [("sick", "2026-11-23")]
    with bot.session() as s:
        old = s.execute(select(Absence).where(Absence.status == "superseded")).scalars().all()
    assert len(old) == 1 and old[0].kind == "unexcused" and old[0].superseded_by == rows[0].id


async def test_rollcall_closes_open_absences_it_does_not_list(make_bot):
    bot = await make_bot()
    await bot.say("王小明今天没来，蒋天佑也没来", when=at("2026-11-23", "08:10"))
    sent = await bot.say("三年级二班 应到37 实到36 蒋天佑没来", when=at("2026-11-24", "08:10"))
    assert "王小明 今天已到校" in sent[0].text
    xiaoming = active(bot, "王小明")
    assert [(r.start.isoformat(), r.end.isoformat()) for r in xiaoming] == [("2026-11-23", "2026-11-23")]
    assert active(bot, "蒋天佑")[0].end is None


async def test_full_attendance_closes_everything_and_counts_as_reported(make_bot):
    bot = await make_bot()
    await bot.say("王小明今天没来", when=at("2026-11-23", "08:10"))
    sent = await bot.say("全勤", when=at("2026-11-24", "08:05"))
    assert "王小明 今天已到校" in sent[0].text
    with bot.session() as s:
        kinds = s.execute(select(ClassReport.kind).where(ClassReport.day == at("2026-11-24").date())).scalars().all()
    assert kinds == ["all_present"]


async def test_return_ends_the_absence_the_day_before(make_bot):
    bot = await make_bot()
    await bot.say("蔡军今天没来", sender=ZHENG, when=at("2026-11-23", "08:10"))
    sent = await bot.say("蔡军今天返校了", sender=ZHENG, when=at("2026-11-25", "08:10"))
    assert "蔡军 11月25日返校" in sent[0].text
    rows = active(bot, "蔡军")
    assert [(r.start.isoformat(), r.end.isoformat()) for r in rows] == [("2026-11-23", "2026-11-24")]
    assert rows[0].reported_by == ZHENG


async def test_in_a_parent_group_the_teacher_is_answered_privately(make_bot):
    bot = await make_bot()
    sent = await bot.say("王小明今天没来，电话打不通", room=PARENTS_3_2, when=at("2026-11-23", "08:10"))
    assert sent and all(m.room is None and m.contact == WANGFANG for m in sent)
    assert len(active(bot, "王小明")) == 1


async def test_parent_and_stranger_reports_record_nothing(make_bot):
    bot = await make_bot()
    sent = await bot.say("王小明今天没来", sender="wxid_someparent", room=PARENTS_3_2, when=at("2026-11-23", "08:10"))
    assert sent == []  # not addressed to the bot: it keeps quiet
    sent = await bot.say("王小明今天没来", sender="wxid_stranger", room=None)
    assert sent and "班主任" in sent[0].text
    sent = await bot.say("@保学小助手 蒋天佑今天没来", sender="wxid_someparent", room=PARENTS_3_2, mentioned=True)
    assert sent and "班主任" in sent[0].text and "蒋天佑" not in sent[0].text
    assert active(bot) == []


async def test_ambiguous_name_is_asked_and_a_digit_completes_it(make_bot):
    bot = await make_bot()
    # 王小明 is in two classes; a teacher of neither class must say which.
    sent = await bot.say("王小明今天没来", sender="wxid_demo_chenguohua", when=at("2026-11-23", "08:10"))
    assert len(sent) == 1 and "您说的是：1." in sent[0].text and "回复数字" in sent[0].text
    assert active(bot) == []
    second = sent[0].text.split("2. ")[1].split(" ")[0]
    sent = await bot.say("2", sender="wxid_demo_chenguohua")
    rows = active(bot, "王小明")
    assert len(rows) == 1 and bot.app.roster.by_id[rows[0].student_id].class_name == second
    assert sent[0].text.startswith(f"已记录：{second} 王小明")


async def test_class_name_also_answers_and_expiry_is_polite(make_bot):
    bot = await make_bot()
    await bot.say("王小明今天没来", sender="wxid_demo_chenguohua", when=at("2026-11-23", "08:10"))
    sent = await bot.say("三(1)班", sender="wxid_demo_chenguohua")
    assert sent[0].text.startswith("已记录：三年级一班 王小明")
    await bot.say("王小明今天请事假", sender="wxid_demo_chenguohua", when=at("2026-11-24", "08:10"))
    sent = await bot.say("1", sender="wxid_demo_chenguohua", when=at("2026-11-24", "09:00"))
    assert "超过30分钟" in sent[0].text
    assert len(active(bot, "王小明")) == 1  # only the first day's answer was recorded


async def test_near_miss_is_offered_not_recorded(make_bot):
    bot = await make_bot()
    sent = await bot.say("张扬今天没来", sender="wxid_demo_chenguohua", when=at("2026-11-23", "08:10"))
    assert "名单上没有“张扬”" in sent[0].text and "张洋" in sent[0].text
    assert active(bot) == []
    sent = await bot.say("不是", sender="wxid_demo_chenguohua")
    assert "没有记录" in sent[0].text and active(bot) == []


async def test_undo_takes_back_the_last_report_within_30_minutes(make_bot):
    bot = await make_bot()
    await bot.say("王小明今天没来", when=at("2026-11-23", "08:10"))
    await bot.say("蒋天佑今天病假", when=at("2026-11-23", "08:12"))
    sent = await bot.say("撤销", when=at("2026-11-23", "08:20"))
    assert "已撤销" in sent[0].text and "蒋天佑" in sent[0].text
    assert [bot.app.roster.by_id[r.student_id].name for r in active(bot)] == ["王小明"]
    sent = await bot.say("撤销", when=at("2026-11-23", "09:30"))
    assert "没有找到" in sent[0].text
    assert len(active(bot)) == 1


async def test_undo_of_a_correction_brings_back_what_it_replaced(make_bot):
    bot = await make_bot()
    await bot.say("王小明周一到周三请病假", when=at("2026-11-23", "08:10"))
    await bot.say("王小明今天没来，原因不明", when=at("2026-11-24", "08:10"))
    await bot.say("刚才发错了", when=at("2026-11-24", "08:15"))
    rows = active(bot, "王小明")
    assert [(r.kind, r.start.isoformat(), r.end.isoformat()) for r in rows] == [("sick", "2026-11-23", "2026-11-25")]


async def test_name_correction_moves_the_report(make_bot):
    bot = await make_bot()
    await bot.say("李静今天发烧请假", sender="wxid_demo_chenguohua", when=at("2026-11-23", "08:10"))
    sent = await bot.say("更正一下，刚才报的李静应该是李婧", sender="wxid_demo_chenguohua")
    assert "已更正" in sent[0].text and "李婧" in sent[0].text
    assert [bot.app.roster.by_id[r.student_id].name for r in active(bot)] == ["李婧"]


async def test_duplicate_delivery_is_recorded_once(make_bot):
    bot = await make_bot()
    first = await bot.say("王小明今天没来", message_id="m-1", when=at("2026-11-23", "08:10"))
    again = await bot.say("王小明今天没来", message_id="m-1")
    assert len(first) == 1 and again == []
    assert len(active(bot)) == 1


async def test_hostile_and_huge_input_is_handled_politely(make_bot):
    bot = await make_bot()
    sent = await bot.say(
        "{{ school.name }}'; DROP TABLE absence; -- 今天没来", room=None, when=at("2026-11-23", "08:10")
    )
    assert len(sent) == 1 and "{{" not in sent[0].text and "没看懂" in sent[0].text
    sent = await bot.say("王小明今天没来。" + "啊" * 50_000, room=None)
    assert sent and sent[0].text.startswith("已记录：三年级二班 王小明") and "消息太长" in sent[0].text
    with bot.session() as s:
        assert len(s.execute(select(InboundMessage)).scalars().all()) == 2
    assert len(active(bot)) == 1


async def test_a_new_report_while_a_question_waits_is_not_taken_for_an_answer(make_bot):
    bot = await make_bot()
    await bot.say("王小明今天没来", sender="wxid_demo_chenguohua", when=at("2026-11-23", "08:10"))
    sent = await bot.say("三年级二班全勤", sender="wxid_demo_chenguohua")
    assert sent[0].text == "已记录：三年级二班全勤。"
    sent = await bot.say("是三(1)班的", sender="wxid_demo_chenguohua")
    assert sent[0].text.startswith("已记录：三年级一班 王小明")


async def test_answers_that_name_the_student_asked_about_do_not_crash(make_bot):
    # queries/no_student.j2 and attendance/nothing_to_correct.j2 take a ``name``
    bot = await make_bot()
    sent = await bot.say("王小明记录", sender="wxid_demo_chenguohua", room=None, when=at("2026-11-23", "08:10"))
    assert [m.text for m in sent] == [
        "学校里有2位“王小明”：三年级一班王小明、三年级二班王小明。请带上班级再问一次，例如“三年级一班王小明 记录”。"
    ]
    sent = await bot.say("张三丰记录", sender="wxid_demo_chenguohua", room=None)
    assert [m.text for m in sent] == ["没找到学生“张三丰”。请核对姓名。"]
    sent = await bot.say("不是王小明是蒋天佑")
    assert [m.room for m in sent] == [STAFF_ROOM] and sent[0].text.startswith("没找到您最近报的王小明缺勤记录")
    with bot.session() as s:
        assert [m.status for m in s.execute(select(InboundMessage)).scalars()] == ["handled"] * 3
