"""The 月报 pages: a school's month, a class's (its head teacher's), and every school of a
cross-school leader. The figures are ``bot.reports.monthly``'s, the same report the chat
(`本月月报`) and the CLI (`schoolbot report monthly`) render; nothing here counts.

The month picker offers the term's months up to today; the current month runs to today,
as the chat's 本月 does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from bot.reports import monthly as service
from bot.reports import student
from bot.school.context import SchoolContext
from bot.web.app import NotFound, Visit, visit
from bot.web.pages import _need_class, _need_school, _page

router = APIRouter()


@dataclass(frozen=True)
class Month:
    value: str  # YYYY-MM, as the picker sends it
    first: dt.date
    last: dt.date  # the month's last day, or today in the current month

    @property
    def label(self) -> str:
        return f"{self.first.year}年{self.first.month}月"


class BadMonth(Exception):
    def __init__(self, message: str, months: list[Month]) -> None:
        super().__init__(message)
        self.message, self.months = message, months


def term_months(schools: list[SchoolContext], today: dt.date) -> list[Month]:
    """The months of the schools' terms that have begun by today, newest first."""
    seen: dict[str, Month] = {}
    for school in schools:
        term = school.config.term
        end = max(term.start, min(today, term.end))
        first = term.start.replace(day=1)
        while first <= end:
            value = first.strftime("%Y-%m")
            _, last = service.month_bounds(value)
            seen.setdefault(value, Month(value, first, min(last, today) if first <= today <= last else last))
            first = last + dt.timedelta(days=1)
    return sorted(seen.values(), key=lambda m: m.first, reverse=True)


def pick(months: list[Month], today: dt.date, asked: str | None) -> Month:
    """The month asked for, or the current one (the newest of the term when the term is over)."""
    if not asked:
        return next((m for m in months if m.first <= today <= m.last), months[0])
    try:
        service.month_bounds(asked)
    except ValueError:
        raise BadMonth(f"月份“{asked}”看不懂，请在上面选一个月份（例如 2026-11）", months) from None
    found = next((m for m in months if m.value == asked), None)
    if found is None:
        span = f"{months[-1].label}到{months[0].label}"
        raise BadMonth(f"{asked} 不在本学期已开始的月份里，可以看{span}的月报", months)
    return found


def _today(v: Visit, school: SchoolContext) -> dt.date:
    return v.deps.clock.now().astimezone(school.tz).date()


def _month_page(
    v: Visit,
    school: SchoolContext | None,
    schools: list[SchoolContext],
    asked: str | None,
    base: str,
    **data: object,
) -> tuple[Month | None, Response | None]:
    months = term_months(schools, _today(v, schools[0]))
    try:
        return pick(months, _today(v, schools[0]), asked), None
    except BadMonth as e:
        page = _page(
            v,
            "monthly.html.j2",
            school,
            months=months,
            month=None,
            base=base,
            reports=[],
            ledger=False,
            eids={},
            error=e.message,
            **data,
        )
        page.status_code = 400
        return None, page


@router.get("/s/{sid}/monthly")
def school_monthly(sid: str, v: Visit = Depends(visit), month: str | None = None) -> Response:
    school = _need_school(v, sid)
    base = f"/s/{sid}/monthly"
    m, refused = _month_page(v, school, [school], month, base, class_name=None)
    if m is None:
        assert refused is not None
        return refused
    report = service.monthly(v.db, school, m.first, m.last)
    return _report_page(v, school, m, base, report, None, ledger=True)


@router.get("/s/{sid}/c/{cid}/monthly")
def class_monthly(sid: str, cid: int, v: Visit = Depends(visit), month: str | None = None) -> Response:
    school, name = _need_class(v, sid, cid)
    base = f"/s/{sid}/c/{cid}/monthly"
    m, refused = _month_page(v, school, [school], month, base, class_name=name)
    if m is None:
        assert refused is not None
        return refused
    report = service.monthly(v.db, school, m.first, m.last)
    if not any(c.name == name for c in report.classes):
        raise NotFound("这个班级没有学生")
    mine = service.of_classes(report, {name})
    # the 台账 is the whole school's: its link only for those who see the school
    return _report_page(v, school, m, base, mine, name, ledger=v.viewer.sees_school(sid))


def _report_page(
    v: Visit,
    school: SchoolContext,
    m: Month,
    base: str,
    report: service.MonthlyReport,
    class_name: str | None,
    *,
    ledger: bool,
) -> Response:
    away = [o.student.id for o in report.school.out_of_school] + [s.id for s in report.school.home_teaching]
    return _page(
        v,
        "monthly.html.j2",
        school,
        months=term_months([school], _today(v, school)),
        month=m,
        base=base,
        reports=[(school, report)],
        class_name=class_name,
        ledger=ledger,
        eids=student.enrolment_ids(v.db, school.id, away),
    )


@router.get("/all/monthly")
def all_monthly(v: Visit = Depends(visit), month: str | None = None) -> Response:
    sids = v.viewer.leader_schools
    if len(sids) < 2:
        raise v.deny(None, "这一页是多所学校的汇总，只给中心校和县里的负责人")
    schools = [v.school(sid) for sid in sids]
    m, refused = _month_page(v, None, schools, month, "/all/monthly", class_name=None)
    if m is None:
        assert refused is not None
        return refused
    reports = [(school, service.monthly(v.db, school, m.first, m.last)) for school in schools]
    return _page(
        v,
        "monthly.html.j2",
        None,
        months=term_months(schools, _today(v, schools[0])),
        month=m,
        base="/all/monthly",
        reports=reports,
        class_name=None,
        ledger=False,
        eids={},
    )
