"""The answer to each kind of staff question (``Query.what``), from the services the digest
uses; at most 12 lines, a long list cut with how many more there are.

Only this module and ``queries.py`` turn the figures into messages.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING, Any

from bot.attendance import ledger
from bot.attendance.alerts import case_views
from bot.attendance.parsing import ParseResult
from bot.attendance.parsing.query import Period, Query, Scope
from bot.chat import pending
from bot.chat.app import Context
from bot.chat.outbox import Recipient
from bot.parents.records import worries_between
from bot.reports import digest, figures, monthly, reminders
from bot.reports.export import write_ledger
from bot.reports.jobs import render_daily_digest
from bot.school.access import Scope as Sees
from bot.school.access import view_of
from bot.school.staff import audit
from storage.enums import AlertStatus, AuditAction, PendingKind

if TYPE_CHECKING:
    from bot.handlers.queries import Target

NAMES_SHOWN = 8  # students or classes listed before "……共 N 人"
KINDS = {"sick": ("sick",), "personal": ("personal",), "unexcused": ("unexcused",), "absent": None}
# Asked by someone over several schools without naming one: each of their schools
PER_SCHOOL = ("absent", "at_risk", "not_reported", "attendance_rate", "dropout_rate", "consolidation_rate")


def period_label(p: Period, today: dt.date) -> str:
    if p.kind == "today":
        return "今天"
    if p.kind == "yesterday":
        return "昨天"
    if p.start == p.end:
        return f"{p.start.month}月{p.start.day}日"
    names = {"this_week": "本周", "last_week": "上周", "this_month": "本月", "last_month": "上月", "term": "本学期"}
    span = f"{p.start.month}月{p.start.day}日–{p.end.month}月{p.end.day}日"
    return f"{names[p.kind]}（{span}）" if p.kind in names else span


def answer(ctx: Context, q: Query, targets: list[Target]) -> None:
    if q.what == "digest_time":
        ctx.reply("queries/digest_time.j2", rules=ctx.school.rules)
        return
    if q.what == "remind":
        _remind(ctx, targets)
        return
    if q.what == "export":
        for t in targets:
            _export(ctx, q, t)
        return
    for t in targets:
        data = _figures(ctx, q, t, NAMES_SHOWN)
        detail = data.get("more", 0) > 0
        if detail:
            # "详细名单回复1": the full list waits for this person's 1, here, for the pending TTL
            payload = {
                "query": q.to_json(),
                "school": t.school.id,
                "classes": sorted(t.classes) if t.classes is not None else None,
                "label": t.label,
            }
            room = None if ctx.where.is_direct else ctx.where.room_id
            pending.ask(
                ctx.session,
                kind=PendingKind.QUERY_DETAIL,
                ask_to=ctx.sender.id,
                room=room,
                payload=payload,
                now=ctx.now,
                ttl=ctx.app.pending_ttl,
            )
        template = data.pop("template")
        ctx.reply(template, label=t.label, period=period_label(q.period, ctx.today), detail=detail, **data)


def detail(ctx: Context, payload: dict[str, Any]) -> None:
    """The full list of an answer that was cut ("详细名单回复1")."""
    raw = payload["query"]
    q = Query(
        raw["what"],
        Scope(raw["scope"]["kind"], raw["scope"]["name"]),
        Period(
            raw["period"]["kind"],
            dt.date.fromisoformat(raw["period"]["start"]),
            dt.date.fromisoformat(raw["period"]["end"]),
        ),
    )
    school = ctx.app.schools[payload["school"]]
    classes = set(payload["classes"]) if payload["classes"] is not None else None
    from bot.handlers.queries import Target

    data = _figures(ctx, q, Target(school, classes, payload["label"]), None)
    template = data.pop("template")
    ctx.reply(template, label=payload["label"], period=period_label(q.period, ctx.today), detail=False, **data)


def _cut(rows: list[Any], limit: int | None) -> tuple[list[Any], int]:
    return (rows, 0) if limit is None else (rows[:limit], len(rows) - limit)


def _figures(ctx: Context, q: Query, t: Target, limit: int | None) -> dict[str, Any]:
    s, school, p, cls = ctx.session, t.school, q.period, t.classes
    if q.what in KINDS:
        f = figures.absences(s, school, p.start, p.end, cls)
        rows = f.rows(KINDS[q.what])
        unreported = (
            [
                c.name
                for c in digest.daily(s, school, p.end).classes
                if not c.reported and (cls is None or c.name in cls)
            ]
            if p.start == p.end == ctx.today
            else []
        )
        return {
            "template": "queries/absent.j2",
            "what": q.what,
            "f": f,
            "rows": _cut(rows, limit)[0],
            "more": _cut(rows, limit)[1],
            "students": len({r[0].id for r in rows}),
            "one_day": p.start == p.end,
            "unreported": unreported,
        }
    if q.what == "late":
        parts = ledger.part_days(s, school_id=school.id, day=p.start, upto=p.end)
        st = figures.absences(s, school, p.start, p.start, cls).students
        shown = [(st[a.student_id], a) for a in parts if a.student_id in st]
        cut, more = _cut(shown, limit)
        return {"template": "queries/late.j2", "rows": cut, "more": more, "total": len(shown)}
    if q.what in ("not_reported",):
        day = p.end
        reported = digest.reported_classes(s, school, day)
        missing = [c for c in school.roster(s).classes if c not in reported and (cls is None or c in cls)]
        teachers = {c: school.config.head_teacher_of(c) for c in missing}
        return {"template": "queries/not_reported.j2", "missing": missing, "teachers": teachers, "day": day}
    if q.what in ("at_risk", "home_teaching"):
        cases = [c for c in case_views(s, school, ctx.today) if cls is None or c.student.class_name in cls]
        want = AlertStatus.HOME_TEACHING if q.what == "home_teaching" else AlertStatus.OPEN
        chosen = [c for c in cases if c.alert.status == want]
        cut, more = _cut(chosen, limit)
        return {"template": f"queries/{q.what}.j2", "cases": cut, "more": more, "total": len(chosen), "all": cases}
    if q.what == "flagged_absent":
        f = figures.absences(s, school, p.start, p.end, cls)
        rows = [r for r in f.rows() if r[0].poverty or r[0].left_behind]
        cut, more = _cut(rows, limit)
        return {"template": "queries/flagged.j2", "rows": cut, "more": more}
    if q.what == "worries":
        voiced = worries_between(s, school, p.start, p.end, cls)
        latest = voiced if limit is None else voiced[-limit:]
        return {
            "template": "queries/worries.j2",
            "worries": latest,
            "more": len(voiced) - len(latest),
            "total": len(voiced),
        }
    if q.what == "followups":
        notes = figures.followups(s, school, p.start, p.end, cls)
        recent = notes if limit is None else notes[-limit:]
        return {
            "template": "queries/followups.j2",
            "notes": recent,
            "more": len(notes) - len(recent),
            "total": len(notes),
        }
    if q.what == "attendance_rate":
        a = figures.attendance(s, school, p.start, p.end, cls)
        worst = sorted((r for r in a.per_class if r[2] < r[1]), key=lambda r: r[2] / r[1])
        return {"template": "queries/attendance.j2", "a": a, "classes": worst[: limit or None] if cls is None else []}
    if q.what in ("dropout_rate", "consolidation_rate"):
        return {"template": "queries/dropout.j2", "d": figures.dropout(s, school, ctx.today, cls), "what": q.what}
    if q.what == "trend":
        return {"template": "queries/trend.j2", "weeks": _weeks(figures.absences(s, school, p.start, p.end, cls))}
    if q.what == "digest":
        return {"template": "text.j2", "text": render_daily_digest(s, school, p.end)}
    if q.what == "monthly":
        first, last = monthly.month_bounds(p.start.strftime("%Y-%m"))
        report = monthly.monthly(s, school, first, min(last, max(p.end, first)))
        if cls is not None:  # a head teacher's month is her class's, never the school's names
            report = monthly.of_classes(report, set(cls))
        return {"template": "reports/monthly.j2", "r": report, "per_class": False}
    if q.what == "weekly":
        data = digest.weekly(s, school, p.end).template_data()
        return {"template": "digest/weekly.j2", **data}
    raise ValueError(f"no answer for {q.what}")


def _weeks(f: figures.AbsenceFigures) -> list[tuple[dt.date, dt.date, int, int]]:
    """(first school day, last, student-days away, school days) per week, oldest first."""
    weeks: dict[tuple[int, int], list[tuple[dt.date, Counter[str]]]] = {}
    for day, counts in f.per_day:
        weeks.setdefault(day.isocalendar()[:2], []).append((day, counts))
    return [(d[0][0], d[-1][0], sum(sum(c.values()) for _, c in d), len(d)) for d in weeks.values()]


def _export(ctx: Context, q: Query, t: Target) -> None:
    """The 台账 workbook of the period, as a file to the asker alone (school leaders only: it names every child)."""
    view = view_of(ctx.sender.staff, head_teachers_see_all=False)
    if view.scope != Sees.SCHOOL or t.classes is not None:
        ctx.reply("queries/not_allowed.j2", query="导出台账", own_class=view.class_name)
        return
    p = q.period
    school = t.school
    folder = ctx.app.export_dir / school.id
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{school.name}台账_{p.start:%Y%m%d}-{p.end:%Y%m%d}_{ctx.msg.message_id[-8:]}.xlsx"
    who = ctx.sender.staff.name if ctx.sender.staff else ""
    result = write_ledger(
        path, ctx.session, school.config, school.calendar, p.start, p.end, today=ctx.today, prepared_by=who
    )
    audit(
        ctx.session,
        school_id=school.id,
        now=ctx.app.clock.now(),
        actor=ctx.sender.id,
        action=AuditAction.EXPORTED,
        subject=path.name,
        detail=f"{p.start}–{p.end}",
        inbound_id=ctx.inbound.id,
    )
    ctx.send_file_private(
        str(path),
        "queries/exported.j2",
        period=period_label(p, ctx.today),
        rows=result.rows,
        school_days=result.school_days,
    )


def _remind(ctx: Context, targets: list[Target]) -> None:
    """Now, to each head teacher whose class has not reported; the 09:30 reminder's key, so once a day."""
    sent: list[tuple[str, str]] = []
    before: list[tuple[str, str]] = []
    for t in targets:
        for name, teacher in reminders.unreported_classes(ctx.session, t.school, ctx.today):
            if t.classes is not None and name not in t.classes:
                continue
            fresh = ctx.app.queue(
                ctx.session,
                t.school,
                f"rollcall:{t.school.id}:{ctx.today}:{name}",
                Recipient(contact=teacher.wechat_id),
                "reminders/rollcall.j2",
                class_name=name,
                teacher=teacher,
                day=ctx.today,
            )
            (sent if fresh else before).append((name, teacher.name))
    ctx.reply("queries/reminded.j2", sent=sent, before=before)


def student(ctx: Context, r: ParseResult) -> None:
    from bot.handlers.records import student_record

    view = view_of(ctx.sender.staff, head_teachers_see_all=ctx.school.rules.head_teachers_see_all)
    if r.query_student is not None and view.sees(r.query_student.class_name):
        ctx.reply("queries/student_record.j2", **student_record(ctx, r.query_student.student_id))
    elif r.query_student is not None:
        ctx.reply("queries/not_allowed.j2", query=f"{r.query_student.name} 记录", own_class=view.class_name)
    else:
        name = r.unresolved[0].text if r.unresolved else (r.query.scope.name if r.query else "") or ""
        candidates = [c for c in (r.unresolved[0].candidates if r.unresolved else []) if view.sees(c.class_name)]
        ctx.reply("queries/no_student.j2", name=name, candidates=candidates)
