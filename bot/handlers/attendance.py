"""Head teachers' absence reports → the ledger, with a one-line confirmation.

Staff only. In a parent group the report is recorded but confirmed by direct message,
and any question about a name goes there too (student data never reaches parents).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import col, select

from bot.attendance import recording
from bot.attendance.parsing import ParseResult, Unresolved
from bot.chat import pending
from bot.chat.app import App, Context
from bot.chat.outbox import Recipient
from bot.school.roster_file import RosterEntry
from storage.enums import AbsenceKind, DayPortion, InboundStatus, PendingKind, SenderKind
from storage.models import InboundMessage, PendingQuestion

WHICH = PendingKind.WHICH_STUDENT
REPORT_INTENTS = ("absence", "return", "rollcall")


def question_room(ctx: Context) -> str | None:
    """Where a follow-up question about a report is asked and answered."""
    return None if (ctx.where.is_direct or ctx.where.is_parent_room) else ctx.where.room_id


def waiting_question(ctx: Context, within: dt.timedelta) -> PendingQuestion | None:
    """The sender's open "which student?" question here, asked within ``within`` (expired ones too)."""
    return pending.latest(ctx.session, ctx.sender.id, question_room(ctx), (WHICH,), since=ctx.now - within)


def waiting_questions(ctx: Context, within: dt.timedelta) -> list[PendingQuestion]:
    """Every open "which student?" question to the sender here, newest first."""
    # By direct message a teacher may answer what was asked in a staff group (the answer
    # goes to them alone); in a group only that group's questions are answered.
    return pending.open_here(
        ctx.session, ctx.sender.id, question_room(ctx), (WHICH,), ctx.now - within, anywhere=ctx.where.is_direct
    )


def ask_which(ctx: Context, items: list[dict[str, Any]], *, by: str, room_class: str | None) -> None:
    """Ask about the first unresolved name; the rest wait in the payload. An earlier
    question still open is kept: each is answered in turn."""
    first = items[0]
    roster = ctx.roster
    candidates = [roster.by_id[i] for i in first["candidates"] if i in roster.by_id]
    pending.ask(
        ctx.session,
        kind=WHICH,
        ask_to=ctx.sender.id,
        room=question_room(ctx),
        payload={"items": items, "by": by, "room_class": room_class, "inbound_id": ctx.inbound.id},
        now=ctx.now,
        ttl=ctx.app.pending_ttl,
        replace=False,
    )
    ctx.reply_staff_safe(
        "attendance/which.j2",
        text=first["text"],
        candidates=candidates,
        near_miss=first["near_miss"],
        someone=first.get("someone"),
    )


def ask_again(ctx: Context, q: PendingQuestion) -> None:
    """Put an earlier question, still open, to the teacher again."""
    item = pending.payload(q)["items"][0]
    candidates = [ctx.roster.by_id[i] for i in item["candidates"] if i in ctx.roster.by_id]
    ctx.reply_staff_safe(
        "attendance/which.j2",
        text=item["text"],
        candidates=candidates,
        near_miss=item["near_miss"],
        someone=item.get("someone"),
        again=True,
    )


def unresolved_item(u: Unresolved) -> dict[str, Any]:
    def iso(d: dt.date | None) -> str | None:
        return d.isoformat() if d else None

    return {
        "text": u.text,
        "candidates": [s.student_id for s in u.candidates],
        "near_miss": u.near_miss,
        "role": u.role,
        "kind": u.kind,
        "start": iso(u.start),
        "end": iso(u.end),
        "reason": u.reason,
        "date": iso(u.date),
        "portion": u.portion,
        "said": u.said,
        "someone": u.someone,
    }


def record_item(ctx: Context, item: dict[str, Any], student: RosterEntry, by: str) -> recording.Outcome:
    """Record what an unresolved name's part of a report said, once the student is known."""
    out = recording.Outcome()
    day = ctx.today
    parse = lambda v: dt.date.fromisoformat(v) if v else None  # noqa: E731
    if item["role"] == "return":
        recording.record_return(
            ctx.session, out, student, day=parse(item["date"]) or day, by=by, inbound_id=ctx.inbound.id, now=ctx.now
        )
    else:
        recording.record_absence(
            ctx.session,
            out,
            student,
            kind=item["kind"] or AbsenceKind.UNEXCUSED,
            start=parse(item["start"]) or day,
            end=parse(item["end"]),
            reason=item["reason"],
            by=by,
            inbound_id=ctx.inbound.id,
            now=ctx.now,
            portion=item.get("portion") or DayPortion.FULL,
            said=item.get("said") or "",
        )
    ctx.finish(out, day)
    return out


def is_report(ctx: Context) -> ParseResult | None:
    r = ctx.report
    if r.intent in REPORT_INTENTS and (r.absences or r.returns or r.rollcall or r.unresolved):
        return r
    if r.unresolved and any(u.role in ("absence", "return") for u in r.unresolved):
        return r
    if "no_student_named" in r.notes and (ctx.where.is_direct or ctx.msg.mentioned):
        return r
    return None


def reply_recorded(
    ctx: Context,
    out: recording.Outcome,
    *,
    rollcall: Any = None,
    class_name: str | None = None,
    notes: list[str] | None = None,
    mismatch: dict[str, int] | None = None,
    unknown: list[str] | None = None,
) -> None:
    """The confirmation: what was recorded, and what was not (and why)."""
    ctx.reply_staff_safe(
        "attendance/recorded.j2",
        lines=out.lines,
        rollcall=rollcall,
        class_name=class_name,
        notes=notes or [],
        mismatch=mismatch,
        confirmed=out.confirmed,
        gap=out.gap,
        leave_unmentioned=out.leave_unmentioned,
        unknown=unknown or [],
        failed=out.failed,
    )
    tell_other_classes(ctx, out)


def tell_other_classes(ctx: Context, out: recording.Outcome) -> None:
    """A report about another class's child reaches that class's head teacher, once."""
    mine = recording.own_class(ctx.where.class_name, ctx.sender.staff)
    reporter = ctx.sender.staff.name if ctx.sender.staff else (ctx.msg.sender_name or "有老师")
    for class_name, lines in out.others(mine).items():
        teacher = ctx.school.head_teacher_of(class_name)
        if teacher is None or teacher.wechat_id == ctx.sender.id:
            continue
        ctx.send(
            Recipient(contact=teacher.wechat_id),
            "attendance/other_class.j2",
            reporter=reporter,
            class_name=class_name,
            lines=lines,
        )


def ask_about_gap(ctx: Context, gap: recording.RollcallGap) -> None:
    """Keep the roll-call's question open, so a bare "王小明" answers it."""
    pending.ask(
        ctx.session,
        kind=PendingKind.ROLLCALL_GAP,
        ask_to=ctx.sender.id,
        room=question_room(ctx),
        payload={
            "class_name": gap.class_name,
            "expected": gap.expected,
            "present": gap.present,
            "recorded": [s.student_id for s in gap.recorded],
            "came_back": gap.missing < len(gap.recorded),
        },
        now=ctx.now,
        ttl=ctx.app.pending_ttl,
    )


def named_earlier_today(ctx: Context) -> set[str]:
    """Students the sender reported away earlier today, read again from their messages."""
    start = dt.datetime.combine(ctx.today, dt.time(0), ctx.school.tz)
    earlier = ctx.session.exec(
        select(InboundMessage.text).where(
            InboundMessage.sender_id == ctx.sender.id,
            InboundMessage.school_id == ctx.school.id,
            InboundMessage.status == InboundStatus.HANDLED,
            InboundMessage.sent_at >= start,
            col(InboundMessage.id) != ctx.inbound.id,
        )
    ).all()
    out: set[str] = set()
    for text in earlier:
        r = ctx.parse(text)
        out |= {
            a.student.student_id for a in r.absences if a.start <= ctx.today and (a.end is None or a.end >= ctx.today)
        }
    return out


def apply(ctx: Context, r: ParseResult, named_earlier: set[str] | None = None) -> recording.Outcome:
    """Record what the sender reported, here, today, and announce what it did to alerts."""
    out = recording.apply_report(
        ctx.session,
        ctx.school,
        r,
        by=ctx.sender.id,
        inbound_id=ctx.inbound.id,
        now=ctx.now,
        day=ctx.today,
        room_class=ctx.where.class_name,
        by_staff=ctx.sender.staff,
        named_earlier=named_earlier,
    )
    ctx.announce(out.alert_changes, out.cluster_changes)
    return out


def on_report(ctx: Context, r: ParseResult) -> None:
    if not (r.absences or r.returns or r.rollcall or r.unresolved):
        ctx.reply_staff_safe("attendance/no_student.j2")
        return
    out = apply(ctx, r, named_earlier=named_earlier_today(ctx) if (r.others_present and not r.mentioned) else None)
    unknown = list(dict.fromkeys(u.text for u in r.unresolved if not u.candidates))
    if out.lines or r.rollcall or unknown or out.failed:
        reply_recorded(
            ctx,
            out,
            rollcall=r.rollcall,
            class_name=out.classes[0] if out.classes else None,
            notes=r.notes,
            mismatch=None if out.gap else mismatch(r, ctx.today),
            unknown=unknown,
        )
    if out.gap:
        ask_about_gap(ctx, out.gap)
    items = [unresolved_item(u) for u in r.unresolved if u.candidates]
    if items:
        ask_which(ctx, items, by=ctx.sender.id, room_class=ctx.where.class_name)
    if r.cancel_students:
        # "王小明今天没来，李静报错了": the new report is recorded, the wrong one taken back
        from bot.handlers.corrections import on_cancel

        on_cancel(ctx, r)


def mismatch(r: ParseResult, day: dt.date) -> dict[str, int] | None:
    """应到 − 实到 that disagrees with the names listed: worth a second look, not a refusal."""
    rc = r.rollcall
    if not rc or rc.expected is None or rc.present is None:
        return None
    missing = rc.expected - rc.present
    listed = len(
        {a.student.student_id for a in r.absences if a.start <= day and (a.end is None or a.end >= day)}
    ) + len(r.unresolved)
    return {"missing": missing, "listed": listed} if listed and missing != listed else None


def on_not_staff(ctx: Context, _r: object) -> None:
    ctx.reply("attendance/staff_only.j2")


def register(app: App) -> None:
    app.add_handler(on_report, name="attendance", senders={SenderKind.STAFF}, match=is_report)


def register_refusal(app: App) -> None:
    """After the parent-leave handler: anyone else reporting absences, when addressed, is told who may."""
    app.add_handler(
        on_not_staff,
        name="attendance_refused",
        senders={SenderKind.PARENT, SenderKind.STRANGER},
        match=lambda c: (
            (c.where.is_direct or c.msg.mentioned)
            and c.report.intent in REPORT_INTENTS
            and (c.report.absences or c.report.returns or c.report.unresolved)
        ),
    )
