"""Names on no roster line but close to one: typos and voice-input homophones (pure).

"张扬" → 张洋, "蒋天右" → 蒋天佑: pinyin with the folds of southern and western accents
(zh/z, ing/in, n/l), then edit distance; never recorded without the teacher saying yes.
"""

from __future__ import annotations

import itertools
import weakref
from collections import defaultdict
from collections.abc import Iterable
from functools import cache, lru_cache

from pypinyin import Style, lazy_pinyin, pinyin
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


@lru_cache(maxsize=4096)  # a few hundred syllables
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


class _NearIndex:
    """Built once per roster (version): the names a token can be close to, found by key
    instead of scoring every name of a county. Every name ``name_score`` can rate ≥ 70
    is among a token's candidates: the same sound (folded pinyin), or one character
    changed, dropped or added (a shared one-deletion key)."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = set(names)
        self.by_sound: dict[tuple[str, ...], list[str]] = defaultdict(list)
        self.by_deletion: dict[str, list[str]] = defaultdict(list)
        for name in self.names:
            for sound in _name_sounds(name):
                self.by_sound[sound].append(name)
            for i in range(len(name)):
                self.by_deletion[name[:i] + name[i + 1 :]].append(name)

    def candidates(self, token: str) -> set[str]:
        out = set(self.by_sound.get(_sound(token), ()))
        out.update(self.by_deletion.get(token, ()))  # a name one character longer
        for i in range(len(token)):
            d = token[:i] + token[i + 1 :]
            out.update(self.by_deletion.get(d, ()))  # one character changed
            if d in self.names:
                out.add(d)  # a name one character shorter
        return out


def _sound(text: str) -> tuple[str, ...]:
    return tuple(map(_fold, _py(text)))


@cache  # a few thousand characters make every name
def _readings(ch: str) -> tuple[str, ...]:
    """A character's readings, folded: () when it has none (not Chinese)."""
    found = pinyin(ch, style=Style.NORMAL, heteronym=True)[0]
    return () if found == [ch] else tuple(dict.fromkeys(map(_fold, found)))


def _name_sounds(name: str) -> list[tuple[str, ...]]:
    """Every folded pinyin a name may be read with: its characters' readings (cached per
    character; pinyin for 150,000 names one by one takes seconds), all combinations of
    them for a character of several readings (pypinyin picks one in context, and
    ``name_score`` checks the candidate with it). A name with a character that is not
    Chinese is read whole, as the matcher reads a token."""
    readings = [_readings(ch) for ch in name]
    if not all(readings):
        return [tuple(map(_fold, lazy_pinyin(name)))]
    return list(itertools.product(*readings))


_INDEXES: weakref.WeakKeyDictionary[Roster, _NearIndex] = weakref.WeakKeyDictionary()


def _index(roster: Roster) -> _NearIndex:
    index = _INDEXES.get(roster)
    if index is None:
        index = _INDEXES[roster] = _NearIndex(roster.by_name)
    return index


def near_candidates(token: str, roster: Roster, prefer: Iterable[str | None] = (), limit: int = 5) -> list[RosterEntry]:
    scored: list[tuple[float, RosterEntry]] = []
    for name in _index(roster).candidates(token):
        score = name_score(token, name)
        if score >= 70:
            scored.extend((score, st) for st in roster.by_name[name])
    if not scored:
        return []
    best = max(sc for sc, _ in scored)
    scored = [p for p in scored if p[0] >= best - 5]  # only the closest tier
    order = [c for c in prefer if c]
    rank = {c: i for i, c in enumerate(order)}
    scored.sort(key=lambda p: (rank.get(p[1].class_name, len(order)), -p[0], school_order(p[1])))
    return [st for _, st in scored[:limit]]
