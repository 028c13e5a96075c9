"""The 预警与劝返 and 劝返记录 sheets of the 台账: one row per case, one row per visit (data).

One value type per column (numbers, dates, 是/否, text) so that a county office can sort,
filter and sum them; 劝返 visits are rows of their own with their full dates.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, or_, select

from bot.reports.monthly import reason_category
from bot.reports.workbook import class_key, yes
from bot.school.config import SchoolConfig
from storage.enums import AlertEventKind, AlertStatus, RecordStatus
from storage.models import Alert, AlertEvent, Student

ALERTS, VISITS = "预警与劝返", "劝返记录"
ALERT_HEADERS = (
    "学籍号",
    "姓名",
    "性别",
    "班级",
    "开始日期",
    "预警日期",
    "预警时连续天数",
    "截至统计日连续天数",
    "是否升级",
    "升级日期",
    "辍学原因分类",
    "劝返次数",
    "最近劝返日期",
    "劝返责任人",
    "处理结果",
    "结案日期",
    "结案说明",
    "监护人",
    "联系电话",
)
VISIT_HEADERS = ("学籍号", "姓名", "性别", "班级", "劝返日期", "第几次", "劝返情况", "记录人")


def alert_rows(
    session: Session,
    school: SchoolConfig,
    students: dict[str, Student],
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
    current: dict[str, int],
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Cases overlapping ``start``..``end``; ``current``: each student's unexcused run on ``as_of``."""
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
    cases, visits = [], []
    for a in sorted(alerts, key=lambda a: (a.since, class_key(students[a.student_id].class_name), a.student_id)):
        st = students[a.student_id]
        notes = [ev for ev in events[a.id] if ev.kind != AlertEventKind.CLOSED]
        # Stored times come back in UTC: an 07:30 visit in Beijing is still "that day" here.
        days = [(ev.at if ev.at.tzinfo else ev.at.replace(tzinfo=dt.UTC)).astimezone(tz).date() for ev in notes]
        for n, (ev, day) in enumerate(zip(notes, days, strict=True), start=1):
            who = member.name if ev.by and (member := school.staff_by_wechat(ev.by)) else (ev.by or "")
            visits.append((st.id, st.name, st.gender, st.class_name, day, n, ev.text, who))
        closing = next((ev.text for ev in reversed(events[a.id]) if ev.kind == AlertEventKind.CLOSED), "")
        if a.status == AlertStatus.CLOSED:
            # A correction (e.g. 旷课 → 病假) also closes an alert: that is no return to school.
            outcome = "已返校" if not closing or "返校" in closing else "已关闭"
        else:
            outcome = "送教上门" if a.status == AlertStatus.HOME_TEACHING else "仍未返校"
        still = current.get(a.student_id, 0) if a.status == AlertStatus.OPEN and as_of >= a.opened_on else None
        teacher = school.head_teacher_of(st.class_name)
        cases.append(
            (
                st.id,
                st.name,
                st.gender,
                st.class_name,
                a.since,
                a.opened_on,
                a.streak_at_open,
                still,
                yes(a.escalated_on is not None),
                a.escalated_on,
                reason_category([ev.text for ev in notes]) if notes else "",
                len(notes),
                days[-1] if days else None,
                teacher.name if teacher else "",
                outcome,
                a.closed_on if a.status == AlertStatus.CLOSED else None,
                closing if a.status == AlertStatus.CLOSED else "",
                st.guardian,
                st.phone,
            )
        )
    return cases, visits
