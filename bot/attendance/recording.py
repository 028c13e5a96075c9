"""Turning what the parser understood into ledger rows, and taking it back.

The handlers decide who may do what and what to say; this module holds what a report
does to the ledger, so the attendance handler, the answers to "which 王小明?", the
head teacher's 同意 on a parent's leave request and the corrections all record alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import Session, col, func, or_, select

from bot.attendance import ledger
from bot.attendance.alerts import AlertChange, check_alerts
from bot.attendance.parsing import ParseResult
from bot.school.config import StaffMember
from bot.school.context import SchoolContext
from bot.school.roster import Roster
from bot.school.roster_file import RosterEntry
from storage.enums import RecordStatus, ReportKind
from storage.models import Absence, ClassReport, InboundMessage

UNDO_WINDOW = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class Line:
    """One student's part of a confirmation."""

    class_name: str
    name: str
    action: str  # absence | return | closed_by_rollcall | not_absent
    kind: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    reason: str = ""


@dataclass
class Outcome:
    lines: list[Line] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    student_ids: list[str] = field(default_factory=list)
    alert_changes: list[AlertChange] = field(default_factory=list)  # for the handler to announce

    def add(self, student: RosterEntry, line: Line) -> None:
        self.lines.append(line)
        if student.student_id not in self.student_ids:
            self.student_ids.append(student.student_id)


def absence_line(
    student: RosterEntry, kind: str, start: dt.date | None, end: dt.date | None, reason: str | None
) -> Line:
    return Line(student.class_name, student.name, "absence", kind, start, end, reason or "")


def record_absence(
    session: Session,
    out: Outcome,
    student: RosterEntry,
    *,
    kind: str,
    start: dt.date,
    end: dt.date | None,
    reason: str | None,
    by: str,
    inbound_id: int | None,
    now: dt.datetime,
) -> None:
    assert student.school_id, student  # entries come from a school's roster
    change = ledger.record_absence(
        session,
        school_id=student.school_id,
        student_id=student.student_id,
        kind=kind,
        start=start,
        end=end,
        reason=reason or "",
        reported_by=by,
        inbound_id=inbound_id,
        now=now,
    )
    out.add(student, absence_line(student, kind, change.start, change.end, change.reason))


def record_return(
    session: Session,
    out: Outcome,
    student: RosterEntry,
    *,
    day: dt.date,
    by: str,
    inbound_id: int | None,
    now: dt.datetime,
    action: str = "return",
) -> None:
    assert student.school_id, student
    change = ledger.record_return(
        session,
        school_id=student.school_id,
        student_id=student.student_id,
        day=day,
        reported_by=by,
        inbound_id=inbound_id,
        now=now,
        action=action,
    )
    out.add(student, Line(student.class_name, student.name, action if change else "not_absent", start=day))


def class_of_report(result: ParseResult, room_class: str | None, by_staff: StaffMember | None) -> str | None:
    """The class a roll-call is about: as written, else the room's, else the sender's own."""
    return result.class_name or room_class or (by_staff.head_of if by_staff else None)


def close_unlisted(
    session: Session,
    out: Outcome,
    roster: Roster,
    class_name: str,
    listed: set[str],
    *,
    day: dt.date,
    by: str,
    inbound_id: int | None,
    now: dt.datetime,
) -> None:
    """A roll-call names who is absent: everyone else of the class is in school today."""
    ids = [s.student_id for s in roster.by_class.get(class_name, []) if s.student_id not in listed]
    if not ids:
        return
    covering = session.exec(
        select(Absence.student_id)
        .where(
            col(Absence.student_id).in_(ids),
            Absence.status == RecordStatus.ACTIVE,
            Absence.start <= day,
            or_(col(Absence.end).is_(None), col(Absence.end) >= day),
        )
        .distinct()
    ).all()
    for sid in sorted(covering):
        record_return(
            session, out, roster.by_id[sid], day=day, by=by, inbound_id=inbound_id, now=now, action="closed_by_rollcall"
        )


def apply_report(
    session: Session,
    school: SchoolContext,
    result: ParseResult,
    *,
    by: str,
    inbound_id: int | None,
    now: dt.datetime,
    day: dt.date,
    room_class: str | None,
    by_staff: StaffMember | None = None,
) -> Outcome:
    """Record a report's absences, returns and roll-call; then check the alert rule."""
    out = Outcome()
    for a in result.absences:
        record_absence(
            session,
            out,
            a.student,
            kind=a.kind,
            start=a.start,
            end=a.end,
            reason=a.reason,
            by=by,
            inbound_id=inbound_id,
            now=now,
        )
    for r in result.returns:
        record_return(session, out, r.student, day=r.date, by=by, inbound_id=inbound_id, now=now)
    listed = {a.student.student_id for a in result.absences} | {
        u_s.student_id for u in result.unresolved for u_s in u.candidates
    }
    roll_class = class_of_report(result, room_class, by_staff) if (result.rollcall or result.others_present) else None
    if roll_class:
        close_unlisted(
            session, out, school.roster(session), roll_class, listed, day=day, by=by, inbound_id=inbound_id, now=now
        )
    touched = {a.student.class_name for a in result.absences if a.start <= day and (a.end is None or a.end >= day)}
    if roll_class:
        rc = result.rollcall
        kind = ReportKind.ALL_PRESENT if (rc and rc.all_present and not result.absences) else ReportKind.ROLLCALL
        ledger.add_class_report(
            session,
            school_id=school.id,
            class_name=roll_class,
            day=day,
            kind=kind,
            reported_by=by,
            inbound_id=inbound_id,
            now=now,
            expected=rc.expected if rc else None,
            present=rc.present if rc else None,
        )
        touched.discard(roll_class)
    for class_name in sorted(touched):
        ledger.add_class_report(
            session,
            school_id=school.id,
            class_name=class_name,
            day=day,
            kind=ReportKind.ABSENCES,
            reported_by=by,
            inbound_id=inbound_id,
            now=now,
        )
    out.classes = ([roll_class] if roll_class else []) + sorted(touched)
    finish(session, school, out, day, now)
    return out


def finish(session: Session, school: SchoolContext, out: Outcome, day: dt.date, now: dt.datetime) -> None:
    """Check the alert rule for the students a report touched; the changes go on ``out``."""
    if out.student_ids:
        session.flush()
        out.alert_changes += check_alerts(session, school, day, now, out.student_ids)


# -- taking a report back --------------------------------------------------------------


def last_report(
    session: Session,
    sender_id: str,
    now: dt.datetime,
    student_ids: Iterable[str] | None = None,
    window: dt.timedelta | None = UNDO_WINDOW,
) -> int | None:
    """The inbound id of the sender's latest message that recorded something (within the window)."""
    ids = list(student_ids) if student_ids is not None else None
    candidates: list[int | None] = []
    q = (
        select(func.max(Absence.inbound_id))
        .join(InboundMessage, col(InboundMessage.id) == Absence.inbound_id)
        .where(InboundMessage.sender_id == sender_id, Absence.status != RecordStatus.UNDONE)
    )
    if window is not None:
        q = q.where(Absence.created_at >= now - window)
    if ids is not None:
        q = q.where(col(Absence.student_id).in_(ids))
    candidates.append(session.exec(q).first())
    if ids is None:
        q = (
            select(func.max(ClassReport.inbound_id))
            .join(InboundMessage, col(InboundMessage.id) == ClassReport.inbound_id)
            .where(InboundMessage.sender_id == sender_id, ClassReport.status != RecordStatus.UNDONE)
        )
        if window is not None:
            q = q.where(ClassReport.created_at >= now - window)
        candidates.append(session.exec(q).first())
    found = [c for c in candidates if c is not None]
    return max(found) if found else None


def undo(
    session: Session,
    school: SchoolContext,
    inbound_id: int,
    day: dt.date,
    now: dt.datetime,
    student_ids: list[str] | None = None,
) -> tuple[list[RosterEntry], list[AlertChange]]:
    """Undo what one message recorded (for some students only, when given): whom it was
    about, and what that did to their alerts."""
    rows = ledger.undo_message(session, inbound_id, student_ids)
    ids = sorted({r.student_id for r in rows})
    changes: list[AlertChange] = []
    if ids:
        session.flush()
        changes = check_alerts(session, school, day, now, ids)
    roster = school.roster(session)
    return [roster.by_id[i] for i in ids if i in roster.by_id], changes


def recent_rows(
    session: Session,
    sender_id: str,
    now: dt.datetime,
    student_id: str | None = None,
    window: dt.timedelta = dt.timedelta(days=3),
) -> list[Absence]:
    """The active rows of the sender's latest report (about one student, when given)."""
    inbound_id = last_report(session, sender_id, now, [student_id] if student_id else None, window)
    if inbound_id is None:
        return []
    q = select(Absence).where(Absence.inbound_id == inbound_id, Absence.status == RecordStatus.ACTIVE)
    if student_id:
        q = q.where(Absence.student_id == student_id)
    return list(session.exec(q.order_by(col(Absence.id))))
