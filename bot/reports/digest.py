"""The principal's daily absence digest and the weekly summary, as data.

``daily(session, school, day)`` and ``weekly(...)`` read the ledger and return what the
templates show; the jobs (``bot.reports.jobs``), the 今日缺勤 query and the CLI render
and send them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, func, select

from bot.attendance import ledger
from bot.attendance.alerts import CaseView, case_views
from bot.attendance.illness.cases import live_clusters, sick_today
from bot.attendance.streak import absent_on
from bot.parents.records import WorryView, worries_on
from bot.reports import figures
from bot.school.context import SchoolContext
from storage.enums import AbsenceKind, AlertStatus, ClusterStatus, RecordStatus
from storage.models import Alert, ClassReport, IllnessCluster, Student

KIND_ORDER = (AbsenceKind.UNEXCUSED, AbsenceKind.SICK, AbsenceKind.PERSONAL)


@dataclass(frozen=True)
class ClassLine:
    name: str
    absent: list[tuple[Student, str]]  # (student, kind), unexcused first
    reported: bool
    enrolled: int = 0  # 应到: students of the class on the roll

    @property
    def present(self) -> int:
        """实到: on the roll and not away the whole day (a late arrival or half day was here)."""
        return self.enrolled - len(self.absent)

    @property
    def rate(self) -> float | None:
        return self.present / self.enrolled if self.enrolled else None

    @property
    def counts(self) -> Counter[str]:
        return Counter(kind for _, kind in self.absent)

    @property
    def unexcused(self) -> list[Student]:
        return [s for s, kind in self.absent if kind == AbsenceKind.UNEXCUSED]


@dataclass(frozen=True)
class DailyDigest:
    day: dt.date
    enrolled: int
    absent_total: int
    by_kind: Counter[str]
    classes: list[ClassLine]  # every class: reported ones with 应到/实到, silent ones by name
    alerts: list[CaseView]
    home_teaching: list[CaseView]
    flagged: list[Student]  # 脱贫 / 留守 students absent today
    calendar_incomplete: bool
    part_days: list[tuple[Student, str]] = field(default_factory=list)  # (student, portion): late, half days
    sick_by_symptom: Counter[str] = field(default_factory=Counter)  # 因病缺课 today: students per symptom
    sick_total: int = 0
    clusters: list[IllnessCluster] = field(default_factory=list)  # open 因病缺课 clusters
    parent_worries: list[WorryView] = field(default_factory=list)  # 家长反映 today (bot.parents.records)
    followups: int = 0  # 劝返 notes written today

    @property
    def reported(self) -> list[ClassLine]:
        return [c for c in self.classes if c.reported]

    @property
    def expected(self) -> int:
        """应到 over the classes that reported: nobody knows who came in a silent class."""
        return sum(c.enrolled for c in self.reported)

    @property
    def present(self) -> int:
        return sum(c.present for c in self.reported)

    @property
    def rate(self) -> float | None:
        return self.present / self.expected if self.expected else None

    def template_data(self) -> dict[str, Any]:
        figures = {"reported": self.reported, "expected": self.expected, "present": self.present, "rate": self.rate}
        return dict(vars(self)) | figures


@dataclass(frozen=True)
class WeeklySummary:
    monday: dt.date
    day: dt.date
    per_day: list[tuple[dt.date, Counter[str]]]
    opened: int
    closed: int
    still_open: list[CaseView]
    home_teaching: list[CaseView]
    calendar_incomplete: bool

    def template_data(self) -> dict[str, Any]:
        return dict(vars(self))


def reported_classes(session: Session, school: SchoolContext, day: dt.date) -> set[str]:
    return set(
        session.exec(
            select(ClassReport.class_name).where(
                ClassReport.school_id == school.id, ClassReport.day == day, ClassReport.status == RecordStatus.ACTIVE
            )
        )
    )


def daily(session: Session, school: SchoolContext, day: dt.date) -> DailyDigest:
    absent = absent_on(ledger.spans(session, school_id=school.id, since=day), day)
    students = (
        {s.id: s for s in session.exec(select(Student).where(col(Student.id).in_(list(absent))))} if absent else {}
    )
    enrolled = session.exec(
        select(func.count()).select_from(Student).where(Student.school_id == school.id, col(Student.active))
    ).one()
    by_class: dict[str, list[tuple[Student, str]]] = defaultdict(list)
    for sid, kind in absent.items():
        by_class[students[sid].class_name].append((students[sid], kind))
    reported = reported_classes(session, school, day)
    sizes = Counter(session.exec(select(Student.class_name).where(Student.school_id == school.id, col(Student.active))))
    classes = []
    for name in school.roster(session).classes:
        rows = sorted(by_class.get(name, []), key=lambda r: (KIND_ORDER.index(AbsenceKind(r[1])), r[0].name))
        classes.append(ClassLine(name, rows, name in reported, sizes[name]))
    cases = case_views(session, school, day)
    part_rows = ledger.part_days(session, school_id=school.id, day=day)
    part_students = (
        {s.id: s for s in session.exec(select(Student).where(col(Student.id).in_([r.student_id for r in part_rows])))}
        if part_rows
        else {}
    )
    part_days = sorted(
        ((part_students[r.student_id], r.portion) for r in part_rows if r.student_id in part_students),
        key=lambda p: (p[0].class_name, p[0].name),
    )
    sick = sick_today(session, school, day)
    # each child under their symptoms; one with none named under the disease (腮腺炎), else 原因不明
    sick_by_symptom: Counter[str] = Counter(
        label
        for c in sick
        for label in (c.symptoms or tuple(d for d in c.diseases if d != "原因不明") or ("原因不明",))
    )
    flagged = sorted((s for s in students.values() if s.poverty or s.left_behind), key=lambda s: (s.class_name, s.name))
    return DailyDigest(
        day=day,
        enrolled=enrolled,
        absent_total=len(absent),
        by_kind=Counter(absent.values()),
        classes=classes,
        alerts=[c for c in cases if c.alert.status == AlertStatus.OPEN],
        home_teaching=[c for c in cases if c.alert.status == AlertStatus.HOME_TEACHING],
        flagged=flagged,
        calendar_incomplete=not school.calendar.is_known(day),
        part_days=part_days,
        sick_by_symptom=sick_by_symptom,
        sick_total=len({c.student_id for c in sick}),
        clusters=[c for c in live_clusters(session, school.id) if c.status == ClusterStatus.OPEN],
        parent_worries=worries_on(session, school, day),
        followups=len(figures.followups(session, school, day, day)),
    )


def weekly(session: Session, school: SchoolContext, day: dt.date) -> WeeklySummary:
    monday = day - dt.timedelta(days=day.weekday())
    days = list(school.calendar.school_days(monday, day))
    spans = ledger.spans(session, school_id=school.id, since=monday)
    per_day = [(d, Counter(absent_on(spans, d).values())) for d in days]
    opened = session.exec(
        select(func.count())
        .select_from(Alert)
        .where(Alert.school_id == school.id, col(Alert.opened_on) >= monday, col(Alert.opened_on) <= day)
    ).one()
    closed = session.exec(
        select(func.count())
        .select_from(Alert)
        .where(Alert.school_id == school.id, col(Alert.closed_on) >= monday, col(Alert.closed_on) <= day)
    ).one()
    cases = case_views(session, school, day)
    return WeeklySummary(
        monday=monday,
        day=day,
        per_day=per_day,
        opened=opened,
        closed=closed,
        still_open=[c for c in cases if c.alert.status == AlertStatus.OPEN],
        home_teaching=[c for c in cases if c.alert.status == AlertStatus.HOME_TEACHING],
        calendar_incomplete=any(not school.calendar.is_known(d) for d in days),
    )
