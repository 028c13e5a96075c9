"""Students' names in a message: found first, exactly, longest first (pure).

* ``find_names`` scans the cleaned text for roster and staff names (4, 3, then 2
  characters at each position: 张洋洋 is found whole and never also as 张洋). A staff name,
  or any name followed by 老师/校长…, is a teacher (a staff name that a student also bears
  is that student in the student's own class, unless a title, 说 or 班上 follows it). A
  name that is also an everyday word (高兴, 文明: jieba knows it as a word) counts only
  where a name stands in a report: after a boundary (a space counts) and before an
  attendance word, a date, a parenthesis or another name.
* ``resolve`` turns a name into a student: one bearer → that student; several → the
  class written in the message, else the sender's class, else the room's class, else
  unresolved.
* ``find_name_like`` finds tokens shaped like a name that are on no roster line
  (张扬 for 张洋) and ``near_candidates`` offers the close roster names (pypinyin +
  rapidfuzz), the sender's class first.
"""

from __future__ import annotations

import importlib.util
import re
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bot.attendance.parsing import lexicon as L
from bot.attendance.parsing.near_names import name_score, near_candidates, school_order  # noqa: F401  (re-exported)
from bot.school.roster import Roster
from bot.school.roster_file import RosterEntry


@dataclass
class NameMention:
    start: int
    end: int
    text: str
    kind: str  # student | staff | name_like
    students: list[RosterEntry] = field(default_factory=list)  # roster bearers (student)


# -- is this name also an everyday word? -------------------------------------------------
@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    """jieba's dictionary words that are not (only) a person's name: tagged other than nr*
    with a frequency, or frequent whatever their tag. Read straight from jieba's dict.txt
    (the same file its tokenizer and its tagger load): neither is needed here, and
    importing jieba.posseg alone takes seconds."""
    entries: dict[str, tuple[int, str | None]] = {}
    with _jieba_dictionary().open("rb") as f:
        for raw in f:
            parts = raw.decode("utf-8").strip().split(" ")
            if len(parts) >= 2:
                entries[parts[0]] = (int(parts[1]), parts[2] if len(parts) > 2 else None)
    return frozenset(
        w for w, (f, tag) in entries.items() if (tag is not None and not tag.startswith("nr") and f > 0) or f >= 1000
    )


def _jieba_dictionary() -> Path:
    spec = importlib.util.find_spec("jieba")
    assert spec is not None and spec.submodule_search_locations, "jieba is a dependency"
    return Path(next(iter(spec.submodule_search_locations))) / "dict.txt"


@lru_cache(maxsize=8192)
def is_common_word(token: str) -> bool:
    """A dictionary word that is not (only) a person's name: 高兴, 文明, 谢谢, 何时."""
    return token in _common_words()


_TIME_WORDS = (
    "今天",
    "昨天",
    "明天",
    "前天",
    "后天",
    "上午",
    "下午",
    "早上",
    "中午",
    "今早",
    "周一",
    "周二",
    "周三",
    "周四",
    "周五",
    "周六",
    "周日",
    "号",
    "日",
    "同学",
    "学生",
    "还有",
    "以及",
    "另外",
    "班",
    "班的",
    "班上",
    "班上的",
    "班里的",
    "班里",
    "我家",
    "我们家",
    "孩子",
)
_BOUNDARY = set(" ,;:。!?、()\n/|和跟及与") | {"\ue003", "\ue005", "\ue009"}
_NEXT_OK = re.compile(
    r"^[\s,:]?\s*(?:[(]|也|都|还|已经|又|因|由于|同学|是|说|去|在|跟|被|让|带|得了|的(?="
    + L.alt(L.KIN)
    + ")|"
    + L.alt(L.KIN)
    + r"|\d|[一二两三四五六七八九十半]+个?天|"
    + L.alt(
        L.ABSENT
        + L.NO_REASON
        + L.SICK
        + L.PERSONAL
        + L.LEAVE
        + L.LABEL_SICK
        + L.LABEL_PERSONAL
        + L.LABEL_UNEXCUSED
        + L.RETURN_STRONG
        + L.RETURN_WEAK
        + L.RECOVERED
        + list(_TIME_WORDS[:13])
        + L.RECORD_WORDS
        + [
            "的记录",
            "请",
            "没",
            "未",
            "今",
            "昨",
            "明",
            "星期",
            "礼拜",
            "这",
            "近",
            "最近",
            "从",
            "自",
            "一直",
            "上周",
            "下周",
            "本周",
            "前",
            "连续",
            "好几",
            "几天",
        ]
    )
    + r")"
)
_TITLE_AFTER = re.compile(r"^\s*" + L.alt(L.TITLES))


def _name_context_ok(s: str, start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Where a word-name stands as a student's name, not as the word."""
    before = s[:start].rstrip(" ")
    listed_after = any(e <= start and re.fullmatch(r"[\s、,和跟及]+", s[e:start]) for _, e in spans)
    spaced = start > 0 and s[start - 1].isspace()  # phone typing: a space for a comma
    prev_ok = (
        not before
        or spaced
        or before[-1] in _BOUNDARY
        or any(e == len(before) for _, e in spans)
        or before.endswith(_TIME_WORDS)
    )
    if not prev_ok:
        return False
    after = s[end:]
    if _NEXT_OK.match(after):
        return True
    rest = after.lstrip(" 、,和跟及")
    if any(a == end + len(after) - len(rest) for a, _ in spans):
        return True  # another name follows in a list
    return listed_after and (not after or after[0] in " ,;。!?、\n")


_POSSESSIVE = re.compile(r"(?:我家|我们家|俺家|我儿子|我女儿|我孙子|我孙女|我家孩子|我家娃|我娃|孩子)\s*$")
_KIN_AFTER = re.compile(r"^\s*(?:妈妈|爸爸|家长|奶奶|爷爷|外婆|外公|姥姥|他妈|他爸|她妈|她爸)")


def given_name(name: str) -> str:
    return name[2:] if name[:2] in L.COMPOUND_SURNAMES else name[1:]


# A roster is read once per roster version, and a class's given names change only with it.
_GIVEN_BY_CLASS: weakref.WeakKeyDictionary[Roster, dict[str, dict[str, RosterEntry]]] = weakref.WeakKeyDictionary()


def _class_given_names(roster: Roster, cls: str) -> dict[str, RosterEntry]:
    per_roster = _GIVEN_BY_CLASS.setdefault(roster, {})
    if cls not in per_roster:
        seen: dict[str, list[RosterEntry]] = {}
        for st in roster.by_class.get(cls, []):
            g = given_name(st.name)
            if len(g) >= 2 and g not in roster.by_name:
                seen.setdefault(g, []).append(st)
        per_roster[cls] = {g: sts[0] for g, sts in seen.items() if len(sts) == 1}
    return per_roster[cls]


def _given_names(roster: Roster, classes: Iterable[str | None]) -> dict[str, RosterEntry]:
    """Given names (天佑 for 蒋天佑) that one student of the context classes bears:
    parents, and teachers of their own class, call children so."""
    tables = [_class_given_names(roster, c) for c in dict.fromkeys(classes) if c]
    if len(tables) == 1:
        return tables[0]  # read only by the caller
    out: dict[str, RosterEntry] = {}
    for table in tables:
        for g, st in table.items():
            out.setdefault(g, st)
    return out


def _given_mentions(s: str, found: list[NameMention], given: dict[str, RosterEntry]) -> list[NameMention]:
    taken = [(x.start, x.end) for x in found]
    out = []
    for g, st in given.items():
        for a in _occurrences(s, g):
            b = a + len(g)
            if any(a < e and f < b for f, e in taken):
                continue
            before = s[:a]
            if _POSSESSIVE.search(before) or _KIN_AFTER.match(s[b:]):
                pass
            elif not (not before.rstrip(" ") or before.rstrip(" ")[-1] in _BOUNDARY) or not _NEXT_OK.match(s[b:]):
                continue
            elif is_common_word(g) and not _name_context_ok(s, a, b, taken):
                continue  # a given name that is also a word (天佑): only where a name stands
            out.append(NameMention(a, b, g, "student", [st]))
            taken.append((a, b))
    return out


def _occurrences(s: str, word: str) -> Iterator[int]:
    """Where ``word`` starts in ``s``, left to right, not overlapping (as re.finditer)."""
    a = s.find(word)
    while a >= 0:
        yield a
        a = s.find(word, a + len(word))


_STAFF_AFTER = re.compile(r"^\s*(?:说|讲|反映|通知|告诉|发|报|那边|这边|班|的班|代)")


def _student_not_staff(s: str, end: int, students: list[RosterEntry], context: set[str]) -> bool:
    """A name that a student and a staff member share (王芳): the student when written
    in the student's own class (its head teacher, its parent group) and no title or the
    teacher's own doings follow (王芳老师, 王芳说, 王芳班上); elsewhere the colleague."""
    after = s[end : end + 6]
    return any(st.class_name in context for st in students) and not (
        _TITLE_AFTER.match(after) or _STAFF_AFTER.match(after)
    )


def find_names(
    s: str, roster: Roster, staff_names: Iterable[str], context_classes: Iterable[str | None] = ()
) -> list[NameMention]:
    staff = {n for n in staff_names if n}
    context_classes = list(context_classes)
    context = {c for c in context_classes if c}
    roster_names = roster.by_name
    lengths = sorted(roster.name_lengths | {len(n) for n in staff}, reverse=True)
    found: list[NameMention] = []
    i, n = 0, len(s)
    while i < n:
        for k in lengths:
            w = s[i : i + k]
            if len(w) < k:
                continue
            if (w in staff and not (w in roster_names and _student_not_staff(s, i + k, roster_names[w], context))) or (
                w in roster_names and _TITLE_AFTER.match(s[i + k : i + k + 4])
            ):
                found.append(NameMention(i, i + k, w, "staff"))
                break
            if w in roster_names:
                found.append(NameMention(i, i + k, w, "student", list(roster_names[w])))
                break
        else:
            i += 1
            continue
        i = found[-1].end
    # Word-names decide by where they stand, seeing the other names and the classes.
    from bot.school.classnames import find_classes

    spans = [(x.start, x.end) for x in found] + [(c.start, c.end) for c in find_classes(_blank(s, found))]
    keep = [
        x
        for x in found
        if x.kind != "student"
        or not is_common_word(x.text)
        or _name_context_ok(s, x.start, x.end, [sp for sp in spans if sp != (x.start, x.end)])
    ]
    given = _given_names(roster, context_classes)
    if given:
        keep = sorted(keep + _given_mentions(s, keep, given), key=lambda x: x.start)
    return keep


def _blank(s: str, found: list[NameMention]) -> str:
    chars = list(s)
    for x in found:
        for i in range(x.start, x.end):
            chars[i] = "\ue000"
    return "".join(chars)


# -- resolution -------------------------------------------------------------------------
def resolve(students: list[RosterEntry], written: str | None, own: str | None, room: str | None) -> RosterEntry | None:
    if len(students) == 1:
        return students[0]
    if written is not None:
        hit = [s for s in students if s.class_name == written]
        return hit[0] if len(hit) == 1 else None
    for ctx in (own, room):
        if ctx is None:
            continue
        hit = [s for s in students if s.class_name == ctx]
        if len(hit) == 1:
            return hit[0]
    return None


# -- name-like tokens that are on no roster line -----------------------------------------
_FOLLOW = re.compile(
    r"^\s*(?:[(]|\ue004|\ue006|"
    + L.alt(
        L.ABSENT
        + L.NO_REASON
        + L.SICK
        + L.PERSONAL
        + L.LEAVE
        + L.LABEL_SICK
        + L.LABEL_PERSONAL
        + L.LABEL_UNEXCUSED
        + L.RETURN_STRONG
        + L.RECOVERED
        + [
            "来了",
            "到了",
            "回来了",
            "同学",
            "也没",
            "也请",
            "都没",
            "还没",
            "的记录",
            "记录",
            "妈妈",
            "爸爸",
            "奶奶",
            "爷爷",
            "家长",
            "外婆",
            "外公",
            "今天",
            "昨天",
            "明天",
            "前天",
            "上午",
            "下午",
        ]
    )
    + r"|[、,和跟及]\s*\ue000)"
)
_PREV_OK = set(" ,;:。!?、()\n/|和跟及与") | {"\ue001", "\ue003", "\ue005", "\ue009", "\ue00b"}
_CJK = re.compile(r"[\u4e00-\u9fff]+")


def find_name_like(m: str) -> list[tuple[int, int, str]]:
    """(start, end, token) of name-shaped runs in the masked text m: a common surname
    after a boundary, 1–2 more characters, then an attendance word, a date, a
    parenthesis or a list separator before another name. Found names are masked and
    the text read again, so "李敬 郑晓东 今天没来" finds 李敬 before the name found after it."""
    found: list[tuple[int, int, str]] = []
    while True:
        more = [t for t in _find_name_like(m) if t not in found]
        if not more:
            return sorted(found)
        found += more
        chars = list(m)
        for a, b, _ in more:
            chars[a:b] = ["\ue000"] + ["\ue001"] * (b - a - 1)
        m = "".join(chars)


_BEFORE_NAME = re.compile("^(?:\\s+|\\s*[、,，和跟及与]\\s*)\ue000")


def _find_name_like(m: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    i, n = 0, len(m)
    while i < n:
        sur = 2 if m[i : i + 2] in L.COMPOUND_SURNAMES else (1 if m[i] in L.SURNAMES else 0)
        prev = m[i - 1] if i else ""
        if not sur or (prev and prev not in _PREV_OK and not m[:i].endswith(("还有", "以及", "另外", "学生", "同学"))):
            i += 1
            continue
        best = None
        for k in range(sur + 1, sur + 3):
            t = m[i : i + k]
            if len(t) < k or not _CJK.fullmatch(t) or t[-1] in L.NOT_IN_NAME:
                break
            if _FOLLOW.match(m[i + k : i + k + 8]) or _listed_end(m, i, i + k) or _BEFORE_NAME.match(m[i + k :]):
                best = t
                break
        if (
            best is None
            or best in L.NOT_NAMES
            or is_common_word(best)
            or any(t in best for t in L.TITLES)
            or _TITLE_AFTER.match(m[i + len(best) : i + len(best) + 4])
        ):
            i += 1
            continue
        out.append((i, i + len(best), best))
        i += len(best)
    return out


def _listed_end(m: str, s: int, e: int) -> bool:
    """The token closes a list of names: 王小明、张扬 (end of clause)."""
    return bool(re.search("\ue000\ue001*\\s*[、,和跟及]\\s*$", m[max(0, s - 12) : s])) and (
        e == len(m) or m[e] in ",;。!?\n "
    )
