"""The school calendar: national holidays, 调休 make-up days, term, extra days, unknown years."""

from __future__ import annotations

import datetime as dt
import logging

from bot.school.calendar import SchoolCalendar
from bot.school.config import Term

D = dt.date.fromisoformat
TERM = Term("2026-2027学年第一学期", D("2026-09-01"), D("2027-01-22"), extra_holidays=(D("2027-01-01"),))


def test_national_day_week_2026():
    cal = SchoolCalendar(TERM)
    # 10月1日–7日 off; the week's make-up day (调休) is Saturday 10月10日 (and Sunday 9月20日).
    assert [d.day for d in cal.school_days(D("2026-09-28"), D("2026-10-11"))] == [28, 29, 30, 8, 9, 10]
    assert cal.is_school_day(D("2026-10-10")) and D("2026-10-10").weekday() == 5
    assert cal.is_school_day(D("2026-09-20")) and D("2026-09-20").weekday() == 6
    assert not cal.is_school_day(D("2026-10-05"))


def test_outside_term_is_no_school_day():
    cal = SchoolCalendar(TERM)
    assert not cal.is_school_day(D("2026-08-31")) and cal.is_school_day(D("2026-09-01"))
    assert not cal.is_school_day(D("2027-01-25"))


def test_unknown_year_falls_back_to_weekdays_and_extra_holidays(caplog):
    cal = SchoolCalendar(TERM)
    with caplog.at_level(logging.WARNING):
        assert not cal.is_school_day(D("2027-01-01"))  # extra_holidays (a Friday)
        assert cal.is_school_day(D("2027-01-04"))  # Monday, by the fallback
        assert not cal.is_school_day(D("2027-01-09"))  # Saturday
        cal.is_school_day(D("2027-01-05"))
    assert not cal.is_known(D("2027-01-04")) and cal.is_known(D("2026-12-31"))
    assert cal.incomplete_years(D("2026-09-01"), D("2027-01-22")) == [2027]


def test_extra_school_day_and_extra_holiday():
    term = Term(
        "t", D("2026-09-01"), D("2027-01-22"), extra_holidays=(D("2026-11-24"),), extra_school_days=(D("2026-11-28"),)
    )
    cal = SchoolCalendar(term)
    assert not cal.is_school_day(D("2026-11-24")) and cal.is_school_day(D("2026-11-28"))


def test_nth_school_day_skips_weekend_and_holiday():
    cal = SchoolCalendar(TERM)
    assert cal.nth_school_day(D("2026-11-27"), 2) == D("2026-11-30")  # Fri + 2 days → Mon
    assert cal.nth_school_day(D("2026-09-30"), 2) == D("2026-10-08")  # across National Day
    assert cal.count_school_days(D("2026-09-28"), D("2026-10-11")) == 6
