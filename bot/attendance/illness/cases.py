"""因病缺课 clusters in the ledger: open, grow, close, and the 复课 check (a service).

``check_clusters(session, school, day, now)`` reads the day's sick cases (and the window
of the multi-day rule), matches what the rules see (``clusters.find``) to the open
clusters, and returns what changed: a new cluster (its people are told), a cluster that
grew (told as an update, not a new alert), a cluster whose children are all back
(closed). A child back after a notifiable disease leaves the case *pending proof* until
the head teacher checks the 复课证明. Changes go through the session, so the change log
and undo see them like any other ledger row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from sqlmodel import Session, col, or_, select

from bot.attendance.illness.clusters import Case, Found, find
from bot.attendance.illness.rules import IllnessRules
from bot.school.context import SchoolContext
from storage.enums import AbsenceKind, ClusterRule, ClusterStatus, RecordStatus, Role
from storage.models import Absence, IllnessCluster, Student

LIVE = (ClusterStatus.OPEN, ClusterStatus.PROOF_PENDING)


class ClusterChangeKind(StrEnum):
    OPENED = "opened"
    GREW = "grew"
    CLOSED = "closed"
    PROOF_NEEDED = "proof_needed"  # back after a notifiable disease: ask the head teacher


@dataclass(frozen=True)
class ClusterChange:
    kind: ClusterChangeKind
    cluster: IllnessCluster
    students: list[Student]  # everyone in it (for a GREW: the newcomers first)
    new: list[Student] = field(default_factory=list)
    cases: dict[str, Case] = field(default_factory=dict)  # student id → the latest case
    recipients: list[str] = field(default_factory=list)


def rules_of(school: SchoolContext) -> IllnessRules:
    return school.rules.illness


def recipients(school: SchoolContext, class_name: str | None = None) -> list[str]:
    """The school's 疫情报告人 (the principal when there is none), the principal, and the
    head teacher of the class (who does the 晨午检 and follows each child)."""
    ids = [s.wechat_id for s in school.with_role(Role.HEALTH_REPORTER)]
    ids += [s.wechat_id for s in school.with_role(Role.PRINCIPAL)]
    if class_name and (teacher := school.head_teacher_of(class_name)):
        ids.append(teacher.wechat_id)
    return list(dict.fromkeys(ids))


def sick_cases(session: Session, school: SchoolContext, first: dt.date, last: dt.date) -> list[Case]:
    """Every school day of [first, last] on which a student was off sick (whole or part day)."""
    rows = session.exec(
        select(Absence, Student)
        .join(Student, col(Student.id) == Absence.student_id)
        .where(
            Absence.school_id == school.id,
            Absence.status == RecordStatus.ACTIVE,
            Absence.kind == AbsenceKind.SICK,
            Absence.start <= last,
            or_(col(Absence.end).is_(None), col(Absence.end) >= first),
        )
    ).all()
    out: dict[tuple[str, dt.date], Case] = {}
    for absence, student in rows:
        start = max(absence.start, first)
        end = min(absence.end or last, last)
        for day in school.calendar.school_days(start, end):
            out[(student.id, day)] = Case(
                student.id,
                student.class_name,
                day,
                tuple(filter(None, absence.symptoms.split(","))),
                tuple(filter(None, absence.diseases.split(","))),
            )
    return list(out.values())


def _window(school: SchoolContext, day: dt.date, days: int) -> list[dt.date]:
    out = [day]
    while len(out) < days:
        prev = school.calendar.previous_school_day(out[-1])
        if prev is None:
            break
        out.append(prev)
    return sorted(out)


def _ids(cluster: IllnessCluster) -> list[str]:
    return [i for i in cluster.student_ids.split(",") if i]


_CLASS_RULES = (ClusterRule.CLASS_DAY, ClusterRule.CLASS_DAYS)


def _same(cluster: IllnessCluster, f: Found) -> bool:
    """One open cluster per class: a second rule met in the same class is news of the same
    outbreak (an update), not a new alert; a notifiable case is its own, per child."""
    if f.rule in _CLASS_RULES:
        return cluster.rule in _CLASS_RULES and cluster.class_name == f.class_name
    if cluster.rule != f.rule or cluster.label != f.label:
        return False
    if f.rule == ClusterRule.NOTIFIABLE:
        return _ids(cluster) == list(f.student_ids)
    return cluster.class_name == f.class_name


def live_clusters(session: Session, school_id: str) -> list[IllnessCluster]:
    return list(
        session.exec(
            select(IllnessCluster)
            .where(IllnessCluster.school_id == school_id, col(IllnessCluster.status).in_(LIVE))
            .order_by(col(IllnessCluster.id))
        )
    )


def check_clusters(session: Session, school: SchoolContext, day: dt.date, now: dt.datetime) -> list[ClusterChange]:
    if not school.calendar.is_school_day(day):
        return []
    rules = rules_of(school)
    window = _window(school, day, rules.window_days)
    cases = sick_cases(session, school, window[0], day)
    latest = {c.student_id: c for c in sorted(cases, key=lambda c: c.day)}
    found = find(cases, day, window, rules)
    live = live_clusters(session, school.id)
    wanted = {i for f in found for i in f.student_ids} | {i for c in live for i in _ids(c)}
    students = {s.id: s for s in session.exec(select(Student).where(col(Student.id).in_(wanted)))} if wanted else {}
    changes: list[ClusterChange] = []
    for f in found:
        cluster = next((c for c in live if _same(c, f) and c.status == ClusterStatus.OPEN), None)
        if cluster is None:
            cluster = IllnessCluster(
                school_id=school.id,
                episode_key=f"{school.id}:{f.rule}:{f.place}:{f.label}:{f.first_day.isoformat()}",
                rule=f.rule,
                class_name=f.class_name,
                label=f.label,
                student_ids=",".join(f.student_ids),
                first_day=f.first_day,
                last_day=f.last_day,
                created_at=now,
            )
            if session.exec(select(IllnessCluster).where(IllnessCluster.episode_key == cluster.episode_key)).first():
                continue  # this episode was told already (and closed, or undone)
            session.add(cluster)
            session.flush()
            live.append(cluster)
            changes.append(
                ClusterChange(
                    ClusterChangeKind.OPENED,
                    cluster,
                    [students[i] for i in f.student_ids if i in students],
                    cases=latest,
                    recipients=recipients(school, f.class_name),
                )
            )
            continue
        new = [i for i in f.student_ids if i not in _ids(cluster)]
        cluster.last_day = max(cluster.last_day, day)
        if new:
            cluster.student_ids = ",".join(_ids(cluster) + new)
            if cluster.label and any(cluster.label not in latest[i].labels for i in new if i in latest):
                cluster.label = ""  # no longer one symptom: the class's 因病缺课 as a whole
            changes.append(
                ClusterChange(
                    ClusterChangeKind.GREW,
                    cluster,
                    [students[i] for i in _ids(cluster) if i in students],
                    new=[students[i] for i in new if i in students],
                    cases=latest,
                    recipients=recipients(school, cluster.class_name),
                )
            )
        session.add(cluster)
    away_today = {c.student_id for c in cases if c.day == day}
    for cluster in live:
        if cluster.status != ClusterStatus.OPEN or any(i in away_today for i in _ids(cluster)):
            continue
        members = [students[i] for i in _ids(cluster) if i in students]
        if cluster.rule == ClusterRule.NOTIFIABLE:
            cluster.status = ClusterStatus.PROOF_PENDING
            changes.append(ClusterChange(ClusterChangeKind.PROOF_NEEDED, cluster, members, cases=latest))
        else:
            cluster.status = ClusterStatus.CLOSED
            changes.append(
                ClusterChange(
                    ClusterChangeKind.CLOSED,
                    cluster,
                    members,
                    cases=latest,
                    recipients=recipients(school, cluster.class_name),
                )
            )
        session.add(cluster)
    return changes


def proof_checked(session: Session, cluster: IllnessCluster, by: str) -> None:
    """The head teacher has seen the 复课证明: the case is over."""
    cluster.status, cluster.proof_checked_by = ClusterStatus.CLOSED, by
    session.add(cluster)


def sick_today(session: Session, school: SchoolContext, day: dt.date) -> list[Case]:
    return [c for c in sick_cases(session, school, day, day) if c.day == day]
