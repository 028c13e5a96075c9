"""One student's record ("王小明 记录"): absences and cases at this school, as data for the template."""

from __future__ import annotations

from typing import Any

from bot.chat.app import Context
from bot.parents import guardians, records, signals
from bot.reports.student import history
from bot.school.staff import audit
from storage.enums import AuditAction


def student_record(ctx: Context, student_id: str) -> dict[str, Any]:
    found = history(ctx.session, ctx.school, student_id)
    # The guardian's phone and the child's history are shown: who looked is on record.
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
    data = found.template_data() if found is not None else {"student": None, "absences": [], "cases": []}
    return data | {
        "guardians": guardians.guardians_of(ctx.session, ctx.school, student_id),
        "worries": records.worries_of(ctx.session, ctx.school, student_id),
        "labels": signals.LABELS,
    }
