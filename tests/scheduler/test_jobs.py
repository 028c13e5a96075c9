"""Scheduled jobs on the virtual clock: school days only, reminders, digests, alerts."""

from __future__ import annotations

from tests.conftest import LEADERS_ROOM, OFFICER, PRINCIPAL, WANGFANG, ZHENG, at
from tests.scheduler.helpers import all_reported, record, to


async def test_digest_on_school_days_only_around_national_day(make_bot):
    bot = await make_bot(start=at("2026-09-28", "07:00"))
    sent = await bot.until(at("2026-10-12", "07:00"))
    digest_days = sorted({m.at.date().isoformat() for m in to(sent, contact=PRINCIPAL) if "缺勤日报" in m.text})
    assert digest_days == ["2026-09-28", "2026-09-29", "2026-09-30", "2026-10-08", "2026-10-09", "2026-10-10"]
    assert {m.at.strftime("%H:%M") for m in sent if "缺勤日报" in m.text} == {"16:30"}
    assert len([m for m in to(sent, room=LEADERS_ROOM) if "缺勤日报" in m.text]) == 6
    # the weekly summary goes out on the last school day of each week: Wed 9/30 and the make-up Saturday
    weekly = sorted({m.at.date().isoformat() for m in to(sent, contact=PRINCIPAL) if "本周考勤小结" in m.text})
    assert weekly == ["2026-09-30", "2026-10-10"]


async def test_rollcall_reminder_only_to_classes_that_did_not_report(make_bot):
    bot = await make_bot(start=at("2026-11-23", "07:00"))
    all_reported(bot, "2026-11-23", except_class="三年级二班")
    sent = await bot.until(at("2026-11-23", "10:00"))
    reminders = [m for m in sent if "还没有报考勤" in m.text]
    assert [m.contact for m in reminders] == [WANGFANG]
    assert "三年级二班今天（11月23日）还没有报考勤" in reminders[0].text


async def test_alert_on_exactly_the_fourth_school_day(make_bot):
    bot = await make_bot(start=at("2026-11-19", "07:00"))  # Thursday
    all_reported(bot, "2026-11-19")
    student = record(bot, "王小明", "三年级一班", "unexcused", "2026-11-19")
    sent = await bot.until(at("2026-11-23", "23:00"))  # Thu, Fri, Mon: 3 days
    assert not [m for m in sent if "【控辍保学预警】" in m.text]
    sent = await bot.until(at("2026-11-24", "23:00"))  # Tue: the 4th school day
    alerts = [m for m in sent if "【控辍保学预警】" in m.text]
    assert {m.contact for m in alerts} == {ZHENG, PRINCIPAL, OFFICER}
    assert {m.at.strftime("%Y-%m-%d %H:%M") for m in alerts} == {"2026-11-24 10:00"}
    text = alerts[0].text
    assert "三年级一班 王小明" in text and "连续4个上学日" in text and "11月19日起" in text and student.guardian in text
    sent = await bot.until(at("2026-11-27", "23:00"))
    assert not [m for m in sent if "【控辍保学预警】" in m.text]  # once per episode
    digest = [m for m in sent if "缺勤日报" in m.text and m.contact == PRINCIPAL][-1].text
    assert "未返校预警 1 人" in digest and "王小明" in digest and "连续7天" in digest


async def test_escalation_after_five_more_school_days(make_bot):
    bot = await make_bot(start=at("2026-11-16", "07:00"))
    record(bot, "高兴", "三年级二班", "unexcused", "2026-11-16")
    sent = await bot.until(at("2026-12-01", "23:00"))
    opened = [m for m in sent if "【控辍保学预警】" in m.text]
    escalated = [m for m in sent if "【控辍保学预警·升级】" in m.text]
    assert {m.at.date().isoformat() for m in opened} == {"2026-11-19"}  # 4th day
    assert {m.at.date().isoformat() for m in escalated} == {"2026-11-26"}  # 5 school days later
    assert {m.contact for m in escalated} == {PRINCIPAL, OFFICER}


async def test_no_alert_for_excused_absences(make_bot):
    bot = await make_bot(start=at("2026-11-16", "07:00"))
    record(bot, "高兴", "三年级二班", "sick", "2026-11-16")
    record(bot, "郭强", "一年级一班", "personal", "2026-11-16")
    sent = await bot.until(at("2026-11-27", "23:00"))
    assert not [m for m in sent if "【控辍保学预警" in m.text]
    digest = [m for m in sent if "缺勤日报" in m.text][-1].text
    assert "今日缺勤 2 人（无故 0，病假 1，事假 1）" in digest
