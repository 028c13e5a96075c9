"""What the parser understood of one message (pure data).

``ParseResult.to_json()`` is exactly the ``schoolbot parse`` contract object; the other
fields are what the bot's handlers need beyond it (documented on each field).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bot.attendance.parsing.query import Query
from bot.school.roster_file import RosterEntry

KINDS = ("sick", "personal", "unexcused")
INTENTS = ("absence", "return", "rollcall", "cancel", "query", "none")


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _who(s: RosterEntry) -> dict:
    return {"student_id": s.student_id, "name": s.name, "class": s.class_name}


@dataclass
class Absence:
    student: RosterEntry
    kind: str  # sick | personal | unexcused
    start: dt.date
    end: dt.date | None  # None = open until the student is back
    reason: str | None = None  # the reason as written (发烧, 电话打不通 …), for the ledger
    # DayPortion: full | late | morning | afternoon (the part of ``start`` missed). Beyond
    # the JSON: the ``parse`` contract shows a part day as that one day.
    portion: str = "full"
    said: str = ""  # what the message says of this child (the 因病缺课 tags are read from it)

    def to_json(self) -> dict:
        return {**_who(self.student), "kind": self.kind, "start": _iso(self.start), "end": _iso(self.end)}


@dataclass
class Return:
    student: RosterEntry
    date: dt.date

    def to_json(self) -> dict:
        return {**_who(self.student), "date": _iso(self.date)}


@dataclass
class Unresolved:
    text: str  # the name as written
    candidates: list[RosterEntry]  # ambiguous name: every bearer; near miss: close names, sender's class first
    near_miss: bool  # True: on no roster line (typo/homophone); False: several students bear it
    role: str  # what the message says of them: absence | return | query | cancel | correction
    # What to record once the teacher says which student is meant:
    kind: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    reason: str | None = None
    date: dt.date | None = None  # for a return
    portion: str = "full"  # DayPortion of an absence
    said: str = ""  # what the message says of this child
    # "蒋天佑同桌没来": the word after the name that may be the one meant (同桌); the
    # candidate is the child named, and the teacher is asked whether it is them
    someone: str | None = None

    def to_json(self) -> dict:
        return {"text": self.text, "candidates": [_who(s) for s in self.candidates]}


@dataclass
class Rollcall:
    expected: int | None
    present: int | None
    all_present: bool  # the teacher said 全勤/都到了 (or present == expected)
    said_all: bool = False  # the words said it (全勤/都到了): counts alone never end an absence

    def to_json(self) -> dict:
        return {"expected": self.expected, "present": self.present}


@dataclass
class NameCorrection:
    """ "更正一下，刚才报的李静应该是李婧": move the sender's earlier report on ``old`` to ``new``."""

    old_text: str
    new_text: str
    old: RosterEntry | None  # None when that name is itself unresolved
    new: RosterEntry | None


@dataclass
class KindCorrection:
    """ "不是旷课，是病假" / "王小明不是旷课是病假": change the kind of the sender's last report
    (of ``student`` when named) to ``new_kind``."""

    new_kind: str
    old_kind: str | None = None
    student: RosterEntry | None = None


@dataclass
class ParseResult:
    intent: str
    class_name: str | None
    absences: list[Absence] = field(default_factory=list)
    returns: list[Return] = field(default_factory=list)
    rollcall: Rollcall | None = None
    unresolved: list[Unresolved] = field(default_factory=list)
    # -- beyond the JSON -------------------------------------------------------------
    query: Query | None = None  # a staff question or request: {what, scope, period} (query.py)
    query_student: RosterEntry | None = None  # for student_record ("王小明的记录")
    name_correction: NameCorrection | None = None
    kind_correction: KindCorrection | None = None
    cancel: bool = False  # 撤销 / 刚才发错了: undo the sender's last report
    cancel_students: list[RosterEntry] = field(default_factory=list)  # "撤销王小明的请假": only these
    others_present: bool = False  # "其他都到了": everyone not named is present
    notes: list[str] = field(default_factory=list)
    # notes: "long_duration" (半个月 …: ask for an end date), "vague_date" (这几天),
    # "no_student_named" (an absence with no name in it), "truncated" (text was cut)
    mentioned: list[RosterEntry] = field(default_factory=list)  # every student named, in order
    text: str = ""  # the cleaned text that was read

    @property
    def students(self) -> list[RosterEntry]:
        """The students the result is about (absences, then returns), without repeats."""
        seen: dict[str, RosterEntry] = {}
        for s in [a.student for a in self.absences] + [r.student for r in self.returns]:
            seen.setdefault(s.student_id, s)
        return list(seen.values())

    @property
    def near_misses(self) -> list[Unresolved]:
        return [u for u in self.unresolved if u.near_miss]

    @property
    def ambiguous(self) -> list[Unresolved]:
        return [u for u in self.unresolved if not u.near_miss]

    def to_json(self) -> dict:
        return {
            "intent": self.intent,
            "class": self.class_name,
            "absences": [a.to_json() for a in self.absences],
            "returns": [r.to_json() for r in self.returns],
            "rollcall": self.rollcall.to_json() if self.rollcall else None,
            "unresolved": [u.to_json() for u in self.unresolved],
            "query": self.query.to_json() if self.query else None,
        }
