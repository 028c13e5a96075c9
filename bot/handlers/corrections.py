"""撤销 / 刚才发错了, "刚才报的李静应该是李婧", "不是旷课，是病假": a teacher fixing a report."""

from __future__ import annotations

import datetime as dt

from bot.attendance import recording
from bot.attendance.parsing import ParseResult
from bot.chat import pending
from bot.chat.app import App, Context
from bot.chat.outbox import Recipient
from bot.handlers import attendance
from bot.school.roster_file import RosterEntry
from storage.enums import PendingStatus, SenderKind
from storage.models import InboundMessage

NAMED_UNDO_WINDOW = dt.timedelta(days=1)


def on_cancel(ctx: Context, r: ParseResult) -> None:
    minutes = int(recording.UNDO_WINDOW.total_seconds() // 60)
    ids = [s.student_id for s in r.cancel_students] or None
    # "撤销" takes back the sender's last message; "李静报错了" the last report about 李静,
    # whoever else was reported since (and later in the day, too).
    window = NAMED_UNDO_WINDOW if ids else recording.UNDO_WINDOW
    inbound_id = recording.last_report(ctx.session, ctx.sender.id, ctx.now, ids, window)
    if inbound_id is None:
        # A report still waiting on "which 王小明?" is withdrawn by dropping the question.
        q = attendance.waiting_question(ctx, recording.UNDO_WINDOW)
        if q is not None and not ids:
            pending.close(ctx.session, q, PendingStatus.CANCELLED)
            ctx.reply_staff_safe("attendance/dropped.j2", text=pending.payload(q)["items"][0]["text"])
        elif ids:
            ctx.reply_staff_safe("attendance/nothing_to_correct.j2", name="、".join(s.name for s in r.cancel_students))
        else:
            ctx.reply_staff_safe("attendance/nothing_to_undo.j2", minutes=minutes)
        return
    students, changes = recording.undo(
        ctx.session, ctx.school, inbound_id, ctx.today, ctx.app.clock.now(), ids, by_inbound=ctx.inbound.id
    )
    ctx.announce(changes)
    tell_other_classes_undone(ctx, students)
    ctx.reply_staff_safe(
        "attendance/undone.j2",
        inbound=ctx.session.get(InboundMessage, inbound_id),
        students=students,
        alerts=changes,
    )


def tell_other_classes_undone(ctx: Context, students: list[RosterEntry]) -> None:
    """The head teacher told of another teacher's report about their child hears it was taken back."""
    mine = recording.own_class(ctx.where.class_name, ctx.sender.staff)
    reporter = ctx.sender.staff.name if ctx.sender.staff else (ctx.msg.sender_name or "有老师")
    by_class: dict[str, list[RosterEntry]] = {}
    for st in students:
        if st.class_name != mine:
            by_class.setdefault(st.class_name, []).append(st)
    for class_name, names in by_class.items():
        teacher = ctx.school.head_teacher_of(class_name)
        if teacher is not None and teacher.wechat_id != ctx.sender.id:
            ctx.send(
                Recipient(contact=teacher.wechat_id),
                "attendance/other_class_undone.j2",
                reporter=reporter,
                students=names,
            )


def on_name_correction(ctx: Context, r: ParseResult) -> None:
    c = r.name_correction
    assert c is not None  # the handler matches only a name correction
    if c.new is None:
        ctx.reply_staff_safe("queries/no_student.j2", name=c.new_text, candidates=[])
        return
    if c.old is None:
        # The wrong name was never recorded: it may be waiting on a question instead.
        q = attendance.waiting_question(ctx, recording.UNDO_WINDOW)
        if q is None or pending.payload(q)["items"][0]["text"] != c.old_text:
            ctx.reply_staff_safe("attendance/nothing_to_correct.j2", name=c.old_text)
            return
        data = pending.payload(q)
        pending.close(ctx.session, q)
        out = attendance.record_item(ctx, data["items"][0], c.new, data["by"])
        ctx.reply_staff_safe("attendance/corrected.j2", lines=out.lines)
        return
    rows = recording.recent_rows(ctx.session, ctx.sender.id, ctx.now, c.old.student_id)
    if not rows:
        ctx.reply_staff_safe("attendance/nothing_to_correct.j2", name=c.old_text)
        return
    out = recording.Outcome()
    inbound_id = rows[0].inbound_id
    assert inbound_id is not None  # recent_rows are the rows of one inbound message
    _, changes = recording.undo(
        ctx.session,
        ctx.school,
        inbound_id,
        ctx.today,
        ctx.app.clock.now(),
        [c.old.student_id],
        by_inbound=ctx.inbound.id,
    )
    ctx.announce(changes)
    for row in rows:
        recording.record_absence(
            ctx.session,
            out,
            c.new,
            kind=row.kind,
            start=row.start,
            end=row.end,
            reason=row.reason,
            by=row.reported_by,
            inbound_id=ctx.inbound.id,
            now=ctx.now,
        )
    ctx.finish(out, ctx.today)
    ctx.reply_staff_safe("attendance/corrected.j2", lines=out.lines)


def on_kind_correction(ctx: Context, r: ParseResult) -> None:
    c = r.kind_correction
    assert c is not None  # the handler matches only a kind correction
    student_id = c.student.student_id if c.student else None
    rows = recording.recent_rows(ctx.session, ctx.sender.id, ctx.now, student_id)
    if c.old_kind:
        rows = [row for row in rows if row.kind == c.old_kind] or rows
    if not rows:
        ctx.reply_staff_safe("attendance/nothing_to_correct.j2", name=c.student.name if c.student else None)
        return
    out = recording.Outcome()
    roster = ctx.roster
    for row in rows:
        student = roster.by_id.get(row.student_id)
        if student is not None:
            # A later report on the same days supersedes the earlier one; history stays.
            recording.record_absence(
                ctx.session,
                out,
                student,
                kind=c.new_kind,
                start=row.start,
                end=row.end,
                reason=row.reason,
                by=row.reported_by,
                inbound_id=ctx.inbound.id,
                now=ctx.now,
                overrides_leave=True,
            )
    ctx.finish(out, ctx.today)
    ctx.reply_staff_safe("attendance/corrected.j2", lines=out.lines)


def register(app: App) -> None:
    staff = {SenderKind.STAFF}
    app.add_handler(
        on_cancel,
        name="cancel",
        senders=staff,
        match=lambda c: c.report.cancel and not (c.report.absences or c.report.returns) and c.report,
    )
    app.add_handler(
        on_name_correction, name="name_correction", senders=staff, match=lambda c: c.report.name_correction and c.report
    )
    app.add_handler(
        on_kind_correction,
        name="kind_correction",
        senders=staff,
        match=lambda c: c.report.kind_correction and not c.report.absences and c.report,
    )
