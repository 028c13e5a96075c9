"""Transfers told in chat: "王小明转学了，转到县城二小" / "李小花是新转来的，学籍号G…".

Out: a head teacher (any class's) or a school leader says a child has left for another
school; the child leaves the roll that day (or the day said), the open case closes as
转学 with where they went, and whoever was told of the case hears, as with ``roster
transfer --out``. It is not undone by 撤销 (the roster is not the ledger): the reply says
how it is corrected. The child's head teacher is told when someone else reported it.

In: a new child is not on the roster, so nothing is recorded on a teacher's word: the
school's principal(s) get a DM to answer 同意转入 / 不同意转入, and only then is the child
added to the class (a 学籍号 on another school's roll of this deployment moves from
there, as ``roster transfer --to``). A principal who says it is the confirmation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

from sqlmodel import col, select

from bot.attendance import changelog
from bot.attendance.parsing.transfers import STUDENT_ID, TransferIn, TransferOut, transfer_in, transfer_out
from bot.chat import pending
from bot.chat.app import App, Context
from bot.chat.outbox import Recipient
from bot.handlers import attendance
from bot.reports.alert_notices import queue_transfer_closings
from bot.school.classnames import find_classes
from bot.school.config import StaffMember
from bot.school.roster_file import RosterEntry
from storage.enums import ChangeSource, PendingKind, PendingStatus, Role, RoomKind, SenderKind
from storage.models import PendingQuestion, School, Student
from storage.roster_import import TransferError, add_student, transfer_student

ASK_TTL = dt.timedelta(days=3)  # a principal may take a few days to answer
LEADERS = (Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.DROPOUT_OFFICER)

YES_IN = re.compile(r"^(?:同意|批准|确认|可以)(?:转入)?\s*(?P<name>[\u4e00-\u9fff]{0,4}?)\s*(?:转入)?[!！。.]*$")
NO_IN = re.compile(r"^(?:不同意|不批准|不可以|不行)(?:转入)?\s*(?P<name>[\u4e00-\u9fff]{0,4}?)\s*(?:转入)?[!！。.]*$")

Told = tuple[str, TransferOut | TransferIn]


def _may_tell(staff: StaffMember | None) -> bool:
    return staff is not None and (bool(staff.head_of) or any(staff.has(r) for r in LEADERS))


# -- what the message says ---------------------------------------------------------------


def transfer_told(ctx: Context) -> Told | None:
    r = ctx.report
    if r.query or r.cancel or r.name_correction or r.kind_correction or r.rollcall:
        return None
    names = list(dict.fromkeys(s.name for s in r.mentioned))
    out = transfer_out(ctx.text, ctx.today, names)
    if out is not None and out.name is None and not r.unresolved:
        # A name several children bear is in no report's list when nothing is reported of it.
        borne = sorted((n for n in ctx.roster.by_name if len(n) >= 2 and n in ctx.text), key=len, reverse=True)
        out = transfer_out(ctx.text, ctx.today, borne[:1]) if borne else out
    if out is not None and (out.name or out.student_id or r.unresolved):
        return "out", out
    came = transfer_in(ctx.text)
    if came is not None and not (came.student_id is None and came.name in names):
        return "in", came  # a child already on the roll "是转来的" is old news, not a transfer
    return None


def on_transfer(ctx: Context, told: Told) -> bool | None:
    if not _may_tell(ctx.sender.staff):
        ctx.reply_staff_safe("transfers/not_allowed.j2")
        return None
    _, what = told
    if isinstance(what, TransferOut):
        return _out(ctx, what)
    return _in(ctx, what)


# -- out ---------------------------------------------------------------------------------


def _out(ctx: Context, out: TransferOut) -> bool | None:
    r = ctx.report
    student = ctx.roster.by_id.get(out.student_id) if out.student_id else None
    if student is None and out.name:
        student = next((s for s in r.mentioned if s.name == out.name), None)
    if student is None and out.name and len(bearers := ctx.roster.by_name.get(out.name, [])) == 1:
        student = bearers[0]
    if student is None:
        if out.name and len(ctx.roster.by_name.get(out.name, [])) > 1:
            ctx.reply_staff_safe("transfers/which_student.j2", name=out.name, candidates=ctx.roster.by_name[out.name])
        elif r.ambiguous:
            u = r.ambiguous[0]
            ctx.reply_staff_safe("transfers/which_student.j2", name=u.text, candidates=u.candidates)
        elif r.unresolved:
            ctx.reply_staff_safe("transfers/no_student.j2", name=r.unresolved[0].text)
        elif out.student_id:
            ctx.reply_staff_safe("transfers/no_student.j2", name=out.student_id)
        else:
            return False
        return None
    day = out.day or ctx.today
    if day > ctx.today:
        ctx.reply_staff_safe("transfers/not_yet.j2", student=student, day=day)
        return None
    try:
        # The roster change is not the sender's to take back with 撤销 (that would reopen
        # the case and leave the child off the roll): logged against the message, not undoable.
        with changelog.as_source(ctx.session, ChangeSource.JOB):
            rep = transfer_student(
                ctx.session,
                student.student_id,
                day,
                destination=out.destination or "",
                by=ctx.sender.id,
                inbound_id=ctx.inbound.id,
            )
    except TransferError as e:
        ctx.reply_staff_safe("transfers/failed.j2", why=str(e))
        return None
    queue_transfer_closings(ctx.app, ctx.session, rep.closed_alerts)
    ctx.reply_staff_safe(
        "transfers/out_recorded.j2",
        student=student,
        day=day,
        destination=out.destination,
        closed=len(rep.closed_alerts),
    )
    _tell_head_teacher(ctx, student, day, out.destination)
    # "王小明转学了，李静今天没来": the rest of the message is a report like any other.
    absences = [a for a in r.absences if a.student.student_id != student.student_id]
    returns = [x for x in r.returns if x.student.student_id != student.student_id]
    if absences or returns:
        part = dataclasses.replace(
            r, absences=absences, returns=returns, unresolved=[], rollcall=None, others_present=False
        )
        done = attendance.apply(ctx, part)
        if done.lines or done.failed:
            attendance.reply_recorded(ctx, done)
    return None


def _tell_head_teacher(ctx: Context, student: RosterEntry, day: dt.date, destination: str | None) -> None:
    teacher = ctx.school.head_teacher_of(student.class_name)
    if teacher is not None and teacher.wechat_id != ctx.sender.id:
        ctx.send(
            Recipient(contact=teacher.wechat_id),
            "transfers/out_told.j2",
            reporter=_name(ctx),
            student=student,
            day=day,
            destination=destination,
        )


# -- in ----------------------------------------------------------------------------------


def _in(ctx: Context, came: TransferIn) -> bool | None:
    staff = ctx.sender.staff
    assert staff is not None  # _may_tell
    text = STUDENT_ID.sub(" ", ctx.text)
    classes = find_classes(text)
    class_name = classes[0].ref.canonical() if classes else staff.head_of
    if came.name is None or came.student_id is None:
        ctx.reply_staff_safe("transfers/in_incomplete.j2", name=came.name, class_name=class_name)
        return None
    if class_name is None:
        ctx.reply_staff_safe("transfers/in_which_class.j2", name=came.name)
        return None
    if class_name not in set(ctx.school.classes) | set(ctx.roster.by_class):
        ctx.reply_staff_safe("transfers/no_class.j2", class_name=class_name)
        return None
    row = ctx.session.get(Student, came.student_id)
    from_school = None
    if row is not None and row.active:
        if row.school_id == ctx.school.id:
            ctx.reply_staff_safe("transfers/already_here.j2", student=row)
            return None
        if row.name != came.name:
            ctx.reply_staff_safe("transfers/name_mismatch.j2", student_id=came.student_id, name=came.name, row=row)
            return None
        school = ctx.session.get(School, row.school_id)
        from_school = school.name if school else row.school_id
    data: dict[str, Any] = {
        "student_id": came.student_id,
        "name": came.name,
        "gender": came.gender or "",
        "class_name": class_name,
        "day": ctx.today.isoformat(),
        "by": ctx.sender.id,
        "by_name": staff.name,
        "from_school": from_school,
        "request": ctx.inbound.id,
    }
    if staff.has(Role.PRINCIPAL):
        _admit(ctx, data)  # the principal's own word is the confirmation
        return None
    principals = ctx.school.with_role(Role.PRINCIPAL)
    if not principals:
        ctx.reply_staff_safe("transfers/no_principal.j2", **_shown(data))
        return None
    for p in principals:
        q = pending.ask(
            ctx.session,
            kind=PendingKind.TRANSFER_IN,
            ask_to=p.wechat_id,
            room=None,
            payload=data,
            now=ctx.now,
            ttl=ASK_TTL,
            replace=False,
        )
        q.school_id = ctx.school.id
        ctx.send(Recipient(contact=p.wechat_id), "transfers/ask_principal.j2", **_shown(data))
    ctx.reply_staff_safe("transfers/in_asked.j2", principals=[p.name for p in principals], **_shown(data))
    return None


def _admit(ctx: Context, data: dict[str, Any]) -> None:
    """Put the child on the roll; tells the principal (the sender) what happened."""
    day = dt.date.fromisoformat(data["day"])
    sid, class_name = data["student_id"], data["class_name"]
    row = ctx.session.get(Student, sid)
    try:
        with changelog.as_source(ctx.session, ChangeSource.JOB):
            if row is not None and row.active and row.school_id != ctx.school.id:
                rep = transfer_student(
                    ctx.session,
                    sid,
                    day,
                    to_school=ctx.school.id,
                    class_name=class_name,
                    by=ctx.sender.id,
                    inbound_id=ctx.inbound.id,
                )
                queue_transfer_closings(ctx.app, ctx.session, rep.closed_alerts)
            else:
                add_student(ctx.session, ctx.school.id, sid, data["name"], class_name, data["gender"], day)
    except TransferError as e:
        ctx.reply_staff_safe("transfers/failed.j2", why=str(e))
        return
    ctx.reply_staff_safe("transfers/in_recorded.j2", told=data["by"] != ctx.sender.id, **_shown(data))
    teacher = ctx.school.head_teacher_of(class_name)
    told = {ctx.sender.id}
    for who in (data["by"], teacher.wechat_id if teacher else None):
        if who and who not in told:
            told.add(who)
            ctx.send(Recipient(contact=who), "transfers/in_agreed.j2", principal=_name(ctx), **_shown(data))


# -- the principal's answer --------------------------------------------------------------

Answer = tuple[re.Match[str], list[PendingQuestion]]


def principal_answer(ctx: Context) -> Answer | None:
    text = ctx.text.strip()
    m = NO_IN.match(text) or YES_IN.match(text)
    if not m:
        return None
    questions = pending.all_open(ctx.session, ctx.sender.id, PendingKind.TRANSFER_IN, ctx.now)
    return (m, questions) if questions else None


def on_principal_answer(ctx: Context, found: Answer) -> None:
    m, questions = found
    questions = pending.about(questions, m.group("name"))
    if len(questions) > 1:
        ctx.reply("transfers/which_request.j2", names=[pending.payload(q)["name"] for q in questions])
        return
    q = questions[0]
    data = pending.payload(q)
    agreed = not NO_IN.match(ctx.text.strip())
    # One answer settles it for every principal asked.
    for other in _same_request(ctx, data["request"]):
        pending.close(ctx.session, other, PendingStatus.ANSWERED)
    if agreed:
        pending.close(ctx.session, q)
        _admit(ctx, data)  # a failure is said to the principal, with why
        return
    pending.close(ctx.session, q, PendingStatus.DECLINED)
    ctx.reply("transfers/in_declined_ack.j2", **_shown(data))
    if data["by"] != ctx.sender.id:
        ctx.send(Recipient(contact=data["by"]), "transfers/in_declined.j2", principal=_name(ctx), **_shown(data))


def _same_request(ctx: Context, request: int) -> list[PendingQuestion]:
    rows = ctx.session.exec(
        select(PendingQuestion).where(
            PendingQuestion.kind == PendingKind.TRANSFER_IN,
            PendingQuestion.status == PendingStatus.OPEN,
            col(PendingQuestion.ask_to) != ctx.sender.id,
        )
    )
    return [q for q in rows if pending.payload(q).get("request") == request]


def _shown(data: dict[str, Any]) -> dict[str, Any]:
    """The request as the templates read it (the day a date, not its ISO text)."""
    return data | {"day": dt.date.fromisoformat(data["day"])}


def _name(ctx: Context) -> str:
    return ctx.sender.staff.name if ctx.sender.staff else (ctx.msg.sender_name or "有老师")


def register(app: App) -> None:
    staff = {SenderKind.STAFF}
    app.add_handler(
        on_principal_answer,
        name="transfer_in_answer",
        rooms={RoomKind.DIRECT},
        senders=staff,
        match=principal_answer,
    )
    app.add_handler(on_transfer, name="transfer", senders=staff, match=transfer_told)
