"""Staff questions in their own words: one reply test per kind of question, the role
menus (every example parses to what the menu says) and the unplaced question."""

from __future__ import annotations

import re

import pytest

from bot.attendance.parsing import parse_report
from bot.chat.render import render
from bot.handlers import web_login
from bot.school.calendar import SchoolCalendar
from bot.school.config import load_school
from bot.school.roster import Roster
from tests.conftest import PRINCIPAL, WANGFANG, at


async def busy_day(make_bot):
    bot = await make_bot(start=at("2026-11-23", "07:00"))
    await bot.say("王小明今天没来，电话打不通", when=at("2026-11-23", "08:10"))
    await bot.say("三(2)班 应到37 实到35，高兴病假两天，王小明没来", when=at("2026-11-24", "08:10"))
    await bot.say("蒋天佑今天请事假", when=at("2026-11-25", "08:05"))
    return bot


@pytest.mark.parametrize(
    ("text", "sender", "must"),
    [
        ("今天全校缺了几个人", PRINCIPAL, ["全校 今天：缺勤", "蒋天佑"]),
        ("这周缺勤情况怎么样", PRINCIPAL, ["本周（11月23日–11月25日）", "人次", "王小明（未到校，3天）"]),
        ("这周病假几个", PRINCIPAL, ["病假 1 人", "高兴"]),
        ("哪些班还没报考勤", PRINCIPAL, ["没报考勤", "赵丽华"]),
        ("我们班今天的情况", WANGFANG, ["三年级二班 今天：缺勤"]),
        ("今天出勤率多少", PRINCIPAL, ["应到", "实到", "出勤率"]),
        ("辍学率是多少，有没有超过0.5%", PRINCIPAL, ["在籍", "辍学率", "0.5%"]),
        ("本月缺勤趋势", PRINCIPAL, ["每周缺勤", "日均"]),
        ("每天下午几点发日报", PRINCIPAL, ["16:30"]),
        ("今天留守儿童有没来的吗", PRINCIPAL, ["留守"]),
        ("送教上门的学生有几个", PRINCIPAL, ["送教上门"]),
        ("这周家访了几次", PRINCIPAL, ["劝返记录"]),
    ],
)
async def test_each_kind_of_question_is_answered_within_twelve_lines(make_bot, text, sender, must):
    bot = await busy_day(make_bot)
    sent = await bot.say(text, sender=sender, room=None, when=at("2026-11-25", "12:00"))
    assert len(sent) == 1
    reply = sent[0].text
    assert all(m in reply for m in must), reply
    assert len(reply.splitlines()) <= 12 and "报缺勤请写学生姓名" not in reply


async def test_a_head_teacher_sees_only_her_class(make_bot):
    bot = await busy_day(make_bot)
    sent = await bot.say("四年级一班今天几个没来", sender=WANGFANG, room=None, when=at("2026-11-25", "12:00"))
    assert "班主任只能查本班" in sent[0].text


async def test_reminding_unreported_teachers_is_once_a_day(make_bot):
    bot = await busy_day(make_bot)
    sent = await bot.say("提醒没报考勤的班主任", sender=PRINCIPAL, room=None, when=at("2026-11-25", "09:00"))
    reply = next(m for m in sent if m.contact == PRINCIPAL).text
    assert "已私聊提醒" in reply and any(m.contact == "wxid_demo_zhaolihua" for m in sent)
    again = await bot.say("催一下没报考勤的班", sender=PRINCIPAL, room=None, when=at("2026-11-25", "09:05"))
    assert len(again) == 1 and "已经提醒过" in again[0].text


async def test_the_digest_on_request(make_bot):
    bot = await busy_day(make_bot)
    sent = await bot.say("发一下今天的日报", sender=PRINCIPAL, room=None, when=at("2026-11-25", "12:00"))
    assert len(sent) == 1 and "缺勤日报" in sent[0].text


async def test_an_unplaced_staff_question_gets_the_role_list_and_is_logged(make_bot):
    bot = await busy_day(make_bot)
    sent = await bot.say("食堂的账本谁管着", sender=PRINCIPAL, room=None, when=at("2026-11-25", "12:00"))
    assert "今天全校缺了几个人" in sent[0].text and "报缺勤请写" not in sent[0].text
    listed = await bot.say("未回答问题", sender=PRINCIPAL, room=None, when=at("2026-11-25", "12:05"))
    assert "食堂的账本谁管着" in listed[0].text and "templates/" not in listed[0].text


# -- the role menus -----------------------------------------------------------------------
MENU_QUERIES = {
    "今天全校缺了几个人": "absent",
    "三年级二班今天谁没来": "absent",
    "哪些班还没报考勤": "not_reported",
    "提醒没报考勤的班主任": "remind",
    "预警": "at_risk",
    "有没有可能辍学的学生": "at_risk",
    "这周出勤率": "attendance_rate",
    "辍学率是多少": "dropout_rate",
    "本月缺勤趋势": "trend",
    "送教上门名单": "home_teaching",
    "发一下今天的日报": "digest",
    "本周小结": "weekly",
    "王小明 记录": "student_record",
    "未回答问题": "unanswered",
    "今日缺勤": "absent",
    "我们班这周缺了几个": "absent",
}
MENU_REPORTS = {
    "王小明今天没来，电话打不通": "absence",
    "高兴病假两天": "absence",
    "应到38 实到36": "rollcall",
    "全勤": "rollcall",
    "蔡军今天返校了": "return",
    "撤销": "cancel",
}


def _examples(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        if line.startswith("·"):
            body = line[1:].split("：", 1)[-1]
            out += [re.sub(r"（.*?）$", "", e).strip() for e in body.split(" / ")]
    return out


@pytest.mark.parametrize(
    ("template", "sender"), [("chat/help_leader.j2", PRINCIPAL), ("chat/help_teacher.j2", WANGFANG)]
)
def test_every_menu_example_is_understood(template, sender):
    school = load_school()
    text = render(template, school=school, topics=[], short=False)
    assert len(text.splitlines()) <= 8  # fits a phone screen, in a group too
    staff = school.staff_by_wechat(sender)
    examples = _examples(text)
    assert len(examples) >= 8
    for example in examples:
        r = parse_report(
            example,
            roster=Roster(school.students),
            calendar=SchoolCalendar(school.term),
            today=at("2026-11-25", "08:00").date(),
            sender=staff,
            staff_names=[s.name for s in school.staff],
        )
        if example == "网页":  # a command of its own (the web page's login link), not a report or a question
            assert web_login.ASK.match(example)
            continue
        if example in MENU_REPORTS:
            assert r.intent == MENU_REPORTS[example], example
        else:
            assert r.intent == "query" and r.query is not None and r.query.what == MENU_QUERIES[example], example


async def test_help_per_role_fits_a_phone(make_bot):
    bot = await make_bot()
    for sender, room, mark in [
        (PRINCIPAL, None, "今天全校缺了几个人"),
        (WANGFANG, None, "王小明今天没来"),
        ("wxid_someparent", None, "营养餐"),
    ]:
        sent = await bot.say("帮助", sender=sender, room=room)
        assert mark in sent[0].text and len(sent[0].text.splitlines()) <= 10, sent[0].text


async def test_a_long_list_is_cut_and_the_full_list_follows_a_1(make_bot):
    bot = await make_bot(start=at("2026-11-25", "07:00"))
    names = "、".join(["蒋天佑", "徐永强", "吴倩", "高兴", "张瑞", "张敏", "刘鹏", "谭俊杰", "姜立新", "吕勇"])
    await bot.say(f"{names}今天没来", when=at("2026-11-25", "08:10"))
    sent = await bot.say("今天谁没来", sender=PRINCIPAL, room=None, when=at("2026-11-25", "12:00"))
    cut = sent[0].text
    assert "还有 2 人，详细名单回复1" in cut and len(cut.splitlines()) <= 12
    full = await bot.say("1", sender=PRINCIPAL, room=None, when=at("2026-11-25", "12:01"))
    assert all(n in full[0].text for n in names.split("、")) and "回复1" not in full[0].text


async def test_the_workbook_is_sent_as_a_file_to_the_asker(make_bot):
    import io

    import openpyxl

    from bot.reports.export import ABSENCES
    from bot.reports.workbook import TITLE_ROWS

    bot = await busy_day(make_bot)
    sent = await bot.say("把这个月的劝返台账发我", sender=PRINCIPAL, room=None, when=at("2026-11-25", "12:00"))
    caption, attached = sent
    assert "控辍保学台账（本月（11月1日–11月25日）" in caption.text and caption.contact == PRINCIPAL
    assert attached.contact == PRINCIPAL and attached.file is not None and attached.text.endswith(".xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(attached.file))
    ws = wb[ABSENCES]
    assert "制表人：陈国华" in ws["A3"].value
    names = {r[1] for r in ws.iter_rows(min_row=TITLE_ROWS + 2, values_only=True)}
    assert {"王小明", "高兴", "蒋天佑"} <= names
    # a head teacher may not take the whole school's 台账; in a group it never goes to the group
    refused = await bot.say("导出本月台账", sender=WANGFANG, room=None, when=at("2026-11-25", "12:05"))
    assert len(refused) == 1 and refused[0].file is None and "导出台账" in refused[0].text
