"""Class names as teachers write them (pure).

A class is (grade, number). Teachers write 三年级二班 as 三(2)班, 3年2班, 3.2班, 302班,
三2班 … ; ``find_classes`` finds all of those in a message and ``canonical`` turns a
(grade, number) back into the roster's own spelling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

CN_DIGITS = "零一二三四五六七八九"

# Grades a primary/middle school uses; 初一..初三 map to 7..9.
_GRADE_WORDS = {"初一": 7, "初二": 8, "初三": 9, "七": 7, "八": 8, "九": 9}


def cn_number(token: str) -> int | None:
    """'3' / '三' / '十二' / '两' / '一百零二' → int; None if it is not a number."""
    token = token.strip()
    if not token:
        return None
    if token.isdigit():
        return int(token)
    if (small := _small_number(token)) is not None:
        return small  # what cn2an says of these, without importing it (a second at start)
    import cn2an

    try:
        return int(cn2an.cn2an(token, "normal"))
    except (ValueError, KeyError, IndexError):
        return None


def _small_number(token: str) -> int | None:
    """一 … 九十九 written plainly (九, 十二, 三十, 四十五); None for anything else."""
    digit = CN_DIGITS.find
    if len(token) == 1:
        return 10 if token == "十" else (d if (d := digit(token)) >= 1 else None)
    if len(token) == 2 and token[0] == "十" and (d := digit(token[1])) >= 1:
        return 10 + d
    if len(token) == 2 and token[1] == "十" and (d := digit(token[0])) >= 2:
        return d * 10
    if len(token) == 3 and token[1] == "十" and (t := digit(token[0])) >= 2 and (d := digit(token[2])) >= 1:
        return t * 10 + d
    return None


@dataclass(frozen=True)
class ClassRef:
    grade: int
    number: int

    def canonical(self) -> str:
        return f"{grade_word(self.grade)}年级{cn_int(self.number)}班"


def cn_int(n: int) -> str:
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n - 10] if n > 10 else "")
    tens, ones = divmod(n, 10)
    return CN_DIGITS[tens] + "十" + (CN_DIGITS[ones] if ones else "")


def grade_word(grade: int) -> str:
    return cn_int(grade)


_NUM = r"(?:\d{1,2}|[一二三四五六七八九十两]{1,3})"
_OPEN = r"[(（]"
_CLOSE = r"[)）]"

# Ordered from most to least explicit; each has named groups g (grade) and n (number).
_PATTERNS = [
    # 初一(2)班, 初二3班
    rf"(?P<g>初[一二三])\s*{_OPEN}?\s*(?P<n>{_NUM})\s*{_CLOSE}?\s*班",
    # 三年级二班, 3年级2班, 三年级(2)班, 三年级（二）班, 三年级2班
    rf"(?P<g>{_NUM})\s*年级\s*{_OPEN}?\s*(?P<n>{_NUM})\s*{_CLOSE}?\s*班",
    # 三(2)班, 3（2）班, 三（二）班
    rf"(?P<g>{_NUM})\s*{_OPEN}\s*(?P<n>{_NUM})\s*{_CLOSE}\s*班?",
    # 3年2班, 三年二班
    rf"(?P<g>{_NUM})\s*年\s*(?P<n>{_NUM})\s*班",
    # 3.2班, 3-2班, 3·2班
    r"(?<![\d.])(?P<g>\d)\s*[.\-·・]\s*(?P<n>\d{1,2})\s*班",
    # 302班, 0302班 style: grade digit then two-digit number
    r"(?<!\d)0?(?P<g>[1-9])(?P<n>0[1-9]|1[0-9])\s*班",
    # 三2班, 三二班 (grade as Chinese numeral, number right after)
    r"(?P<g>[一二三四五六七八九])\s*(?P<n>\d{1,2}|[一二三四五六七八九十])\s*班",
]
_COMPILED = [re.compile(p) for p in _PATTERNS]


@dataclass(frozen=True)
class ClassMention:
    start: int
    end: int
    ref: ClassRef


def _grade_value(token: str) -> int | None:
    if token in _GRADE_WORDS:
        return _GRADE_WORDS[token]
    return cn_number(token)


def find_classes(text: str) -> list[ClassMention]:
    """All class mentions in ``text``, leftmost first, non-overlapping."""
    found: list[ClassMention] = []
    taken: list[tuple[int, int]] = []
    for pattern in _COMPILED:
        for m in pattern.finditer(text):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            g = _grade_value(m.group("g"))
            n = cn_number(m.group("n"))
            if not g or not n or g > 12 or n > 30:
                continue
            found.append(ClassMention(s, e, ClassRef(g, n)))
            taken.append((s, e))
    return sorted(found, key=lambda c: c.start)


@lru_cache(maxsize=4096)  # a county has a few thousand class names; cn2an is slow
def parse_class_name(name: str) -> ClassRef | None:
    """A roster/config class name ('三年级二班') → ClassRef; None if it is not one."""
    mentions = find_classes(name.strip())
    if len(mentions) == 1 and mentions[0].start == 0 and mentions[0].end == len(name.strip()):
        return mentions[0].ref
    return None
