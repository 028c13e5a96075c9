"""A roster import and a transfer, as services: ``(session, school id, …)`` in, a report out.

An import first works out what it would do (added, updated with the changed fields,
unchanged, not in this file) and writes only when asked, in the caller's transaction.
It never erases: a column the file does not have keeps what the database holds, and a
student the file does not list stays on the roll unless ``mark_missing_left``. Rows are
written with bulk statements (a county's 150,000 students in seconds), not one ORM
object each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, update
from sqlmodel import Session, col, select

from bot.school.classnames import parse_class_name
from bot.school.roster_file import STUDENT_FIELDS, RosterEntry
from storage.enums import LIVE_ALERT_STATES, AlertEventKind, AlertStatus, EnrolmentEnd, GuardianStatus, RecordStatus
from storage.models import Absence, Alert, AlertEvent, Enrolment, Guardian, School, SchoolClass, Student

CHUNK = 5000  # rows per bulk statement: big enough to be fast, small enough for PostgreSQL's parameter limit
IN_CHUNK = 5000  # ids per IN (...): well under SQLite's 32,766 variables


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    changes: dict[str, list[str]] = field(default_factory=dict)  # 学籍号 → the fields that changed
    unchanged: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # on the roll, not in this file (kept unless marked left)
    left: list[str] = field(default_factory=list)  # marked as left by this import
    rejoined: list[str] = field(default_factory=list)
    transferred: list[tuple[str, str]] = field(default_factory=list)  # (学籍号, the school they came from)
    closed_alerts: list[tuple[int, str]] = field(default_factory=list)  # (alert id, why): to be announced
    new_classes: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.updated or self.left or self.transferred)


def _chunks(items: list[Any], n: int = CHUNK) -> Iterator[list[Any]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def import_roster(
    session: Session,
    school_id: str,
    students: list[RosterEntry],
    today: dt.date | None,
    progress: Callable[[int, int], object] | None = None,
    *,
    columns: Collection[str] | None = None,
    mark_missing_left: bool = False,
    only_class: str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Upsert by 学籍号; see the module's docstring for what is never done.

    ``columns``: the RosterEntry fields the file had (None: all). ``only_class``: the
    import is about that class only (the file's other rows and the other classes'
    students are left alone). The 学籍号 is national: one on another school's roll is a
    transfer (转学): it leaves that school on ``today`` (its open absences there end the
    day before, its open case closes) and joins this one.
    """
    fields = [f for f in STUDENT_FIELDS if columns is None or f in columns]
    if "class_name" not in fields:
        fields.append("class_name")
    if only_class is not None:
        students = [s for s in students if s.class_name == only_class]
    report = ImportReport()
    table = Student.__table__  # type: ignore[attr-defined]
    cols = [table.c.id, table.c.active, *(table.c[f] for f in fields)]
    where = [table.c.school_id == school_id]
    if only_class is not None:
        where.append(table.c.class_name == only_class)
    existing: dict[str, tuple[Any, ...]] = {r[0]: tuple(r[1:]) for r in session.execute(select(*cols).where(*where))}
    if only_class is not None:
        # A student of another class who moves into this one is an update, not a newcomer.
        movers = [s.student_id for s in students if s.student_id not in existing]
        for chunk in _chunks(movers, IN_CHUNK):
            q = select(*cols).where(table.c.school_id == school_id, col(table.c.id).in_(chunk))
            existing.update((r[0], tuple(r[1:])) for r in session.execute(q))
    new_ids = [s.student_id for s in students if s.student_id not in existing]
    elsewhere: dict[str, Student] = {}
    for chunk in _chunks(new_ids, IN_CHUNK):
        q = select(Student).where(col(Student.id).in_(chunk), Student.school_id != school_id)
        elsewhere.update((s.id, s) for s in session.exec(q))

    now = dt.datetime.now(dt.UTC) if today is None else dt.datetime.combine(today, dt.time(), dt.UTC)
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    joined: list[dict[str, Any]] = []
    moving: list[tuple[Student, RosterEntry]] = []
    seen: set[str] = set()
    for i, rec in enumerate(students, start=1):
        if progress and i % CHUNK == 0:
            progress(i, len(students))
        sid = rec.student_id
        seen.add(sid)
        values = {f: getattr(rec, f) for f in fields}
        old = existing.get(sid)
        if old is None:
            if sid in elsewhere:
                moving.append((elsewhere[sid], rec))
                report.transferred.append((sid, elsewhere[sid].school_id))
            else:
                full = {f: getattr(rec, f) for f in STUDENT_FIELDS}
                inserts.append({"id": sid, "school_id": school_id, "active": True, "updated_at": now, **full})
                report.added.append(sid)
            joined.append({"student_id": sid, "school_id": school_id, "class_name": rec.class_name, "joined_on": today})
            continue
        active, olds = old[0], old[1:]
        changed = [f for f, was in zip(fields, olds, strict=True) if was != values[f]]
        if not active:
            report.rejoined.append(sid)
            joined.append({"student_id": sid, "school_id": school_id, "class_name": rec.class_name, "joined_on": today})
        if changed or not active:
            updates.append({"id": sid, "active": True, "left_on": None, "updated_at": now, **values})
            report.updated.append(sid)
            report.changes[sid] = changed + ([] if active else ["active"])
        else:
            report.unchanged.append(sid)
    report.missing = [sid for sid, old in existing.items() if old[0] and sid not in seen]
    known = {c for (c,) in session.execute(select(SchoolClass.name).where(SchoolClass.school_id == school_id))}
    report.new_classes = sorted({s.class_name for s in students} - known)
    if mark_missing_left:
        report.left = list(report.missing)
    if dry_run:
        return report

    # Core statements on the session's connection (same transaction): the ORM's bulk
    # path costs as much again in bookkeeping this import does not need.
    conn = session.connection()
    for chunk in _chunks(inserts):
        conn.execute(insert(table), chunk)
    for chunk in _chunks(updates):
        session.execute(update(Student), chunk)
    for row, rec in moving:
        report.closed_alerts += _transfer(session, row, school_id, today, now)
        for f in fields:
            setattr(row, f, getattr(rec, f))
        row.school_id, row.active, row.left_on, row.updated_at = school_id, True, None, now
        session.add(row)
    session.flush()
    mark_left(session, school_id, report.left, today, now)
    for chunk in _chunks(joined):
        conn.execute(insert(Enrolment.__table__), chunk)  # type: ignore[attr-defined]
    for name in report.new_classes:
        ref = parse_class_name(name)
        assert ref is not None, name  # roster class names are canonical (the reader checks them)
        session.add(SchoolClass(school_id=school_id, name=name, grade=ref.grade, number=ref.number))
    if report.changed_anything:
        bump_roster_version(session, school_id)
    session.flush()
    report.written = True
    if progress:
        progress(len(students), len(students))
    return report


def mark_left(
    session: Session, school_id: str, ids: list[str], day: dt.date | None, now: dt.datetime | None = None
) -> None:
    """Students no longer on this school's roll: marked, never deleted; every record stays."""
    now = now or dt.datetime.now(dt.UTC)
    for chunk in _chunks(ids, IN_CHUNK):
        session.execute(
            update(Student)
            .where(col(Student.id).in_(chunk), col(Student.school_id) == school_id)
            .values(active=False, left_on=day, updated_at=now)
        )
        _close_enrolments(session, chunk, school_id, day, EnrolmentEnd.LEFT)
    if ids:
        bump_roster_version(session, school_id)


def bump_roster_version(session: Session, school_id: str) -> None:
    session.execute(
        update(School).where(col(School.id) == school_id).values(roster_version=col(School.roster_version) + 1)
    )


def roster_version(session: Session, school_id: str) -> int:
    return session.exec(select(School.roster_version).where(School.id == school_id)).first() or 0


def _close_enrolments(
    session: Session, ids: list[str], school_id: str, day: dt.date | None, why: EnrolmentEnd, to: str = ""
) -> None:
    session.execute(
        update(Enrolment)
        .where(
            col(Enrolment.student_id).in_(ids), col(Enrolment.school_id) == school_id, col(Enrolment.left_on).is_(None)
        )
        .values(left_on=day, left_why=why, left_to=to)
    )


def _transfer(
    session: Session,
    student: Student,
    to_school: str | None,
    day: dt.date | None,
    now: dt.datetime,
    dest: str = "",
    by: str | None = None,
    inbound_id: int | None = None,
) -> list[tuple[int, str]]:
    """The student leaves their school on ``day`` for ``to_school`` (None: a school outside
    this deployment, named ``dest``); the alerts it closed."""
    old = student.school_id
    school = session.get(School, to_school) if to_school else None  # the 台账 names the school, not its id
    where = school.name if school else (dest or to_school or "")
    _close_enrolments(session, [student.id], old, day, EnrolmentEnd.TRANSFER, where)
    # the parents bound at the old school are that school's: the new one binds its own
    for g in session.exec(
        select(Guardian).where(
            Guardian.student_id == student.id, Guardian.school_id == old, Guardian.status == GuardianStatus.ACTIVE
        )
    ):
        g.status, g.unbound_at = GuardianStatus.UNBOUND, now
        g.unbound_why = f"转学（{where}）" if where else "转学"
        session.add(g)
    if day is None:
        return []
    closed: list[tuple[int, str]] = []
    for a in session.exec(
        select(Absence).where(
            Absence.student_id == student.id,
            Absence.school_id == old,
            Absence.status == RecordStatus.ACTIVE,
            col(Absence.end).is_(None) | (col(Absence.end) >= day),
        )
    ):
        # Away from the old school up to the move; not its absence after it.
        a.end = max(a.start, day - dt.timedelta(days=1))
        session.add(a)
    for alert in session.exec(
        select(Alert).where(
            Alert.student_id == student.id, Alert.school_id == old, col(Alert.status).in_(LIVE_ALERT_STATES)
        )
    ):
        alert.status, alert.closed_on = AlertStatus.CLOSED, day
        session.add(alert)
        assert alert.id is not None
        why = f"已转学（转入 {where}），预警关闭" if where else "已转学，预警关闭"
        session.add(
            AlertEvent(alert_id=alert.id, kind=AlertEventKind.CLOSED, at=now, text=why, by=by, inbound_id=inbound_id)
        )
        closed.append((alert.id, why))
    bump_roster_version(session, old)
    return closed


class TransferError(Exception):
    pass


@dataclass
class TransferReport:
    student_id: str
    name: str
    from_school: str
    to_school: str | None  # None: out of this deployment
    destination: str
    closed_alerts: list[tuple[int, str]]


def transfer_student(
    session: Session,
    student_id: str,
    day: dt.date,
    *,
    to_school: str | None = None,
    destination: str = "",
    class_name: str | None = None,
    by: str | None = None,
    inbound_id: int | None = None,
) -> TransferReport:
    """Move a student to another school of this deployment (``to_school``), or out of it
    (``destination`` names where, for the 台账). Their records stay the old school's.
    ``by`` / ``inbound_id``: who told it in chat, and the message (on the case's close)."""
    student = session.get(Student, student_id)
    if student is None:
        raise TransferError(f"没有学籍号 {student_id} 的学生")
    if not student.active:
        raise TransferError(f"学籍号 {student_id}（{student.name}）已经不在册（{student.left_on} 离校），无需再办转学")
    if to_school is not None and session.get(School, to_school) is None:
        raise TransferError(f"不认识学校 id “{to_school}”")
    if to_school == student.school_id:
        raise TransferError(f"{student.name} 已经在这所学校")
    from_school = student.school_id
    now = dt.datetime.combine(day, dt.time(), dt.UTC)
    closed = _transfer(session, student, to_school, day, now, destination, by, inbound_id)
    if to_school is None:
        student.active, student.left_on = False, day
    else:
        student.school_id = to_school
        student.class_name = class_name or student.class_name
        session.add(Enrolment(student_id=student.id, school_id=to_school, class_name=student.class_name, joined_on=day))
        bump_roster_version(session, to_school)
    student.updated_at = now
    session.add(student)
    session.flush()
    return TransferReport(student.id, student.name, from_school, to_school, destination, closed)


def add_student(
    session: Session,
    school_id: str,
    student_id: str,
    name: str,
    class_name: str,
    gender: str,
    joined_on: dt.date,
) -> Student:
    """One new child on this school's roll (a transfer in told in chat): a new row, or the
    row of a child who left a school (this one or another) and now joins this one; an
    enrolment opens on ``joined_on``. A 学籍号 on another school's roll now is a transfer
    (``transfer_student(..., to_school=school_id)``), not this."""
    ref = parse_class_name(class_name)
    if ref is None:
        raise TransferError(f"认不出班级“{class_name}”")
    class_name = ref.canonical()
    now = dt.datetime.combine(joined_on, dt.time(), dt.UTC)
    student = session.get(Student, student_id)
    if student is not None and student.active:
        other = session.get(School, student.school_id)
        where = "本校" if student.school_id == school_id else (other.name if other else student.school_id)
        raise TransferError(f"学籍号 {student_id}（{student.name}）已在{where}的名单上（{student.class_name}）")
    if student is None:
        grade = class_name[: class_name.index("年级") + 2]
        student = Student(
            id=student_id, school_id=school_id, name=name, class_name=class_name, gender=gender, grade=grade
        )
    else:
        # Back on a roll: the 学籍 row keeps what it held; the class (and the gender, when said) are new.
        student.school_id, student.class_name, student.active, student.left_on = school_id, class_name, True, None
        student.gender = gender or student.gender
    student.updated_at = now
    session.add(student)
    known = session.exec(
        select(SchoolClass.id).where(SchoolClass.school_id == school_id, SchoolClass.name == class_name)
    ).first()
    if known is None:
        session.add(SchoolClass(school_id=school_id, name=class_name, grade=ref.grade, number=ref.number))
    session.flush()
    session.add(Enrolment(student_id=student_id, school_id=school_id, class_name=class_name, joined_on=joined_on))
    bump_roster_version(session, school_id)
    session.flush()
    return student
