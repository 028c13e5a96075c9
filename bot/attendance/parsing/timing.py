"""When an absence starts and ends, from the dates and durations about one student (pure).

* A range (周一到周三, 25号-27号) gives both ends; 从周一开始 / 昨天起 the start; 到周五 the
  end; 明天就来 / 下周一回来上课 ends the school day before that return.
* Otherwise the start is the date standing with the absence word (昨天没来), else a date
  beside the name, else today.
* "N天" counts N school days from the start (calendar.nth_school_day); "三天了" /
  "已经三天没来" counts back from today; 这两天 is the last two school days; 半天 / 上午请假
  is that one day. 半个月, 几天 … are out of scope: a note, and no end.
* No stated end: open (None), whatever the kind.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from bot.attendance.parsing.dates import DateMention, Duration
from bot.attendance.parsing.kinds import Word
from bot.attendance.parsing.segment import Piece
from bot.school.calendar import SchoolCalendar

_ABSENCE_CATS = {"absent", "no_reason", "leave", "label_sick", "label_personal", "label_unexcused"}
_HALF_DAY = re.compile(r"上午|下午|中午|早上|半天")
_ALSO = re.compile(r"^\s*(?:也|还|仍|依然|继续|照样)")


@dataclass
class Timing:
    start: dt.date
    end: dt.date | None
    explicit_start: bool = False
    notes: list[str] = field(default_factory=list)


def count_back(calendar: SchoolCalendar, today: dt.date, n: int) -> dt.date:
    """The school day n school days back, today being the first if it is one."""
    day = today if calendar.is_school_day(today) else (calendar.previous_school_day(today) or today)
    for _ in range(max(0, n - 1)):
        prev = calendar.previous_school_day(day)
        if prev is None:
            break
        day = prev
    return day


def _within(x_start: int, pieces: list[Piece]) -> Piece | None:
    return next((p for p in pieces if p.start <= x_start < p.end), None)


def absence_timing(
    m: str,
    pieces: list[Piece],
    words: list[Word],
    dates: list[DateMention],
    roles: dict[int, str],
    durations: list[Duration],
    calendar: SchoolCalendar,
    today: dt.date,
    excused: bool,
) -> Timing:
    mine = [d for d in dates if _within(d.start, pieces)]
    durs = [d for d in durations if _within(d.start, pieces)]
    notes: list[str] = []
    start: dt.date | None = None
    end: dt.date | None = None
    for d in mine:
        role = roles.get(d.start, "plain")
        if role == "range_start" or role == "start":
            start = start or _day_of(d, calendar, today, notes)
        elif role == "range_end" or role == "end":
            end = end or (d.date + dt.timedelta(days=4) if d.week else d.date)
            if start is not None and end < start and d.bare:
                end = _after(end, start)  # 下周一到周三, 30号到2号
        elif role == "arrive":
            prev = calendar.previous_school_day(d.date)
            end = end or prev or d.date - dt.timedelta(days=1)
    listed = [d for d in mine if roles.get(d.start) == "list"]
    if listed and start is None:
        start = min(d.date for d in listed)
        if excused and end is None:
            end = max(d.date for d in listed)
    explicit = start is not None
    if start is None:
        plain = [d for d in mine if roles.get(d.start, "plain") == "plain"]
        start = _best_plain(m, plain, pieces, words, calendar, today, notes)
        explicit = start is not None
    if start is None:
        start = today
    for du in durs:
        if du.vague:
            notes.append("long_duration")
            continue
        if du.backward:
            if not explicit:
                start = count_back(calendar, today, du.days or 5 * (du.weeks or 0) or 1)
                explicit = True
            continue
        if end is not None:
            continue
        if du.half:
            end = start
        elif du.days:
            end = calendar.nth_school_day(start, du.days)
        elif du.weeks:
            # 一周 is 5 school days (SPEC §4), counted like N天, so past the term end too
            end = calendar.nth_school_day(start, 5 * du.weeks)
    # 下午请假 is that one day — unless a later day is said too ("昨天下午…，今天也没来"); the
    # half of the day goes with the absence word, not with a phone call that morning
    if (
        end is None
        and excused
        and not durs
        and not any(d.date > start and not d.now for d in mine)
        and any(
            _HALF_DAY.search(m[max(p.start, w.start - 6) : w.end + 6]) or "半天" in m[p.start : p.end]
            for p in pieces
            for w in words
            if p.start <= w.start < p.end and w.cat in _ABSENCE_CATS
        )
    ):
        end = start
    if end is not None and end < start:
        end = start
    return Timing(start, end, explicit, notes)


def _after(day: dt.date, start: dt.date) -> dt.date:
    """A bare weekday or day of month that ends a range is the first such day from its start."""
    if (start - day).days < 7 and day.weekday() != start.weekday():
        while day < start:
            day += dt.timedelta(days=7)
        return day
    month, year = (day.month % 12) + 1, day.year + (day.month == 12)
    try:
        return day.replace(year=year, month=month)
    except ValueError:
        return day


def _day_of(d: DateMention, calendar: SchoolCalendar, today: dt.date, notes: list[str]) -> dt.date:
    if d.recent:
        if d.vague:  # 这几天: when exactly is for the teacher to say
            notes.append("vague_date")
            return today
        return count_back(calendar, today, d.recent)
    if d.week:
        return calendar.next_school_day(d.date, include=True) or d.date
    return d.date


_EVENING_WORDS = ("昨晚", "今晚")
_AFTER_SCHOOL = re.compile(r"^\s*(?:晚上|夜里|半夜|放学(?:后|以后|回家)?|下午放学)")


def _after_school(d: DateMention, m: str, calendar: SchoolCalendar, today: dt.date) -> dt.date | None:
    """ "昨晚烧起来了" / "昨天放学摔伤了" / "周六摔伤了": it began out of school hours, so the first day
    away is the next school day (today, when that is today)."""
    if d.date >= today or not (
        d.text in _EVENING_WORDS or _AFTER_SCHOOL.match(m[d.end : d.end + 6]) or not calendar.is_school_day(d.date)
    ):
        return None  # (a weekend or holiday is out of school hours too: "周六摔伤了")
    nxt = calendar.next_school_day(d.date)
    return nxt  # today when that is a school day; else the school day to come


def _best_plain(
    m: str,
    plain: list[DateMention],
    pieces: list[Piece],
    words: list[Word],
    calendar: SchoolCalendar,
    today: dt.date,
    notes: list[str],
) -> dt.date | None:
    """Prefer a date in a clause that carries the absence word itself, then one beside
    the name or standing alone, then any."""
    if not plain:
        return None

    def m_of(d: DateMention) -> str:
        return m[d.end : d.end + 3]

    def rank(d: DateMention) -> int:
        p = _within(d.start, pieces)
        here = [w for w in words if p and p.start <= w.start < p.end]
        later = [e.start for e in plain if p and d.end <= e.start < p.end]
        if later:
            # two days in one piece ("周六摔伤了腿 明天请一天假"): each day goes with what
            # is said after it, up to the next day — an onset is not the leave's day
            here = [w for w in here if d.end <= w.start < min(later)] or here
        if any(w.cat in _ABSENCE_CATS for w in here):
            return 0
        if p and (p.role in ("pre", "header", "paren") or not here):
            return 1
        return 2

    # "今天也没来" / "下周一也来不了": a day added to the absence, not its start; but a
    # past day said with 也 ("昨天也没来，忘了报") is a day away the ledger did not have
    plain = [d for d in plain if not (_ALSO.match(m_of(d)) and d.date >= today)]
    # "这两天感冒 请两天假": a recent span said of the illness is how long it has lasted,
    # not the days away (that is "这两天没来")
    plain = [d for d in plain if not (d.recent and _first_word_cat(d, words) == "sick")]
    # "没来" says a day that has come: a later day beside it ("他爸说明天…") is no start
    if words and all(
        w.cat in ("absent", "no_reason")
        for w in words
        if w.cat in _ABSENCE_CATS | {"sick", "personal"} and not (w.negated or w.hedged or w.old)
    ):
        plain = [d for d in plain if d.date <= today]
    if not plain:
        return None
    best = min(rank(d) for d in plain)
    chosen = [d for d in plain if rank(d) == best and not d.now]
    if not chosen:
        return None
    days = [_after_school(d, m, calendar, today) or _day_of(d, calendar, today, notes) for d in chosen]
    # dates beside reasons only ("昨晚发高烧，今天去医院"): the latest is the absence
    return max(days) if best == 2 else min(days)


def _first_word_cat(d: DateMention, words: list[Word]) -> str | None:
    after = [w for w in words if w.start >= d.end and not (w.negated or w.hedged or w.old)]
    return min(after, key=lambda w: w.start).cat if after else None


def return_date(
    pieces: list[Piece], words: list[Word], dates: list[DateMention], roles: dict[int, str], today: dt.date
) -> dt.date | None:
    """The day a student came back: a past or today date in the clause of the return
    word; None when every return word speaks of a day to come (明天返校)."""
    future = 0
    for w in words:
        if w.cat != "return":
            continue
        p = _within(w.start, pieces)
        if p is None:
            continue
        here = [
            d
            for d in dates
            if p.start <= d.start < p.end and d.date <= today and not d.now and roles.get(d.start) in ("plain", "start")
        ]
        if here:
            return max(d.date for d in here)
        if any(p.start <= d.start < p.end and d.date > today and not d.now for d in dates):
            future += 1
            continue
        return today
    return None if future else today
