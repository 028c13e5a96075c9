"""The streak of consecutive unexcused school days (pure)."""

from __future__ import annotations

import datetime as dt

from bot.attendance.streak import Span, absent_on, streaks
from bot.school.calendar import SchoolCalendar
from bot.school.config import Term

D = dt.date.fromisoformat
CAL = SchoolCalendar(Term("t", D("2026-09-01"), D("2027-01-22")))


def s(kind, start, end=None, order=0, sid="A"):
    return Span(sid, kind, D(start), D(end) if end else None, order)


def test_open_absence_counts_every_school_day_across_the_weekend():
    st = streaks([s("unexcused", "2026-11-19")], CAL, D("2026-11-24"))["A"]  # Thu..Tue
    assert (st.days, st.since) == (4, D("2026-11-19"))


def test_weekend_asked_measures_at_the_last_school_day():
    assert streaks([s("unexcused", "2026-11-18")], CAL, D("2026-11-22"))["A"].days == 3


def test_holiday_inside_a_streak_neither_breaks_nor_counts():
    st = streaks([s("unexcused", "2026-09-29")], CAL, D("2026-10-09"))["A"]
    assert st.days == 4  # 9/29, 9/30, 10/8, 10/9


def test_a_sick_day_breaks_the_streak():
    rows = [
        s("unexcused", "2026-11-16", "2026-11-17"),
        s("sick", "2026-11-18", "2026-11-18", 1),
        s("unexcused", "2026-11-19", None, 2),
    ]
    assert streaks(rows, CAL, D("2026-11-20"))["A"].days == 2


def test_correction_to_sick_removes_the_streak():
    rows = [s("unexcused", "2026-11-16", None, 0), s("sick", "2026-11-16", None, 1)]  # the later report wins
    assert streaks(rows, CAL, D("2026-11-19")) == {}


def test_closed_absence_and_return():
    assert streaks([s("unexcused", "2026-11-16", "2026-11-18")], CAL, D("2026-11-19")) == {}
    assert streaks([s("unexcused", "2026-11-16", "2026-11-18")], CAL, D("2026-11-18"))["A"].days == 3


def test_many_students_one_pass():
    rows = [s("unexcused", "2026-11-02", sid=f"S{i}") for i in range(300)] + [s("personal", "2026-11-20", sid="P")]
    out = streaks(rows, CAL, D("2026-11-20"))
    assert len(out) == 300 and out["S7"].days == 15 and "P" not in out


def test_absent_on_latest_report_wins():
    rows = [s("unexcused", "2026-11-16", None, 0), s("sick", "2026-11-18", "2026-11-19", 3)]
    assert absent_on(rows, D("2026-11-18")) == {"A": "sick"}
    assert absent_on(rows, D("2026-11-20")) == {"A": "unexcused"}
