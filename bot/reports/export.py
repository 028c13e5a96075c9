"""The attendance ledger (台账) as an Excel workbook for the county 控辍保学 office.

Sheets: every absent school day (缺勤台账), every alert (预警与劝返), every 劝返 visit (劝返记录),
per-class daily counts (班级每日统计) and 因病缺课登记; each under a title block (TITLE_ROWS). Absences are read once
(``ledger.spans``) and laid out over the school days once (``streak.kinds_by_day``), so
the cost grows with the days absent, not with students × days.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlmodel import Session, col, or_, select

from bot.attendance import ledger
from bot.attendance.streak import SchoolDayIndex, Span, kinds_by_day
from bot.reports.alert_sheet import ALERT_HEADERS, ALERTS, VISIT_HEADERS, VISITS, alert_rows
from bot.reports.illness_sheet import illness_rows
from bot.reports.workbook import add_title, class_key, write_sheet, yes
from bot.school.calendar import SchoolCalendar
from bot.school.config import SchoolConfig
from storage.enums import AbsenceKind, DayPortion, RecordStatus
from storage.models import Absence, ClassReport, Enrolment, Student

KIND_LABELS: dict[str, str] = {
    AbsenceKind.SICK: "病假",
    AbsenceKind.PERSONAL: "事假",
    AbsenceKind.UNEXCUSED: "无故缺勤",
}
KINDS = (AbsenceKind.SICK, AbsenceKind.PERSONAL, AbsenceKind.UNEXCUSED)
PORTION_LABELS = {DayPortion.LATE: "迟到", DayPortion.MORNING: "上午缺课", DayPortion.AFTERNOON: "下午缺课"}
ABSENCES, DAILY, ILLNESS = "缺勤台账", "班级每日统计", "因病缺课登记"
HEADERS = {
    ABSENCES: (
        "学籍号",
        "姓名",
        "性别",
        "班级",
        "缺勤日期",
        "类型",
        "原因",
        "连续天数",
        "报告人",
        "脱贫家庭",
        "留守儿童",
    ),
    ALERTS: ALERT_HEADERS,
    VISITS: VISIT_HEADERS,
    DAILY: ("日期", "班级", "在籍人数", "病假", "事假", "无故缺勤", "缺勤合计", "迟到或缺半天", "是否已报告"),
    ILLNESS: (
        "日期",
        "班级",
        "姓名",
        "性别",
        "学籍号",
        "症状",
        "疾病",
        "是否就诊",
        "缺课天数",
        "返校日期",
        "复课证明",
        "原因",
    ),
}
WRAP_COLUMNS = {(VISITS, "劝返情况"), (ALERTS, "结案说明"), (ABSENCES, "原因")}
ONE_DAY = dt.timedelta(days=1)


@dataclass
class LedgerExport:
    workbook: Workbook
    rows: dict[str, int] = field(default_factory=dict)  # sheet → data rows (header not counted)
    school_days: int = 0
    open_until: dt.date | None = None  # open absences were counted up to this day only


def _write(wb: Workbook, title: str, rows: list[tuple[Any, ...]]) -> int:
    return write_sheet(wb, title, HEADERS[title], rows, {h for t, h in WRAP_COLUMNS if t == title})


def _md(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


def _clip(spans: list[Span], students: dict[str, Student], today: dt.date | None) -> list[Span]:
    """Only this school's students; no days after a student left; open absences end today.

    An open absence says nothing yet about days to come, and a student who has left is
    not absent from a school they no longer attend (``left_on`` is their first day gone).
    """
    out = []
    for s in spans:
        student = students.get(s.student_id)
        if student is None:
            continue
        end = s.end if s.end is not None else today
        if not student.active and student.left_on is not None:
            last = student.left_on - ONE_DAY
            end = last if end is None else min(end, last)
        if end is not None and end < s.start:
            continue
        out.append(replace(s, end=end) if end != s.end else s)
    return out


def _students(session: Session, school_id: str) -> dict[str, Student]:
    """The school's students, and those who transferred out as they were here (their
    class, gone from the day they left): the days they missed here stay in its ledger."""
    students = {s.id: s for s in session.exec(select(Student).where(Student.school_id == school_id))}
    moved = session.exec(
        select(Enrolment, Student)
        .join(Student, col(Student.id) == Enrolment.student_id)
        .where(Enrolment.school_id == school_id, col(Enrolment.left_on).is_not(None), Student.school_id != school_id)
        .order_by(col(Enrolment.id))
    )
    for e, st in moved:
        here = {"school_id": school_id, "class_name": e.class_name, "active": False, "left_on": e.left_on}
        students[st.id] = Student(**{**st.model_dump(), **here})  # a copy, never added to the session
    return students


def _runs(days: dict[int, str]) -> dict[int, int]:
    """position → consecutive unexcused school days ending there (as ``streaks`` counts)."""
    runs: dict[int, int] = {}
    for pos in sorted(days):
        if days[pos] == AbsenceKind.UNEXCUSED:
            runs[pos] = runs.get(pos - 1, 0) + 1
    return runs


def build_ledger(
    session: Session,
    school: SchoolConfig,
    calendar: SchoolCalendar,
    start: dt.date,
    end: dt.date,
    *,
    today: dt.date | None = None,
    prepared_by: str = "",
) -> LedgerExport:
    """The workbook for school days ``start``..``end``; ``today`` stops open absences there.
    Every sheet opens with the title block a county office files (school, period, who made it, when)."""
    if start > end:
        raise ValueError(f"start {start} is after end {end}")
    students = _students(session, school.id)
    # Rows ending before the term cover no school day; active_students_only=False keeps
    # the students who left since: the ledger is history.
    raw = ledger.spans(session, school_id=school.id, since=min(start, calendar.term.start), active_students_only=False)
    spans = _clip(raw, students, today)
    stopped = today is not None and today < end and any(s.end is None and s.student_id in students for s in raw)
    first = min([start] + [s.start for s in spans])
    index = SchoolDayIndex(calendar, first, end)
    upto, lo = index.position(end), index.first_at_or_after(start)
    kinds = kinds_by_day(spans, index, upto) if upto >= 0 else {}
    runs = {sid: _runs(days) for sid, days in kinds.items()}
    as_of = min(end, today) if today is not None else end

    export = LedgerExport(Workbook(), school_days=max(0, upto - lo + 1), open_until=today if stopped else None)
    wb = export.workbook
    wb.remove(wb.active)
    parts = (
        [r for r in ledger.part_days(session, school_id=school.id, day=index.days[lo], upto=index.days[upto])]
        if upto >= lo
        else []
    )
    parts = [r for r in parts if r.student_id in students]
    export.rows[ABSENCES] = _absence_sheet(wb, session, school, students, spans, index, lo, upto, kinds, runs, parts)
    cases, visits = alert_rows(
        session, school, students, start, end, as_of, {sid: r.get(index.position(as_of), 0) for sid, r in runs.items()}
    )
    export.rows[ALERTS] = _write(wb, ALERTS, cases)
    export.rows[VISITS] = _write(wb, VISITS, visits)
    export.rows[DAILY] = _daily_sheet(wb, session, school, students, index, lo, upto, kinds, parts)
    export.rows[ILLNESS] = _write(wb, ILLNESS, illness_rows(session, school, calendar, students, start, end, as_of))
    made = today or end
    for ws in wb.worksheets:
        add_title(
            ws,
            [
                f"{school.name} 控辍保学台账 · {ws.title}",
                f"统计期间：{start:%Y-%m-%d} 至 {end:%Y-%m-%d}（{export.school_days} 个上学日）",
                f"填报单位：{school.name}　制表人：{prepared_by or '（未填）'}　制表日期：{made:%Y-%m-%d}",
            ],
        )
    return export


def _absence_sheet(
    wb: Workbook,
    session: Session,
    school: SchoolConfig,
    students: dict[str, Student],
    spans: list[Span],
    index: SchoolDayIndex,
    lo: int,
    upto: int,
    kinds: dict[str, dict[int, str]],
    runs: dict[str, dict[int, int]],
    parts: list[Absence],
) -> int:
    # Which row states each day: the latest report, as in kinds_by_day; its reason and
    # reporter are read in one more query over the rows touching the range.
    owner: dict[tuple[str, int], int] = {}
    for s in sorted(spans, key=lambda s: s.order):
        s_lo = max(lo, index.first_at_or_after(s.start))
        s_hi = upto if s.end is None else min(upto, index.position(s.end))
        for pos in range(s_lo, s_hi + 1):
            owner[(s.student_id, pos)] = s.order
    details: dict[int | None, tuple[str, str]] = {}
    if owner:
        first_day, last_day = index.days[lo], index.days[upto]
        q = select(col(Absence.id), col(Absence.reason), col(Absence.reported_by)).where(
            Absence.status == RecordStatus.ACTIVE,
            Absence.start <= last_day,
            or_(col(Absence.end).is_(None), col(Absence.end) >= first_day),
        )
        details = {i: (reason, by) for i, reason, by in session.exec(q)}
    rows = []
    for (sid, pos), order in owner.items():
        st = students[sid]
        reason, by = details.get(order, ("", ""))
        reporter = member.name if (member := school.staff_by_wechat(by)) else by
        kind = kinds[sid][pos]
        rows.append(
            (
                (index.days[pos], class_key(st.class_name), st.name, sid),
                (
                    sid,
                    st.name,
                    st.gender,
                    st.class_name,
                    index.days[pos],
                    KIND_LABELS.get(kind, kind),
                    reason,
                    runs[sid].get(pos, 0),
                    reporter,
                    yes(st.poverty),
                    yes(st.left_behind),
                ),
            )
        )
    for p in parts:
        # A late arrival or a half day: in school that day, so no streak
        st = students[p.student_id]
        reporter = member.name if (member := school.staff_by_wechat(p.reported_by)) else p.reported_by
        label = PORTION_LABELS.get(DayPortion(p.portion), p.portion)
        if p.kind != AbsenceKind.UNEXCUSED:
            label += f"（{KIND_LABELS[p.kind]}）"
        rows.append(
            (
                (p.start, class_key(st.class_name), st.name, p.student_id),
                (
                    p.student_id,
                    st.name,
                    st.gender,
                    st.class_name,
                    p.start,
                    label,
                    p.reason,
                    0,
                    reporter,
                    yes(st.poverty),
                    yes(st.left_behind),
                ),
            )
        )
    return _write(wb, ABSENCES, [r for _, r in sorted(rows, key=lambda r: r[0])])


def _daily_sheet(
    wb: Workbook,
    session: Session,
    school: SchoolConfig,
    students: dict[str, Student],
    index: SchoolDayIndex,
    lo: int,
    upto: int,
    kinds: dict[str, dict[int, str]],
    parts: list[Absence],
) -> int:
    part_counts = Counter((p.start, students[p.student_id].class_name) for p in parts)
    classes = sorted(set(school.classes) | {s.class_name for s in students.values()}, key=class_key)
    if upto < lo:
        return _write(wb, DAILY, [])
    first_day, last_day = index.days[lo], index.days[upto]
    enrolled = Counter(s.class_name for s in students.values() if s.active)
    gone = [
        (s.class_name, s.left_on)
        for s in students.values()
        if not s.active and s.left_on is not None and s.left_on > first_day
    ]
    counts: dict[tuple[int, str], Counter[str]] = defaultdict(Counter)
    for sid, days in kinds.items():
        for pos, kind in days.items():
            if pos >= lo:
                counts[(pos, students[sid].class_name)][kind] += 1
    reported = {
        (name, day)
        for name, day in session.exec(
            select(col(ClassReport.class_name), col(ClassReport.day)).where(
                ClassReport.school_id == school.id,
                ClassReport.status == RecordStatus.ACTIVE,
                ClassReport.day >= first_day,
                ClassReport.day <= last_day,
            )
        )
    }
    rows = []
    for pos in range(lo, upto + 1):
        day = index.days[pos]
        on_roll = enrolled + Counter(name for name, left_on in gone if day < left_on)
        for name in classes:
            c = counts.get((pos, name), Counter())
            rows.append(
                (
                    day,
                    name,
                    on_roll[name],
                    *(c[k] for k in KINDS),
                    sum(c[k] for k in KINDS),
                    part_counts[(day, name)],
                    yes((name, day) in reported),
                )
            )
    return _write(wb, DAILY, rows)


def write_ledger(
    path: str | Path,
    session: Session,
    school: SchoolConfig,
    calendar: SchoolCalendar,
    start: dt.date,
    end: dt.date,
    *,
    today: dt.date | None = None,
    prepared_by: str = "",
) -> LedgerExport:
    """Build and save; written beside the target then renamed, so a failure leaves no half file."""
    export = build_ledger(session, school, calendar, start, end, today=today, prepared_by=prepared_by)
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        export.workbook.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return export
