"""Loading the staff-question corpus (tests/queries/corpus.yaml, the tuning set, and
tests/queries/heldout.yaml, frozen) and reading each question as the bot does.

Each entry: ``t`` (the text), ``by`` (P principal 陈国华, V vice principal 杨明, O dropout
officer 刘建军, H head teacher 王芳 of 三年级二班, X 黄志强 over both schools of
tests/fixtures/two_schools), ``what`` (null: not a query), ``scope`` and ``period`` in
shorthand (see corpus.yaml's header). Every message is dated 2026-11-25 and read in
青石镇中心小学, the deployment's first school.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import yaml

from bot.attendance.parsing import parse_report
from bot.school.calendar import SchoolCalendar
from bot.school.deployment import load_deployment
from bot.school.roster import Roster

HERE = Path(__file__).parent
CORPUS = HERE / "corpus.yaml"
HELDOUT = HERE / "heldout.yaml"
DEPLOYMENT = HERE.parent / "fixtures" / "two_schools"
DAY = dt.date(2026, 11, 25)
SENDERS = {
    "P": "wxid_demo_chenguohua",
    "V": "wxid_demo_yangming",
    "O": "wxid_demo_liujianjun",
    "H": "wxid_demo_wangfang",
    "X": "wxid_zx_huangzhiqiang",
}
SCOPE_KINDS = {"teacher": "teacher", "student": "student", "class": "class", "grade": "grade", "school": "named_school"}


@lru_cache(maxsize=1)
def deployment():
    dep = load_deployment(DEPLOYMENT)
    school = dep.with_cross_staff()[0]
    return dep, school, Roster(school.students), SchoolCalendar(school.term)


def load(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def ask(entry: dict) -> dict | None:
    """The ``query`` object of ``schoolbot parse`` for this message (None: not a query)."""
    dep, school, roster, calendar = deployment()
    sender = school.staff_by_wechat(SENDERS[entry["by"]])
    r = parse_report(
        entry["t"],
        roster=roster,
        calendar=calendar,
        today=DAY,
        sender=sender,
        staff_names=[s.name for s in school.staff],
        school_names=[s.name for s in dep.schools],
    )
    return r.to_json()["query"] if r.intent == "query" else None


def _period(short: str) -> dict:
    school = deployment()[1]
    monday = DAY - dt.timedelta(days=DAY.weekday())
    spans = {
        "today": (DAY, DAY),
        "yesterday": (DAY - dt.timedelta(days=1),) * 2,
        "this_week": (monday, DAY),
        "last_week": (monday - dt.timedelta(days=7), monday - dt.timedelta(days=1)),
        "this_month": (DAY.replace(day=1), DAY),
        "last_month": (dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
        "term": (school.term.start, DAY),
    }
    kind, _, arg = short.partition(":")
    if kind == "date":
        start = end = dt.date.fromisoformat(arg)
    elif kind == "range":
        a, b = arg.split("..")
        start, end = dt.date.fromisoformat(a), dt.date.fromisoformat(b)
    else:
        start, end = spans[kind]
    return {"kind": kind, "start": start.isoformat(), "end": end.isoformat()}


def expected(entry: dict) -> dict | None:
    if entry["what"] is None:
        return None
    kind, _, name = entry["scope"].partition(":")
    scope = {"kind": SCOPE_KINDS.get(kind, kind) if name else kind, "name": name or None}
    return {"what": entry["what"], "scope": scope, "period": _period(entry["period"])}
