"""``绑定 123456``: a new staff member binds their chat id with an invite code.

By direct message only. The code is checked across every school of the deployment (a
teacher does not say which school; the code does). A code posted in a group has been
seen by everyone there: it is revoked and the sender told privately. The school's
leaders are told of every binding, so a code that reached the wrong person shows.
"""

from __future__ import annotations

import re

from bot.chat.app import App, Context
from bot.chat.outbox import Recipient
from bot.school import staff
from storage.enums import Role, RoomKind, SenderKind

# A code is six digits standing alone; it is one when the message says so (绑定 123456,
# 我的绑定码是 123456, 邀请码：123456) or, from someone not yet staff by DM, is nothing else.
SIX = re.compile(r"(?<![\dA-Za-z_])\d{6}(?![\dA-Za-z_])")  # not inside a chat id (wxid_123456)
SAYS_CODE = re.compile(r"绑定|码")  # 绑定码, 邀请码, 验证码, 学校给的码
BARE = re.compile(r"^\s*(?:@\S+\s*)?\d{6}\s*[。.!！]?\s*$")
MAX_LEN = 40  # a code comes in a short message, not inside a report
LEADERS = (Role.PRINCIPAL, Role.VICE_PRINCIPAL)


def code_in(ctx: Context) -> str | None:
    text = ctx.text
    codes: list[str] = SIX.findall(text)
    if len(codes) != 1 or len(text) > MAX_LEN:
        return None
    if SAYS_CODE.search(text):
        return codes[0]
    if BARE.match(text) and ctx.where.is_direct and not ctx.sender.is_staff:
        return codes[0]  # six digits alone from staff are something else (a count, an answer)
    return None


def on_code(ctx: Context, code: str) -> None:
    now = ctx.app.clock.now()
    done = staff.redeem(ctx.session, code, ctx.sender.id, now, inbound_id=ctx.inbound.id)
    if done.outcome != staff.Outcome.BOUND:
        words = staff.role_words(done.roles, done.head_of)
        ctx.reply(
            "staff/code_refused.j2", outcome=done.outcome, tries_left=done.tries_left, name=done.name, roles=words
        )
        return
    school = ctx.app.schools.get(done.school_id or "", ctx.school)
    words = staff.role_words(done.roles, done.head_of)
    ctx.reply("staff/bound.j2", name=done.name, school_name=school.name, roles=words, head_of=done.head_of)
    chat_name = ctx.msg.sender_name or ""
    for leader in {s.wechat_id for role in LEADERS for s in school.with_role(role)} - {ctx.sender.id}:
        ctx.send(Recipient(contact=leader), "staff/bound_notice.j2", name=done.name, roles=words, chat_name=chat_name)


def on_code_in_group(ctx: Context, code: str) -> None:
    revoked = staff.revoke_code(ctx.session, code, ctx.app.clock.now(), by=ctx.sender.id)
    ctx.reply_private("staff/code_in_group.j2", revoked=revoked)


def register(app: App) -> None:
    app.add_handler(on_code, name="staff_bind", rooms={RoomKind.DIRECT}, match=code_in)
    app.add_handler(
        on_code_in_group,
        name="staff_code_in_group",
        rooms={RoomKind.PARENTS, RoomKind.STAFF, RoomKind.LEADERS},
        senders={SenderKind.STAFF, SenderKind.PARENT, SenderKind.STRANGER},
        match=code_in,
    )
