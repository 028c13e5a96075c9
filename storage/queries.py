"""Reading and writing the school's standing data (school, classes, staff, rooms, roster)."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from bot.school.classnames import parse_class_name
from bot.school.config import SchoolConfig, SchoolConfigError, roster_problems
from bot.school.roster import Roster
from bot.school.roster_file import STUDENT_FIELDS, RosterEntry
from storage.enums import StaffSource
from storage.models import Room, School, SchoolClass, Staff, Student
from storage.roster_import import ImportReport, import_roster, roster_version

log = logging.getLogger(__name__)
__all__ = ["ImportReport", "import_roster", "load_roster", "sync_school", "to_record"]

# What the running bot uses of a student, in RosterEntry's own order (学籍号 first, then up to
# the school id), so a row is its positional arguments. 身份证号, 出生日期 and 住址 stay in the
# database: no chat shows them.
_PRIVATE = ("id_card", "birth_date", "address")
_ENTRY_FIELDS = [f.name for f in dataclasses.fields(RosterEntry) if f.name not in ("student_id", *_PRIVATE)]


def load_roster(session: Session, school_id: str) -> Roster:
    """The students on the roll now, with the roster version they were read at.

    Plain rows, not ORM objects: a county's 150,000 students load in about a second.
    """
    t = Student.__table__  # type: ignore[attr-defined]
    version = roster_version(session, school_id)
    q = sa.select(t.c.id, *(t.c[f] for f in _ENTRY_FIELDS)).where(t.c.school_id == school_id, t.c.active)
    rows: Iterable[tuple[Any, ...]] = session.execute(q)
    return Roster((RosterEntry(*r) for r in rows), version=version)


def to_record(row: Student) -> RosterEntry:
    return RosterEntry(student_id=row.id, school_id=row.school_id, **{f: getattr(row, f) for f in STUDENT_FIELDS})


def sync_school(
    session: Session, school: SchoolConfig, *, seed_roster: bool = True, topics_as_ids: bool = True
) -> None:
    """Mirror school.toml into the database; seed the roster the first time.

    A configured room with an ``id`` is bound to it. ``topics_as_ids``: on the memory and
    console transports (tests, simulate, ``run`` without WeChat) a room with no id is known
    by its topic; on WeChat it stays unbound until someone binds it, since anyone can give
    any group any name.
    """
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
    staff = {s.wechat_id: s for s in session.exec(select(Staff).where(Staff.school_id == school.id))}
    for member in school.staff:
        s = staff.get(member.wechat_id) or Staff(school_id=school.id, wechat_id=member.wechat_id, name=member.name)
        if s.source == StaffSource.INVITE:
            continue  # bound by an invite code: the code's word is the newer one
        s.name, s.title, s.roles, s.head_of = member.name, member.title, ",".join(member.roles), member.head_of
        session.add(s)
    rooms = {r.topic: r for r in session.exec(select(Room).where(Room.school_id == school.id))}
    taken = {r.room_id: r.school_id for r in session.exec(select(Room).where(col(Room.room_id).is_not(None)))}
    for cfg in school.rooms:
        r = rooms.get(cfg.topic) or Room(school_id=school.id, topic=cfg.topic, kind=cfg.kind)
        r.kind, r.class_name = cfg.kind, cfg.class_name
        # school.toml's id wins; the topic stands in only for a room nobody has bound yet.
        wanted = cfg.id or (cfg.topic if topics_as_ids and r.room_id is None else None)
        if wanted is not None and r.room_id != wanted and taken.get(wanted, school.id) == school.id:
            r.room_id, r.bound_by, r.bound_at = wanted, None, None
            taken[wanted] = school.id
        session.add(r)
    has_students = session.exec(select(Student.id).where(Student.school_id == school.id).limit(1)).first() is not None
    if seed_roster and not has_students and school.roster_path is not None:
        # The first start: the folder's roster, checked against school.toml as `check` does.
        roster = school.roster_file
        problems, _ = roster_problems(school, roster)
        if problems:
            raise SchoolConfigError(problems)
        import_roster(session, school.id, roster.entries, today=None, columns=roster.columns)
    elif seed_roster and not has_students:
        log.warning(
            "%s 还没有学生名单：请把名单放进 %s，或用 schoolbot roster import 导入 / no roster yet",
            school.name,
            school.folder,
        )
    session.commit()
