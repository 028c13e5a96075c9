"""Reading and writing the school's standing data (school, classes, staff, rooms, roster)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from bot.school.classnames import parse_class_name
from bot.school.config import SchoolConfig
from bot.school.roster import Roster
from bot.school.roster_file import RosterEntry
from storage.models import Room, School, SchoolClass, Staff, Student

_STUDENT_FIELDS = ("name", "class_name", "gender", "grade", "guardian", "phone", "boarding", "poverty", "left_behind")


def load_roster(session: Session, school_id: str) -> Roster:
    rows = session.exec(select(Student).where(Student.school_id == school_id, col(Student.active)))
    return Roster(to_record(r) for r in rows)


def to_record(row: Student) -> RosterEntry:
    return RosterEntry(student_id=row.id, **{f: getattr(row, f) for f in _STUDENT_FIELDS})


def sync_school(session: Session, school: SchoolConfig, *, seed_roster: bool = True) -> None:
    """Mirror school.toml into the database; seed the roster the first time."""
    row = session.get(School, school.id) or School(id=school.id, name=school.name)
    row.name, row.timezone = school.name, school.timezone
    session.add(row)
    session.flush()
    classes = {c.name: c for c in session.exec(select(SchoolClass).where(SchoolClass.school_id == school.id))}
    for name in school.classes:
        if name not in classes:
            ref = parse_class_name(name)
            assert ref is not None, name  # roster class names are canonical (read_roster checks them)
            session.add(SchoolClass(school_id=school.id, name=name, grade=ref.grade, number=ref.number))
    staff = {s.wechat_id: s for s in session.exec(select(Staff))}
    for member in school.staff:
        s = staff.get(member.wechat_id) or Staff(school_id=school.id, wechat_id=member.wechat_id, name=member.name)
        s.name, s.title, s.roles, s.head_of = member.name, member.title, ",".join(member.roles), member.head_of
        session.add(s)
    rooms = {r.topic: r for r in session.exec(select(Room))}
    for cfg in school.rooms:
        r = rooms.get(cfg.topic) or Room(school_id=school.id, topic=cfg.topic, kind=cfg.kind)
        r.kind, r.class_name = cfg.kind, cfg.class_name
        session.add(r)
    has_students = session.exec(select(Student.id).where(Student.school_id == school.id).limit(1)).first() is not None
    if seed_roster and not has_students:
        import_roster(session, school.id, school.students, today=None)
    session.commit()


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    rejoined: list[str] = field(default_factory=list)


def import_roster(
    session: Session,
    school_id: str,
    students: list[RosterEntry],
    today: dt.date | None,
    progress: Callable[[int, int], object] | None = None,
) -> ImportReport:
    """Upsert by 学籍号. A student no longer listed is marked as left, never deleted."""
    report = ImportReport()
    existing = {s.id: s for s in session.exec(select(Student).where(Student.school_id == school_id))}
    now = dt.datetime.now(dt.UTC) if today is None else dt.datetime.combine(today, dt.time(), dt.UTC)
    for i, rec in enumerate(students, start=1):
        if progress and i % 500 == 0:
            progress(i, len(students))
        values = {f: getattr(rec, f) for f in _STUDENT_FIELDS}
        row = existing.pop(rec.student_id, None)
        if row is None:
            session.add(Student(id=rec.student_id, school_id=school_id, updated_at=now, **values))
            report.added.append(rec.student_id)
            continue
        changed = any(getattr(row, f) != v for f, v in values.items())
        if not row.active:
            row.active, row.left_on = True, None
            report.rejoined.append(rec.student_id)
            changed = True
        if changed:
            for f, v in values.items():
                setattr(row, f, v)
            row.updated_at = now
            session.add(row)
            report.updated.append(rec.student_id)
        else:
            report.unchanged.append(rec.student_id)
    for row in existing.values():
        if row.active:
            row.active, row.left_on, row.updated_at = False, today, now
            session.add(row)
            report.left.append(row.id)
    if progress:
        progress(len(students), len(students))
    return report
