"""Dates and durations in a message, relative to the day it was sent (pure).

``find_dates`` and ``find_durations`` read the masked text (names and classes are
already hidden) and return what they found with its position; ``date_roles`` says what
each date does in its sentence (a range's start or end, "到周五", "从周一开始",
"明天就来" …). Weeks start on Monday; 周三 is this week's Wednesday.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass

from bot.attendance.parsing.lexicon import ARRIVE, alt
from bot.attendance.parsing.numbers import to_int

_WD = {
    "一": 0,
    "二": 1,
    "三": 2,
    "四": 3,
    "五": 4,
    "六": 5,
    "日": 6,
    "天": 6,
    "末": 5,
    "1": 0,
    "2": 1,
    "3": 2,
    "4": 3,
    "5": 4,
    "6": 5,
    "7": 6,
}
_CN = r"[一二三四五六七八九十]{1,3}"

_RELATIVE = {
    "大前天": -3,
    "前天": -2,
    "昨天": -1,
    "昨日": -1,
    "昨儿": -1,
    "昨晚": -1,
    "今天": 0,
    "今日": 0,
    "今儿": 0,
    "今早": 0,
    "今晚": 0,
    "当天": 0,
    "明天": 1,
    "明日": 1,
    "明儿": 1,
    "后天": 2,
    "大后天": 3,
    # dialect: 今儿个 / 明儿个 / 昨儿个, 今个 / 明个 / 昨个
    "今儿个": 0,
    "明儿个": 1,
    "昨儿个": -1,
    "今个": 0,
    "明个": 1,
    "昨个": -1,
}
_NOW = ["现在", "目前", "至今", "如今"]
_WEEK_WORD = {"这": 0, "本": 0, "这个": 0, "下": 1, "下个": 1, "上": -1, "上个": -1, "下下": 2}

_PATTERN = re.compile(
    r"(?P<rec>(?:这|近|最近|前|这几|近几)(?P<rn>两|几|\d|[一二三四五])(?:个)?(?:天|日))"
    r"|(?P<wk>(?P<ww>下下|这个|下个|上个|这|本|下|上)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天1-7])(?![直样定般些切共])"
    # 周四五 / 星期一二: a second weekday sharing the one 周 (not 周五六点, 周一二年级)
    r"(?:(?P<wd2>(?<=[一二三四五六])[二三四五六日])(?![点号日个天节时分岁年月级]))?)"
    r"|(?P<wholeweek>(?P<ww2>这个|下个|上个|这|本|下|上)(?:周|星期|礼拜)(?![一二三四五六日天1-7末](?![直样定般些切共])))"
    r"|(?P<md>(?P<mo>\d{1,2}|" + _CN + r")月(?:份)?(?P<d>\d{1,2}|" + _CN + r")(?:日|号)?)"
    r"|(?P<dot>(?<![\d.])(?P<mo2>\d{1,2})[./](?P<d2>\d{1,2})(?![\d.%])(?!\s*(?:度|℃|°|元|块|斤|公斤|kg|米|岁|人|分))(?:日|号)?)"
    r"|(?P<day0>(?<![\d月./])(?P<d0>\d{1,2})(?=\s*(?:、|,|和|及|到|至|-|~)\s*\d{1,2}\s*(?:号|日)))"
    r"|(?P<day>(?<![\d月./])(?:(?P<d3>\d{1,2})(?:号|日)|(?P<d4>"
    + _CN
    + r")号|(?P<d5>[一二三]?十[一二三四五六七八九]?|二十|三十)日))"
    r"|(?P<pair>(?:今明|明后)(?:两|二|2)?(?:天|日))"
    r"|(?P<rel>" + alt(_RELATIVE) + r")"
    r"|(?P<now>" + alt(_NOW) + r")"
)


@dataclass
class DateMention:
    start: int
    end: int
    date: dt.date
    text: str
    now: bool = False  # 现在/至今: "到现在" is no end
    week: bool = False  # 这周/下周 without a day: the week's Monday
    recent: int | None = None  # 这两天: the last N school days up to today
    vague: bool = False  # 这几天
    bare: bool = False  # 周三 / 25号: a weekday or day with no week or month given


def _nearest(today: dt.date, options: list[dt.date]) -> dt.date:
    return min(options, key=lambda d: abs((d - today).days))


def _month_day(today: dt.date, month: int, day: int) -> dt.date | None:
    options = []
    for y in (today.year - 1, today.year, today.year + 1):
        try:
            options.append(dt.date(y, month, day))
        except ValueError:
            pass
    return _nearest(today, options) if options else None


def _day_only(today: dt.date, day: int) -> dt.date | None:
    options = []
    for delta in (-1, 0, 1):
        m = today.month + delta
        y = today.year + (m - 1) // 12
        m = (m - 1) % 12 + 1
        try:
            options.append(dt.date(y, m, day))
        except ValueError:
            pass
    return _nearest(today, options) if options else None


def find_dates(m: str, today: dt.date) -> list[DateMention]:
    monday = today - dt.timedelta(days=today.weekday())
    found: list[DateMention] = []
    for x in _PATTERN.finditer(m):
        s, e, _kind = x.start(), x.end(), x.lastgroup
        g = x.groupdict()
        date: dt.date | None = None
        extra: dict = {}
        if g["rec"]:
            n = to_int(g["rn"]) if g["rn"] != "几" else None
            date, extra = today, {"recent": n or 3, "vague": n is None}
        elif g["wk"]:
            weeks = _WEEK_WORD.get(g["ww"] or "这", 0)
            date = monday + dt.timedelta(days=7 * weeks + _WD[g["wd"]])
            extra = {"bare": not g["ww"]}
            if g["wd2"] and _WD[g["wd2"]] > _WD[g["wd"]]:
                # two listed days, side by side as in "周四、周五"
                found.append(DateMention(s, e - 1, date, m[s : e - 1], **extra))
                s, date = e - 1, monday + dt.timedelta(days=7 * weeks + _WD[g["wd2"]])
        elif g["wholeweek"]:
            date, extra = monday + dt.timedelta(days=7 * _WEEK_WORD.get(g["ww2"], 0)), {"week": True}
        elif g["md"]:
            mo, d = to_int(g["mo"]), to_int(g["d"])
            date = _month_day(today, mo, d) if mo and d and 1 <= mo <= 12 else None
        elif g["dot"]:
            mo, d = int(g["mo2"]), int(g["d2"])
            date = _month_day(today, mo, d) if 1 <= mo <= 12 else None
        elif g["pair"]:  # 明后两天 / 今明两天: two listed days
            first = 0 if x.group(0)[0] == "今" else 1
            found.append(DateMention(s, s + 1, today + dt.timedelta(days=first), x.group(0)[0]))
            s, date = s + 1, today + dt.timedelta(days=first + 1)
        elif g["day0"]:  # 26、27号 / 26到28号: the first day borrows 号
            d = int(g["d0"])
            date = _day_only(today, d) if 1 <= d <= 31 else None
            extra = {"bare": True}
        elif g["day"]:
            d = to_int(g["d3"] or g["d4"] or g["d5"] or "")
            date = _day_only(today, d) if d and 1 <= d <= 31 else None
            extra = {"bare": True}
        elif g["rel"]:
            date = today + dt.timedelta(days=_RELATIVE[g["rel"]])
        elif g["now"]:
            date, extra = today, {"now": True}
        if date is not None:
            found.append(DateMention(s, e, date, m[s:e], **extra))
    return found


# -- durations ---------------------------------------------------------------------------
_DUR = re.compile(
    r"(?P<long>半个多?月|半月|(?:一|两|三|几|\d)个多?月|一学期|半学期|一段时间|一阵子|一段日子|好几天|好多天|几天|很久"
    r"|很长时间|好长时间|长期|一个多星期|一个多礼拜|好几周|几个星期|几个礼拜|几周|十几天)"
    r"|(?P<n>\d{1,2}|[一二两三四五六七八九十]{1,3}|半)\s*(?P<ge>个)?\s*(?P<u>个?工作日|个?上学日|天|日|周|星期|礼拜)"
)
_BACK_BEFORE = re.compile(r"(?:已经|已|连续|接连|都|有|快|整整|足足)\s*$")
_BACK_AFTER = re.compile(r"^\s*(?:了|没|都没|未|不来|没有)")


@dataclass
class Duration:
    start: int
    end: int
    text: str
    days: int | None = None  # school days
    weeks: int | None = None
    half: bool = False  # 半天
    vague: bool = False  # 半个月, 几天 …: out of scope, ask
    backward: bool = False  # 三天了 / 已经三天没来: counts back from today


def find_durations(m: str) -> list[Duration]:
    out: list[Duration] = []
    for x in _DUR.finditer(m):
        s, e = x.span()
        d = Duration(s, e, x.group(0))
        if x.group("long"):
            d.vague = True
        else:
            n, unit = x.group("n"), x.group("u")
            if n == "半":
                if unit not in ("天", "日"):
                    d.vague = True
                else:
                    d.half = True
            else:
                k = to_int(n)
                if not k:
                    continue
                if unit in ("周", "星期", "礼拜"):
                    if unit == "周" and not x.group("ge") and n not in ("一", "两", "二", "三", "1", "2", "3"):
                        continue
                    d.weeks = k
                else:
                    if unit == "日" and k > 31:
                        continue
                    d.days = k
                if k > 30 or (d.weeks or 0) > 4:
                    d.vague = True
        d.backward = bool(_BACK_BEFORE.search(m[max(0, s - 4) : s]) or _BACK_AFTER.match(m[e : e + 4]))
        out.append(d)
    return out


# -- what a date does in its sentence ----------------------------------------------------
_RANGE_MID = re.compile(r"^\s*(?:到|至|-|~|一直到|直到)\s*$")
_LIST_MID = re.compile(r"^\s*(?:、|和|及|跟|,|/)?\s*$")
_END_BEFORE = re.compile(r"(?:到|至|直到|一直到|截止到|截至|截止)\s*$")
_START_BEFORE = re.compile(r"(?:从|自|打从|由)\s*$")
_START_AFTER = re.compile(r"^\s*(?:开始|起|以来|之后|以后)")
_ARRIVE_AFTER = re.compile(
    r"^\s*(?:上午|下午|早上|中午)?\s*(?:就|能|才|会|可以|再|应该|估计|要|准备|肯定|一定|就能|就可以|就会|就要|应该能|可能)*\s*(?:能|可以)?\s*"
    + alt(ARRIVE)
    + r"(?!不|了吗|吗|没)"
)


_WEEKDAY_WORD = re.compile(r"^(?:周|星期|礼拜)")


def _coming_weekday(d: DateMention, today: dt.date, after: str) -> bool:
    """A bare weekday already past this week, before a coming back that is not done
    (回来/来上课, not 回来了): the teacher means the next one."""
    if not (d.bare and d.date < today and _WEEKDAY_WORD.match(d.text)):
        return False
    x = _ARRIVE_AFTER.match(after)
    return x is not None and not after[x.end() :].lstrip().startswith(("了", "过", "的"))


def date_roles(m: str, dates: list[DateMention], today: dt.date) -> dict[int, str]:
    """Role of each date (by its start offset): range_start, range_end, list, end,
    start, arrive (a future day the student comes back), open (到现在), or plain."""
    roles: dict[int, str] = {}
    for a, b in itertools.pairwise(dates):
        mid = m[a.end : b.start]
        if _RANGE_MID.match(mid):
            roles[a.start], roles[b.start] = "range_start", ("open" if b.now else "range_end")
        # two days side by side are a list, unless the first ends something and the
        # second is a coming back ("请假到周五，周一来")
        elif (
            _LIST_MID.match(mid)
            and a.start not in roles
            and not (a.now or b.now)
            and not _END_BEFORE.search(m[max(0, a.start - 5) : a.start])
            and not _ARRIVE_AFTER.match(m[b.end : b.end + 14])
        ):
            roles[a.start] = roles[b.start] = "list"
    for d in dates:
        if d.start in roles:
            continue
        before, after = m[max(0, d.start - 5) : d.start], m[d.end : d.end + 14]
        if d.now:
            roles[d.start] = "open"
        elif _START_BEFORE.search(before) or _START_AFTER.match(after):
            roles[d.start] = "start"
        elif _END_BEFORE.search(before):
            roles[d.start] = "end"
        elif d.date > today and _ARRIVE_AFTER.match(after):
            roles[d.start] = "arrive"
        elif _coming_weekday(d, today, after):
            d.date += dt.timedelta(days=7)  # "周一回来" said on a Wednesday: next Monday
            roles[d.start] = "arrive"
        else:
            roles[d.start] = "plain"
    return roles
