"""A parent asks leave for their child; the head teacher confirms; then it is recorded.

"老师，王小明发烧了，今天请一天假" in the class's parent group: the parent is answered
privately that the head teacher has been told; the head teacher gets a direct message —
a summary the bot writes (child, days, kind, a short reason, who asked, from which
group), never the sender's own words — to answer 同意/不同意. Nothing is recorded on a
parent's word alone. By direct message from someone the school does not know, a leave
request is pointed to the class group and nothing is said of any child: whether a child
is enrolled, and who teaches them, is not a stranger's to learn. A parent bound to a
child (``bot.parents``) may ask that child's leave by DM too, and without naming the child
(with several children the bot asks which, by number). The approval is worded for the
reason (no 早日康复 for a wedding or a funeral). At most ``DAILY_LIMIT`` requests a day
from one sender are passed on.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any, Literal

from sqlmodel import select

from bot.attendance import recording
from bot.attendance.illness import tag
from bot.attendance.parsing import Absence
from bot.chat import pending
from bot.chat.app import App, Context
from bot.chat.outbox import Recipient
from bot.handlers import attendance, parents
from bot.parents import phrases
from bot.parents.guardians import Child
from bot.school.access import parent_may_ask_leave
from bot.school.roster_file import RosterEntry
from storage.enums import AbsenceKind, PendingKind, PendingStatus, RoomKind, SenderKind
from storage.models import PendingQuestion

APPROVAL = PendingKind.LEAVE_APPROVAL
APPROVAL_TTL = dt.timedelta(days=2)
LEAVE_KINDS = (AbsenceKind.SICK, AbsenceKind.PERSONAL)  # "王小明今天没来" from a parent is not a leave request
DAILY_LIMIT = 3
LEAVE_WORDS = ("请假", "假", "不舒服", "生病", "发烧", "有事")


Asked = list[Absence] | Literal["which_child", "use_group"] | tuple[str, list[Child]]
_CHILD_WORD = re.compile(
    r"(?:我家|我们家|俺家|我的)?(?:娃娃|娃儿|娃|孩子|小孩|儿子|女儿|孙子|孙女|外孙女|外孙|闺女|姑娘|宝贝|宝宝)"
)


def _said_leave(ctx: Context) -> bool:
    r = ctx.report
    return bool(r.absences or r.unresolved) or any(w in r.text for w in LEAVE_WORDS) or bool(tag(r.text).symptoms)


def as_said_of(ctx: Context, student: RosterEntry, text: str) -> list[Absence]:
    """A bound parent's leave that names no child, read as said of their child: "我家娃今天
    咳嗽，请一天假" is the parser's "崔若曦今天咳嗽，请一天假"."""
    body = re.sub(r"^\s*(?:@\S+\s*)?(?:老师|班主任)?(?:您好|你好)?[，,：:\s]*", "", text)
    said, n = _CHILD_WORD.subn(student.name, body, count=1)
    if not n:
        said = f"{student.name}{body}"
    return [a for a in ctx.parse(said).absences if a.student == student and a.kind in LEAVE_KINDS]


def leave_request(ctx: Context) -> Asked | None:
    r = ctx.report
    if r.intent not in ("absence", "rollcall", "none"):
        return None
    wanted = [a for a in r.absences if a.kind in LEAVE_KINDS]
    kids = parents.own_children(ctx)
    if kids:
        mine = {k.student.student_id for k in kids}
        own = [
            a
            for a in wanted
            if parent_may_ask_leave(bound=a.student.student_id in mine, room_class=None, student_class="")
        ]
        if own:
            return own
        if (wanted or r.unresolved) and ctx.where.is_direct:
            return ("not_yours", kids)  # another child's leave is not theirs to ask by DM
        if not wanted and not r.unresolved and _said_leave(ctx):
            if len(kids) > 1:
                return ("which_own", kids)
            return as_said_of(ctx, kids[0].student, ctx.text) or None
    if r.intent == "none":
        return None
    if ctx.where.is_direct:
        # Not from the class group: the same answer whoever is named, enrolled or not.
        said_leave = wanted or r.unresolved or any(w in r.text for w in LEAVE_WORDS)
        return "use_group" if said_leave else None
    if ctx.where.is_parent_room:
        # In a class group only that class's children; anything else is not ours to pass on.
        wanted = [
            a
            for a in wanted
            if parent_may_ask_leave(bound=False, room_class=ctx.where.class_name, student_class=a.student.class_name)
        ]
    if wanted:
        return wanted
    addressed = ctx.where.is_direct or ctx.msg.mentioned
    if addressed and (r.unresolved or "no_student_named" in r.notes) and any(w in r.text for w in LEAVE_WORDS):
        return "which_child"
    return None


def _asked_today(ctx: Context) -> int:
    start = dt.datetime.combine(ctx.today, dt.time(0), ctx.school.tz)
    rows = ctx.session.exec(
        select(PendingQuestion.payload).where(PendingQuestion.kind == APPROVAL, PendingQuestion.created_at >= start)
    ).all()
    return sum(1 for p in rows if json.loads(p).get("parent_id") == ctx.sender.id)


_FIRST_CLAUSE = re.compile(r"[\u4e00-\u9fff]+")


def _summary(a: Absence) -> str:
    """The reason in the bot's words: for an illness the 因病缺课 tags (发热、咳嗽); else the
    first run of Chinese of the reason, short. Never a link, a number or an account id."""
    if a.kind == AbsenceKind.SICK:
        tags = tag(a.said or a.reason or "")
        words = [t for t in (*tags.symptoms, *tags.diseases) if t != "原因不明"]
        if words:
            return "、".join(words)
    first = _FIRST_CLAUSE.search(a.reason or "")
    return first.group(0)[:12] if first else ""


def _who(name: str) -> str:
    """The asker as the head teacher is shown them: the display name, cut short, never
    taken for a title (a stranger may call themselves "校长陈国华")."""
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return (name[:10] + "…") if len(name) > 10 else name


def on_leave_request(ctx: Context, wanted: Asked) -> None:
    if isinstance(wanted, tuple):
        what, kids = wanted
        if what == "not_yours":
            ctx.reply_private("leave/not_yours.j2", children=kids)
            return
        pending.ask(
            ctx.session,
            kind=PendingKind.PARENT_WHICH_CHILD,
            ask_to=ctx.sender.id,
            room=None,
            payload={"text": ctx.text, "ids": [k.student.student_id for k in kids]},
            now=ctx.now,
            ttl=ctx.app.pending_ttl,
        )
        ctx.reply_private("leave/which_own_child.j2", children=kids)
        return
    forward(ctx, wanted)


def forward(ctx: Context, wanted: Asked) -> None:
    assert not isinstance(wanted, tuple)
    if wanted == "use_group":
        ctx.reply_private("leave/use_group.j2")
        return
    if wanted == "which_child":
        ctx.reply_private("leave/which_child.j2")
        return
    kids = parents.own_children(ctx)
    if _asked_today(ctx) + len(wanted) > DAILY_LIMIT:
        ctx.reply_private("leave/too_many.j2", limit=DAILY_LIMIT)
        return
    for a in wanted:
        student = a.student
        line = recording.absence_line(student, a.kind, a.start, a.end, a.reason)
        teacher = ctx.school.head_teacher_of(student.class_name)
        ctx.reply_private("leave/forwarded.j2", student=student, line=line, teacher=teacher)
        if teacher is None:
            continue
        ctx.session.add(
            PendingQuestion(
                kind=APPROVAL,
                ask_to=teacher.wechat_id,
                room=None,
                created_at=ctx.now,
                expires_at=ctx.now + APPROVAL_TTL,
                payload=json.dumps(
                    {
                        "student_id": student.student_id,
                        "name": student.name,
                        "kind": a.kind,
                        "start": a.start.isoformat(),
                        "end": a.end.isoformat() if a.end else None,
                        "reason": a.reason or "",
                        "parent_id": ctx.sender.id,
                        "parent_name": ctx.sender.name,
                        "inbound_id": ctx.inbound.id,
                    },
                    ensure_ascii=False,
                ),
            )
        )
        reason = _summary(a)
        ctx.send(
            Recipient(contact=teacher.wechat_id),
            "leave/ask_teacher.j2",
            student=student,
            line=recording.absence_line(student, a.kind, a.start, a.end, reason),
            asker=_who(ctx.sender.name),
            relation=next((k.relation for k in kids if k.student.student_id == student.student_id), ""),
            group=ctx.where.topic if ctx.where.is_parent_room else "",
        )


def which_own_answer(ctx: Context) -> tuple[PendingQuestion, RosterEntry] | None:
    """ "2" or a child's name, answering "请问是哪个孩子请假？" (by DM, from the parent asked)."""
    q = pending.latest(
        ctx.session, ctx.sender.id, None, (PendingKind.PARENT_WHICH_CHILD, PendingKind.FAQ_MENU, PendingKind.FAQ_CHOICE)
    )
    if q is None or q.kind != PendingKind.PARENT_WHICH_CHILD or pending.is_expired(q, ctx.now):
        return None
    ids = pending.payload(q)["ids"]
    kids = [st for i in ids if (st := ctx.roster.by_id.get(i))]
    n = pending.choice_number(ctx.text)
    if n is not None and 1 <= n <= len(kids):
        return q, kids[n - 1]
    named = [st for st in kids if st.name in ctx.text and len(ctx.text.strip()) <= len(st.name) + 4]
    return (q, named[0]) if len(named) == 1 else None


def on_which_own(ctx: Context, found: tuple[PendingQuestion, RosterEntry]) -> None:
    q, student = found
    pending.close(ctx.session, q)
    wanted = as_said_of(ctx, student, pending.payload(q)["text"])
    if wanted:
        forward(ctx, wanted)
    else:
        ctx.reply_private("leave/which_child.j2")


def _leave(ctx: Context, q: PendingQuestion) -> tuple[dict[str, Any], RosterEntry | None, dt.date, dt.date | None]:
    data = pending.payload(q)
    student = ctx.roster.by_id.get(data["student_id"])
    start = dt.date.fromisoformat(data["start"])
    end = dt.date.fromisoformat(data["end"]) if data["end"] else None
    return data, student, start, end


def approve(ctx: Context, q: PendingQuestion) -> None:
    data, student, start, end = _leave(ctx, q)
    pending.close(ctx.session, q)
    if student is None:
        return
    out = recording.Outcome()
    # Recorded as the head teacher's report: the teacher vouched for it.
    recording.record_absence(
        ctx.session,
        out,
        student,
        kind=data["kind"],
        start=start,
        end=end,
        reason=data["reason"],
        by=ctx.sender.id,
        inbound_id=ctx.inbound.id,
        now=ctx.now,
    )
    ctx.finish(out, ctx.today)
    attendance.reply_recorded(ctx, out)
    ctx.send(
        Recipient(contact=data["parent_id"]),
        "leave/approved.j2",
        student=student,
        line=out.lines[0],
        occasion=phrases.occasion(data["kind"], data["reason"]),
    )


def decline(ctx: Context, q: PendingQuestion) -> None:
    data, student, _start, _end = _leave(ctx, q)
    pending.close(ctx.session, q, PendingStatus.DECLINED)
    if student is None:
        return
    ctx.reply("leave/declined_ack.j2", student=student)
    ctx.send(
        Recipient(contact=data["parent_id"]),
        "leave/declined.j2",
        student=student,
        teacher=ctx.school.head_teacher_of(student.class_name),
    )


def register(app: App) -> None:
    app.add_handler(
        on_which_own,
        name="parent_which_child",
        rooms={RoomKind.DIRECT},
        senders={SenderKind.PARENT, SenderKind.STRANGER},
        match=which_own_answer,
    )
    app.add_handler(
        on_leave_request,
        name="parent_leave",
        rooms={RoomKind.PARENTS, RoomKind.DIRECT},
        senders={SenderKind.PARENT, SenderKind.STRANGER},
        match=leave_request,
    )
