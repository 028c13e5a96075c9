"""因病缺课 cluster changes as messages: to the 疫情报告人 and the principal, and the 复课
question to the head teacher (``ClusterChange`` → templates/illness/)."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

from sqlmodel import Session

from bot.attendance.illness.cases import ClusterChange, ClusterChangeKind
from bot.chat.outbox import Recipient
from bot.school.context import SchoolContext
from storage.enums import PendingKind
from storage.models import PendingQuestion

if TYPE_CHECKING:
    from bot.chat.app import App

_TEMPLATES = {
    ClusterChangeKind.OPENED: "illness/cluster_opened.j2",
    ClusterChangeKind.GREW: "illness/cluster_grew.j2",
    ClusterChangeKind.CLOSED: "illness/cluster_closed.j2",
}
PROOF_TTL_DAYS = 7


def queue_cluster_notices(app: App, session: Session, school: SchoolContext, changes: list[ClusterChange]) -> None:
    for ch in changes:
        if ch.kind == ClusterChangeKind.PROOF_NEEDED:
            _ask_for_proof(app, session, school, ch)
            continue
        members = ch.new if ch.kind == ClusterChangeKind.GREW else ch.students
        key = f"illness-{ch.kind}:{ch.cluster.id}:{','.join(s.id for s in members)}"
        for rid in ch.recipients:
            app.queue(
                session,
                school,
                f"{key}:{rid}",
                Recipient(contact=rid),
                _TEMPLATES[ch.kind],
                cluster=ch.cluster,
                students=ch.students,
                new=ch.new,
                cases=ch.cases,
            )


def _ask_for_proof(app: App, session: Session, school: SchoolContext, ch: ClusterChange) -> None:
    for student in ch.students:
        teacher = school.head_teacher_of(student.class_name)
        if teacher is None:
            continue
        sent = app.queue(
            session,
            school,
            f"illness-proof:{ch.cluster.id}:{student.id}",
            Recipient(contact=teacher.wechat_id),
            "illness/proof_asked.j2",
            student=student,
            disease=ch.cluster.label,
        )
        if sent:
            now = app.clock.now()
            session.add(
                PendingQuestion(
                    school_id=school.id,
                    kind=PendingKind.RETURN_PROOF,
                    ask_to=teacher.wechat_id,
                    room=None,
                    payload=json.dumps({"cluster_id": ch.cluster.id, "name": student.name}, ensure_ascii=False),
                    created_at=now,
                    expires_at=now + dt.timedelta(days=PROOF_TTL_DAYS),
                )
            )
