"""Masking: once something is found (a name, a class, a date …) its characters are
replaced by private-use marks of the same length, so no later step can read into it
(张三 never becomes 张3, 三年级 never becomes "three years"). Offsets stay the same as in
the cleaned text, so the original characters are always at hand.
"""

from __future__ import annotations

# (first char, following chars) per kind of span.
NAME = ("\ue000", "\ue001")  # a student name (roster) or a name-like token
CLASS = ("\ue002", "\ue003")
DATE = ("\ue004", "\ue005")
DURATION = ("\ue006", "\ue007")
ROLLCALL = ("\ue008", "\ue009")
STAFF = ("\ue00a", "\ue00b")  # a teacher's name (never a student)

MARKS = {c for pair in (NAME, CLASS, DATE, DURATION, ROLLCALL, STAFF) for c in pair}
NAME_RE = "\ue000\ue001*"
DATE_RE = "\ue004\ue005*"
DURATION_RE = "\ue006\ue007*"
CLASS_RE = "\ue002\ue003*"
STAFF_RE = "\ue00a\ue00b*"
ANY_MARK_RE = "[\ue000-\ue00b]"


def mask(chars: list[str], start: int, end: int, kind: tuple[str, str]) -> None:
    if end <= start:
        return
    chars[start] = kind[0]
    for i in range(start + 1, end):
        chars[i] = kind[1]


def strip_marks(text: str) -> str:
    return "".join(c for c in text if c not in MARKS)
