"""劝返 follow-up: what a head teacher says about a student whose alert is open.

"王小明已家访，家长说下周一送回来" is not an absence report; it goes on the case. A message
that is both ("今天还是没来，下午去他家了") records both: the note on the case, and the
day away. What the family said ("跟爸爸去广东了") is the case's news, not a change of the
absence's kind: only an explicit leave (请假, 病假, 事假) changes that. "送教上门" turns the
case into home teaching: no longer a dropout risk, listed apart in digests.
"""

from __future__ import annotations

import dataclasses
import re

from bot.attendance import recording
from bot.attendance.alerts import add_followup, followups, live_alerts
from bot.attendance.parsing import ParseResult
from bot.chat.app import App, Context
from bot.handlers import attendance
from storage.enums import AbsenceKind, SenderKind
from storage.models import Alert

# 送教上门 decided, not planned: "准备送教上门" / "申请送教" keeps the case open.
HOME_TEACHING = re.compile(r"(?<!准备)(?<!打算)(?<!计划)(?<!申请)(?<!考虑)(?<!联系)(?<!商量)送教(?:上门)?")
# Contact with the family, a visit, what the family said or promised: casework.
CASEWORK = re.compile(
    r"家访|上门|(?:去|到)(?:了|过)?[^，,。\s]{0,4}家(?!长|里人)|走访"
    r"|联系上|联系了|联系到|打(?:了|过)?(?:\S{0,6})?电话|通(?:了|过)电话|视频|发(?:了)?微信|劝|做(?:了)?(?:思想)?工作"
    r"|谈(?:了|过)|说服|沟通|家长说|家里说|(?:爸|妈|父亲|母亲|爷爷|奶奶|外婆|外公|姥姥|姥爷|监护人|家长)(?:\S{0,6})?(?:说|讲|答应|保证|同意|表示)"
    r"|答应|保证|承诺|送回|送来|带回来|带(?:他|她)?回来|搬家|搬走|去了外地|打工|村委|村干部|派出所|镇上|驻村|帮扶"
)
# Explicit leave words: a case note that carries one changes the absence's kind.
EXPLICIT_LEAVE = re.compile(r"请(?:了)?(?:\S{0,4})?假|病假|事假")


def casework(ctx: Context) -> bool:
    return bool(CASEWORK.search(ctx.text))


def followup_target(ctx: Context) -> list[Alert] | None:
    r = ctx.report
    if r.rollcall or r.query or r.cancel or r.name_correction or r.kind_correction:
        return None
    if not (casework(ctx) or HOME_TEACHING.search(ctx.text)) or _asking(ctx.text):
        return None  # "郭玉梅" / "刘鹏怎么样了": a question about the child, not news of the case
    named = [s.student_id for s in r.mentioned]
    if named:
        live = live_alerts(ctx.session, ctx.school.id, named)
        cases = [live[sid] for sid in dict.fromkeys(named) if sid in live]
    elif ctx.where.is_direct and ctx.sender.staff and ctx.sender.staff.head_of:
        mine = [s.student_id for s in ctx.roster.by_class.get(ctx.sender.staff.head_of, [])]
        cases = list(live_alerts(ctx.session, ctx.school.id, mine).values()) if mine else []
        if len(cases) > 1:
            return cases  # several open cases: on_followup asks which child it is about
    else:
        cases = []
    return cases or None


_QUESTION = re.compile(r"[?？]\s*$|怎么样了?\s*$|(?:吗|呢|没有)\s*[?？]?\s*$|情况如何|什么情况")


def _asking(text: str) -> bool:
    return bool(_QUESTION.search(text.strip()))


def report_part(r: ParseResult, cases: list[Alert], text: str) -> ParseResult | None:
    """What the message also reports: the day away, returns, other children; not a kind
    read into the family's news."""
    on_case = {a.student_id for a in cases}
    explicit = bool(EXPLICIT_LEAVE.search(text))
    absences = [
        a for a in r.absences if a.student.student_id not in on_case or a.kind == AbsenceKind.UNEXCUSED or explicit
    ]
    if not (absences or r.returns):
        return None
    return dataclasses.replace(r, absences=absences, unresolved=[], rollcall=None, others_present=False)


def on_followup(ctx: Context, cases: list[Alert]) -> None:
    if not ctx.report.mentioned and len(cases) > 1:
        names = [s.name for a in cases if (s := ctx.roster.by_id.get(a.student_id))]
        ctx.reply_staff_safe("followup/which_case.j2", names=names)
        return
    home = bool(HOME_TEACHING.search(ctx.text))
    text = ctx.text.strip()[:500]
    returning = {r.student.student_id for r in ctx.report.returns}
    for alert in cases:
        assert alert.id is not None
        if alert.student_id in returning:
            continue  # a return closes the case; how the child came back is in the message
        add_followup(ctx.session, alert, text, ctx.sender.id, ctx.inbound.id, ctx.now, home_teaching=home)
        ctx.session.flush()
        student = ctx.roster.by_id.get(alert.student_id)
        if student is not None:
            ctx.reply_staff_safe(
                "followup/recorded.j2", student=student, home_teaching=home, count=len(followups(ctx.session, alert.id))
            )
    part = report_part(ctx.report, cases, ctx.text)
    if part is None:
        return
    out = recording.apply_report(
        ctx.session,
        ctx.school,
        part,
        by=ctx.sender.id,
        inbound_id=ctx.inbound.id,
        now=ctx.now,
        day=ctx.today,
        room_class=ctx.where.class_name,
        by_staff=ctx.sender.staff,
    )
    ctx.announce(out.alert_changes)
    if out.lines or out.failed:
        attendance.reply_recorded(ctx, out)


def register(app: App) -> None:
    app.add_handler(on_followup, name="followup", senders={SenderKind.STAFF}, match=followup_target)
