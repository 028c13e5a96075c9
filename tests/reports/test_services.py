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
