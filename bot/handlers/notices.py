"""School notices: "通知 各班家长群：…" by DM → a preview → 发送 posts it to each group once;
parents' 收到 counted per class; "通知情况" shows who knows.

The author is a principal or vice principal (any class, or every class), or a head
teacher (their own class's group). Posting goes through the outbox under a key per
notice and group, so a repeated 发送, a restart or a second process never posts twice;
flood control spaces the posts (a notice waits for its group's token, never dropped).
"""

from __future__ import annotations

import re

from bot.chat import pending
from bot.chat.app import App, Context
from bot.chat.outbox import Recipient
from bot.parents import notices
from bot.school.classnames import find_classes
from storage.enums import NoticeStatus, PendingKind, PendingStatus, Role, RoomKind, SenderKind
from storage.models import Notice, PendingQuestion

NOTICE = re.compile(
    r"^\s*(?:发|发个|发一条)?通知\s*(?:到|给)?\s*(?P<target>各班家长群|全校家长群|所有家长群|各班|(?P<cls>\S{2,12}?)家长群)\s*[:：]\s*(?P<text>\S.*)$",
    re.S,
)
SEND = re.compile(r"^\s*(?:发送|确认发送|发吧|发出)\s*[。.!！]?\s*$")
CANCEL = re.compile(r"^\s*(?:取消|不发了|作废|取消发送)\s*[。.!！]?\s*$")
STATUS = re.compile(r"^\s*(?:通知情况|通知知晓情况|通知回执|谁没回收到)\s*[?？]?\s*$")
LEADERS = (Role.PRINCIPAL, Role.VICE_PRINCIPAL)


def _is_leader(ctx: Context) -> bool:
    return ctx.sender.staff is not None and any(ctx.sender.staff.has(r) for r in LEADERS)


def notice_asked(ctx: Context) -> re.Match[str] | None:
    return NOTICE.match(ctx.text)


def on_notice(ctx: Context, m: re.Match[str]) -> None:
    staff = ctx.sender.staff
    assert staff is not None
    if m.group("cls"):
        found = find_classes(m.group("cls"))
        if len(found) != 1:
            ctx.reply("notices/not_allowed.j2", why="no_class", name=m.group("cls"))
            return
        target = found[0].ref.canonical()
    else:
        target = "*"
    if not _is_leader(ctx) and (target == "*" or target != staff.head_of):
        ctx.reply("notices/not_allowed.j2", why="not_yours", own=staff.head_of)
        return
    rooms = notices.rooms_for(ctx.app.rooms.of_school(ctx.session, ctx.school.id, RoomKind.PARENTS), target)
    if not rooms:
        ctx.reply("notices/not_allowed.j2", why="no_rooms", name=target)
        return
    n = notices.draft(ctx.session, ctx.school, by=ctx.sender.id, target=target, text=m.group("text"), now=ctx.now)
    pending.ask(
        ctx.session,
        kind=PendingKind.NOTICE_SEND,
        ask_to=ctx.sender.id,
        room=None,
        payload={"notice_id": n.id},
        now=ctx.now,
        ttl=ctx.app.pending_ttl * 4,
    )
    ctx.reply("notices/preview.j2", notice=n, rooms=rooms)


def send_answer(ctx: Context) -> PendingQuestion | None:
    if not (SEND.match(ctx.text) or CANCEL.match(ctx.text)):
        return None
    q = pending.latest(ctx.session, ctx.sender.id, None, (PendingKind.NOTICE_SEND,))
    return q if q is not None and not pending.is_expired(q, ctx.now) else None


def on_send(ctx: Context, q: PendingQuestion) -> None:
    n = ctx.session.get(Notice, pending.payload(q)["notice_id"])
    if n is None or n.status != NoticeStatus.DRAFT:
        pending.close(ctx.session, q, PendingStatus.EXPIRED)
        return
    if CANCEL.match(ctx.text):
        pending.close(ctx.session, q, PendingStatus.DECLINED)
        n.status = NoticeStatus.CANCELLED
        ctx.session.add(n)
        ctx.reply("notices/cancelled.j2")
        return
    pending.close(ctx.session, q)
    rooms = notices.rooms_for(ctx.app.rooms.of_school(ctx.session, ctx.school.id, RoomKind.PARENTS), n.target)
    posted, skipped = [], []
    for b in rooms:
        if notices.already_had(ctx.session, ctx.school, b.room_id, n.text):
            skipped.append(b)
            continue
        ctx.app.queue(
            ctx.session,
            ctx.school,
            f"notice:{n.id}:{b.room_id}",
            Recipient(room=b.room_id),
            "notices/notice.j2",
            notice=n,
        )
        posted.append(b)
    notices.mark_sent(ctx.session, n, [b.room_id for b in posted], ctx.now)
    ctx.reply("notices/sent.j2", posted=posted, skipped=skipped)


def ack(ctx: Context) -> Notice | None:
    if not notices.is_ack(ctx.text) or ctx.where.room_id is None:
        return None
    return notices.latest_in_room(ctx.session, ctx.where.room_id, ctx.now)


def on_ack(ctx: Context, n: Notice) -> None:
    binding = ctx.app.rooms.get(ctx.session, ctx.where.room_id)
    if binding is not None:
        notices.record_ack(ctx.session, n, binding, ctx.sender.id, ctx.now)
    # nothing said: a group's 收到 needs no answer


def status_asked(ctx: Context) -> bool:
    return bool(STATUS.match(ctx.text))


def on_status(ctx: Context, _m: object) -> None:
    n = notices.latest_sent(ctx.session, ctx.school)
    if n is None:
        ctx.reply("notices/status.j2", view=None, own=None)
        return
    rooms = ctx.app.rooms.of_school(ctx.session, ctx.school.id, RoomKind.PARENTS)
    view = notices.status(ctx.session, ctx.school, n, rooms)
    own = None if _is_leader(ctx) else (ctx.sender.staff.head_of if ctx.sender.staff else None)
    # the families who have not acknowledged are named only to their head teacher, by DM
    names = own is not None and ctx.where.is_direct
    ctx.reply("notices/status.j2", view=view, own=own, names=names)


def register(app: App) -> None:
    dm, staff = {RoomKind.DIRECT}, {SenderKind.STAFF}
    app.add_handler(on_send, name="notice_send", rooms=dm, senders=staff, match=send_answer)
    app.add_handler(on_notice, name="notice", rooms=dm, senders=staff, match=notice_asked)
    app.add_handler(
        on_status,
        name="notice_status",
        rooms={RoomKind.DIRECT, RoomKind.STAFF, RoomKind.LEADERS},
        senders=staff,
        match=status_asked,
    )


def register_acks(app: App) -> None:
    app.add_handler(
        on_ack, name="notice_ack", rooms={RoomKind.PARENTS}, senders={SenderKind.PARENT, SenderKind.STRANGER}, match=ack
    )
