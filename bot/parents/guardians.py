"""Guardian bindings as services: who a parent's chat id speaks for, proving it, ending it.

A binding is proved by the last 4 digits of the guardian phone on the roster, or by the
class's head teacher (from their side, or confirming when the roster has no phone).
Three wrong answers in a day lock binding for that chat id until a day after the third.
Rows are written on the tracked session, so the change log (and ``schoolbot audit``)
holds every binding and unbinding with the message that caused it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlmodel import Session, col, select

from bot.school.context import SchoolContext
from bot.school.roster_file import RosterEntry
from storage.enums import GuardianStatus, GuardianVia
from storage.models import Guardian, GuardianAttempt

MAX_WRONG = 3
LOCK = dt.timedelta(days=1)


@dataclass(frozen=True)
class Child:
    student: RosterEntry
    relation: str


def children_of(session: Session, school: SchoolContext, chat_id: str) -> list[Child]:
    """The active students this chat id is bound to at this school, in roster order."""
    rows = session.exec(
        select(Guardian).where(
            Guardian.school_id == school.id, Guardian.chat_id == chat_id, Guardian.status == GuardianStatus.ACTIVE
        )
    ).all()
    roster = school.roster(session)
    out = [Child(roster.by_id[g.student_id], g.relation) for g in rows if g.student_id in roster.by_id]
    return sorted(out, key=lambda c: (c.student.class_name, c.student.name))


def is_bound(session: Session, chat_id: str) -> bool:
    """Bound to any child at any school (a parent writing by DM before the school is known)."""
    q = select(Guardian.id).where(Guardian.chat_id == chat_id, Guardian.status == GuardianStatus.ACTIVE)
    return session.exec(q.limit(1)).first() is not None


def school_of_parent(session: Session, chat_id: str) -> str | None:
    q = select(Guardian.school_id).where(Guardian.chat_id == chat_id, Guardian.status == GuardianStatus.ACTIVE)
    return session.exec(q.order_by(col(Guardian.id)).limit(1)).first()


def guardians_of(session: Session, school: SchoolContext, student_id: str) -> list[Guardian]:
    return list(
        session.exec(
            select(Guardian)
            .where(
                Guardian.school_id == school.id,
                Guardian.student_id == student_id,
                Guardian.status == GuardianStatus.ACTIVE,
            )
            .order_by(col(Guardian.id))
        )
    )


def bind(
    session: Session,
    school: SchoolContext,
    student: RosterEntry,
    chat_id: str,
    relation: str,
    *,
    how: GuardianVia,
    now: dt.datetime,
    by: str | None = None,
) -> tuple[Guardian, bool]:
    """Bind (or re-state the relation of) a chat id to a student; True when it is new."""
    for g in guardians_of(session, school, student.student_id):
        if g.chat_id == chat_id:
            if g.relation != relation:
                g.relation = relation
                session.add(g)
            return g, False
    g = Guardian(
        school_id=school.id,
        student_id=student.student_id,
        chat_id=chat_id,
        relation=relation,
        how=how,
        bound_by=by,
        bound_at=now,
    )
    session.add(g)
    session.flush()
    return g, True


def unbind(
    session: Session,
    school: SchoolContext,
    student_id: str,
    *,
    now: dt.datetime,
    why: str,
    chat_id: str | None = None,
    relation: str | None = None,
) -> list[Guardian]:
    """End a student's bindings (all, or the one chat id or relation named); they stay on record."""
    ended = []
    for g in guardians_of(session, school, student_id):
        if chat_id is not None and g.chat_id != chat_id:
            continue
        if relation is not None and g.relation != relation:
            continue
        g.status, g.unbound_at, g.unbound_why = GuardianStatus.UNBOUND, now, why
        session.add(g)
        ended.append(g)
    session.flush()
    return ended


# -- proving it ------------------------------------------------------------------------


def phone_matches(student: RosterEntry | None, digits: str) -> bool:
    """Any phone on the roster line ending in these 4 digits (a line may hold several)."""
    if student is None or not student.phone:
        return False
    phones = [re.sub(r"\D", "", p) for p in re.split(r"[/、,，;；\s]+", student.phone)]
    return any(len(p) >= 4 and p.endswith(digits) for p in phones)


def _wrong_since(session: Session, chat_id: str, now: dt.datetime) -> list[dt.datetime]:
    """The wrong answers of the last day, after the latest right one."""
    rows = session.exec(
        select(GuardianAttempt)
        .where(GuardianAttempt.chat_id == chat_id, GuardianAttempt.at >= now - LOCK)
        .order_by(col(GuardianAttempt.id))
    ).all()
    wrong: list[dt.datetime] = []
    for r in rows:
        wrong = [] if r.ok else [*wrong, r.at]
    return wrong


def locked_until(session: Session, chat_id: str, now: dt.datetime) -> dt.datetime | None:
    wrong = _wrong_since(session, chat_id, now)
    if len(wrong) < MAX_WRONG:
        return None
    third = wrong[MAX_WRONG - 1]
    third = third if third.tzinfo else third.replace(tzinfo=dt.UTC)
    return third + LOCK


def record_attempt(session: Session, chat_id: str, ok: bool, now: dt.datetime) -> int:
    """Log an answer; the tries left before the lock (0: locked now)."""
    session.add(GuardianAttempt(chat_id=chat_id, at=now, ok=ok))
    session.flush()
    return max(0, MAX_WRONG - len(_wrong_since(session, chat_id, now)))
