"""The services need a session and a school, nothing else: no App, no transport, no outbox."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from bot.attendance import ledger
from bot.attendance.alerts import Change, case_views, check_alerts
from bot.attendance.streak import streaks
from bot.reports import digest, reminders
from bot.runtime import open_database
from bot.school.context import SchoolContext
from storage.enums import AbsenceKind
from storage.models import OutboundMessage
from storage.queries import sync_school
from tests.conftest import PRINCIPAL, WANGFANG, at

MONDAY = dt.date(2026, 11, 23)


def _school_and_session(school, db_url):
    engine = open_database(db_url)
    with Session(engine) as s:
        sync_school(s, school)
    return SchoolContext.of(school), Session(engine, expire_on_commit=False)


def _student(ctx: SchoolContext, session: Session, name: str, class_name: str) -> str:
    return ctx.roster(session).named(name, class_name)[0].student_id


def test_streak_scan_and_alert_from_a_session_and_a_school(school, db_url):
    ctx, s = _school_and_session(school, db_url)
    wang = _student(ctx, s, "王小明", "三年级二班")
    ledger.record_absence(
        s,
        school_id="qingshi",
        student_id=wang,
        kind=AbsenceKind.UNEXCUSED,
        start=MONDAY,
        end=None,
        reason="",
        reported_by=WANGFANG,
        inbound_id=None,
        now=at("2026-11-23"),
    )
    s.flush()
    thursday = MONDAY + dt.timedelta(days=3)
    assert streaks(ledger.spans(s, school_id="qingshi"), ctx.calendar, thursday)[wang].days == 4
    assert check_alerts(s, ctx, MONDAY + dt.timedelta(days=2), at("2026-11-25", "10:00")) == []  # 3 days: not yet
    changes = check_alerts(s, ctx, thursday, at("2026-11-26", "10:00"))
    assert [(c.change, c.student.name, c.streak) for c in changes] == [(Change.OPENED, "王小明", 4)]
    assert WANGFANG in changes[0].recipients and PRINCIPAL in changes[0].recipients
    assert check_alerts(s, ctx, thursday, at("2026-11-26", "10:30")) == []  # once per episode
    assert [v.student.name for v in case_views(s, ctx, thursday)] == ["王小明"]
    # The service queued nothing: turning changes into messages is the job's or handler's work.
    assert s.exec(select(OutboundMessage)).all() == []


def test_daily_digest_and_reminders_as_data(school, db_url):
    ctx, s = _school_and_session(school, db_url)
    gao = _student(ctx, s, "高兴", "三年级二班")
    ledger.record_absence(
        s,
        school_id="qingshi",
        student_id=gao,
        kind=AbsenceKind.SICK,
        start=MONDAY,
        end=MONDAY,
        reason="发烧",
        reported_by=WANGFANG,
        inbound_id=None,
        now=at("2026-11-23"),
    )
    ledger.add_class_report(
        s,
        school_id="qingshi",
        class_name="三年级二班",
        day=MONDAY,
        kind="absences",
        reported_by=WANGFANG,
        inbound_id=None,
        now=at("2026-11-23"),
    )
    s.flush()
    d = digest.daily(s, ctx, MONDAY)
    assert d.absent_total == 1 and d.by_kind[AbsenceKind.SICK] == 1
    assert d.enrolled == sum(1 for st in school.students)
    line = next(c for c in d.classes if c.name == "三年级二班")
    assert [(st.name, kind) for st, kind in line.absent] == [("高兴", "sick")] and line.reported
    unreported = {name for name, _ in reminders.unreported_classes(s, ctx, MONDAY)}
    assert "三年级二班" not in unreported and "三年级一班" in unreported
    assert digest.daily(s, ctx, MONDAY + dt.timedelta(days=1)).absent_total == 0
    size = sum(1 for st in school.students if st.class_name == "三年级二班")
    assert (line.enrolled, line.present) == (size, size - 1)
    assert (d.expected, d.present) == (size, size - 1)  # only the class that reported counts
    from bot.chat.render import render

    text = render("digest/daily.j2", school=school, tz=ctx.tz, **d.template_data())
    assert f"已报告 1 个班：应到 {size}，实到 {size - 1}，出勤率 {100 * (size - 1) / size:.1f}%" in text
    assert f"· 三年级二班 应到{size} 实到{size - 1}（{100 * (size - 1) / size:.0f}%） 缺1（病假1）" in text
    assert "高兴" not in text  # a sick child is counted, not named
    assert "未报告考勤的班级（11个）：一年级一班" in text


def _away(s, student_id: str, kind=AbsenceKind.UNEXCUSED, start=MONDAY, portion="full"):
    ledger.record_absence(
        s,
        school_id="qingshi",
        student_id=student_id,
        kind=kind,
        start=start,
        end=start if portion != "full" else None,
        reason="",
        reported_by=WANGFANG,
        inbound_id=None,
        now=at(start.isoformat()),
        portion=portion,
    )


def test_a_large_schools_digest_counts_per_class_and_names_only_the_unexcused(school, db_url):
    from bot.chat.render import render

    ctx, s = _school_and_session(school, db_url)
    roster = ctx.roster(s)
    away = roster.by_class["四年级二班"][:20] + roster.by_class["一年级一班"][:15]
    for i, st in enumerate(away):
        _away(s, st.student_id, AbsenceKind.SICK if i % 3 else AbsenceKind.UNEXCUSED)
    late = roster.by_class["三年级二班"][0]
    _away(s, late.student_id, portion="late")
    s.flush()
    d = digest.daily(s, ctx, MONDAY)
    assert d.absent_total == 35
    text = render("digest/daily.j2", school=school, tz=ctx.tz, **d.template_data())
    line = next(x for x in text.splitlines() if x.startswith("· 四年级二班"))
    unexcused = [st.name for i, st in enumerate(away[:20]) if i % 3 == 0]
    sick = [st.name for i, st in enumerate(away[:20]) if i % 3]
    assert line.startswith(f"· 四年级二班 缺20（无故{len(unexcused)}，病假{len(sick)}）：无故 ")
    assert all(n in line for n in unexcused) and not any(n in line for n in sick if n not in unexcused)
    assert "迟到或缺半天 1 人（不计入缺勤）" in text
    assert max(len(x) for x in text.splitlines()) < 200  # a phone line, not 35 names


def test_a_digest_counts_late_arrivals_as_present(school, db_url):
    from bot.chat.render import render

    ctx, s = _school_and_session(school, db_url)
    late = ctx.roster(s).by_class["三年级二班"][0]
    _away(s, late.student_id, portion="late")
    s.flush()
    d = digest.daily(s, ctx, MONDAY)
    assert d.absent_total == 0
    text = render("digest/daily.j2", school=school, tz=ctx.tz, **d.template_data())
    assert "迟到或缺半天 1 人（不计入缺勤）" in text and late.name not in text


def test_the_morning_question_and_the_alert_count_the_same_days(school, db_url):
    ctx, s = _school_and_session(school, db_url)
    sid = _student(ctx, s, "徐永强", "三年级二班")
    friday = MONDAY - dt.timedelta(days=3)
    # "旷课一天" last Friday, then away again from Monday: two rows, one unexcused run
    ledger.record_absence(
        s,
        school_id="qingshi",
        student_id=sid,
        kind=AbsenceKind.UNEXCUSED,
        start=friday,
        end=friday,
        reason="",
        reported_by=WANGFANG,
        inbound_id=None,
        now=at(friday.isoformat()),
    )
    _away(s, sid, start=MONDAY)
    s.flush()
    thursday = MONDAY + dt.timedelta(days=3)
    (check,) = [c for c in reminders.absence_checks(s, ctx, thursday) if c.student.id == sid]
    wednesday = thursday - dt.timedelta(days=1)
    streak = streaks(ledger.spans(s, school_id="qingshi", student_ids=[sid]), ctx.calendar, wednesday)[sid]
    assert (check.days, check.since) == (streak.days, streak.since) == (4, friday)
