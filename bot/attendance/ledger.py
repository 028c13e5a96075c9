"""The attendance ledger (台账): recording absences and returns, keeping history.

Nothing is deleted or edited in place. A later report about the same student and day
supersedes the earlier row (which stays, marked ``superseded``, pointing at its
replacement); the parts of the earlier absence outside the new report are re-stated as
new rows. Undo marks a message's rows ``undone`` and brings back what they replaced.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, and_, col, or_, select

from bot.attendance.illness.tags import UNKNOWN, tag
from bot.attendance.streak import Span
from storage.enums import AbsenceKind, DayPortion, RecordStatus, ReportKind
from storage.models import Absence, ClassReport, Student

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Change:
    """What one recording did, for the confirmation line and for undo."""

    student_id: str
    action: str  # absence | return | closed_by_rollcall
    kind: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    reason: str = ""
    portion: str = DayPortion.FULL


def illness_tags(kind: str, reason: str, said: str = "") -> tuple[str, str]:
    """The 因病缺课 tags (symptoms, diseases) a sick absence carries (none for other kinds),
    read from what the message said of the child, else from the reason."""
    if kind != AbsenceKind.SICK:
        return "", ""
    tags = tag(said or reason)
    return ",".join(tags.symptoms), ",".join(tags.diseases or (UNKNOWN,))


def _whole_days() -> sa.ColumnElement[bool]:
    return col(Absence.portion) == DayPortion.FULL


def _overlapping(
    session: Session, school_id: str, student_id: str, start: dt.date, end: dt.date | None
) -> list[Absence]:
    q = select(Absence).where(
        Absence.school_id == school_id,
        Absence.student_id == student_id,
        Absence.status == RecordStatus.ACTIVE,
        _whole_days(),
        or_(col(Absence.end).is_(None), col(Absence.end) >= start),
    )
    if end is not None:
        q = q.where(Absence.start <= end)
    return list(session.exec(q.order_by(col(Absence.id))))


def _restate(
    session: Session, old: Absence, start: dt.date, end: dt.date | None, now: dt.datetime, inbound_id: int | None
) -> None:
    # The re-stated part keeps the earlier teacher as its owner but belongs to the new
    # message, so undoing that message removes it along with the rest of what it did.
    if end is not None and end < start:
        return
    session.add(
        Absence(
            school_id=old.school_id,
            student_id=old.student_id,
            kind=old.kind,
            start=start,
            end=end,
            reason=old.reason,
            symptoms=old.symptoms,
            diseases=old.diseases,
            reported_by=old.reported_by,
            inbound_id=inbound_id,
            created_at=now,
        )
    )


def _already_said(
    session: Session, school_id: str, student_id: str, kind: str, start: dt.date, end: dt.date | None
) -> Absence | None:
    """An active row of the same kind that already covers these days."""
    q = select(Absence).where(
        Absence.school_id == school_id,
        Absence.student_id == student_id,
        Absence.status == RecordStatus.ACTIVE,
        Absence.kind == kind,
        _whole_days(),
        Absence.start <= start,
    )
    if end is None:
        # "吴倩还在住院" inside her leave to 12月4日: the leave already says so (its end stays)
        q = q.where(or_(col(Absence.end).is_(None), col(Absence.end) >= start))
    else:
        q = q.where(or_(col(Absence.end).is_(None), col(Absence.end) >= end))
    return session.exec(q.order_by(col(Absence.start)).limit(1)).first()


def _on_leave(session: Session, school_id: str, student_id: str, start: dt.date, end: dt.date | None) -> Absence | None:
    """A sick or personal leave that already covers these days."""
    q = select(Absence).where(
        Absence.school_id == school_id,
        Absence.student_id == student_id,
        Absence.status == RecordStatus.ACTIVE,
        col(Absence.kind).in_([AbsenceKind.SICK, AbsenceKind.PERSONAL]),
        _whole_days(),
        Absence.start <= start,
    )
    if end is None:
        q = q.where(or_(col(Absence.end).is_(None), col(Absence.end) >= start))
    else:
        q = q.where(or_(col(Absence.end).is_(None), col(Absence.end) >= end))
    return session.exec(q.order_by(col(Absence.start)).limit(1)).first()


def record_absence(
    session: Session,
    *,
    school_id: str,
    student_id: str,
    kind: str,
    start: dt.date,
    end: dt.date | None,
    reason: str,
    reported_by: str,
    inbound_id: int | None,
    now: dt.datetime,
    portion: str = DayPortion.FULL,
    overrides_leave: bool = False,
    said: str = "",
) -> Change:
    """``overrides_leave``: a correction may turn a leave into 旷课; a plain "没来" may not
    (the teacher listing a child who is on sick leave is not saying the leave is over)."""
    if portion != DayPortion.FULL:
        return record_part_day(
            session,
            school_id=school_id,
            student_id=student_id,
            kind=kind,
            day=start,
            portion=portion,
            reason=reason,
            reported_by=reported_by,
            inbound_id=inbound_id,
            now=now,
            said=said,
        )
    if kind == AbsenceKind.UNEXCUSED and not reason and not overrides_leave:
        leave = _on_leave(session, school_id, student_id, start, end)
        if leave is not None:
            return Change(student_id, "absence", leave.kind, leave.start, leave.end, leave.reason)
    if (same := _already_said(session, school_id, student_id, kind, start, end)) is not None:
        # "王小明还是没来" on day 3 of an open absence: nothing new to record, and
        # splitting the row would make the ledger say the absence began today.
        return Change(student_id, "absence", kind, same.start, same.end, same.reason)
    symptoms, diseases = illness_tags(kind, reason, said)
    new = Absence(
        school_id=school_id,
        student_id=student_id,
        kind=kind,
        start=start,
        end=end,
        reason=reason,
        symptoms=symptoms,
        diseases=diseases,
        reported_by=reported_by,
        inbound_id=inbound_id,
        created_at=now,
    )
    session.add(new)
    session.flush()
    for old in _overlapping(session, school_id, student_id, start, end):
        if old.id == new.id:
            continue
        old.status, old.superseded_by = RecordStatus.SUPERSEDED, new.id
        session.add(old)
        # Keep what the earlier report said about days before the new one …
        if old.start < start:
            _restate(session, old, old.start, start - ONE_DAY, now, inbound_id)
        # … and after it, but only if the earlier report had a stated end: an open
        # absence that is re-described from some day on is described by the new report.
        if end is not None and old.end is not None and old.end > end:
            _restate(session, old, end + ONE_DAY, old.end, now, inbound_id)
    return Change(student_id, "absence", kind, start, end, reason)


def record_part_day(
    session: Session,
    *,
    school_id: str,
    student_id: str,
    kind: str,
    day: dt.date,
    portion: str,
    reason: str,
    reported_by: str,
    inbound_id: int | None,
    now: dt.datetime,
    said: str = "",
) -> Change:
    """Late, or away for part of ``day``: the child was in school that day, so any
    whole-day absence covering it ends the day before, and the part missed is its own row.
    "周子轩下午回来了" after "周子轩发烧": the morning missed keeps the 病假 and its reason."""
    if kind == AbsenceKind.UNEXCUSED and not reason:
        for row in covering(session, school_id, [student_id], day):
            kind, reason = row.kind, row.reason
    record_return(
        session,
        school_id=school_id,
        student_id=student_id,
        day=day,
        reported_by=reported_by,
        inbound_id=inbound_id,
        now=now,
    )
    for old in session.exec(
        select(Absence).where(
            Absence.school_id == school_id,
            Absence.student_id == student_id,
            Absence.status == RecordStatus.ACTIVE,
            Absence.start == day,
            Absence.portion != DayPortion.FULL,
        )
    ):
        old.status = RecordStatus.SUPERSEDED  # said again: the latest word on the day wins
        session.add(old)
    symptoms, diseases = illness_tags(kind, reason, said)
    session.add(
        Absence(
            school_id=school_id,
            student_id=student_id,
            kind=kind,
            start=day,
            end=day,
            portion=portion,
            reason=reason,
            symptoms=symptoms,
            diseases=diseases,
            reported_by=reported_by,
            inbound_id=inbound_id,
            created_at=now,
        )
    )
    return Change(student_id, "part_day", kind, day, day, reason, portion)


def record_return(
    session: Session,
    *,
    school_id: str,
    student_id: str,
    day: dt.date,
    reported_by: str,
    inbound_id: int | None,
    now: dt.datetime,
    action: str = "return",
) -> Change | None:
    """The student was in school on ``day``: absences covering it end the day before."""
    rows = list(
        session.exec(
            select(Absence).where(
                Absence.school_id == school_id,
                Absence.student_id == student_id,
                Absence.status == RecordStatus.ACTIVE,
                _whole_days(),
                Absence.start <= day,
                or_(col(Absence.end).is_(None), col(Absence.end) >= day),
            )
        )
    )
    if not rows:
        return None
    last = day - ONE_DAY
    for old in rows:
        # The trimmed row still belongs to whoever reported the absence; the message
        # that ended it is kept as inbound_id so that undoing it reopens the absence.
        trimmed = Absence(
            school_id=old.school_id,
            student_id=old.student_id,
            kind=old.kind,
            start=old.start,
            end=last,
            reason=old.reason,
            symptoms=old.symptoms,
            diseases=old.diseases,
            reported_by=old.reported_by,
            inbound_id=inbound_id,
            created_at=now,
        )
        if last >= trimmed.start:
            session.add(trimmed)
            session.flush()
            old.superseded_by = trimmed.id
        else:
            # Back on the first day reported absent: the absence never happened.
            marker = Absence(
                school_id=old.school_id,
                student_id=old.student_id,
                kind=old.kind,
                start=old.start,
                end=old.start,
                reason=old.reason,
                symptoms=old.symptoms,
                diseases=old.diseases,
                reported_by=old.reported_by,
                inbound_id=inbound_id,
                created_at=now,
                status=RecordStatus.SUPERSEDED,
            )
            session.add(marker)
            session.flush()
            old.superseded_by = marker.id
        old.status = RecordStatus.SUPERSEDED
        session.add(old)
    return Change(student_id, action, start=day)


def open_absences(session: Session, school_id: str, student_ids: list[str] | None = None) -> list[Absence]:
    q = select(Absence).where(
        Absence.school_id == school_id,
        Absence.status == RecordStatus.ACTIVE,
        _whole_days(),
        col(Absence.end).is_(None),
    )
    if student_ids is not None:
        q = q.where(col(Absence.student_id).in_(student_ids))
    return list(session.exec(q.order_by(col(Absence.id))))


def add_class_report(
    session: Session,
    *,
    school_id: str,
    class_name: str,
    day: dt.date,
    kind: ReportKind,
    reported_by: str,
    inbound_id: int | None,
    now: dt.datetime,
    expected: int | None = None,
    present: int | None = None,
) -> None:
    session.add(
        ClassReport(
            school_id=school_id,
            class_name=class_name,
            day=day,
            kind=kind,
            expected=expected,
            present=present,
            reported_by=reported_by,
            inbound_id=inbound_id,
            created_at=now,
        )
    )


def spans(
    session: Session,
    *,
    school_id: str | None,
    since: dt.date | None = None,
    student_ids: list[str] | None = None,
    active_students_only: bool = True,
) -> list[Span]:
    """Active whole-day absence rows of one school (None: every school, for county
    figures) as Spans, in one query (for streaks, digests, exports). A late arrival or a
    half day is not a day away: see ``part_days``."""
    # SQLAlchemy's select: sqlmodel's is typed for up to four columns.
    q = sa.select(
        col(Absence.student_id), col(Absence.kind), col(Absence.start), col(Absence.end), col(Absence.id)
    ).where(col(Absence.status) == RecordStatus.ACTIVE, _whole_days())
    if school_id is not None:
        q = q.where(col(Absence.school_id) == school_id)
    if since is not None:
        q = q.where(or_(col(Absence.end).is_(None), col(Absence.end) >= since))
    if student_ids is not None:
        q = q.where(col(Absence.student_id).in_(student_ids))
    if active_students_only:
        q = q.join(Student, and_(col(Student.id) == Absence.student_id, col(Student.active)))
    rows: Sequence[tuple[str, str, dt.date, dt.date | None, int]] = session.execute(q).all()
    return [Span(sid, kind, start, end, order) for sid, kind, start, end, order in rows]


def part_days(session: Session, *, school_id: str, day: dt.date, upto: dt.date | None = None) -> list[Absence]:
    """Late arrivals and part-day absences of a day (or a range), for digests and exports."""
    q = select(Absence).where(
        Absence.school_id == school_id,
        Absence.status == RecordStatus.ACTIVE,
        Absence.portion != DayPortion.FULL,
        Absence.start >= day,
        Absence.start <= (upto or day),
    )
    return list(session.exec(q.order_by(col(Absence.start), col(Absence.id))))


def covering(session: Session, school_id: str, student_ids: list[str], day: dt.date) -> list[Absence]:
    """Active whole-day rows covering ``day`` for these students."""
    if not student_ids:
        return []
    return list(
        session.exec(
            select(Absence).where(
                Absence.school_id == school_id,
                col(Absence.student_id).in_(student_ids),
                Absence.status == RecordStatus.ACTIVE,
                _whole_days(),
                Absence.start <= day,
                or_(col(Absence.end).is_(None), col(Absence.end) >= day),
            )
        )
    )
