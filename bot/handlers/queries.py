"""Staff asking in their own words: a Query {what, scope, period} (bot/attendance/parsing/query.py)
answered from the digest's services, within what the asker's role sees (bot/school/access.py).

Answered by direct message or in the staff and leaders rooms; asked in a parent room
they are answered privately with a pointer, never with the data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.attendance.parsing import ParseResult
from bot.attendance.parsing.query import Query
from bot.chat import pending
from bot.chat.app import STAFF_PLACES, App, Context
from bot.handlers import query_answers
from bot.school.access import Scope, view_of
from bot.school.context import SchoolContext
from storage.enums import PendingKind, SenderKind
from storage.models import PendingQuestion

ASKED_AS = {
    "absent": "今日缺勤",
    "at_risk": "预警",
    "student_record": "某某 记录",
}
_MENTION = re.compile(r"@\S+[\s\u2005]*")
# "未回答问题" belongs to the FAQ, which keeps the log of questions
ELSEWHERE = ("unanswered",)


@dataclass(frozen=True)
class Target:
    """Where a question looks: a school and the classes in it (None: all of them)."""

    school: SchoolContext
    classes: set[str] | None
    label: str  # 全校 / 三年级二班 / 三年级 / 王芳班（三年级二班）


def staff_query(ctx: Context) -> ParseResult | None:
    r = ctx.report
    return r if r.intent == "query" and r.query is not None and r.query.what not in ELSEWHERE else None


def on_query(ctx: Context, r: ParseResult) -> None:
    q = r.query
    assert q is not None  # staff_query matched
    if ctx.where.kind not in STAFF_PLACES:
        asked = _MENTION.sub("", ctx.text).strip()[:20]
        ctx.reply_private("queries/not_here.j2", query=asked or ASKED_AS.get(q.what, "查询"))
        return
    if q.what == "student_record":
        query_answers.student(ctx, r)
        return
    targets = _targets(ctx, q)
    if targets is None:
        return  # refused, and said why
    query_answers.answer(ctx, q, targets)


def _targets(ctx: Context, q: Query) -> list[Target] | None:
    view = view_of(ctx.sender.staff, head_teachers_see_all=ctx.school.rules.head_teachers_see_all)
    kind, name = q.scope.kind, q.scope.name
    if kind == "all_schools" or (kind == "default" and view.scope == Scope.SCHOOL and ctx.where.is_direct):
        schools = _schools_of(ctx) if kind == "all_schools" or q.what in query_answers.PER_SCHOOL else [ctx.school]
        return [Target(s, None, s.name if len(schools) > 1 else "全校") for s in schools]
    if kind == "named_school":
        school = next((s for s in _schools_of(ctx) if s.name == name), None)
        if school is None:
            ctx.reply("queries/not_allowed.j2", query=f"{name}的情况", own_class=None)
            return None
        return [Target(school, None, school.name)]
    classes = ctx.school.roster(ctx.session).classes
    if kind == "class":
        wanted, label = {name or ""}, name or ""
    elif kind == "grade":
        wanted, label = {c for c in classes if c.startswith(name or "?")}, name or ""
    elif kind == "teacher":
        teacher = next((s for s in ctx.school.staff if s.name == name), None)
        if teacher is None or not teacher.head_of:
            ctx.reply("queries/no_class.j2", teacher=name)
            return None
        wanted, label = {teacher.head_of}, f"{name}班（{teacher.head_of}）"
    elif kind == "own_class" and ctx.sender.staff is not None and ctx.sender.staff.head_of:
        wanted, label = {ctx.sender.staff.head_of}, ctx.sender.staff.head_of
    elif view.scope == Scope.SCHOOL:
        return [Target(ctx.school, None, "全校")]
    elif view.scope == Scope.CLASS and view.class_name:
        return [Target(ctx.school, {view.class_name}, view.class_name)]
    else:
        ctx.reply("queries/not_allowed.j2", query=ctx.text.strip()[:20], own_class=None)
        return None
    if view.scope == Scope.SCHOOL or all(view.sees(c) for c in wanted):
        return [Target(ctx.school, wanted, label)]
    ctx.reply("queries/not_allowed.j2", query=f"{label}的情况", own_class=view.class_name)
    return None


def _schools_of(ctx: Context) -> list[SchoolContext]:
    """Someone over several schools: all of theirs; else the school here."""
    person = next((c for c in ctx.app.deployment.staff if c.wechat_id == ctx.sender.id), None)
    if person is None or len(person.schools) < 2:
        return [ctx.school]
    return [ctx.app.schools[sid] for sid in person.schools if sid in ctx.app.schools]


def detail_asked(ctx: Context) -> PendingQuestion | None:
    """A 1 from the person whose latest open question here is an answer's "详细名单回复1"."""
    if pending.choice_number(ctx.text.strip()) != 1:
        return None
    room = None if ctx.where.is_direct else ctx.where.room_id
    q = pending.latest(ctx.session, ctx.sender.id, room, tuple(PendingKind))
    if q is None or q.kind != PendingKind.QUERY_DETAIL or pending.is_expired(q, ctx.now):
        return None
    return q


def on_detail(ctx: Context, q: PendingQuestion) -> None:
    pending.close(ctx.session, q)
    query_answers.detail(ctx, pending.payload(q))


def register(app: App) -> None:
    app.add_handler(on_detail, name="query_detail", senders={SenderKind.STAFF}, match=detail_asked)
    app.add_handler(on_query, name="query", senders={SenderKind.STAFF}, match=staff_query)
