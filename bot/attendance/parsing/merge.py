"""Putting a message's findings together: one absence per student, no repeated questions (pure)."""

from __future__ import annotations

from bot.attendance.parsing.result import Absence, Unresolved
from bot.school.roster_file import RosterEntry


def merge_absences(items: list[Absence], specific: dict[int, bool]) -> list[Absence]:
    """One absence per student; what is said of the student alone ("郭强是感冒") or a
    reason over none decides the kind."""
    out: dict[str, Absence] = {}
    for a in items:
        prev = out.get(a.student.student_id)
        if prev is None:
            out[a.student.student_id] = a
            continue
        if a.kind != "unexcused" and (prev.kind == "unexcused" or (specific.get(id(a)) and not specific.get(id(prev)))):
            prev.kind, prev.reason = a.kind, a.reason or prev.reason
        prev.start = min(prev.start, a.start)
        prev.end = prev.end or a.end
    return list(out.values())


def dedupe(items: list[Unresolved]) -> list[Unresolved]:
    seen, out = set(), []
    for u in items:
        key = (u.text, tuple(c.student_id for c in u.candidates), u.role)
        if key not in seen:
            seen.add(key)
            out.append(u)
    return out


def message_class(
    written: set[str], mentioned: list[RosterEntry], unresolved: list[Unresolved], rollcall: bool, here: str | None
) -> str | None:
    """The class written in the message; else the one class of the students found,
    unless a name still unresolved may be a student of another class. A roll-call
    that names no class and no student ("全勤", "应到37 实到37") is about ``here``: the
    class of the room it is posted in, else the sender's own class."""
    if written:
        return next(iter(written)) if len(written) == 1 else None
    if rollcall and not mentioned and not unresolved:
        return here
    found = {s.class_name for s in mentioned}
    if len(found) != 1:
        return None
    cls = found.pop()
    if any(c.class_name != cls for u in unresolved for c in u.candidates):
        return None
    return cls
