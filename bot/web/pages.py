"""The pages: 今日, 趋势, 预警与劝返, a student's page, 台账. Each checks the person's scope first.

Addresses carry only opaque ids: a school's id, a class's row id, an enrolment's row id;
never a 学籍号 or a name. 月报 is in ``monthly.py``, on the scope checks here, rendering
``bot.reports.monthly``'s report, the same as the bot's and the CLI's.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response, StreamingResponse

from bot.reports import cases as case_service
from bot.reports import overview, student, trend
from bot.reports.export import ABSENCES, build_ledger
from bot.school.context import SchoolContext
from bot.web.app import NotFound, Visit, render_page, visit
from bot.web.charts import trend_chart
from bot.web.nav import nav_for
from storage.enums import WebAccessKind

router = APIRouter()
MAX_LEDGER_DAYS = 400


def _day(v: Visit, school: SchoolContext, value: str | None) -> dt.date:
    if value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    return v.deps.clock.now().astimezone(school.tz).date()


def _need_school(v: Visit, sid: str) -> SchoolContext:
    school = v.school(sid)
    if not v.viewer.sees_school(sid):
        raise v.deny(sid, "这一页是全校的，您只能看本班的")
    return school


def _need_class(v: Visit, sid: str, cid: int) -> tuple[SchoolContext, str]:
    school = v.school(sid)
    name = overview.class_by_id(v.db, sid, cid)
    if name is None:
        raise NotFound("没有这个班级")
    if not v.viewer.sees_class(sid, name):
        raise v.deny(sid, f"您只能看本班的，不能看{name}")
    return school, name


def _page(v: Visit, template: str, school: SchoolContext | None, **data: Any) -> Response:
    return render_page(
        v.request, template, visit=v, nav=nav_for(v, school), school=school, tz=school.tz if school else None, **data
    )


def _steps(school: SchoolContext, day: dt.date) -> dict[str, dt.date | None]:
    return {
        "prev": school.calendar.previous_school_day(day),
        "next": school.calendar.next_school_day(day),
    }


@router.get("/all/today")
def all_today(v: Visit = Depends(visit), day: str | None = None) -> Response:
    sids = v.viewer.leader_schools
    if len(sids) < 2:
        raise v.deny(None, "这一页是多所学校的汇总，只给中心校和县里的负责人")
    rows = []
    for sid in sids:
        school = v.school(sid)
        rows.append((school, overview.school_day(v.db, school, _day(v, school, day))))
    enrolled = sum(r.enrolled for _, r in rows if r.is_school_day)
    absent = sum(r.absent_total for _, r in rows if r.is_school_day)
    first = rows[0][0]
    return _page(
        v,
        "all_today.html.j2",
        None,
        rows=rows,
        day=_day(v, first, day),
        rate=overview.rate(enrolled, absent),
        enrolled=enrolled,
        absent=absent,
    )


@router.get("/all/trend")
def all_trend(v: Visit = Depends(visit)) -> Response:
    sids = v.viewer.leader_schools
    if len(sids) < 2:
        raise v.deny(None, "这一页是多所学校的汇总，只给中心校和县里的负责人")
    trends = [trend.term_trend(v.db, s, _day(v, s, None), by_class=False) for s in (v.school(i) for i in sids)]
    return _page(
        v, "all_trend.html.j2", None, trends=trends, chart=trend_chart([(t.name, t.school) for t in trends], trends)
    )


@router.get("/s/{sid}/today")
def school_today(sid: str, v: Visit = Depends(visit), day: str | None = None) -> Response:
    school = _need_school(v, sid)
    d = _day(v, school, day)
    today = overview.school_day(v.db, school, d)
    return _page(v, "today.html.j2", school, today=today, day=d, **_steps(school, d))


@router.get("/s/{sid}/c/{cid}/today")
def class_today(sid: str, cid: int, v: Visit = Depends(visit), day: str | None = None) -> Response:
    school, name = _need_class(v, sid, cid)
    d = _day(v, school, day)
    line = overview.school_day(v.db, school, d).of_class(name)
    ids = student.enrolment_ids(v.db, sid, [s.id for s, _ in (line.absent + line.part_days)] if line else [])
    return _page(
        v, "class_today.html.j2", school, line=line, class_name=name, cid=cid, day=d, eids=ids, **_steps(school, d)
    )


@router.get("/s/{sid}/trend")
def school_trend(sid: str, v: Visit = Depends(visit)) -> Response:
    school = _need_school(v, sid)
    t = trend.term_trend(v.db, school, _day(v, school, None))
    chart = trend_chart([(t.name, t.school)] + [(c.name, c) for c in t.classes], [t])
    return _page(v, "trend.html.j2", school, trend=t, chart=chart, class_name=None)


@router.get("/s/{sid}/c/{cid}/trend")
def class_trend(sid: str, cid: int, v: Visit = Depends(visit)) -> Response:
    school, name = _need_class(v, sid, cid)
    t = trend.term_trend(v.db, school, _day(v, school, None))
    series = next((c for c in t.classes if c.name == name), None)
    if series is None:
        raise NotFound("这个班级没有学生")
    one = trend.Trend(t.school_id, name, t.days, series)
    return _page(v, "trend.html.j2", school, trend=one, chart=trend_chart([(name, series)], [one]), class_name=name)


@router.get("/s/{sid}/cases")
def school_cases(sid: str, v: Visit = Depends(visit)) -> Response:
    school = _need_school(v, sid)
    found = case_service.term_cases(v.db, school, _day(v, school, None))
    return _cases_page(v, school, found, None)


@router.get("/s/{sid}/c/{cid}/cases")
def class_cases(sid: str, cid: int, v: Visit = Depends(visit)) -> Response:
    school, name = _need_class(v, sid, cid)
    found = case_service.term_cases(v.db, school, _day(v, school, None)).only(name)
    return _cases_page(v, school, found, name)


def _cases_page(v: Visit, school: SchoolContext, found: case_service.TermCases, class_name: str | None) -> Response:
    everyone = [c.student.id for c in found.open + found.home_teaching + found.closed]
    return _page(
        v,
        "cases.html.j2",
        school,
        cases=found,
        class_name=class_name,
        eids=student.enrolment_ids(v.db, school.id, everyone),
    )


@router.get("/s/{sid}/student/{eid}")
def student_page(sid: str, eid: int, v: Visit = Depends(visit)) -> Response:
    school = v.school(sid)
    enrolment = student.enrolment_of(v.db, sid, eid)
    if enrolment is None:
        raise NotFound("没有这个学生")
    found = student.history(v.db, school, enrolment.student_id)
    if found is None:
        raise NotFound("没有这个学生")
    # Their class here: today's if still on this school's roll, else the class they left from.
    class_name = found.student.class_name if found.student.school_id == sid else enrolment.class_name
    if not v.viewer.sees_class(sid, class_name):
        raise v.deny(sid, f"您只能看本班学生的记录（{class_name}的学生不是）")
    v.audit(WebAccessKind.STUDENT_VIEW, sid, found.student.id)
    today = _day(v, school, None)
    term = school.config.term
    return _page(
        v,
        "student.html.j2",
        school,
        found=found,
        class_name=class_name,
        months=_months(found, school, term.start, min(today, term.end)),
        today=today,
    )


def _months(
    found: student.StudentHistory, school: SchoolContext, start: dt.date, end: dt.date
) -> list[tuple[dt.date, list[list[tuple[dt.date, str, bool] | None]]]]:
    """The term as calendar months: weeks of (day, kind, school day) cells, Monday first, None outside
    the month. Only school days carry a kind: an open absence does not colour the weekend."""
    kinds = found.days_by_kind(start, end)
    out = []
    first = start.replace(day=1)
    while first <= end:
        nxt = (first + dt.timedelta(days=32)).replace(day=1)
        weeks: list[list[tuple[dt.date, str, bool] | None]] = []
        week: list[tuple[dt.date, str, bool] | None] = [None] * first.weekday()
        d = first
        while d < nxt:
            on = school.calendar.is_school_day(d)
            week.append((d, kinds.get(d, "") if on else "", on))
            if len(week) == 7:
                weeks.append(week)
                week = []
            d += dt.timedelta(days=1)
        if week:
            weeks.append(week + [None] * (7 - len(week)))
        out.append((first, weeks))
        first = nxt
    return out


@router.get("/s/{sid}/ledger")
def ledger_page(sid: str, v: Visit = Depends(visit)) -> Response:
    school = _need_school(v, sid)
    today = _day(v, school, None)
    return _page(v, "ledger.html.j2", school, start=school.config.term.start, end=min(today, school.config.term.end))


@router.get("/s/{sid}/ledger.xlsx")
def ledger_download(
    sid: str, v: Visit = Depends(visit), from_: str = Query(..., alias="from"), to: str = Query(...)
) -> Response:
    school = _need_school(v, sid)
    try:
        start, end = dt.date.fromisoformat(from_), dt.date.fromisoformat(to)
    except ValueError:
        return _page(
            v,
            "ledger.html.j2",
            school,
            start=school.config.term.start,
            end=_day(v, school, None),
            error="日期请写成 2026-11-23 这样的格式",
        )
    if start > end or (end - start).days > MAX_LEDGER_DAYS:
        return _page(
            v,
            "ledger.html.j2",
            school,
            start=start,
            end=end,
            error=f"开始日期要早于结束日期，最长 {MAX_LEDGER_DAYS} 天",
        )
    export = build_ledger(v.db, school.config, school.calendar, start, end, today=_day(v, school, None))
    buf = io.BytesIO()
    export.workbook.save(buf)
    v.audit(WebAccessKind.DOWNLOAD, sid, detail=f"台账 {start}–{end}，{ABSENCES} {export.rows[ABSENCES]} 行")
    name = f"台账_{start}_{end}.xlsx"
    from urllib.parse import quote

    return StreamingResponse(
        iter([buf.getvalue()]),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f"attachment; filename=ledger_{start}_{end}.xlsx; filename*=UTF-8''{quote(name)}"
        },
    )
