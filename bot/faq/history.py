"""What the FAQ has been asked and answered (FaqQuery rows): logging and the lookups
the group rules need. Functions of a session, no other state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlmodel import Session, col

from storage.models import FaqQuery

TEXT_CAP = 1000
# Reasons that are not "a question the FAQ could not answer".
NOT_QUESTIONS = ("chit_chat", "empty", "child_specific", "off_topic", "chatter", "repeat")


def log(
    session: Session,
    *,
    at: dt.datetime,
    school_id: str | None = None,
    sender_id: str,
    room: str | None,  # the room's id: two schools' groups may share a name
    text: str,
    topic: str | None,
    score: float,
    answered: bool,
    reason: str,
) -> FaqQuery:
    row = FaqQuery(
        at=at,
        school_id=school_id,
        sender_id=sender_id,
        room=room,
        text=text[:TEXT_CAP],
        topic=topic,
        score=round(float(score), 4),
        answered=answered,
        reason=reason,
    )
    session.add(row)
    session.flush()
    return row


def last_answer(session: Session, room: str, topic: str, since: dt.datetime) -> FaqQuery | None:
    """The newest full answer of ``topic`` in ``room`` since ``since`` (pointers excluded)."""
    return (
        session.execute(
            select(FaqQuery)
            .where(
                col(FaqQuery.room) == room,
                col(FaqQuery.topic) == topic,
                col(FaqQuery.answered).is_(True),
                col(FaqQuery.reason) == "answered",
                col(FaqQuery.at) >= since,
            )
            .order_by(col(FaqQuery.at).desc(), col(FaqQuery.id).desc())
            .limit(1)
        )
        .scalars()
        .first()
    )


def unanswered(session: Session, since: dt.datetime, school_id: str, limit: int = 30) -> list[FaqQuery]:
    """Questions not answered since ``since``, newest first, one per distinct text."""
    rows: Sequence[FaqQuery] = (
        session.execute(
            select(FaqQuery)
            .where(
                col(FaqQuery.at) >= since,
                col(FaqQuery.school_id) == school_id,
                col(FaqQuery.answered).is_(False),
                col(FaqQuery.reason).not_in(NOT_QUESTIONS),
            )
            .order_by(col(FaqQuery.at).desc(), col(FaqQuery.id).desc())
            .limit(limit * 5)
        )
        .scalars()
        .all()
    )
    seen: set[str] = set()
    out: list[FaqQuery] = []
    for row in rows:
        key = row.text.strip()
        if key in seen:
            continue
        seen.add(key)
        out.append(row)
        if len(out) >= limit:
            break
    return out


def get(session: Session, query_id: int | None) -> FaqQuery | None:
    return session.get(FaqQuery, query_id) if query_id else None
