"""One student's record ("王小明 记录"): absences and cases at this school, as data for the template."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from bot.chat.app import Context
from storage.enums import AlertStatus, RecordStatus
from storage.models import Absence, Alert, AlertEvent, Student


def student_record(ctx: Context, student_id: str) -> dict[str, Any]:
    s = ctx.session
    student = s.get(Student, student_id)
    absences = list(
        s.exec(
            select(Absence)
            .where(
                Absence.school_id == ctx.school.id,  # after a transfer the other school's records stay its own
                Absence.student_id == student_id,
                Absence.status == RecordStatus.ACTIVE,
            )
            .order_by(col(Absence.start))
        )
    )
    alerts = list(
        s.exec(
            select(Alert)
            .where(Alert.school_id == ctx.school.id, Alert.student_id == student_id, Alert.status != AlertStatus.UNDONE)
            .order_by(col(Alert.id))
        )
    )
    events: dict[int | None, list[AlertEvent]] = {a.id: [] for a in alerts}
    if alerts:
        for ev in s.exec(
            select(AlertEvent)
            .where(col(AlertEvent.alert_id).in_(list(events)), AlertEvent.status == RecordStatus.ACTIVE)
            .order_by(col(AlertEvent.at), col(AlertEvent.id))
        ):
            events[ev.alert_id].append(ev)
    cases = [(a, events[a.id]) for a in alerts]
    return {"student": student, "absences": absences, "cases": cases}
