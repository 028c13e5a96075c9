"""A staff question or leader's request → Query {what, scope, period} (pure).

    read_query("王芳班上今天怎么缺了这么多", today=day, staff_names=["王芳"], …)
    → Query(what="absent", scope=Scope("teacher", "王芳"), period=Period("today", day, day))

The words live in ``lexicon/queries.py``; this module only decides. A message is a
question only when it names something that can be asked and most of what it says is
question words, subjects, names and numbers; the caller reads reports first, so "王小明今天
没来" never gets here.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.attendance.parsing.dates import find_dates
from bot.attendance.parsing.lexicon import queries as Q
from bot.attendance.parsing.numbers import to_int
from bot.school.classnames import find_classes, grade_word

WHATS = (*(w for w, _ in Q.WHAT), "student_record")
SCOPES = ("default", "school", "all_schools", "named_school", "grade", "class", "own_class", "teacher", "student")
PERIODS = ("today", "yesterday", "date", "this_week", "last_week", "this_month", "last_month", "term", "range")
# Requests that do something rather than answer
ACTIONS = ("remind", "digest", "export", "monthly", "weekly")
_KINDS = ("sick", "unexcused", "personal", "absent")
# Answers that are a history: a bare 最近 does not narrow them to this week
_HISTORIES = ("trend", "student_record")

_WHAT = [(what, re.compile("|".join(f"(?:{p})" for p in pats), re.IGNORECASE)) for what, pats in Q.WHAT]
_LOOKUP = re.compile("|".join(Q.STUDENT_LOOKUP))
_ALL = re.compile("|".join(Q.ALL_SCHOOLS))
_SCHOOL = re.compile("|".join(Q.SCHOOL))
_OWN = re.compile("|".join(Q.OWN_CLASS))
_GRADE = re.compile(Q.GRADE)
_PERIODS = [(kind, re.compile("|".join(pats))) for kind, pats in Q.PERIODS]
_RECENT = re.compile(Q.RECENT_DAYS)
_JOIN = re.compile(Q.RANGE_JOIN)
_RECORD = re.compile(Q.RECORD_WORD)
_FILLERS = re.compile("|".join(re.escape(f) for f in sorted(Q.FILLERS, key=len, reverse=True)))
_AND = re.compile(Q.AND)
_COMMAND = re.compile("|".join(Q.COMMANDS))
_ASKS = re.compile("|".join(Q.QUESTION_WORDS))
_HEADS = re.compile("|".join(Q.NOUN_HEADS))
_MENTION = re.compile(r"@\S+?(?:\s|$)|@保学小助手")
_NOT_WORD = re.compile(r"[\W\d_]+")
# Share of a message's characters that may be neither question words nor subjects
MAX_UNEXPLAINED = 0.3


@dataclass(frozen=True)
class Scope:
    kind: str  # one of SCOPES
    name: str | None = None  # the class, grade, school, teacher or student as the roster/config spell it

    def to_json(self) -> dict:
        return {"kind": self.kind, "name": self.name}


@dataclass(frozen=True)
class Period:
    kind: str  # one of PERIODS
    start: dt.date
    end: dt.date

    def to_json(self) -> dict:
        return {"kind": self.kind, "start": self.start.isoformat(), "end": self.end.isoformat()}


@dataclass(frozen=True)
class Query:
    what: str  # one of WHATS
    scope: Scope
    period: Period

    def to_json(self) -> dict:
        return {"what": self.what, "scope": self.scope.to_json(), "period": self.period.to_json()}


def read_query(
    text: str,
    *,
    today: dt.date,
    term_start: dt.date | None = None,
    staff_names: Sequence[str] = (),
    school_names: Sequence[str] = (),
    students: Sequence[str] = (),
) -> Query | None:
    """``students``: the student names the report parser found in the message."""
    t = _MENTION.sub(" ", text).strip()
    if not t:
        return None
    explained: list[tuple[int, int]] = []
    what, what_span = _what(t)
    student = next((n for n in students if n in t), None)
    scope, spans = _scope(t, staff_names, school_names, students)
    explained += spans
    asked = bool(_ASKS.search(t) or _COMMAND.search(t))
    lookup = _LOOKUP.search(t)
    if student is not None and scope.kind == "student" and (lookup or asked):
        what = "student_record"
        explained += [lookup.span()] if lookup else []
    if what is None:
        return None
    explained += what_span
    period, spans = _period(t, today, term_start, what)
    explained += spans
    if _unexplained(t, explained) > MAX_UNEXPLAINED:
        return None
    if not (asked or _bare(t, explained)):
        return None  # "今天没有人请假" tells; it does not ask
    return Query(what, scope, period)


def _what(t: str) -> tuple[str | None, list[tuple[int, int]]]:
    """The first family named; every family's words count as question words."""
    named = [(what, [x.span() for x in rx.finditer(t)]) for what, rx in _WHAT]
    named = [(what, spans) for what, spans in named if spans]
    if not named:
        return None, []
    spans = [sp for _, found in named for sp in found]
    if named[0][0] in _KINDS:
        kinds = sorted((sp, what) for what, found in named if what in _KINDS for sp in found)
        for (a, wa), (b, wb) in itertools.pairwise(kinds):
            if wa != wb and _AND.fullmatch(t[a[1] : b[0]]):
                return "absent", spans  # 请假和没来的: absences of either kind
    return named[0][0], spans


def _scope(
    t: str, staff_names: Sequence[str], school_names: Sequence[str], students: Sequence[str]
) -> tuple[Scope, list[tuple[int, int]]]:
    spans: list[tuple[int, int]] = []
    chosen: Scope | None = None
    for name in sorted(staff_names, key=len, reverse=True):
        x = re.search(re.escape(name) + Q.TEACHER_AFTER, t)
        if x:
            chosen, spans = Scope("teacher", name), [x.span()]
            break
    for name in school_names:
        x = _school_alias(name).search(t)
        if x:
            spans.append(x.span())
            chosen = chosen or Scope("named_school", name)
    if x := _ALL.search(t):
        spans.append(x.span())
        chosen = chosen or Scope("all_schools")
    classes = find_classes(t)
    if classes:
        spans += [(c.start, c.end) for c in classes]
        chosen = chosen or Scope("class", classes[0].ref.canonical())
    if g := _GRADE.search(t):
        spans.append(g.span())
        n = {"初一": 7, "初二": 8, "初三": 9}.get(g.group("g")) or to_int(g.group("g"))
        chosen = chosen or (Scope("grade", f"{grade_word(n)}年级") if n else None)
    for name in students:
        if (i := t.find(name)) >= 0:
            spans.append((i, i + len(name)))
            chosen = chosen or Scope("student", name)
    if x := _OWN.search(t):
        spans.append(x.span())
        chosen = chosen or Scope("own_class")
    if x := _SCHOOL.search(t):
        spans.append(x.span())
        chosen = chosen or Scope("school")
    return chosen or Scope("default"), spans


def _school_alias(name: str) -> re.Pattern[str]:
    """石门村完全小学 is also 石门村小学, 石门小学, 石门完小, 石门村 …"""
    stem = name
    for suffix in Q.SCHOOL_SUFFIXES:
        if stem.endswith(suffix) and len(stem) > len(suffix) + 1:
            stem = stem[: -len(suffix)]
            break
    short = stem[:-1] if stem[-1:] in "村镇乡" and len(stem) > 2 else stem
    suffixes = "|".join(re.escape(s) for s in Q.SCHOOL_SUFFIXES)
    return re.compile(f"{re.escape(name)}|(?:{re.escape(short)})(?:村|镇|乡)?(?:{suffixes})|{re.escape(stem)}")


def _period(t: str, today: dt.date, term_start: dt.date | None, what: str) -> tuple[Period, list[tuple[int, int]]]:
    monday = today - dt.timedelta(days=today.weekday())
    first = today.replace(day=1)
    last_month_end = first - dt.timedelta(days=1)
    ranges = {
        "this_week": (monday, today),
        "last_week": (monday - dt.timedelta(days=7), monday - dt.timedelta(days=1)),
        "this_month": (first, today),
        "last_month": (last_month_end.replace(day=1), last_month_end),
        "term": (min(term_start or first, today), today),
    }
    spans: list[tuple[int, int]] = []
    found: list[tuple[int, Period]] = []
    dates = [d for d in find_dates(t, today) if not d.now and not d.week and d.recent is None]
    for a, b in itertools.pairwise(dates):
        if _JOIN.match(t[a.end : b.start]) or (t[: a.start].rstrip().endswith("从") and b.start - a.end <= 2):
            lo, hi = sorted((a.date, b.date))
            return Period("range", lo, hi), [(a.start, b.end)]
    if x := _RECENT.search(t):
        n = to_int(x.group("n")) or 1
        days = n * 7 if x.group("u") in ("周", "星期", "礼拜") else n
        found.append((x.start(), Period("range", today - dt.timedelta(days=days - 1), today)))
        spans.append(x.span())
    for kind, rx in _PERIODS:
        for x in rx.finditer(t):
            spans.append(x.span())
            if kind == "recent_week":
                if what not in _HISTORIES:
                    found.append((x.start(), Period("this_week", *ranges["this_week"])))
            else:
                found.append((x.start(), Period(kind, *ranges[kind])))
    for m in re.finditer(r"(?P<mo>\d{1,2}|[一二三四五六七八九十]{1,2})月份?(?![\d一二三四五六七八九十]|底|初)", t):
        mo = to_int(m.group("mo"))
        if mo == today.month:
            found.append((m.start(), Period("this_month", *ranges["this_month"])))
            spans.append(m.span())
        elif mo == last_month_end.month:
            found.append((m.start(), Period("last_month", *ranges["last_month"])))
            spans.append(m.span())
    for d in find_dates(t, today):
        spans.append((d.start, d.end))
        if d.now or d.week or d.recent is not None:
            continue
        kind = "today" if d.date == today else "yesterday" if d.date == today - dt.timedelta(days=1) else "date"
        found.append((d.start, Period(kind, d.date, d.date)))
    if found:
        return min(found, key=lambda f: f[0])[1], spans
    kind = Q.DEFAULT_PERIOD.get(what, "today")
    if _RECORD.search(t) and what in ("absent", "followups"):
        kind = "term"
    if kind == "today":
        return Period("today", today, today), spans
    return Period(kind, *ranges[kind]), spans


def _bare(t: str, spans: list[tuple[int, int]]) -> bool:
    """Nothing but what is asked, of whom, when: "预警", "三年级二班 记录", "本周小结"."""
    chars = list(t)
    for a, b in spans:
        for i in range(a, b):
            chars[i] = " "
    return not _HEADS.sub("", _NOT_WORD.sub("", "".join(chars)))


def _unexplained(t: str, spans: list[tuple[int, int]]) -> float:
    chars = list(t)
    for a, b in spans:
        for i in range(a, b):
            chars[i] = " "
    rest = _NOT_WORD.sub(" ", "".join(chars))
    total = len(_NOT_WORD.sub("", t))
    left = len(_FILLERS.sub("", rest).replace(" ", ""))
    return left / total if total else 1.0


def staff_question(
    text: str,
    *,
    today: dt.date,
    term_start: dt.date,
    staff_names: Sequence[str],
    school_names: Sequence[str],
    students: Sequence[str],
    record_of: str | None = None,
) -> Query | None:
    """A staff member's message read as a question; ``record_of``: the student whose
    record the report parser saw asked for ("王小明 记录"), the term's if no other reading
    names that student."""
    question = read_query(
        text,
        today=today,
        term_start=term_start,
        staff_names=staff_names,
        school_names=school_names,
        students=students,
    )
    if record_of is not None and (question is None or question.scope.kind != "student"):
        question = Query("student_record", Scope("student", record_of), Period("term", min(term_start, today), today))
    return question
