"""The absence-report parser: chat message → ParseResult (pure functions, no I/O).

    from bot.attendance.parsing import parse_report
    result = parse_report(text, roster=roster, calendar=calendar, today=day, sender=staff,
                          room_class="三年级二班", staff_names=[s.name for s in school.staff])
    result.to_json()   # the `schoolbot parse` contract object

Modules, one job each: normalize (cleaning), names (finding/resolving names, near
misses), dates (dates, durations, their roles), rollcall (counts), kinds (attendance
words → kind, reason), segment (which words belong to which names), timing (start/end),
intents (corrections, undo, queries), parser (the order of it all), result (the data).
"""

from bot.attendance.parsing.parser import parse_report
from bot.attendance.parsing.result import (
    Absence,
    KindCorrection,
    NameCorrection,
    ParseResult,
    Return,
    Rollcall,
    Unresolved,
)

__all__ = [
    "Absence",
    "KindCorrection",
    "NameCorrection",
    "ParseResult",
    "Return",
    "Rollcall",
    "Unresolved",
    "parse_report",
]
