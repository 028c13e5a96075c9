"""Binding a parent to their child: "我是周子轩的妈妈", the phone's last 4 digits, the head
teacher's side (绑定 周子轩 妈妈 wxid… / 解绑 周子轩 妈妈).

A stranger learns nothing of enrolment: whoever is named, the claim gets the same
question, and any answer that does not prove it the same reply. When the roster has no
phone for the child, the class's head teacher is asked by DM to confirm (the parent's
reply does not say so: it is the same conditional sentence every failed try gets).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from bot.chat import pending
from bot.chat.app import App, Context
from bot.chat.outbox import Recipient
from bot.chat.render import local
from bot.parents import guardians, phrases
from bot.school.access import view_of
from bot.school.classnames import find_classes
from bot.school.context import SchoolContext
from bot.school.roster_file import RosterEntry
from storage.enums import GuardianVia, PendingKind, PendingStatus, RoomKind, SenderKind
from storage.models import PendingQuestion

PARENTS = {SenderKind.PARENT, SenderKind.STRANGER}
DIGITS_TTL = dt.timedelta(hours=2)
CONFIRM_TTL = dt.timedelta(days=3)
_ID = r"(?P<chat>[A-Za-z][A-Za-z0-9_\-@.]{2,63})"
STAFF_BIND = re.compile(
    r"^\s*绑定\s*(?P<name>[\u4e00-\u9fff·]{2,5}?)\s*(?:的)?\s*(?P<rel>"
    + phrases._REL
    + r")\s*[:：]?\s*"
    + _ID
    + r"\s*$"
)
STAFF_UNBIND = re.compile(
    r"^\s*(?:解绑|解除绑定|取消绑定)\s*(?P<name>[\u4e00-\u9fff·]{2,5}?)\s*(?:的)?\s*(?:(?P<rel>"
    + phrases._REL
    + r")|"
    + _ID
    + r")?\s*$"
)
CONFIRM = re.compile(
    r"^\s*(?:确认绑定|确认|同意绑定|可以绑定|是的?，?确认)\s*(?P<name>[\u4e00-\u9fff·]{0,5})\s*[。.!！]?\s*$"
)
REFUSE = re.compile(r"^\s*(?:不确认|不绑定|不同意绑定|不是|拒绝绑定)\s*(?P<name>[\u4e00-\u9fff·]{0,5})\s*[。.!！]?\s*$")


def _schools_for(ctx: Context) -> list[SchoolContext]:
    """In a class group its school; by DM every school (a parent has no school until bound)."""
    return [ctx.school] if not ctx.where.is_direct else list(ctx.app.schools.values())


# -- the parent's claim ------------------------------------------------------------------


def claim(ctx: Context) -> phrases.BindingClaim | None:
    if ctx.where.is_parent_room and not ctx.msg.mentioned:
        return None
    return phrases.binding_claim(ctx.text)


def on_claim(ctx: Context, c: phrases.BindingClaim) -> None:
    if until := guardians.locked_until(ctx.session, ctx.sender.id, ctx.now):
        ctx.reply_private("parents/bind_locked.j2", until=local(until, ctx.school.tz))
        return
    candidates: list[list[str]] = []
    for school in _schools_for(ctx):
        cls = ctx.where.class_name if ctx.where.is_parent_room else c.class_text
        for st in school.roster(ctx.session).named(c.name, cls):
            candidates.append([school.id, st.student_id])
    pending.ask(
        ctx.session,
        kind=PendingKind.GUARDIAN_DIGITS,
        ask_to=ctx.sender.id,
        room=None,
        payload={
            "name": c.name,
            "relation": c.relation,
            "candidates": candidates,
            "parent_name": ctx.sender.name,
            "group": ctx.where.topic if ctx.where.is_parent_room else None,
            "teacher_asked": False,
        },
        now=ctx.now,
        ttl=DIGITS_TTL,
    )
    # the same words whoever is named, enrolled or not
    ctx.reply_private("parents/bind_ask_digits.j2", name=c.name, relation=c.relation)


# -- the 4 digits ------------------------------------------------------------------------


def digits_answer(ctx: Context) -> tuple[PendingQuestion | None, str] | None:
    """4 digits answering the question, or (None, digits) from a chat id locked out."""
    digits = phrases.phone_digits(ctx.text)
    if digits is None:
        return None
    q = pending.latest(ctx.session, ctx.sender.id, None, (PendingKind.GUARDIAN_DIGITS,))
    if q is None and guardians.locked_until(ctx.session, ctx.sender.id, ctx.now) is None:
        return None
    return q, digits


def _student(ctx: Context, school_id: str, student_id: str) -> tuple[SchoolContext, RosterEntry] | None:
    school = ctx.app.schools.get(school_id)
    if school is None:
        return None
    st = school.roster(ctx.session).by_id.get(student_id)
    return (school, st) if st is not None else None


def on_digits(ctx: Context, found: tuple[PendingQuestion | None, str]) -> None:
    q, digits = found
    if q is None:
        until = guardians.locked_until(ctx.session, ctx.sender.id, ctx.now)
        ctx.reply_private("parents/bind_locked.j2", until=local(until or ctx.now, ctx.school.tz))
        return
    data = pending.payload(q)
    if pending.is_expired(q, ctx.now):
        pending.close(ctx.session, q, PendingStatus.EXPIRED)
        ctx.reply_private("parents/bind_expired.j2", name=data["name"], relation=data["relation"])
        return
    if until := guardians.locked_until(ctx.session, ctx.sender.id, ctx.now):
        pending.close(ctx.session, q, PendingStatus.EXPIRED)
        ctx.reply_private("parents/bind_locked.j2", until=local(until, ctx.school.tz))
        return
    kids = [k for sid, stid in data["candidates"] if (k := _student(ctx, sid, stid))]
    for school, st in kids:
        if guardians.phone_matches(st, digits):
            guardians.record_attempt(ctx.session, ctx.sender.id, True, ctx.now)
            pending.close(ctx.session, q)
            guardians.bind(ctx.session, school, st, ctx.sender.id, data["relation"], how=GuardianVia.PHONE, now=ctx.now)
            _bound(ctx, school, st, data["relation"], ctx.sender.id)
            return
    left = guardians.record_attempt(ctx.session, ctx.sender.id, False, ctx.now)
    no_phone = [(school, st) for school, st in kids if not st.phone]
    if no_phone and not data.get("teacher_asked"):
        _ask_head_teacher(ctx, no_phone[0], data)
        data["teacher_asked"] = True
        q.payload = json.dumps(data, ensure_ascii=False)
        ctx.session.add(q)
    if left == 0:
        pending.close(ctx.session, q, PendingStatus.EXPIRED)
        until = guardians.locked_until(ctx.session, ctx.sender.id, ctx.now)
        ctx.reply_private("parents/bind_locked.j2", until=local(until or ctx.now, ctx.school.tz))
        return
    ctx.reply_private("parents/bind_wrong.j2", left=left)


def _ask_head_teacher(ctx: Context, kid: tuple[SchoolContext, RosterEntry], data: dict[str, Any]) -> None:
    school, st = kid
    teacher = school.head_teacher_of(st.class_name)
    if teacher is None:
        return
    payload = {
        "school_id": school.id,
        "student_id": st.student_id,
        "name": st.name,
        "relation": data["relation"],
        "parent_id": ctx.sender.id,
        "parent_name": data.get("parent_name") or "",
        "group": data.get("group"),
    }
    q = pending.ask(
        ctx.session,
        kind=PendingKind.GUARDIAN_CONFIRM,
        ask_to=teacher.wechat_id,
        room=None,
        payload=payload,
        now=ctx.now,
        ttl=CONFIRM_TTL,
        replace=False,
    )
    q.school_id = school.id
    ctx.send(Recipient(contact=teacher.wechat_id), "parents/bind_confirm_ask.j2", student=st, **payload)


def _bound(ctx: Context, school: SchoolContext, st: RosterEntry, relation: str, parent_id: str) -> None:
    kids = guardians.children_of(ctx.session, school, parent_id)
    ctx.send(Recipient(contact=parent_id), "parents/bound.j2", student=st, relation=relation, children=kids)


# -- the head teacher confirms (no phone on the roster) ----------------------------------


def confirm_answer(ctx: Context) -> tuple[PendingQuestion, bool] | None:
    m = CONFIRM.match(ctx.text) or REFUSE.match(ctx.text)
    if m is None:
        return None
    waiting = pending.all_open(ctx.session, ctx.sender.id, PendingKind.GUARDIAN_CONFIRM, ctx.now)
    if not waiting:
        return None
    chosen = pending.about(waiting, m.group("name") or None)
    return chosen[-1], bool(CONFIRM.match(ctx.text))


def on_confirm(ctx: Context, found: tuple[PendingQuestion, bool]) -> None:
    q, yes = found
    data = pending.payload(q)
    kid = _student(ctx, data["school_id"], data["student_id"])
    if kid is None:
        pending.close(ctx.session, q, PendingStatus.EXPIRED)
        return
    school, st = kid
    if not yes:
        pending.close(ctx.session, q, PendingStatus.DECLINED)
        ctx.reply("parents/bind_confirm_declined.j2", student=st, **data)
        ctx.send(Recipient(contact=data["parent_id"]), "parents/bind_not_confirmed.j2", teacher=ctx.sender.staff)
        return
    pending.close(ctx.session, q)
    guardians.bind(
        ctx.session,
        school,
        st,
        data["parent_id"],
        data["relation"],
        how=GuardianVia.CONFIRMED,
        now=ctx.now,
        by=ctx.sender.id,
    )
    ctx.reply("parents/staff_bound.j2", student=st, relation=data["relation"], chat_id=data["parent_id"], new=True)
    _bound(ctx, school, st, data["relation"], data["parent_id"])


# -- the head teacher's side -------------------------------------------------------------


def _their_student(ctx: Context, name: str, class_name: str | None = None) -> RosterEntry | str:
    """The student a staff member names, if theirs to bind: the student, or why not."""
    view = view_of(ctx.sender.staff, head_teachers_see_all=ctx.school.rules.head_teachers_see_all)
    bearers = ctx.roster.named(name, class_name)
    found = [s for s in bearers if view.sees(s.class_name)]
    if not found:
        return "not_theirs" if bearers else "no_student"
    if len(found) > 1 and ctx.sender.staff and ctx.sender.staff.head_of:
        found = [s for s in found if s.class_name == ctx.sender.staff.head_of] or found
    return found[0] if len(found) == 1 else "several"


def _with_class(text: str) -> tuple[str, str | None]:
    """ "绑定 三年级二班 周子轩 妈妈 wxid…": the text without its class, and the class."""
    mentions = find_classes(text)
    if len(mentions) != 1:
        return text, None
    m = mentions[0]
    return text[: m.start] + " " + text[m.end :], m.ref.canonical()


def staff_bind(ctx: Context) -> tuple[re.Match[str], str | None] | None:
    text, cls = _with_class(ctx.text)
    m = STAFF_BIND.match(text)
    return (m, cls) if m else None


def on_staff_bind(ctx: Context, found: tuple[re.Match[str], str | None]) -> None:
    m, cls = found
    st = _their_student(ctx, m.group("name"), cls)
    if isinstance(st, str):
        ctx.reply("parents/staff_bind_refused.j2", why=st, name=m.group("name"))
        return
    relation = phrases.RELATIONS[m.group("rel")]
    chat_id = m.group("chat")
    _g, new = guardians.bind(
        ctx.session, ctx.school, st, chat_id, relation, how=GuardianVia.HEAD_TEACHER, now=ctx.now, by=ctx.sender.id
    )
    ctx.reply("parents/staff_bound.j2", student=st, relation=relation, chat_id=chat_id, new=new)
    if new:
        _bound(ctx, ctx.school, st, relation, chat_id)


def staff_unbind(ctx: Context) -> tuple[re.Match[str], str | None] | None:
    text, cls = _with_class(ctx.text)
    m = STAFF_UNBIND.match(text)
    return (m, cls) if m else None


def on_staff_unbind(ctx: Context, found: tuple[re.Match[str], str | None]) -> None:
    m, cls = found
    st = _their_student(ctx, m.group("name"), cls)
    if isinstance(st, str):
        ctx.reply("parents/staff_bind_refused.j2", why=st, name=m.group("name"))
        return
    relation = phrases.RELATIONS[m.group("rel")] if m.group("rel") else None
    ended = guardians.unbind(
        ctx.session,
        ctx.school,
        st.student_id,
        now=ctx.now,
        why=f"班主任解绑（{ctx.sender.name}）",
        chat_id=m.group("chat"),
        relation=relation,
    )
    ctx.reply("parents/staff_unbound.j2", student=st, ended=ended)


def register(app: App) -> None:
    app.add_handler(on_digits, name="guardian_digits", rooms={RoomKind.DIRECT}, senders=PARENTS, match=digits_answer)
    app.add_handler(
        on_claim, name="guardian_claim", rooms={RoomKind.DIRECT, RoomKind.PARENTS}, senders=PARENTS, match=claim
    )
    dm, staff = {RoomKind.DIRECT}, {SenderKind.STAFF}
    app.add_handler(on_confirm, name="guardian_confirm", rooms=dm, senders=staff, match=confirm_answer)
    app.add_handler(on_staff_bind, name="guardian_bind", rooms=dm, senders=staff, match=staff_bind)
    app.add_handler(on_staff_unbind, name="guardian_unbind", rooms=dm, senders=staff, match=staff_unbind)
