"""Staff asking: 预警 / 未返校名单, 今日缺勤, "王小明 记录".

Answered by direct message or in the staff and leaders rooms; asked in a parent room
they are answered privately with a pointer, never with the data.
"""

from __future__ import annotations

from typing import Any

from bot.attendance.alerts import case_views
from bot.attendance.parsing import ParseResult
from bot.chat.app import STAFF_PLACES, App, Context
from bot.reports import digest
from bot.reports.jobs import render_daily_digest
from bot.reports.student import history
from bot.school.access import Scope, View, view_of
from bot.school.context import SchoolContext
from bot.school.staff import audit
from storage.enums import AuditAction, SenderKind

ASKED_AS = {"alerts": "预警", "not_returned": "未返校名单", "absent_today": "今日缺勤", "student_record": "某某 记录"}
HANDLED = tuple(ASKED_AS)  # "未回答问题" belongs to the FAQ


def staff_query(ctx: Context) -> ParseResult | None:
    r = ctx.report
    return r if r.intent == "query" and r.query in HANDLED else None


def on_query(ctx: Context, r: ParseResult) -> None:
    assert r.query is not None  # staff_query matched one of HANDLED
    if ctx.where.kind not in STAFF_PLACES:
        ctx.reply_private("queries/not_here.j2", query=ASKED_AS[r.query])
        return
    view = view_of(ctx.sender.staff, head_teachers_see_all=ctx.school.rules.head_teachers_see_all)
    if view.scope != Scope.SCHOOL:
        _class_view(ctx, r, view)
        return
    schools = _schools_asked(ctx)
    if r.query in ("alerts", "not_returned") and len(schools) > 1:
        per_school = [(s, case_views(ctx.session, s, ctx.today)) for s in schools]
        ctx.reply("queries/alerts_by_school.j2", per_school=per_school, day=ctx.today)
    elif r.query in ("alerts", "not_returned"):
        ctx.reply("queries/alerts.j2", cases=case_views(ctx.session, ctx.school, ctx.today), day=ctx.today)
    elif r.query == "absent_today" and len(schools) > 1:
        days = [(s, digest.daily(ctx.session, s, ctx.today)) for s in schools if s.calendar.is_school_day(ctx.today)]
        person = next(c for c in ctx.app.deployment.staff if c.wechat_id == ctx.sender.id)
        ctx.reply("digest/rollup.j2", deployment=ctx.app.deployment, person=person, day=ctx.today, schools=days)
    elif r.query == "absent_today":
        ctx.reply("text.j2", text=render_daily_digest(ctx.session, ctx.school, ctx.today))
    elif r.query_student is not None:
        ctx.reply("queries/student_record.j2", **student_record(ctx, r.query_student.student_id))
    else:
        name = r.unresolved[0].text if r.unresolved else ""
        candidates = r.unresolved[0].candidates if r.unresolved else []
        ctx.reply("queries/no_student.j2", name=name, candidates=candidates)


def _class_view(ctx: Context, r: ParseResult, view: View) -> None:
    """A head teacher asks: their own class only; other staff: nobody's data."""
    if view.scope == Scope.NONE or view.class_name is None:
        ctx.reply("queries/not_allowed.j2", query=ASKED_AS[r.query or "alerts"], own_class=None)
        return
    own = view.class_name
    if r.class_name and r.class_name != own and r.query in ("alerts", "not_returned", "absent_today"):
        ctx.reply("queries/not_allowed.j2", query=f"{r.class_name}{ASKED_AS[r.query]}", own_class=own)
        return
    if r.query in ("alerts", "not_returned"):
        cases = [c for c in case_views(ctx.session, ctx.school, ctx.today) if c.student.class_name == own]
        ctx.reply("queries/alerts.j2", cases=cases, day=ctx.today)
    elif r.query == "absent_today":
        d = digest.daily(ctx.session, ctx.school, ctx.today)
        line = next((c for c in d.classes if c.name == own), None)
        parts = [(st, p) for st, p in d.part_days if st.class_name == own]
        ctx.reply("queries/class_today.j2", class_name=own, line=line, part_days=parts, day=ctx.today)
    elif r.query_student is not None and view.sees(r.query_student.class_name):
        ctx.reply("queries/student_record.j2", **student_record(ctx, r.query_student.student_id))
    elif r.query_student is not None:
        ctx.reply("queries/not_allowed.j2", query=f"{r.query_student.name} 记录", own_class=own)
    else:
        name = r.unresolved[0].text if r.unresolved else ""
        candidates = [c for c in (r.unresolved[0].candidates if r.unresolved else []) if view.sees(c.class_name)]
        ctx.reply("queries/no_student.j2", name=name, candidates=candidates)


def _schools_asked(ctx: Context) -> list[SchoolContext]:
    """Asked by someone over several schools in a direct message: all of theirs; else the school here."""
    if not ctx.where.is_direct:
        return [ctx.school]
    person = next((c for c in ctx.app.deployment.staff if c.wechat_id == ctx.sender.id), None)
    if person is None or len(person.schools) < 2:
        return [ctx.school]
    return [ctx.app.schools[sid] for sid in person.schools if sid in ctx.app.schools]


def student_record(ctx: Context, student_id: str) -> dict[str, Any]:
    # The guardian's phone and the child's history were shown: who looked is on record.
    found = history(ctx.session, ctx.school, student_id)
    audit(
        ctx.session,
        school_id=ctx.school.id,
        now=ctx.app.clock.now(),
        actor=ctx.sender.id,
        action=AuditAction.STUDENT_VIEWED,
        student_id=student_id,
        subject=found.student.name if found is not None else student_id,
        inbound_id=ctx.inbound.id,
    )
    return found.template_data() if found is not None else {"student": None, "absences": [], "cases": []}


def register(app: App) -> None:
    app.add_handler(on_query, name="query", senders={SenderKind.STAFF}, match=staff_query)
