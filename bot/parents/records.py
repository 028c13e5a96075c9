"""A parent's side of the record, as services: their child's day and month, the leave
they asked, and the worries parents voiced (the early warnings on a child's record).

Everything here is about one student the caller has already checked the parent may see
(``guardians.children_of``); nothing here decides who may ask.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from bot.attendance import ledger
from bot.attendance.streak import absent_on
from bot.parents.signals import LABELS
from bot.school.context import SchoolContext
from bot.school.roster_file import RosterEntry
from storage.enums import DayPortion, PendingKind, PendingStatus, RecordStatus, WorryFamily
from storage.models import Absence, ClassReport, InboundMessage, ParentWorry, PendingQuestion

WORDS_KEPT = 60  # of a parent's words, for the head teacher's summary and the record


@dataclass(frozen=True)
class Today:
    student: RosterEntry
    school_day: bool
    kind: str | None  # away today: the absence kind; None: not recorded away
    portion: str | None  # a part day today (late, morning, afternoon)
    class_reported: bool  # the class's head teacher has reported today


def today(session: Session, school: SchoolContext, student: RosterEntry, day: dt.date) -> Today:
    spans = ledger.spans(session, school_id=school.id, since=day, student_ids=[student.student_id])
    kind = absent_on(spans, day).get(student.student_id)
    part = session.exec(
        select(Absence.portion).where(
            Absence.school_id == school.id,
            Absence.student_id == student.student_id,
            Absence.status == RecordStatus.ACTIVE,
            Absence.portion != DayPortion.FULL,
            Absence.start == day,
        )
    ).first()
    reported = (
        session.exec(
            select(ClassReport.id).where(
                ClassReport.school_id == school.id,
                ClassReport.class_name == student.class_name,
                ClassReport.day == day,
                ClassReport.status == RecordStatus.ACTIVE,
            )
        ).first()
        is not None
    )
    return Today(student, school.calendar.is_school_day(day), kind, part, reported or kind is not None)


@dataclass(frozen=True)
class Month:
    student: RosterEntry
    first: dt.date
    day: dt.date
    by_kind: dict[str, int]  # whole school days away by kind, this month up to ``day``
    part_days: int

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


def month(session: Session, school: SchoolContext, student: RosterEntry, day: dt.date) -> Month:
    first = day.replace(day=1)
    spans = ledger.spans(session, school_id=school.id, since=first, student_ids=[student.student_id])
    by_kind: dict[str, int] = {}
    d = first
    while d <= day:
        if school.calendar.is_school_day(d) and (kind := absent_on(spans, d).get(student.student_id)):
            by_kind[kind] = by_kind.get(kind, 0) + 1
        d += dt.timedelta(days=1)
    parts = [
        r
        for r in ledger.part_days(session, school_id=school.id, day=first, upto=day)
        if r.student_id == student.student_id
    ]
    return Month(student, first, day, by_kind, len(parts))


@dataclass(frozen=True)
class LeaveAsked:
    name: str
    start: dt.date
    end: dt.date | None
    kind: str
    state: str  # waiting | approved | declined | expired
    asked_at: dt.datetime


def leaves_asked(
    session: Session, parent_id: str, student_ids: list[str], now: dt.datetime, days: int = 14
) -> list[LeaveAsked]:
    """The leave this parent asked for these children lately, newest first, with its state."""
    rows = session.exec(
        select(PendingQuestion)
        .where(
            PendingQuestion.kind == PendingKind.LEAVE_APPROVAL,
            PendingQuestion.created_at >= now - dt.timedelta(days=days),
        )
        .order_by(col(PendingQuestion.id).desc())
    ).all()
    out = []
    for q in rows:
        data = json.loads(q.payload)
        if data.get("parent_id") != parent_id or data.get("student_id") not in student_ids:
            continue
        expires = q.expires_at if q.expires_at.tzinfo else q.expires_at.replace(tzinfo=dt.UTC)
        state = {
            PendingStatus.ANSWERED: "approved",
            PendingStatus.DECLINED: "declined",
        }.get(PendingStatus(q.status), "expired" if expires < now or q.status != PendingStatus.OPEN else "waiting")
        out.append(
            LeaveAsked(
                data["name"],
                dt.date.fromisoformat(data["start"]),
                dt.date.fromisoformat(data["end"]) if data.get("end") else None,
                data["kind"],
                state,
                q.created_at,
            )
        )
    return out


# -- worries ------------------------------------------------------------------------------


def record_worry(
    session: Session,
    school: SchoolContext,
    *,
    family: WorryFamily,
    student: RosterEntry | None,
    class_name: str | None,
    sender_id: str,
    sender_name: str,
    relation: str,
    about_other: bool,
    room_topic: str | None,
    words: str,
    day: dt.date,
    inbound_id: int | None,
    now: dt.datetime,
) -> ParentWorry:
    row = ParentWorry(
        school_id=school.id,
        student_id=student.student_id if student else None,
        class_name=student.class_name if student else class_name,
        family=family,
        sender_id=sender_id,
        sender_name=sender_name,
        relation=relation,
        about_other=about_other,
        room_topic=room_topic,
        words=short_words(words),
        day=day,
        inbound_id=inbound_id,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def short_words(text: str, limit: int = WORDS_KEPT) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _active() -> ColumnElement[bool]:
    return col(ParentWorry.status) == RecordStatus.ACTIVE


@dataclass(frozen=True)
class WorryView:
    class_name: str | None
    name: str | None  # the child, when the parent's words said which
    label: str  # 不想上学, 要外出打工 …
    about_other: bool
    day: dt.date | None = None


def worries_on(session: Session, school: SchoolContext, day: dt.date) -> list[WorryView]:
    """The worries parents voiced on a day (the digest's 家长反映 line), by class."""
    return worries_between(session, school, day, day)


def worries_between(
    session: Session, school: SchoolContext, start: dt.date, end: dt.date, classes: set[str] | None = None
) -> list[WorryView]:
    """The worries parents voiced from ``start`` to ``end`` (a staff question: 家长反映), by class;
    ``classes``: only theirs (a head teacher's)."""
    q = select(ParentWorry).where(
        ParentWorry.school_id == school.id, col(ParentWorry.day) >= start, col(ParentWorry.day) <= end, _active()
    )
    rows = [w for w in session.exec(q).all() if classes is None or w.class_name in classes]
    roster = school.roster(session)
    out = [
        WorryView(
            w.class_name,
            roster.by_id[w.student_id].name if w.student_id in roster.by_id else None,
            LABELS.get(w.family, w.family),
            w.about_other,
            w.day,
        )
        for w in sorted(rows, key=lambda w: (w.class_name or "", w.id or 0))
    ]
    return out


def worries_of(session: Session, school: SchoolContext, student_id: str) -> list[ParentWorry]:
    """A student's early warnings from parents, oldest first (for ``X 记录``)."""
    return list(
        session.exec(
            select(ParentWorry)
            .where(ParentWorry.school_id == school.id, ParentWorry.student_id == student_id, _active())
            .order_by(col(ParentWorry.id))
        )
    )


def message_words(session: Session, inbound_id: int | None) -> str:
    row = session.get(InboundMessage, inbound_id) if inbound_id else None
    return row.text if row else ""
