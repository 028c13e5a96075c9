"""Groups the bot is in but no school has bound, and binding them.

In an unbound group the bot says nothing, except to staff who @-mention it: how to bind.
A staff member binds a group by writing there ``@保学小助手 绑定 三年级二班家长群`` (the
name the school gave the group in school.toml); a leader of that school, or the head
teacher of that class, confirms by direct message, and from then on the group is that
one, whatever it is renamed to. A teacher's absence report in an unbound group is not
recorded, and the teacher is told so privately: nothing is lost without a word.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlmodel import col, select

from bot.chat import pending, rooms
from bot.chat.app import App, Context
from bot.chat.outbox import Recipient
from bot.school.context import SchoolContext
from storage.enums import PendingKind, PendingStatus, Role, RoomKind, SenderKind
from storage.models import PendingQuestion, Room

BIND = re.compile(r"(?:@\S+\s*)?绑定\s*[:：]?\s*(?P<topic>\S.{0,40}?)\s*$")
CONFIRM = re.compile(r"^(?:同意|确认|可以|好的?|是的?|对)[!！。.]*$")
REFUSE = re.compile(r"^(?:不同意|不是|不对|不行|拒绝|取消)[!！。.]*$")
BIND_TTL = dt.timedelta(days=2)
LEADERS = (Role.PRINCIPAL, Role.VICE_PRINCIPAL)


def register(app: App) -> None:
    # First of all handlers: nothing else may speak in a group no school has bound.
    app.add_handler(on_unbound, name="unbound_room", rooms={RoomKind.UNKNOWN})
    app.add_handler(
        on_confirm, name="room_bind_answer", rooms={RoomKind.DIRECT}, senders={SenderKind.STAFF}, match=bind_question
    )


def _configured(ctx: Context, topic: str) -> list[tuple[SchoolContext, Room]]:
    """The sender's schools that have a group called ``topic``. Someone over several
    schools whose schools share the name writes the school first: ``绑定 石门村完全小学
    三年级二班家长群``."""
    mine = [s for s in ctx.app.schools.values() if s.staff_by_wechat(ctx.sender.id) is not None]

    def room(school: SchoolContext, name: str) -> Room | None:
        return ctx.session.exec(select(Room).where(Room.school_id == school.id, Room.topic == name)).first()

    found = [(s, row) for s in mine if (row := room(s, topic)) is not None]
    if not found:
        named = [(s, topic[len(s.name) :].strip(" ：:的")) for s in mine if topic.startswith(s.name)]
        found = [(s, row) for s, name in named if name and (row := room(s, name)) is not None]
    return found


def _confirmers(school: SchoolContext, room: Room) -> list[str]:
    ids = [s.wechat_id for role in LEADERS for s in school.with_role(role)]
    if room.kind == RoomKind.PARENTS and room.class_name and (ht := school.head_teacher_of(room.class_name)):
        ids.append(ht.wechat_id)
    return list(dict.fromkeys(ids))


def on_unbound(ctx: Context, _m: object) -> None:
    if not ctx.sender.is_staff:
        return  # parents and strangers in a group nobody bound: not a word
    if not ctx.msg.mentioned:
        if ctx.report.absences or ctx.report.returns or ctx.report.rollcall:
            ctx.reply_private("rooms/not_recorded.j2", topic=ctx.msg.room or "")
        return
    m = BIND.search(ctx.text.strip())
    if m is None or ctx.where.room_id is None:
        ctx.reply("rooms/how_to_bind.j2")
        return
    topic = m.group("topic").strip("“”\"'「」 ")
    found = _configured(ctx, topic)
    if not found:
        ctx.reply("rooms/bind_unknown.j2", topic=topic)
        in_order = select(Room).where(Room.school_id == ctx.school.id).order_by(col(Room.id))  # school.toml's order
        names = [r.topic for r in ctx.session.exec(in_order)]
        ctx.reply_private("rooms/bind_choices.j2", topic=topic, names=names)
        return
    if len(found) > 1:  # the same name in several of the sender's schools: never guess
        ctx.reply_private("rooms/bind_which_school.j2", topic=topic, schools=[s.name for s, _ in found])
        return
    school, room = found[0]
    payload = {
        "room_id": ctx.where.room_id,
        "seen_topic": ctx.msg.room or "",
        "school_id": school.id,
        "topic": room.topic,
        "by": ctx.sender.id,
        "by_name": ctx.sender.name,
    }
    # A second person confirms: the one who asked is asked only when nobody else could be.
    confirmers = [c for c in _confirmers(school, room) if c != ctx.sender.id] or [ctx.sender.id]
    for rid in confirmers:
        q = pending.ask(
            ctx.session, kind=PendingKind.ROOM_BIND, ask_to=rid, room=None, payload=payload, now=ctx.now, ttl=BIND_TTL
        )
        q.school_id = school.id
        ctx.app.queue(
            ctx.session,
            school,
            f"room-bind:{ctx.inbound.id}:{rid}",
            Recipient(contact=rid),
            "rooms/bind_confirm.j2",
            **payload,
        )
    ctx.reply("rooms/bind_asked.j2", topic=room.topic)


def bind_question(ctx: Context) -> PendingQuestion | None:
    text = ctx.text.strip()
    if not (CONFIRM.match(text) or REFUSE.match(text)):
        return None
    q = pending.latest(ctx.session, ctx.sender.id, None, (PendingKind.ROOM_BIND, PendingKind.LEAVE_APPROVAL))
    if q is None or q.kind != PendingKind.ROOM_BIND or pending.is_expired(q, ctx.now):
        return None
    return q


def on_confirm(ctx: Context, q: PendingQuestion) -> None:
    data = pending.payload(q)
    # One answer settles it for everyone who was asked.
    for other in ctx.session.exec(
        select(PendingQuestion).where(
            PendingQuestion.kind == PendingKind.ROOM_BIND, PendingQuestion.status == PendingStatus.OPEN
        )
    ):
        if pending.payload(other).get("room_id") == data["room_id"]:
            pending.close(ctx.session, other, PendingStatus.ANSWERED)
    school = ctx.app.schools[data["school_id"]]
    if REFUSE.match(ctx.text.strip()):
        pending.close(ctx.session, q, PendingStatus.DECLINED)
        ctx.reply("rooms/bind_declined.j2", **data)
        return
    rooms.bind(
        ctx.session, school_id=school.id, topic=data["topic"], room_id=data["room_id"], by=ctx.sender.id, now=ctx.now
    )
    ctx.session.flush()
    ctx.app.rooms.invalidate()
    ctx.app.guard.forget(data["room_id"])
    ctx.reply("rooms/bound.j2", **data)
    if data["by"] != ctx.sender.id:
        by = Recipient(contact=data["by"])
        ctx.app.queue(ctx.session, school, f"room-bound:{q.id}:{data['by']}", by, "rooms/bound.j2", **data)
    ctx.app.queue(
        ctx.session, school, f"room-bound:{q.id}:room", Recipient(room=data["room_id"]), "rooms/bound_group.j2", **data
    )
