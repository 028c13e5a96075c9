"""Names on no roster line but close to one: typos and voice-input homophones (pure).

"张扬" → 张洋, "蒋天右" → 蒋天佑: pinyin with the folds of southern and western accents
(zh/z, ing/in, n/l), then edit distance; never recorded without the teacher saying yes.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from pypinyin import lazy_pinyin
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from bot.school.classnames import parse_class_name
from bot.school.roster import Roster
from bot.school.roster_file import RosterEntry


def school_order(st: RosterEntry) -> tuple:
    """Grade, then class, then 学籍号: the order candidates are offered in."""
    ref = parse_class_name(st.class_name)
    return (ref.grade, ref.number, st.student_id) if ref else (99, 99, st.student_id)


@lru_cache(maxsize=8192)
def _py(text: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(text))


_FOLD = [("zh", "z"), ("ch", "c"), ("sh", "s"), ("ing", "in"), ("eng", "en")]


def _fold(syl: str) -> str:
    for a, b in _FOLD:
        syl = syl.replace(a, b)
    if syl.startswith("n"):
        syl = "l" + syl[1:]
    return syl


def name_score(token: str, name: str) -> float:
    """How close a written token is to a roster name (0 = not close)."""
    pt, pn = _py(token), _py(name)
    if len(token) == len(name):
        if pt == pn:
            return 100.0  # homophone: 张扬 / 张洋
        if tuple(map(_fold, pt)) == tuple(map(_fold, pn)):
            return 95.0  # dialect homophone: 李进 / 李静
        diff = [i for i in range(len(token)) if token[i] != name[i]]
        if len(diff) == 1:
            i = diff[0]
            if fuzz.ratio(_fold(pt[i]), _fold(pn[i])) >= 70:
                return 90.0  # one character, near sound
            if len(name) >= 3:
                return 80.0  # one-character typo in a longer name
        return 0.0
    if abs(len(token) - len(name)) == 1 and min(len(token), len(name)) >= 2 and token[0] == name[0]:
        if Levenshtein.distance(token, name) == 1 and max(len(token), len(name)) >= 3:
            return 70.0  # a character missing or added
    return 0.0


def near_candidates(token: str, roster: Roster, prefer: Iterable[str | None] = (), limit: int = 5) -> list[RosterEntry]:
    scored: list[tuple[float, RosterEntry]] = []
    for name, students in roster.by_name.items():
        score = name_score(token, name)
        if score >= 70:
            scored.extend((score, st) for st in students)
    if not scored:
        return []
    best = max(sc for sc, _ in scored)
    scored = [p for p in scored if p[0] >= best - 5]  # only the closest tier
    order = [c for c in prefer if c]
    rank = {c: i for i, c in enumerate(order)}
    scored.sort(key=lambda p: (rank.get(p[1].class_name, len(order)), -p[0], school_order(p[1])))
    return [st for _, st in scored[:limit]]
