"""The attendance ledger (台账) as an Excel workbook for the county 控辍保学 office.

Three sheets: every absent school day (缺勤台账), every alert with its 劝返 record
(预警与劝返), and per-class daily counts (班级每日统计). Absences are read once
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
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from sqlmodel import Session, col, or_, select

from bot.attendance import ledger
from bot.attendance.streak import SchoolDayIndex, Span, kinds_by_day
from bot.reports.illness_sheet import illness_rows
from bot.reports.workbook import write_sheet, yes
from bot.school.calendar import SchoolCalendar
from bot.school.classnames import parse_class_name
from bot.school.config import SchoolConfig
from storage.enums import AbsenceKind, AlertEventKind, AlertStatus, DayPortion, RecordStatus
from storage.models import Absence, Alert, AlertEvent, ClassReport, Enrolment, Student

KIND_LABELS: dict[str, str] = {
    AbsenceKind.SICK: "病假",
    AbsenceKind.PERSONAL: "事假",
    AbsenceKind.UNEXCUSED: "无故缺勤",
}
KINDS = (AbsenceKind.SICK, AbsenceKind.PERSONAL, AbsenceKind.UNEXCUSED)
PORTION_LABELS = {DayPortion.LATE: "迟到", DayPortion.MORNING: "上午缺课", DayPortion.AFTERNOON: "下午缺课"}
ABSENCES, ALERTS, DAILY, ILLNESS = "缺勤台账", "预警与劝返", "班级每日统计", "因病缺课登记"
HEADERS = {
    ABSENCES: ("学籍号", "姓名", "班级", "缺勤日期", "类型", "原因", "连续天数", "报告人", "脱贫家庭", "留守儿童"),
    ALERTS: (
        "学籍号",
        "姓名",
        "班级",
        "开始日期",
        "预警日期",
        "连续天数",
        "是否升级",
        "劝返记录",
        "处理结果",
        "监护人",
        "联系电话",
    ),
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
WRAP_COLUMNS = {(ALERTS, "劝返记录"), (ALERTS, "连续天数"), (ALERTS, "处理结果"), (ABSENCES, "原因")}
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


def _class_key(name: str) -> tuple[int, int, int, str]:
    ref = parse_class_name(name)
    return (0, ref.grade, ref.number, name) if ref else (1, 0, 0, name)


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
) -> LedgerExport:
    """The workbook for school days ``start``..``end``; ``today`` stops open absences there."""
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
    export.rows[ALERTS] = _alert_sheet(
        wb,
        session,
        school,
        students,
        start,
        end,
        as_of,
        {sid: r.get(index.position(as_of), 0) for sid, r in runs.items()},
    )
    export.rows[DAILY] = _daily_sheet(wb, session, school, students, index, lo, upto, kinds, parts)
    export.rows[ILLNESS] = _write(wb, ILLNESS, illness_rows(session, school, calendar, students, start, end, as_of))
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
                (index.days[pos], _class_key(st.class_name), st.name, sid),
                (
                    sid,
                    st.name,
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
                (p.start, _class_key(st.class_name), st.name, p.student_id),
                (
                    p.student_id,
                    st.name,
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


def _alert_sheet(
    wb: Workbook,
    session: Session,
    school: SchoolConfig,
    students: dict[str, Student],
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
    current: dict[str, int],
) -> int:
    alerts = [
        a
        for a in session.exec(
            select(Alert).where(
                Alert.school_id == school.id,
                Alert.status != AlertStatus.UNDONE,
                Alert.since <= end,
                or_(col(Alert.closed_on).is_(None), col(Alert.closed_on) >= start),
            )
        )
        if a.student_id in students
    ]
    events: dict[int | None, list[AlertEvent]] = defaultdict(list)
    if alerts:
        for ev in session.exec(
            select(AlertEvent)
            .where(
                col(AlertEvent.alert_id).in_([a.id for a in alerts]),
                AlertEvent.status == RecordStatus.ACTIVE,
                col(AlertEvent.kind).in_(
                    (AlertEventKind.FOLLOWUP, AlertEventKind.HOME_TEACHING, AlertEventKind.CLOSED)
                ),
            )
            .order_by(col(AlertEvent.at), col(AlertEvent.id))
        ):
            events[ev.alert_id].append(ev)
    tz = ZoneInfo(school.timezone)
    rows = []
    for a in sorted(alerts, key=lambda a: (a.since, _class_key(students[a.student_id].class_name), a.student_id)):
        st = students[a.student_id]
        # Stored times come back in UTC: an 07:30 visit in Beijing is still "that day" here.
        visits = "\n".join(
            f"{ev.at.astimezone(tz):%m-%d} {ev.text}".rstrip()
            for ev in events[a.id]
            if ev.kind != AlertEventKind.CLOSED
        )
        if a.status == AlertStatus.CLOSED:
            closing = next((ev.text for ev in reversed(events[a.id]) if ev.kind == AlertEventKind.CLOSED), "")
            when = _md(a.closed_on) if a.closed_on else ""
            # A correction (e.g. 旷课 → 病假) also closes an alert: that is no return to school.
            outcome = f"已返校 {when}" if not closing or "返校" in closing else f"已关闭 {when}：{closing}"
            streak: int | str = a.streak_at_open
        else:
            outcome = "送教上门" if a.status == AlertStatus.HOME_TEACHING else "仍未返校"
            streak = a.streak_at_open
            if as_of >= a.opened_on:
                streak = f"预警时{a.streak_at_open}天；截至{_md(as_of)}已{current.get(a.student_id, 0)}天"
        rows.append(
            (
                st.id,
                st.name,
                st.class_name,
                a.since,
                a.opened_on,
                streak,
                f"是（{_md(a.escalated_on)}）" if a.escalated_on else "否",
                visits,
                outcome,
                st.guardian,
                st.phone,
            )
        )
    return _write(wb, ALERTS, rows)


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
    classes = sorted(set(school.classes) | {s.class_name for s in students.values()}, key=_class_key)
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
) -> LedgerExport:
    """Build and save; written beside the target then renamed, so a failure leaves no half file."""
    export = build_ledger(session, school, calendar, start, end, today=today)
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        export.workbook.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return export
