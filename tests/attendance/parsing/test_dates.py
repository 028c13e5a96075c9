"""Dates, durations and their roles, relative to the message date."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.attendance.parsing.dates import date_roles, find_dates, find_durations
from bot.attendance.parsing.timing import count_back
from tests.attendance.parsing.corpus import demo

WED = dt.date(2026, 11, 25)


def D(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


@pytest.mark.parametrize(
    "text,day",
    [
        ("今天", "2026-11-25"),
        ("明天", "2026-11-26"),
        ("昨天", "2026-11-24"),
        ("前天", "2026-11-23"),
        ("周一", "2026-11-23"),
        ("星期五", "2026-11-27"),
        ("礼拜天", "2026-11-29"),
        ("周日", "2026-11-29"),
        ("下周一", "2026-11-30"),
        ("上周五", "2026-11-20"),
        ("下个星期三", "2026-12-02"),
        ("11月25日", "2026-11-25"),
        ("11月3号", "2026-11-03"),
        ("十二月一日", "2026-12-01"),
        ("11.26", "2026-11-26"),
        ("11/26", "2026-11-26"),
        ("12.1号", "2026-12-01"),
        ("25号", "2026-11-25"),
        ("2号", "2026-12-02"),
        ("28日", "2026-11-28"),
        ("1月5日", "2027-01-05"),
    ],
)
def test_date_words(text, day):
    found = find_dates(text, WED)
    assert [d.date for d in found] == [D(day)]
    assert found[0].text == text


def test_not_dates():
    assert find_dates("发烧38.5度", WED) == []
    assert find_dates("一直没来", WED) == []
    assert find_dates("周末", WED) == []
    # the year a bare month-day falls in is the one nearest the message date
    assert find_dates("12月30日", dt.date(2027, 1, 4))[0].date == D("2026-12-30")


def test_weeks_and_recent_days():
    assert find_dates("这周", WED)[0].week and find_dates("这周", WED)[0].date == D("2026-11-23")
    assert find_dates("下周", WED)[0].date == D("2026-11-30")
    rec = find_dates("这两天", WED)[0]
    assert rec.recent == 2 and not rec.vague
    assert find_dates("这几天", WED)[0].vague


@pytest.mark.parametrize(
    "text,days,weeks,backward,vague,half",
    [
        ("两天", 2, None, False, False, False),
        ("3天", 3, None, False, False, False),
        ("三天了", 3, None, True, False, False),
        ("已经四天", 4, None, True, False, False),
        ("三天没来", 3, None, True, False, False),
        ("连续3天", 3, None, True, False, False),
        ("一周", None, 1, False, False, False),
        ("两个星期", None, 2, False, False, False),
        ("半天", None, None, False, False, True),
        ("半个月", None, None, False, True, False),
        ("一个月", None, None, False, True, False),
        ("好几天", None, None, False, True, False),
    ],
)
def test_durations(text, days, weeks, backward, vague, half):
    (d,) = find_durations(text)
    assert (d.days, d.weeks, d.backward, d.vague, d.half) == (days, weeks, backward, vague, half)


def test_roles():
    m = "周一到周三请假"
    ds = find_dates(m, WED)
    assert list(date_roles(m, ds, WED).values()) == ["range_start", "range_end"]
    m = "从周一开始没来,明天就来,请假到周五"
    ds = find_dates(m, WED)
    assert list(date_roles(m, ds, WED).values()) == ["start", "arrive", "end"]
    m = "周三周四请假"
    assert list(date_roles(m, find_dates(m, WED), WED).values()) == ["list", "list"]
    m = "周一到现在都没来"
    assert list(date_roles(m, find_dates(m, WED), WED).values()) == ["range_start", "open"]


def test_count_back_skips_weekends_and_holidays():
    _, _, cal = demo()
    assert count_back(cal, D("2026-11-23"), 2) == D("2026-11-20")  # Monday: Friday is the 2nd
    assert count_back(cal, D("2026-10-08"), 2) == D("2026-09-30")  # over National Day
    assert count_back(cal, D("2026-11-28"), 1) == D("2026-11-27")  # a Saturday counts from Friday


@pytest.mark.parametrize(
    "text,day,start,end",
    [
        ("蒋天佑病假两天", "2026-11-27", "2026-11-27", "2026-11-30"),  # Friday: over the weekend
        ("蒋天佑病假两天", "2026-10-09", "2026-10-09", "2026-10-10"),  # Saturday make-up school day
        ("蒋天佑病假两天", "2026-09-30", "2026-09-30", "2026-10-08"),  # National Day holiday
        ("蒋天佑病假两天", "2026-12-31", "2026-12-31", "2027-01-04"),  # New Year holiday, 2027 Mon-Fri
        ("蒋天佑病假一天", "2026-11-25", "2026-11-25", "2026-11-25"),
        ("蒋天佑病假", "2026-11-25", "2026-11-25", None),  # no end stated: open
        ("蒋天佑感冒了，明天就来", "2026-11-25", "2026-11-25", "2026-11-25"),
        ("蒋天佑感冒了，下周一回来上课", "2026-11-25", "2026-11-25", "2026-11-27"),
        ("蒋天佑请假到25号", "2026-11-23", "2026-11-23", "2026-11-25"),
        ("蒋天佑从周一开始就没来", "2026-11-25", "2026-11-23", None),
        ("蒋天佑昨天开始没来", "2026-11-25", "2026-11-24", None),
        ("蒋天佑这两天没来", "2026-11-23", "2026-11-20", None),
        ("蒋天佑下周一到周三请假", "2026-11-25", "2026-11-30", "2026-12-02"),
        ("蒋天佑28号到2号请假", "2026-11-25", "2026-11-28", "2026-12-02"),
        ("蒋天佑请假一周", "2026-11-23", "2026-11-23", "2026-11-27"),
        ("蒋天佑请假半个月", "2026-11-25", "2026-11-25", None),
    ],
)
def test_absence_span(parse, text, day, start, end):
    (a,) = parse(text, day=day).absences
    assert (a.start, a.end) == (D(start), D(end) if end else None)


def test_long_and_vague_durations_leave_a_note(parse):
    assert "long_duration" in parse("蒋天佑请假半个月").notes
    assert "long_duration" in parse("蒋天佑住院了，可能要一个多月").notes
    r = parse("蒋天佑这几天都没来")
    assert "vague_date" in r.notes and r.absences[0].start == WED


@pytest.mark.parametrize(
    "text,days",
    [
        ("明后两天", ["2026-11-26", "2026-11-27"]),
        ("明后天", ["2026-11-26", "2026-11-27"]),
        ("今明两天", ["2026-11-25", "2026-11-26"]),
        ("26、27号", ["2026-11-26", "2026-11-27"]),
        ("26到28号", ["2026-11-26", "2026-11-28"]),
    ],
)
def test_day_lists_sharing_one_word(text, days):
    assert [d.date for d in find_dates(text, WED)] == [D(x) for x in days]


def test_past_weekday_before_a_coming_back_is_next_week():
    m = "周一回来上课"
    found = find_dates(m, WED)
    assert date_roles(m, found, WED) == {0: "arrive"} and found[0].date == D("2026-11-30")
    m = "周一就回来上课了"  # done: this week's Monday
    found = find_dates(m, WED)
    assert date_roles(m, found, WED)[0] != "arrive" and found[0].date == D("2026-11-23")
