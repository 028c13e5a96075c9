"""Questions the bot asked and waits on: which 王小明? approve this leave? which topic?

Mostly one open question of a kind per (person, place): a new question replaces an older
one there, so a stray "2" never answers something long forgotten. "Which student?"
questions are the exception (``replace=False``): two reports in a row may each leave
one, and each is kept until answered.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select, update

from storage.enums import PendingStatus
from storage.models import PendingQuestion

_DIGIT = re.compile(r"^\s*(?:第\s*)?([0-9０-９一二三四五六七八九十]{1,2})\s*(?:个|号)?\s*[.。,，!！]?\s*$")
_CN = {c: i for i, c in enumerate("零一二三四五六七八九十")}


def ask(
    session: Session,
    *,
    kind: str,
    ask_to: str,
    room: str | None,
    payload: dict[str, Any],
    now: dt.datetime,
    ttl: dt.timedelta,
    replace: bool = True,
) -> PendingQuestion:
    if replace:
        _replace(session, kind=kind, ask_to=ask_to, room=room)
    q = PendingQuestion(
        kind=kind,
        ask_to=ask_to,
        room=room,
        payload=json.dumps(payload, ensure_ascii=False),
        created_at=now,
        expires_at=now + ttl,
    )
    session.add(q)
    return q


def _replace(session: Session, *, kind: str, ask_to: str, room: str | None) -> None:
    session.exec(
        update(PendingQuestion)
        .where(
            col(PendingQuestion.ask_to) == ask_to,
            col(PendingQuestion.status) == PendingStatus.OPEN,
            col(PendingQuestion.kind) == kind,
            _in_room(room),
        )
        .values(status=PendingStatus.REPLACED)
    )


def latest(
    session: Session, ask_to: str, room: str | None, kinds: tuple[str, ...], since: dt.datetime | None = None
) -> PendingQuestion | None:
    """The newest open question to this person in this place (expired ones included)."""
    q = select(PendingQuestion).where(
        PendingQuestion.ask_to == ask_to,
        PendingQuestion.status == PendingStatus.OPEN,
        col(PendingQuestion.kind).in_(kinds),
        _in_room(room),
    )
    if since is not None:
        q = q.where(PendingQuestion.created_at >= since)
    return session.exec(q.order_by(col(PendingQuestion.id).desc()).limit(1)).first()


def open_here(
    session: Session,
    ask_to: str,
    room: str | None,
    kinds: tuple[str, ...],
    since: dt.datetime,
    anywhere: bool = False,
) -> list[PendingQuestion]:
    """Every open question to this person in this place since ``since``, newest first
    (``anywhere``: wherever it was asked — a teacher may answer a group's question privately)."""
    q = select(PendingQuestion).where(
        PendingQuestion.ask_to == ask_to,
        PendingQuestion.status == PendingStatus.OPEN,
        col(PendingQuestion.kind).in_(kinds),
        PendingQuestion.created_at >= since,
    )
    if not anywhere:
        q = q.where(_in_room(room))
    return list(session.exec(q.order_by(col(PendingQuestion.id).desc())))


def all_open(session: Session, ask_to: str, kind: str, now: dt.datetime) -> list[PendingQuestion]:
    return list(
        session.exec(
            select(PendingQuestion)
            .where(
                PendingQuestion.ask_to == ask_to,
                PendingQuestion.status == PendingStatus.OPEN,
                PendingQuestion.kind == kind,
                PendingQuestion.expires_at >= now,
            )
            .order_by(col(PendingQuestion.id))
        )
    )


def _in_room(room: str | None) -> ColumnElement[bool]:
    """Asked in this room, or (None) by direct message."""
    return col(PendingQuestion.room).is_(None) if room is None else col(PendingQuestion.room) == room


def about(questions: list[PendingQuestion], name: str | None) -> list[PendingQuestion]:
    """The questions about ``name`` ("同意蒋天佑", "已查验王小明"); all of them when no name
    is given or none is about it (the answer then asks which)."""
    if not name:
        return questions
    return [q for q in questions if payload(q).get("name") == name] or questions


def payload(q: PendingQuestion) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(q.payload)
    return data


def close(session: Session, q: PendingQuestion, status: str = PendingStatus.ANSWERED) -> None:
    q.status = status
    session.add(q)


def is_expired(q: PendingQuestion, now: dt.datetime) -> bool:
    expires = q.expires_at if q.expires_at.tzinfo else q.expires_at.replace(tzinfo=dt.UTC)
    return expires < now


def choice_number(text: str) -> int | None:
    """'2' / '２' / '第2个' / '二' → 2; anything else None."""
    m = _DIGIT.match(text)
    if not m:
        return None
    token = m.group(1).translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if token.isdigit():
        return int(token)
    if len(token) == 1 and token in _CN:
        return _CN[token]
    return None
