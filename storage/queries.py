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
from storage.enums import LIVE_ALERT_STATES, AlertEventKind, AlertStatus, RecordStatus
from storage.models import Absence, Alert, AlertEvent, Enrolment, Room, School, SchoolClass, Staff, Student

_STUDENT_FIELDS = ("name", "class_name", "gender", "grade", "guardian", "phone", "boarding", "poverty", "left_behind")


def load_roster(session: Session, school_id: str) -> Roster:
    rows = session.exec(select(Student).where(Student.school_id == school_id, col(Student.active)))
    return Roster(to_record(r) for r in rows)


def to_record(row: Student) -> RosterEntry:
    return RosterEntry(student_id=row.id, school_id=row.school_id, **{f: getattr(row, f) for f in _STUDENT_FIELDS})


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
    transferred: list[tuple[str, str]] = field(default_factory=list)  # (学籍号, the school they came from)
    closed_alerts: list[tuple[int, str]] = field(default_factory=list)  # (alert id, why): to be announced


def import_roster(
    session: Session,
    school_id: str,
    students: list[RosterEntry],
    today: dt.date | None,
    progress: Callable[[int, int], object] | None = None,
) -> ImportReport:
    """Upsert by 学籍号. A student no longer listed is marked as left, never deleted.

    The 学籍号 is national: one already on another school's roll is a transfer (转学). It
    leaves that school on ``today`` (its open absences there end the day before, its open
    case closes) and joins this one; the other school's records stay the other school's.
    """
    report = ImportReport()
    existing = {s.id: s for s in session.exec(select(Student).where(Student.school_id == school_id))}
    listed = [rec.student_id for rec in students]
    elsewhere = {
        s.id: s
        for chunk in _chunks(listed, 500)
        for s in session.exec(select(Student).where(col(Student.id).in_(chunk), Student.school_id != school_id))
    }
    now = dt.datetime.now(dt.UTC) if today is None else dt.datetime.combine(today, dt.time(), dt.UTC)
    joined: list[Enrolment] = []  # added after the students: no ORM relationship orders the inserts
    for i, rec in enumerate(students, start=1):
        if progress and i % 500 == 0:
            progress(i, len(students))
        values = {f: getattr(rec, f) for f in _STUDENT_FIELDS}
        row = existing.pop(rec.student_id, None)
        if row is None and (moving := elsewhere.get(rec.student_id)) is not None:
            report.transferred.append((rec.student_id, moving.school_id))
            report.closed_alerts += _transfer(session, moving, school_id, today, now)
            for f, v in values.items():
                setattr(moving, f, v)
            moving.school_id, moving.active, moving.left_on, moving.updated_at = school_id, True, None, now
            session.add(moving)
            joined.append(
                Enrolment(student_id=rec.student_id, school_id=school_id, class_name=rec.class_name, joined_on=today)
            )
            continue
        if row is None:
            session.add(Student(id=rec.student_id, school_id=school_id, updated_at=now, **values))
            joined.append(
                Enrolment(student_id=rec.student_id, school_id=school_id, class_name=rec.class_name, joined_on=today)
            )
            report.added.append(rec.student_id)
            continue
        changed = any(getattr(row, f) != v for f, v in values.items())
        if not row.active:
            row.active, row.left_on = True, None
            report.rejoined.append(rec.student_id)
            joined.append(
                Enrolment(student_id=rec.student_id, school_id=school_id, class_name=rec.class_name, joined_on=today)
            )
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
            _close_enrolment(session, row.id, school_id, today, "离校")
            report.left.append(row.id)
    session.flush()
    session.add_all(joined)
    if progress:
        progress(len(students), len(students))
    return report


def _chunks(items: list[str], n: int) -> list[list[str]]:
    return [items[i : i + n] for i in range(0, len(items), n)]


def _close_enrolment(session: Session, student_id: str, school_id: str, day: dt.date | None, why: str) -> None:
    for e in session.exec(
        select(Enrolment).where(
            Enrolment.student_id == student_id, Enrolment.school_id == school_id, col(Enrolment.left_on).is_(None)
        )
    ):
        e.left_on, e.left_why = day, why
        session.add(e)


def _transfer(
    session: Session, student: Student, to_school: str, day: dt.date | None, now: dt.datetime
) -> list[tuple[int, str]]:
    """The student leaves their school for ``to_school`` on ``day``; the alerts it closed."""
    old = student.school_id
    _close_enrolment(session, student.id, old, day, "转学")
    dest = session.get(School, to_school)  # the 台账 names the school, not its id
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
        why = f"已转学（转入 {dest.name if dest else to_school}），预警关闭"
        session.add(AlertEvent(alert_id=alert.id, kind=AlertEventKind.CLOSED, at=now, text=why))
        closed.append((alert.id, why))
    return closed
