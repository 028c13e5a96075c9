"""Loading the parser corpus (tests/attendance/parsing/corpus.yaml, heldout.yaml, then the blind
rounds blind_round*.yaml once each round is scored and fixed — benchmarks/README.md) and running it.

Each entry: ``text``, ``from`` (sender wechat id, null for a parent or stranger), ``room``
(class of the parent group it was posted in, or null), ``date`` (the message date) and
the expected ``schoolbot parse`` object, written out field by field. A student is
written ``姓名`` or, when several bear the name, ``姓名@班级``; it stands for
``{"student_id", "name", "class"}`` of that roster line. Fields left out are empty:
``absences: []``, ``returns: []``, ``rollcall: null``, ``unresolved: []``, ``class: null``.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import yaml

from bot.attendance.parsing import parse_report
from bot.school.calendar import SchoolCalendar
from bot.school.config import load_school
from bot.school.roster import Roster

CORPUS = Path(__file__).with_name("corpus.yaml")
HELDOUT = Path(__file__).with_name("heldout.yaml")
# a blind round joins only after its raw figure is recorded (benchmarks/README.md)
BLIND = tuple(Path(__file__).with_name(f"blind_round{n}.yaml") for n in (1, 2))
FILES = (CORPUS, HELDOUT, *BLIND)
DEFAULT_DATE = "2026-11-25"
FIELDS = ("intent", "class", "absences", "returns", "rollcall", "unresolved")


@lru_cache(maxsize=1)
def demo():
    school = load_school()
    return school, Roster(school.students), SchoolCalendar(school.term)


def _iso(v) -> str | None:
    return None if v is None else (v.isoformat() if isinstance(v, dt.date) else str(v))


def student(ref: str, roster: Roster) -> dict:
    name, _, cls = ref.partition("@")
    found = roster.named(name, cls or None)
    if len(found) != 1:
        raise ValueError(f"corpus: {ref!r} matches {len(found)} students")
    s = found[0]
    return {"student_id": s.student_id, "name": s.name, "class": s.class_name}


def expected(entry: dict, roster: Roster) -> dict:
    return {
        "intent": entry["intent"],
        "class": entry.get("class"),
        "absences": [
            {
                **student(a["who"], roster),
                "kind": a["kind"],
                "start": _iso(a.get("start", entry.get("date", DEFAULT_DATE))),
                "end": _iso(a.get("end")),
            }
            for a in entry.get("absences", [])
        ],
        "returns": [
            {**student(r["who"], roster), "date": _iso(r.get("date", entry.get("date", DEFAULT_DATE)))}
            for r in entry.get("returns", [])
        ],
        "rollcall": (
            {"expected": entry["rollcall"].get("expected"), "present": entry["rollcall"].get("present")}
            if entry.get("rollcall") is not None
            else None
        ),
        "unresolved": [
            {"text": u["text"], "candidates": [student(c, roster) for c in u.get("candidates", [])]}
            for u in entry.get("unresolved", [])
        ],
    }


def load(files=FILES) -> list[dict]:
    return [e for f in files for e in yaml.safe_load(f.read_text(encoding="utf-8"))]


def run(entry: dict) -> dict:
    school, roster, calendar = demo()
    sender = school.staff_by_wechat(entry["from"]) if entry.get("from") else None
    day = dt.date.fromisoformat(_iso(entry.get("date", DEFAULT_DATE)))
    got = parse_report(
        entry["text"],
        roster=roster,
        calendar=calendar,
        today=day,
        sender=sender,
        room_class=entry.get("room"),
        staff_names=[s.name for s in school.staff],
    ).to_json()
    return {f: got[f] for f in FIELDS}  # the query a question carries is tests/queries' business
