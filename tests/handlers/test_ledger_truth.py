"""The ledger tells the truth on a busy morning: roll-calls, undo, unknown names, other
classes' children, several questions, follow-ups, part days (docs/SPEC.md "Roll-calls",
"Undo", "Alerts close on evidence"). Written as head teachers write, not as the rules read."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.attendance import ledger
from storage.models import Absence, Alert, ClassReport, LedgerChange
from tests.conftest import OFFICER, PRINCIPAL, WANGFANG, at
from tests.handlers.test_attendance import active

FENG = "wxid_demo_fengxiaoyan"  # head teacher of 四年级一班
MON, TUE, WED, THU, FRI = (f"2026-11-{d}" for d in (23, 24, 25, 26, 27))


def names(bot, rows):
    return sorted(bot.app.roster.by_id[r.student_id].name for r in rows)


def open_today(bot, day: str):
    d = dt.date.fromisoformat(day)
    return names(
        bot, [r for r in active(bot) if r.start <= d and (r.end is None or r.end >= d) and r.portion == "full"]
    )


def alerts(bot):
    with bot.session() as s:
        return list(s.execute(select(Alert).order_by(Alert.id)).scalars())


async def away_four_days(bot, name="徐永强"):
    """An unexcused run long enough to open the alert (on the fourth school day)."""
    await bot.say(f"{name}没来，家长电话关机", when=at(MON, "08:05"))
    for day in (TUE, WED, THU):
        await bot.say(f"{name}今天还是没到", when=at(day, "08:05"))
    (alert,) = alerts(bot)
    assert alert.status == "open"


# -- roll-calls ---------------------------------------------------------------------------


async def test_counts_that_match_what_was_reported_confirm_it_and_end_nothing(make_bot):
    bot = await make_bot()
    await bot.say("蔡雨泽 周子轩 谢明亮三个今天都没来", when=at(WED, "07:50"))
    sent = await bot.say("3年2班今天应到37个 实到34个", when=at(WED, "08:20"))
    assert open_today(bot, WED) == sorted(["蔡雨泽", "周子轩", "谢明亮"])
    assert "与记录一致" in sent[0].text and "今天缺勤3人" in sent[0].text
    assert "已到校" not in sent[0].text


async def test_counts_that_disagree_change_nothing_and_ask_who_came(make_bot):
    bot = await make_bot()
    await bot.say("蔡雨泽、周子轩、谢明亮没来", when=at(WED, "07:50"))
    sent = await bot.say("下午点名 应到37 实到35", when=at(WED, "14:10"))
    assert open_today(bot, WED) == sorted(["蔡雨泽", "周子轩", "谢明亮"])
    assert "是谁到校了" in sent[0].text and "谁的记录都不改" in sent[0].text
    sent = await bot.say("周子轩", when=at(WED, "14:12"))
    assert "周子轩" in sent[0].text
    assert open_today(bot, WED) == sorted(["蔡雨泽", "谢明亮"])


async def test_counts_with_more_missing_than_recorded_ask_who_else(make_bot):
    bot = await make_bot()
    await bot.say("高兴发烧请假", when=at(WED, "07:50"))
    sent = await bot.say("应到37 实到34", when=at(WED, "08:30"))
    assert "还有谁没来" in sent[0].text
    await bot.say("吴倩、蒋天佑", when=at(WED, "08:32"))
    assert open_today(bot, WED) == sorted(["高兴", "吴倩", "蒋天佑"])


async def test_a_count_only_rollcall_never_ends_an_absence_or_closes_an_alert(make_bot):
    bot = await make_bot()
    await away_four_days(bot)
    await bot.say("王小明没来", when=at(FRI, "07:40"))
    out = await bot.say("三（2）班 应到37人 实到20人，没来的上面都报了", when=at(FRI, "14:00"))
    assert open_today(bot, FRI) == sorted(["徐永强", "王小明"])
    assert alerts(bot)[0].status == "open"
    assert not [m for m in out if m.contact in (PRINCIPAL, OFFICER)]


async def test_a_listed_child_on_sick_leave_keeps_the_leave(make_bot):
    bot = await make_bot()
    await bot.say("吴倩肺炎住院，请病假到下周五", when=at(MON, "08:00"))
    await bot.say("应到37 实到35，吴倩没来", when=at(WED, "08:00"))
    (row,) = active(bot, "吴倩")
    assert row.kind == "sick" and row.end == dt.date(2026, 12, 4)


async def test_a_named_rollcall_that_agrees_ends_the_others_but_never_a_leave(make_bot):
    bot = await make_bot()
    await bot.say("吴倩肺炎住院，请病假到下周五", when=at(MON, "08:00"))
    await bot.say("蒋天佑没来 打电话没人接", when=at(MON, "08:05"))
    # Tuesday: two away — 王小明 and 吴倩 (on leave); 蒋天佑 is back
    sent = await bot.say("应到37 实到35 王小明没来", when=at(TUE, "08:00"))
    assert "蒋天佑 今天已到校" in sent[0].text
    assert open_today(bot, TUE) == sorted(["王小明", "吴倩"])


async def test_a_named_rollcall_that_disagrees_ends_nobody(make_bot):
    bot = await make_bot()
    await bot.say("蒋天佑没来", when=at(MON, "08:05"))
    sent = await bot.say("应到37 实到34 王小明没来", when=at(TUE, "08:00"))
    assert open_today(bot, TUE) == sorted(["王小明", "蒋天佑"])
    assert "已到校" not in sent[0].text


async def test_saying_everyone_is_here_ends_every_absence_of_the_class(make_bot):
    bot = await make_bot()
    await bot.say("吴倩病假两天，蒋天佑没来", when=at(MON, "08:05"))
    await bot.say("今天全班都到齐了", when=at(TUE, "08:00"))
    assert open_today(bot, TUE) == []
    await bot.say("王小明没来，其他都到了", when=at(WED, "08:00"))
    assert open_today(bot, WED) == ["王小明"]


# -- alerts close on evidence, and say what closed them ----------------------------------------


async def test_an_alert_closes_on_a_return_and_the_close_says_so(make_bot):
    bot = await make_bot()
    await away_four_days(bot)
    out = await bot.say("徐永强今天回学校了", when=at(FRI, "08:10"))
    notices = [m.text for m in out if m.contact == PRINCIPAL]
    assert notices and "已返校，预警关闭" in notices[0]
    assert alerts(bot)[0].status == "closed"


async def test_the_morning_check_never_closes_an_alert(make_bot):
    bot = await make_bot()
    await away_four_days(bot)
    await bot.until(at("2026-11-30", "17:00"))
    assert alerts(bot)[0].status == "open"


# -- undo is the exact inverse -------------------------------------------------------------------


async def test_undoing_the_return_that_closed_an_alert_reopens_it_and_tells_everyone(make_bot):
    bot = await make_bot()
    await away_four_days(bot)
    await bot.say("徐永强来了", when=at(FRI, "08:10"))
    out = await bot.say("撤销", when=at(FRI, "08:15"))
    assert alerts(bot)[0].status == "open" and alerts(bot)[0].closed_on is None
    told = {m.contact for m in out if "重新打开" in m.text and m.contact}
    assert told == {WANGFANG, PRINCIPAL, OFFICER}
    assert open_today(bot, FRI) == ["徐永强"]


async def test_undoing_the_report_that_opened_an_alert_withdraws_it(make_bot):
    bot = await make_bot()
    await bot.say("徐永强没来，家长电话关机", when=at(MON, "08:05"))
    await bot.say("徐永强还是没来", when=at(TUE, "08:05"))
    await bot.say("徐永强还是没来", when=at(WED, "08:05"))
    out = await bot.say("徐永强周四也没来", when=at(THU, "08:05"))
    assert alerts(bot)[0].status == "open"
    out = await bot.say("刚才那条发错了", when=at(THU, "08:09"))
    assert alerts(bot)[0].status == "undone"
    assert {m.contact for m in out if "撤回" in m.text} >= {PRINCIPAL, OFFICER}


async def test_undo_about_one_child_leaves_later_reports_alone(make_bot):
    bot = await make_bot()
    await bot.say("王小明今天没来", when=at(WED, "08:00"))
    await bot.say("李静也没来", when=at(WED, "08:02"))
    await bot.say("蒋天佑拉肚子请假", when=at(WED, "08:04"))
    sent = await bot.say("李静不是我们班的，报错了", when=at(WED, "08:06"))
    assert "李静" in sent[0].text and "王小明" not in sent[0].text
    assert open_today(bot, WED) == sorted(["王小明", "蒋天佑"])


async def test_every_undone_change_is_marked_in_the_log(make_bot):
    bot = await make_bot()
    await bot.say("应到37 实到36 高兴没来", when=at(WED, "08:00"))
    await bot.say("撤销", when=at(WED, "08:01"))
    with bot.session() as s:
        changes = list(s.execute(select(LedgerChange).where(LedgerChange.source == "message")).scalars())
        reports = list(s.execute(select(ClassReport)).scalars())
    assert changes and all(c.undone_by is not None for c in changes)
    assert [r.status for r in reports] == ["undone"]
    assert active(bot) == []


# -- unknown names, failures -----------------------------------------------------------------


async def test_a_name_not_on_the_roster_loses_nothing_else(make_bot):
    bot = await make_bot()
    sent = await bot.say("王小明和杨子豪今天都没来", when=at(WED, "08:00"))
    assert open_today(bot, WED) == ["王小明"]
    assert "王小明" in sent[0].text and "名单上没有“杨子豪”" in sent[0].text


async def test_a_failure_in_one_childs_part_keeps_the_others(make_bot, monkeypatch):
    bot = await make_bot()
    real = ledger.record_absence

    def flaky(session, **kw):
        if bot.app.roster.by_id[kw["student_id"]].name == "高兴":
            raise RuntimeError("disk full")
        return real(session, **kw)

    monkeypatch.setattr(ledger, "record_absence", flaky)
    sent = await bot.say("高兴、吴倩、蒋天佑今天没来", when=at(WED, "08:00"))
    assert open_today(bot, WED) == sorted(["吴倩", "蒋天佑"])
    assert "高兴这次没能记录" in sent[0].text


# -- several questions at once ------------------------------------------------------------------


async def test_two_questions_wait_and_each_is_answered(make_bot):
    bot = await make_bot()
    await bot.say("郭玉没来", when=at(WED, "08:00"))
    await bot.say("谭家琪发烧了，请假一天", when=at(WED, "08:01"))
    sent = await bot.say("是的", when=at(WED, "08:02"))
    assert "谭佳琪" in sent[0].text and "郭玉梅" in sent[-1].text  # the earlier question is put again
    await bot.say("对，就是郭玉梅", when=at(WED, "08:03"))
    assert open_today(bot, WED) == sorted(["郭玉梅", "谭佳琪"])


async def test_a_reply_naming_a_candidate_answers_the_question_it_fits(make_bot):
    bot = await make_bot()
    await bot.say("郭玉没来", when=at(WED, "08:00"))
    await bot.say("谭家琪发烧了，请假一天", when=at(WED, "08:01"))
    await bot.say("郭玉梅", when=at(WED, "08:02"))  # the older question
    assert open_today(bot, WED) == ["郭玉梅"]


# -- dates, other classes, follow-ups, part days ------------------------------------------------


async def test_yesterday_too_is_recorded_from_yesterday(make_bot):
    bot = await make_bot()
    await bot.say("吴一诺昨天也没来，忘了跟你说", when=at(WED, "08:00"))
    (row,) = active(bot, "吴一诺")
    assert row.start == dt.date.fromisoformat(TUE)


async def test_another_classs_child_is_recorded_and_its_head_teacher_told_once(make_bot):
    bot = await make_bot()
    out = await bot.say("李静今天没来上课", when=at(WED, "08:00"))  # 李静 is in 四年级一班 (冯晓燕)
    told = [m for m in out if m.contact == FENG]
    assert len(told) == 1 and "王芳" in told[0].text and "李静" in told[0].text
    with bot.session() as s:
        classes = list(s.execute(select(ClassReport.class_name)).scalars())
    assert "四年级一班" not in classes
    out = await bot.say("撤销", when=at(WED, "08:03"))
    assert [m for m in out if m.contact == FENG and "撤回" in m.text]


async def test_a_home_visit_note_goes_on_the_case_not_in_the_ledger(make_bot):
    bot = await make_bot()
    await away_four_days(bot)
    before = [(r.kind, r.start, r.end) for r in active(bot, "徐永强")]
    sent = await bot.say("下午去徐永强家里了，跟他奶奶谈了很久，答应明天送来", room=None, when=at(THU, "17:00"))
    assert "劝返记录" in sent[0].text
    assert [(r.kind, r.start, r.end) for r in active(bot, "徐永强")] == before
    sent = await bot.say("已家访，奶奶说孩子跟爸爸去广东了", room=None, when=at(THU, "18:00"))
    assert "劝返记录（第2条）" in sent[0].text
    assert alerts(bot)[0].status == "open" and active(bot, "徐永强")[0].kind == "unexcused"


async def test_a_note_that_also_reports_the_day_records_both(make_bot):
    bot = await make_bot()
    await away_four_days(bot)
    sent = await bot.say("徐永强周五还是没来，放学后又去他家做工作", room=None, when=at(FRI, "17:00"))
    assert any("劝返记录" in m.text for m in sent) and any("已记录" in m.text for m in sent)
    assert alerts(bot)[0].status == "open"


async def test_late_and_half_days_are_what_they_are_and_do_not_make_a_streak(make_bot):
    bot = await make_bot()
    await bot.say("谢明亮没来", when=at(MON, "07:50"))
    sent = await bot.say("谢明亮第二节课来了，睡过头迟到了", when=at(MON, "09:40"))
    assert "迟到" in sent[0].text
    assert open_today(bot, MON) == []
    for day in (TUE, WED, THU, FRI):
        await bot.say("谢明亮上午来了下午没来", when=at(day, "14:30"))
    assert alerts(bot) == []
    with bot.session() as s:
        parts = list(s.execute(select(Absence.portion).where(Absence.status == "active")).scalars())
    assert parts.count("afternoon") == 4 and parts.count("late") == 1


# -- found by playing a head teacher's week --------------------------------------------------


async def test_a_principal_asking_about_a_case_gets_no_note_on_it(make_bot):
    bot = await make_bot()
    await away_four_days(bot)
    for text in ("徐永强", "徐永强怎么样了", "徐永强的情况怎么样？"):
        await bot.say(text, sender=PRINCIPAL, room=None, when=at(THU, "16:40"))
    with bot.session() as s:
        from storage.models import AlertEvent

        kinds = list(s.execute(select(AlertEvent.kind)).scalars())
    assert "followup" not in kinds


async def test_he_came_after_all_is_a_return_not_an_undo(make_bot):
    bot = await make_bot()
    await away_four_days(bot)
    await bot.say("徐永强今天来了 他爸骑摩托送来的", when=at(FRI, "07:50"))
    await bot.say("徐永强今天来了 搞错了 刚才撤销错了", when=at(FRI, "08:45"))
    assert alerts(bot)[0].status == "closed"
    assert open_today(bot, FRI) == []


async def test_others_all_here_on_its_own_keeps_the_children_named_earlier(make_bot):
    bot = await make_bot()
    await bot.say("余宁家里办酒请假", when=at(MON, "08:00"))
    await bot.say("谢明亮回来了 郭玉梅还是没来", when=at(TUE, "08:10"))
    sent = await bot.say("其他都到了", when=at(TUE, "08:13"))
    assert "余宁 今天已到校" in sent[0].text
    assert open_today(bot, TUE) == ["郭玉梅"]  # named this morning: still away
    await bot.say("蒋天佑没来", when=at(WED, "08:00"))
    await bot.say("其他都到了", when=at(WED, "08:05"))
    assert open_today(bot, WED) == ["蒋天佑"]


async def test_a_rollcall_that_agrees_while_a_leave_goes_unnamed_says_so(make_bot):
    bot = await make_bot()
    await bot.say("吴倩发烧请病假", when=at(MON, "08:00"))
    sent = await bot.say("应到37 实到36 蒋天佑没来", when=at(TUE, "08:00"))
    assert "吴倩的假还没结束" in sent[0].text
    assert open_today(bot, TUE) == sorted(["吴倩", "蒋天佑"])


async def test_two_unknown_names_with_a_space_are_both_asked_or_listed(make_bot):
    bot = await make_bot()
    sent = await bot.say("杨子豪 刘晓峰 今天没来", when=at(WED, "08:00"))
    text = " ".join(m.text for m in sent)
    assert "杨子豪" in text and "刘晓峰" in text


async def test_a_half_day_back_from_a_fever_keeps_the_sick_leave(make_bot):
    bot = await make_bot()
    await bot.say("周子轩发烧", when=at(WED, "07:50"))
    await bot.say("周子轩下午回来了", when=at(WED, "14:00"))
    (row,) = active(bot, "周子轩")
    assert (row.kind, row.portion, row.reason) == ("sick", "morning", "发烧")


async def test_planning_home_teaching_keeps_the_case_open(make_bot):
    bot = await make_bot()
    await away_four_days(bot)
    await bot.say("徐永强 已联系县特教 准备送教上门", room=None, when=at(THU, "17:00"))
    assert alerts(bot)[0].status == "open"


async def test_a_question_asked_in_the_staff_group_may_be_answered_privately(make_bot):
    bot = await make_bot()
    await bot.say("郭玉 没来 谭家其发烧", when=at(WED, "08:00"))
    sent = await bot.say("是", room=None, when=at(WED, "08:01"))
    assert sent[0].contact == WANGFANG and "郭玉梅" in sent[0].text
    await bot.say("是的", room=None, when=at(WED, "08:02"))
    assert open_today(bot, WED) == sorted(["郭玉梅", "谭佳琪"])
