"""The 因病缺课登记 sheet of the 台账: one row per sick absence, as a school's form has it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session, col, or_, select

from bot.attendance.illness.tags import tag
from bot.reports.workbook import yes
from bot.school.calendar import SchoolCalendar
from bot.school.config import SchoolConfig
from storage.enums import AbsenceKind, ClusterRule, ClusterStatus, DayPortion, RecordStatus
from storage.models import Absence, IllnessCluster, Student


def illness_rows(
    session: Session,
    school: SchoolConfig,
    calendar: SchoolCalendar,
    students: dict[str, Student],
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
) -> list[tuple[Any, ...]]:
    """因病缺课登记: one row per sick absence touching the range, as the school's form has it."""
    rows = session.exec(
        select(Absence)
        .where(
            Absence.school_id == school.id,
            Absence.status == RecordStatus.ACTIVE,
            Absence.kind == AbsenceKind.SICK,
            Absence.start <= end,
            or_(col(Absence.end).is_(None), col(Absence.end) >= start),
        )
        .order_by(col(Absence.start), col(Absence.id))
    ).all()
    proofs: dict[str, str] = {}
    for c in session.exec(
        select(IllnessCluster).where(
            IllnessCluster.school_id == school.id, IllnessCluster.rule == ClusterRule.NOTIFIABLE
        )
    ):
        state = {
            ClusterStatus.CLOSED: "已查验",
            ClusterStatus.PROOF_PENDING: "待查验",
            ClusterStatus.OPEN: "返校时查验",
        }
        if c.status in state:
            proofs[c.student_ids] = state[ClusterStatus(c.status)]
    out = []
    for a in rows:
        st = students.get(a.student_id)
        if st is None:
            continue
        last = min(a.end or as_of, as_of)
        days = (
            0.5
            if a.portion != DayPortion.FULL
            else float(calendar.count_school_days(a.start, last))
            if last >= a.start
            else 0.0
        )
        back = calendar.next_school_day(a.end) if a.end is not None and a.end < as_of else None
        out.append(
            (
                a.start,
                st.class_name,
                st.name,
                st.gender,
                st.id,
                "、".join(filter(None, a.symptoms.split(","))),
                "、".join(filter(None, a.diseases.split(","))),
                yes(tag(a.reason).seen_doctor),
                days,
                back,
                proofs.get(st.id, ""),
                a.reason,
            )
        )
    return out
