"""Alerts from chat reports, 劝返 follow-up, 送教上门, staff queries and where they may be asked."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Alert, AlertEvent
from tests.conftest import LEADERS_ROOM, OFFICER, PRINCIPAL, STAFF_ROOM, WANGFANG, at

PARENTS_3_2 = "三年级二班家长群"
ALERT = "【控辍保学预警】"


async def missing_since_thursday(make_bot):
    """王小明 (三年级二班) reported absent on Thursday 11-19 and never back."""
    bot = await make_bot(start=at("2026-11-19", "07:00"))
    await bot.say("王小明今天没来，电话打不通", when=at("2026-11-19", "08:10"))
    return bot


async def test_report_on_the_fourth_school_day_opens_the_alert_at_once(make_bot):
    bot = await missing_since_thursday(make_bot)
    await bot.until(at("2026-11-23", "23:00"))
    sent = await bot.say("王小明今天还是没来", when=at("2026-11-24", "08:05"))
    alerts = [m for m in sent if ALERT in m.text]
    assert {m.contact for m in alerts} == {WANGFANG, PRINCIPAL, OFFICER}
    assert all(m.room is None for m in alerts)
    assert "连续4个上学日" in alerts[0].text


async def test_return_closes_the_alert_and_a_new_run_is_a_new_episode(make_bot):
    bot = await missing_since_thursday(make_bot)
    await bot.until(at("2026-11-24", "23:00"))
    sent = await bot.say("王小明今天返校了", when=at("2026-11-25", "08:05"))
    closed = [m for m in sent if "预警关闭" in m.text]
    assert {m.contact for m in closed} == {WANGFANG, PRINCIPAL, OFFICER}
    with bot.session() as s:
        assert [a.status for a in s.execute(select(Alert)).scalars()] == ["closed"]
    await bot.say("王小明今天又没来", when=at("2026-11-26", "08:05"))
    sent = await bot.until(at("2026-12-01", "23:00"))
    assert {m.at.date().isoformat() for m in sent if ALERT in m.text} == {"2026-12-01"}
    with bot.session() as s:
        assert [a.status for a in s.execute(select(Alert).order_by(Alert.id)).scalars()] == ["closed", "open"]


async def test_correction_to_sick_before_the_fourth_day_means_no_alert(make_bot):
    bot = await missing_since_thursday(make_bot)
    await bot.say("王小明不是旷课，是病假", when=at("2026-11-19", "09:00"))
    sent = await bot.until(at("2026-11-27", "23:00"))
    assert not [m for m in sent if ALERT in m.text]


async def test_followup_and_home_teaching_go_on_the_case(make_bot):
    bot = await missing_since_thursday(make_bot)
    await bot.until(at("2026-11-24", "23:00"))
    sent = await bot.say("王小明已家访，家长说下周一送回来", room=None, when=at("2026-11-25", "12:00"))
    assert "劝返记录（第1条）" in sent[0].text
    sent = await bot.say("联系上了，孩子在外省打工的父母那里", room=None)
    assert "劝返记录（第2条）" in sent[0].text
    sent = await bot.say("王小明 身体原因 改为送教上门", room=None)
    assert "送教上门" in sent[0].text
    with bot.session() as s:
        alert = s.execute(select(Alert)).scalar_one()
        kinds = [
            e.kind
            for e in s.execute(
                select(AlertEvent).where(AlertEvent.alert_id == alert.id).order_by(AlertEvent.id)
            ).scalars()
        ]
    assert alert.status == "home_teaching"
    assert kinds == ["opened", "notified", "followup", "followup", "home_teaching"]
    sent = await bot.until(at("2026-11-25", "17:00"))
    digest = next(m for m in sent if "缺勤日报" in m.text and m.contact == PRINCIPAL).text
    assert "送教上门" in digest and "未返校预警 1 人" not in digest


async def test_queries_in_staff_places_and_refused_in_parent_rooms(make_bot):
    bot = await missing_since_thursday(make_bot)
    await bot.until(at("2026-11-24", "23:00"))
    await bot.say("王小明已家访，家长说下周一送回来", room=None, when=at("2026-11-25", "12:00"))
    sent = await bot.say("预警", sender=PRINCIPAL, room=LEADERS_ROOM)
    assert sent[0].room == LEADERS_ROOM and "王小明" in sent[0].text and "已家访" in sent[0].text
    sent = await bot.say("王小明 记录", room=STAFF_ROOM)
    assert "11月19日起（未返校）" in sent[0].text and "劝返" in sent[0].text
    sent = await bot.say("今日缺勤", sender=PRINCIPAL, room=None)
    assert "全校 今天：缺勤 1 人" in sent[0].text and "王小明" in sent[0].text
    sent = await bot.say("未返校名单", room=PARENTS_3_2)
    assert len(sent) == 1 and sent[0].room is None and sent[0].contact == WANGFANG
    assert "王小明" not in sent[0].text and "私聊" in sent[0].text
    sent = await bot.say("预警", sender="wxid_someparent", room=PARENTS_3_2, mentioned=True)
    assert all("王小明" not in m.text for m in sent)


async def test_morning_check_answered_by_the_head_teacher(make_bot):
    bot = await missing_since_thursday(make_bot)
    sent = await bot.until(at("2026-11-20", "08:30"))
    asks = [m for m in sent if "今天到校了吗" in m.text]
    assert [m.contact for m in asks] == [WANGFANG]
    sent = await bot.say("没到", room=None)
    assert "仍未到校" in sent[0].text
    await bot.until(at("2026-11-23", "08:30"))
    sent = await bot.say("到了", room=None)
    assert "11月23日返校" in sent[0].text
    sent = await bot.until(at("2026-11-27", "23:00"))
    assert not [m for m in sent if ALERT in m.text]
