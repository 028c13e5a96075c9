"""Short answers to questions the bot asked: "2", "三年级二班", "是", "到了", "同意".

Each answer only counts from the person asked, in the place asked, while the question
is open; a bare "2" from anyone else is nobody's business here.
"""

from __future__ import annotations

import datetime as dt
import re

from bot.attendance import ledger, recording
from bot.chat import pending
from bot.chat.app import App, Context
from bot.handlers import attendance
from bot.handlers.leave import APPROVAL, approve, decline
from bot.reports.reminders import days_away
from bot.school.classnames import find_classes
from bot.school.roster_file import RosterEntry
from storage.enums import AbsenceKind, PendingKind, PendingStatus, RoomKind, SenderKind
from storage.models import PendingQuestion

Found = tuple[re.Match[str], list[PendingQuestion]]  # the answer as matched, and the open questions it may answer

YES = re.compile(r"^(?:是|是的|对|对的|嗯|恩|好|好的|确认|没错|ok|OK)[!！。.]*$")
YES_WORDS = re.compile(r"是的|对的|没错|确认|是|对|嗯|恩|就是|应该是")
NO = re.compile(r"^(?:不是|不对|错了|都不是|没有|否|算了|取消)[!！。.]*$")
ARRIVED = re.compile(
    r"^(?P<name>\S{0,4}?)\s*(?:今天)?(?:已经)?(?:到了|来了|到校了|已到|到校|来学校了|返校了|回来了)[!！。.啦了]*$"
)
NOT_ARRIVED = re.compile(
    r"^(?P<name>\S{0,4}?)\s*(?:今天)?(?:还是|还|仍然|依然|仍)?(?:没到|没来|没有来|没有到|未到|不来|还没|没有)[!！。.啦呢]*$"
)
AGREE = re.compile(r"^(?:同意|可以|准假|批准|好的?同意|同意的)\s*(?P<name>\S{0,4})[!！。.]*$")
DISAGREE = re.compile(r"^(?:不同意|不准|不批准|不行|不可以)\s*(?P<name>\S{0,4})[!！。.]*$")
FILLER = re.compile(r"[\s,，。.!！?？]|是|的|那个|那位|学生|同学|班上")
STALE = dt.timedelta(days=1)  # older open questions are dropped quietly, not answered "expired"


# -- which student? ----------------------------------------------------------------------


def only_a_class(text: str) -> bool:
    """ "三(2)班" / "是二班的" / "3年2班那个" answer the question; "三年级二班全勤" is a new report."""
    mentions = find_classes(text)
    if len(mentions) != 1:
        return False
    rest = text[: mentions[0].start] + text[mentions[0].end :]
    return not FILLER.sub("", rest)


Which = tuple[PendingQuestion, RosterEntry | None]  # the question answered, and the student named in the answer


def named_candidate(ctx: Context, text: str, questions: list[PendingQuestion]) -> Which | None:
    """ "对，是郭玉梅" / "郭玉梅" / "三年级二班的郭玉梅": the question whose candidates include the name."""
    for q in questions:
        for sid in pending.payload(q)["items"][0]["candidates"]:
            st = ctx.roster.by_id.get(sid)
            if st is None or st.name not in text:
                continue
            rest = text.replace(st.name, "", 1)
            for m in find_classes(rest):
                rest = rest[: m.start] + rest[m.end :]
            if not FILLER.sub("", YES_WORDS.sub("", rest)):
                return q, st
    return None


def which_question(ctx: Context) -> Which | None:
    text = ctx.text.strip()
    questions = attendance.waiting_questions(ctx, STALE)
    if not questions:
        return None
    if named := named_candidate(ctx, text, questions):
        return named
    if (n := pending.choice_number(text)) is not None:
        # the latest question it can answer: "2" after a yes/no question answers the list before it
        fits = [q for q in questions if n <= len(pending.payload(q)["items"][0]["candidates"])]
        return (fits or questions)[0], None
    if YES.match(text) or NO.match(text) or only_a_class(text):
        return questions[0], None  # a bare answer answers the latest question
    return None


def on_which(ctx: Context, found: Which) -> None:
    q, named = found
    data = pending.payload(q)
    item, rest = data["items"][0], data["items"][1:]
    if pending.is_expired(q, ctx.now):
        pending.close(ctx.session, q, PendingStatus.EXPIRED)
        ctx.reply_staff_safe(
            "attendance/expired.j2", text=item["text"], minutes=int(ctx.app.pending_ttl.total_seconds() // 60)
        )
        return
    roster = ctx.roster
    candidates = [roster.by_id[i] for i in item["candidates"] if i in roster.by_id]
    text = ctx.text.strip()
    chosen = named
    if named is None and NO.match(text):
        pending.close(ctx.session, q)
        ctx.reply_staff_safe("attendance/dropped.j2", text=item["text"], someone=item.get("someone"))
    else:
        if chosen is not None:
            pass
        elif (n := pending.choice_number(text)) is not None and 1 <= n <= len(candidates):
            chosen = candidates[n - 1]
        elif YES.match(text) and len(candidates) == 1:
            chosen = candidates[0]
        elif mentions := find_classes(text):
            wanted = mentions[0].ref.canonical()
            fits = [s for s in candidates if s.class_name == wanted]
            chosen = fits[0] if len(fits) == 1 else None
        if chosen is None:
            ctx.reply_staff_safe("attendance/choose_again.j2", count=len(candidates), near_miss=item["near_miss"])
            return
        pending.close(ctx.session, q)
        out = attendance.record_item(ctx, item, chosen, data["by"])
        attendance.reply_recorded(ctx, out)
    if rest:
        attendance.ask_which(ctx, rest, by=data["by"], room_class=data.get("room_class"))
    elif earlier := [other for other in attendance.waiting_questions(ctx, STALE) if other.id != q.id]:
        attendance.ask_again(ctx, earlier[0])


# -- "是谁到校了？" after a roll-call whose counts disagree ---------------------------------


def gap_answer(ctx: Context) -> tuple[PendingQuestion, list[RosterEntry]] | None:
    """Names alone ("蔡雨泽、周子轩") answer the roll-call's question; anything more is a report."""
    r = ctx.report
    if not r.mentioned or r.absences or r.returns or r.unresolved or r.rollcall or r.cancel:
        return None
    rest = ctx.text
    for st in r.mentioned:
        rest = rest.replace(st.name, "")
    if FILLER.sub("", re.sub(r"[、和跟及还有]", "", rest)):
        return None
    q = pending.latest(ctx.session, ctx.sender.id, attendance.question_room(ctx), (PendingKind.ROLLCALL_GAP,))
    if q is None or pending.is_expired(q, ctx.now):
        return None
    return q, list(dict.fromkeys(r.mentioned))


def on_gap_answer(ctx: Context, found: tuple[PendingQuestion, list[RosterEntry]]) -> None:
    q, students = found
    data = pending.payload(q)
    pending.close(ctx.session, q)
    out = recording.Outcome()
    for st in students:
        if data["came_back"]:
            recording.record_return(
                ctx.session, out, st, day=ctx.today, by=ctx.sender.id, inbound_id=ctx.inbound.id, now=ctx.now
            )
        else:
            recording.record_absence(
                ctx.session,
                out,
                st,
                kind=AbsenceKind.UNEXCUSED,
                start=ctx.today,
                end=None,
                reason=None,
                by=ctx.sender.id,
                inbound_id=ctx.inbound.id,
                now=ctx.now,
            )
    ctx.finish(out, ctx.today)
    attendance.reply_recorded(ctx, out)


# -- "今天到校了吗？" ------------------------------------------------------------------------


def check_answer(ctx: Context) -> Found | None:
    text = ctx.text.strip()
    m = ARRIVED.match(text) or NOT_ARRIVED.match(text)
    if not m or not ctx.where.is_direct:
        return None
    questions = pending.all_open(ctx.session, ctx.sender.id, PendingKind.ABSENCE_CHECK, ctx.now)
    if not questions:
        return None
    return m, questions


def on_check_answer(ctx: Context, found: Found) -> bool | None:
    m, questions = found
    name = m.group("name")
    if name:
        questions = [q for q in questions if pending.payload(q)["name"] == name]
        if not questions:
            return False  # a name that was not asked about: an ordinary report
    if len(questions) > 1:
        ctx.reply("attendance/which_check.j2", names=[pending.payload(q)["name"] for q in questions])
        return None
    q = questions[0]
    student = ctx.roster.by_id.get(pending.payload(q)["student_id"])
    pending.close(ctx.session, q)
    if student is None:
        return None
    arrived = bool(ARRIVED.match(ctx.text.strip()))
    days = 0
    if arrived:
        out = recording.Outcome()
        recording.record_return(
            ctx.session, out, student, day=ctx.today, by=ctx.sender.id, inbound_id=ctx.inbound.id, now=ctx.now
        )
        ctx.finish(out, ctx.today)
    else:
        open_rows = ledger.open_absences(ctx.session, ctx.school.id, [student.student_id])
        days = days_away(ctx.school.calendar, open_rows[0].start, ctx.today) + 1 if open_rows else 0
    ctx.reply("attendance/check_answered.j2", student=student, arrived=arrived, day=ctx.today, days=days)
    return None


# -- "已查验" the 复课证明 after a notifiable disease ------------------------------------------

PROOF = re.compile(
    r"^(?:已|已经)?(?:查验|查看|看过|看了|验过|验了|检查)(?:过|了)?(?:复课证明|证明)?(?:了)?\s*(?P<name>\S{0,4}?)(?:的)?(?:复课证明|证明)?(?:了)?[!！。.]*$"
    r"|^(?P<name2>\S{0,4}?)(?:的)?(?:复课证明|证明)(?:已|已经)?(?:查验|看过|收到|有)(?:了)?[!！。.]*$"
)


def proof_answer(ctx: Context) -> Found | None:
    m = PROOF.match(ctx.text.strip())
    if not m or not ctx.where.is_direct:
        return None
    questions = pending.all_open(ctx.session, ctx.sender.id, PendingKind.RETURN_PROOF, ctx.now)
    return (m, questions) if questions else None


def on_proof(ctx: Context, found: Found) -> None:
    from bot.attendance.illness.cases import proof_checked
    from storage.models import IllnessCluster

    m, questions = found
    questions = pending.about(questions, m.group("name") or m.group("name2"))
    if len(questions) > 1:
        ctx.reply("attendance/which_check.j2", names=[pending.payload(q)["name"] for q in questions])
        return
    q = questions[0]
    data = pending.payload(q)
    pending.close(ctx.session, q)
    cluster = ctx.session.get(IllnessCluster, data["cluster_id"])
    if cluster is not None:
        proof_checked(ctx.session, cluster, ctx.sender.id)
    ctx.reply("illness/proof_checked.j2", student_name=data["name"])


# -- 同意 / 不同意 on a parent's leave request ----------------------------------------------


def approval_answer(ctx: Context) -> Found | None:
    text = ctx.text.strip()
    m = DISAGREE.match(text) or AGREE.match(text)
    if not m or not ctx.where.is_direct:
        return None
    questions = pending.all_open(ctx.session, ctx.sender.id, APPROVAL, ctx.now)
    return (m, questions) if questions else None


def on_approval(ctx: Context, found: Found) -> None:
    m, questions = found
    questions = pending.about(questions, m.group("name"))
    if len(questions) > 1:
        ctx.reply("leave/which_leave.j2", names=[pending.payload(q)["name"] for q in questions])
        return
    q = questions[0]
    if DISAGREE.match(ctx.text.strip()):
        decline(ctx, q)
    else:
        approve(ctx, q)


def register(app: App) -> None:
    staff, direct = {SenderKind.STAFF}, {RoomKind.DIRECT}
    app.add_handler(on_which, name="which_student_answer", senders=staff, match=which_question)
    app.add_handler(on_gap_answer, name="rollcall_gap_answer", senders=staff, match=gap_answer)
    app.add_handler(on_check_answer, name="absence_check_answer", rooms=direct, senders=staff, match=check_answer)
    app.add_handler(on_approval, name="leave_approval", rooms=direct, senders=staff, match=approval_answer)
    app.add_handler(on_proof, name="return_proof", rooms=direct, senders=staff, match=proof_answer)
