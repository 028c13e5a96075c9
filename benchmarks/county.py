"""A synthetic county, deterministic and cached on disk: the schools' folders (one
``deployment.toml`` over N ``school.toml``) and a database holding their students, an
autumn term of absences up to a given day, alerts, class reports and some transfers.

    .venv/bin/python -m benchmarks.county [--schools 300] [--students 150000]

Rates: about 3 % of students away on a school day, in runs (sick runs last longest); the
kinds mixed as in the demo week (half sick, a third personal, the rest unexcused); a few
hundred unexcused runs still open on the day; one student in 500 transferred to another
school of the county mid-term. The same arguments and day give the same county (a seeded
generator), so the cache is keyed by them and built once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from benchmarks.roster_import import GIVEN, SURNAMES
from bot.school.calendar import SchoolCalendar
from bot.school.classnames import ClassRef

CACHE = Path(__file__).resolve().parents[1] / ".bench-cache"
FORMAT = 2  # bump when the generator changes: older caches are rebuilt
TERM_START = dt.date(2026, 9, 1)
TERM_END = dt.date(2027, 1, 22)
ABSENT_SHARE = 0.03
KINDS = (("sick", 0.5, 2.4), ("personal", 0.33, 1.3), ("unexcused", 0.17, 1.6))  # kind, share, mean run (days)
OPEN_UNEXCUSED_PER_1000 = 2  # ~300 open runs at 150k
TRANSFER_PER_1000 = 2
CLASSES_PER_GRADE = 2


@dataclass(frozen=True)
class County:
    folder: Path  # deployment.toml and the schools' folders
    db_url: str
    day: dt.date  # the last school day of the term generated
    schools: int
    students: int

    @property
    def deployment(self) -> Path:
        return self.folder / "deployment"


def school_id(i: int) -> str:
    return f"s{i:03d}"


def _classes() -> list[str]:
    return [ClassRef(g, n).canonical() for g in range(1, 7) for n in range(1, CLASSES_PER_GRADE + 1)]


def _school_toml(i: int) -> str:
    sid = school_id(i)
    lines = [
        "[school]",
        f'id = "{sid}"',
        f'name = "第{i}小学"',
        'timezone = "Asia/Shanghai"',
        "",
        "[term]",
        'name = "2026-2027学年第一学期"',
        f"start = {TERM_START.isoformat()}",
        f"end = {TERM_END.isoformat()}",
        "extra_holidays = [2027-01-01]",
        "",
        "[rules]",
        "unexcused_streak_alert_days = 3",
        "escalate_after_days = 5",
        'digest_time = "16:30"',
        'rollcall_reminder_time = "09:30"',
        "",
    ]

    def staff(name: str, wid: str, title: str, role: str, head_of: str | None = None) -> None:
        lines.extend(["[[staff]]", f'name = "{name}"', f'title = "{title}"', f'wechat_id = "{wid}"'])
        lines.append(f'roles = ["{role}"]')
        if head_of:
            lines.append(f'head_of = "{head_of}"')
        lines.append("")

    rnd = random.Random(i)
    staff(f"校长{i}", f"wxid_{sid}_principal", "校长", "principal")
    staff(f"主任{i}", f"wxid_{sid}_officer", "教导主任", "dropout_officer")
    for j, cls in enumerate(_classes()):
        name = rnd.choice(SURNAMES) + "老" + "师一二三四五六七八九十甲乙"[j]
        staff(name, f"wxid_{sid}_t{j}", "班主任", "head_teacher", cls)
    lines += ["[[rooms]]", f'topic = "第{i}小学教师群"', 'kind = "staff"', ""]
    lines += ["[[rooms]]", f'topic = "第{i}小学行政群"', 'kind = "leaders"', ""]
    for cls in _classes():
        lines += ["[[rooms]]", f'topic = "第{i}小学{cls}家长群"', 'kind = "parents"', f'class = "{cls}"', ""]
    return "\n".join(lines)


def _deployment_toml(n: int) -> str:
    schools = ", ".join(f'"{school_id(i)}"' for i in range(1, n + 1))
    return "\n".join(
        [
            'name = "基准县"',
            f"schools = [{schools}]",
            "",
            "[[staff]]",
            'name = "县控辍办"',
            'title = "县控辍保学专干"',
            'wechat_id = "wxid_county_officer"',
            'roles = ["dropout_officer"]',
            'schools = ["*"]',
            "",
        ]
    )


def _name(rnd: random.Random) -> str:
    return rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2, 2))))


def last_school_day(calendar: SchoolCalendar, today: dt.date) -> dt.date:
    d = min(today, TERM_END)
    while not calendar.is_school_day(d):
        d -= dt.timedelta(days=1)
    return d


def build(schools: int, students: int, today: dt.date, db_url: str | None = None, *, log=print) -> County:
    """The county for these arguments: from the cache, or generated into it."""
    from bot.school.config import load_school

    tag = f"county-v{FORMAT}-{schools}x{students}-{today.isoformat()}"
    folder = CACHE / tag
    done = folder / "DONE"
    url = db_url or f"sqlite:///{folder / 'county.db'}"
    if folder.exists() and not done.exists():
        shutil.rmtree(folder)  # a half-built cache (an interrupted run)
    dep = folder / "deployment"
    if not dep.exists():
        dep.mkdir(parents=True)
        (dep / "deployment.toml").write_text(_deployment_toml(schools), encoding="utf-8")
        for i in range(1, schools + 1):
            (dep / school_id(i)).mkdir()
            (dep / school_id(i) / "school.toml").write_text(_school_toml(i), encoding="utf-8")
    calendar = SchoolCalendar(load_school(dep / school_id(1)).term)
    day = last_school_day(calendar, today)
    county = County(folder, url, day, schools, students)
    if done.exists() and (db_url is None or _populated(url, schools)):
        return county
    t0 = time.perf_counter()
    _populate(county, calendar, log)
    log(f"county generated in {time.perf_counter() - t0:.0f} s → {folder}")
    if db_url is None:
        done.write_text(tag)
    return county


def _populated(url: str, schools: int) -> bool:
    from storage.engine import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as c:
            return c.execute(sa.text("select count(*) from school")).scalar_one() >= schools
    except Exception:
        return False
    finally:
        engine.dispose()


def _populate(county: County, calendar: SchoolCalendar, log) -> None:
    from sqlmodel import Session

    from bot.runtime import open_database
    from bot.school.context import SchoolContext
    from bot.school.deployment import load_deployment
    from storage.models import Absence, ClassReport, Enrolment, School, Student
    from storage.queries import sync_school

    rnd = random.Random(18)
    engine = open_database(county.db_url)
    deployment = load_deployment(county.deployment)
    with Session(engine) as s:
        for sc in deployment.with_cross_staff():
            sync_school(s, sc, seed_roster=False)
    classes = _classes()
    per_school = county.students // county.schools
    students: list[dict[str, Any]] = []
    enrol: list[dict[str, Any]] = []
    now = dt.datetime.combine(county.day, dt.time(7), dt.UTC)
    for i in range(1, county.schools + 1):
        sid = school_id(i)
        for k in range(per_school):
            cls = classes[k * len(classes) // per_school]
            stid = f"G{i:03d}{k:07d}"
            students.append(
                dict(
                    id=stid,
                    school_id=sid,
                    name=_name(rnd),
                    class_name=cls,
                    gender=rnd.choice("男女"),
                    grade=cls[:3],
                    guardian=_name(rnd),
                    phone=f"1{rnd.choice('3589')}{rnd.randrange(10**9):09d}",
                    boarding=rnd.random() < 0.3,
                    poverty=rnd.random() < 0.1,
                    left_behind=rnd.random() < 0.2,
                    active=True,
                    updated_at=now,
                )
            )
            enrol.append(_enrolment(stid, sid, cls, None))
    days = [TERM_START + dt.timedelta(days=n) for n in range((county.day - TERM_START).days + 1)]
    days = [d for d in days if calendar.is_school_day(d)]
    # Transfers: the student moves to the next school, mid-term; the old school's
    # enrolment closes, a new one opens (absences stay with the school that recorded them).
    moved: dict[str, tuple[str, dt.date]] = {}
    for st, e in zip(students, enrol, strict=True):
        if rnd.random() < TRANSFER_PER_1000 / 1000:
            on = days[rnd.randrange(len(days) // 3, len(days) - 5)]
            n = int(st["school_id"][1:]) % county.schools + 1
            e.update(left_on=on, left_why="转学", left_to=f"第{n}小学")
            moved[st["id"]] = (school_id(n), on)
    by_id = {x["id"]: x for x in students}
    for stid, (to, on) in moved.items():
        st = by_id[stid]
        moved[stid] = (st["school_id"], on)  # from where
        st["school_id"] = to
        enrol.append(_enrolment(stid, to, st["class_name"], on))
    absences = _absences(rnd, students, moved, days, now)
    reports = [
        dict(
            school_id=school_id(i),
            class_name=cls,
            day=d,
            kind="absences",
            reported_by=f"wxid_{school_id(i)}_t{j}",
            status="active",
            created_at=now,
        )
        for d in days[:-1]
        for i in range(1, county.schools + 1)
        for j, cls in enumerate(classes)
    ]
    with engine.begin() as c:
        for table, rows in (
            (Student, students),
            (Enrolment, enrol),
            (Absence, absences),
            (ClassReport, reports),
        ):
            t = table.__table__  # type: ignore[attr-defined]
            for a in range(0, len(rows), 5000):
                c.execute(sa.insert(t), rows[a : a + 5000])
        c.execute(sa.update(School.__table__).values(roster_version=1))  # type: ignore[attr-defined]
    log(f"  {len(students):,} students, {len(absences):,} absence rows, {len(moved)} transfers, {len(days)} days")
    # The alerts the 10:00 checks of the term's earlier days opened.
    from bot.attendance.alerts import check_alerts

    prev = days[-2]
    with Session(engine) as s:
        for sc in deployment.with_cross_staff():
            check_alerts(s, SchoolContext.of(sc), prev, dt.datetime.combine(prev, dt.time(2), dt.UTC))
        s.commit()
    engine.dispose()


def _enrolment(student: str, school: str, cls: str, joined: dt.date | None) -> dict[str, Any]:
    # Every row with every key: an executemany takes its columns from the first row.
    return dict(
        student_id=student, school_id=school, class_name=cls, joined_on=joined, left_on=None, left_why="", left_to=""
    )


def _absences(
    rnd: random.Random,
    students: list[dict[str, Any]],
    moved: dict[str, tuple[str, dt.date]],
    days: list[dt.date],
    now: dt.datetime,
) -> list[dict[str, Any]]:
    """Runs of absence over the term's school days: each student starts one on a day with
    probability share / mean length, so about ``ABSENT_SHARE`` are away on any day."""
    mean_len = sum(share * length for _, share, length in KINDS)
    start_p = ABSENT_SHARE / mean_len
    kinds = [k for k, _, _ in KINDS]
    weights = [w for _, w, _ in KINDS]
    lengths = {k: m for k, _, m in KINDS}
    out: list[dict[str, Any]] = []
    last = len(days) - 1
    for st in students:
        home = st["school_id"]
        move = moved.get(st["id"])
        n = 0
        while True:
            n += int(rnd.expovariate(start_p)) + 1  # the next start, in school days
            if n > last:
                break
            kind = rnd.choices(kinds, weights)[0]
            length = max(1, round(rnd.expovariate(1 / lengths[kind]) + 0.5))
            end = n + length - 1
            sid = home if move is None or days[n] >= move[1] else move[0]
            row = dict(
                school_id=sid,
                student_id=st["id"],
                kind=kind,
                start=days[n],
                end=None if end >= last else days[end],
                reason={"sick": "发烧", "personal": "家里有事", "unexcused": ""}[kind],
                portion="full",
                reported_by=f"wxid_{sid}_t0",
                status="active",
                created_at=now,
            )
            if row["end"] is None and kind != "unexcused":
                row["end"] = days[last]
            out.append(row)
            n = end + 1
    # The open unexcused runs: a few hundred children not back, some long enough for an alert.
    for st in rnd.sample(students, max(1, len(students) * OPEN_UNEXCUSED_PER_1000 // 1000)):
        start = last - rnd.randrange(0, 9)
        out.append(
            dict(
                school_id=st["school_id"],
                student_id=st["id"],
                kind="unexcused",
                start=days[start],
                end=None,
                reason="",
                portion="full",
                reported_by=f"wxid_{st['school_id']}_t0",
                status="active",
                created_at=now,
            )
        )
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--schools", type=int, default=300)
    ap.add_argument("--students", type=int, default=150_000)
    ap.add_argument("--day", type=dt.date.fromisoformat, default=None)
    a = ap.parse_args(argv)
    from bot.clock import RealClock

    day = a.day or RealClock("Asia/Shanghai").now().date()
    c = build(a.schools, a.students, day)
    print(c)


if __name__ == "__main__":
    main()
