"""School notices to the parent groups, and who has acknowledged them (services).

A notice is drafted by its author (a principal, vice principal or head teacher), posted
on 发送 to the bound parent groups it names — each group once, and never a group that has
had the same text before — and every parent's acknowledgement (收到, 已阅, 知道了 …) in such
a group afterwards counts once for that notice. ``status`` gives per class the families
who know (by parents bound there who acknowledged) and those who have not.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.chat.rooms import Binding
from bot.school.context import SchoolContext
from bot.school.roster_file import RosterEntry
from storage.enums import GuardianStatus, NoticeStatus
from storage.models import Guardian, Notice, NoticeAck

ACK_WINDOW = dt.timedelta(days=7)  # a 收到 later than this is not about the notice
_ACK = re.compile(
    r"^\s*(?:@\S+\s*)?(?:好的?[，,\s]*)?(?:收到|已收到|收到了|已阅|已读|已看|看到了|知道了|晓得了|晓得|明白了?|了解了?|好的|嗯嗯?|ok|OK|👌|🙏|👍)"
    r"(?:[，,\s]*(?:谢谢|感谢)?(?:老师|学校|校长)?(?:辛苦了?)?)?[!！。.~～\s]*$"
)


def is_ack(text: str) -> bool:
    """ "收到" / "好的收到，谢谢老师" / "已阅": an acknowledgement, nothing asked."""
    return bool(_ACK.match(text))


def draft(session: Session, school: SchoolContext, *, by: str, target: str, text: str, now: dt.datetime) -> Notice:
    n = Notice(school_id=school.id, by=by, target=target, text=text.strip(), created_at=now)
    session.add(n)
    session.flush()
    return n


def rooms_for(bindings: list[Binding], target: str) -> list[Binding]:
    """The bound parent groups a notice names: every class's, or the one class's."""
    return [b for b in bindings if b.class_name and (target == "*" or b.class_name == target)]


def already_had(session: Session, school: SchoolContext, room_id: str, text: str) -> bool:
    sent = session.exec(
        select(Notice.rooms).where(
            Notice.school_id == school.id, Notice.status == NoticeStatus.SENT, Notice.text == text.strip()
        )
    ).all()
    return any(room_id in rooms.split("\n") for rooms in sent)


def mark_sent(session: Session, notice: Notice, room_ids: list[str], now: dt.datetime) -> None:
    notice.status, notice.sent_at, notice.rooms = NoticeStatus.SENT, now, "\n".join(room_ids)
    session.add(notice)


def latest_in_room(session: Session, room_id: str, now: dt.datetime) -> Notice | None:
    rows = session.exec(
        select(Notice)
        .where(Notice.status == NoticeStatus.SENT, col(Notice.sent_at) >= now - ACK_WINDOW)
        .order_by(col(Notice.id).desc())
    ).all()
    return next((n for n in rows if room_id in n.rooms.split("\n")), None)


def record_ack(session: Session, notice: Notice, binding: Binding, sender_id: str, now: dt.datetime) -> bool:
    """Count a parent's acknowledgement once per notice; False when already counted."""
    assert notice.id is not None
    exists = session.exec(
        select(NoticeAck.id).where(NoticeAck.notice_id == notice.id, NoticeAck.sender_id == sender_id)
    ).first()
    if exists is not None:
        return False
    try:
        with session.begin_nested():
            session.add(
                NoticeAck(
                    notice_id=notice.id,
                    room_id=binding.room_id,
                    class_name=binding.class_name,
                    sender_id=sender_id,
                    at=now,
                )
            )
    except IntegrityError:  # another process counted it first
        return False
    return True


@dataclass(frozen=True)
class ClassAwareness:
    class_name: str
    acknowledged: int  # parents who acknowledged in the group (bound or not)
    families: int  # students with a bound parent
    families_known: int  # of them, with a bound parent who acknowledged
    not_known: list[RosterEntry]  # students whose bound parents have not acknowledged


@dataclass(frozen=True)
class NoticeStatusView:
    notice: Notice
    classes: list[ClassAwareness]


def status(session: Session, school: SchoolContext, notice: Notice, rooms: list[Binding]) -> NoticeStatusView:
    acks = session.exec(select(NoticeAck).where(NoticeAck.notice_id == notice.id)).all()
    posted = set(notice.rooms.split("\n"))
    roster = school.roster(session)
    guardians = session.exec(
        select(Guardian).where(Guardian.school_id == school.id, Guardian.status == GuardianStatus.ACTIVE)
    ).all()
    classes = []
    for b in rooms:
        if b.room_id not in posted or not b.class_name:
            continue
        acked = {a.sender_id for a in acks if a.room_id == b.room_id}
        by_student: dict[str, set[str]] = {}
        for g in guardians:
            st = roster.by_id.get(g.student_id)
            if st is not None and st.class_name == b.class_name:
                by_student.setdefault(g.student_id, set()).add(g.chat_id)
        known = {sid for sid, chats in by_student.items() if chats & acked}
        not_known = sorted((roster.by_id[sid] for sid in by_student if sid not in known), key=lambda s: s.name)
        classes.append(ClassAwareness(b.class_name, len(acked), len(by_student), len(known), not_known))
    return NoticeStatusView(notice, classes)


def latest_sent(session: Session, school: SchoolContext) -> Notice | None:
    return session.exec(
        select(Notice)
        .where(Notice.school_id == school.id, Notice.status == NoticeStatus.SENT)
        .order_by(col(Notice.id).desc())
        .limit(1)
    ).first()
