"""The monthly 控辍保学 report (月报) per school and per class, as data.

``monthly(session, school, first, last)`` reads the roll's history (enrolments), the cases
(alerts and their 劝返 notes) and the ledger; the CLI (`schoolbot report monthly`) and the
chat (`本月月报`) render ``templates/reports/monthly.j2``. Definitions: docs/SPEC.md §6b.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from sqlmodel import Session, col, select

from bot.reports import figures
from bot.school.context import SchoolContext
from storage.enums import AlertEventKind, AlertStatus, RecordStatus
from storage.models import Alert, AlertEvent, Enrolment, Student

# Reason categories of a child out of school, as the county's 控辍保学 forms list them; read
# from what the 劝返 notes and the absences say (first family named, in this order)
REASONS: list[tuple[str, str]] = [
    (
        "外出务工或随迁",
        r"打工|务工|外出|去了?(?:广东|浙江|福建|江苏|上海|北京|深圳|外地|外省)|跟(?:着)?(?:爸|妈|父|母|家长).{0,4}(?:走|去|出去)|搬家|搬走",
    ),
    ("厌学", r"厌学|不想(?:上学|读书|念书|来)|不愿(?:意)?(?:上学|读书|来)|逃学|玩手机|网吧|游戏"),
    ("身体原因", r"生病|住院|残疾|病了|身体不好|治疗|抑郁"),
    ("家庭经济困难", r"困难|没钱|交不起|穷|干活|帮家里|放牛|种地"),
    ("早婚早育", r"订婚|结婚|早婚|怀孕"),
]
_REASONS = [(label, re.compile(rx)) for label, rx in REASONS]
UNKNOWN_REASON = "原因未查明"


def reason_category(texts: list[str]) -> str:
    """The first category the notes name (the latest note first), else 原因未查明 (pure)."""
    for text in reversed(texts):
        for label, rx in _REASONS:
            if rx.search(text):
                return label
    return UNKNOWN_REASON


@dataclass(frozen=True)
class OutOfSchool:
    student: Student
    since: dt.date  # first unexcused day of the episode
    reason: str  # one of REASONS' labels or UNKNOWN_REASON
    visits: int  # 劝返 notes on the case
    last_visit: dt.date | None


@dataclass(frozen=True)
class MonthFigures:
    name: str  # the school's name or a class
    roll_start: int  # 在籍 on the month's first day
    roll_end: int  # 在籍 on its last day
    cases_opened: int
    cases_closed: int
    out_of_school: list[OutOfSchool]
    home_teaching: list[Student]
    transfers_in: int
    transfers_out: int
    expected: int  # 应到 student-days (reported class-days)
    present: int

    @property
    def attendance(self) -> float | None:
        return self.present / self.expected if self.expected else None

    @property
    def dropout_rate(self) -> float | None:
        return len(self.out_of_school) / self.roll_end if self.roll_end else None

    @property
    def consolidation(self) -> float | None:
        rate = self.dropout_rate
        return None if rate is None else 1 - rate


@dataclass(frozen=True)
class MonthlyReport:
    first: dt.date
    last: dt.date
    school: MonthFigures
    classes: list[MonthFigures] = field(default_factory=list)
    target: float = 0.005
    school_days: int = 0


def _on_roll(e: Enrolment, day: dt.date) -> bool:
    return (e.joined_on is None or e.joined_on <= day) and (e.left_on is None or e.left_on > day)


def monthly(session: Session, school: SchoolContext, first: dt.date, last: dt.date) -> MonthlyReport:
    enrolments = list(session.exec(select(Enrolment).where(Enrolment.school_id == school.id)))
    students = {s.id: s for s in session.exec(select(Student).where(Student.school_id == school.id))}
    for e in enrolments:  # a child who moved away is on another school's row now
        if e.student_id not in students:
            other = session.get(Student, e.student_id)
            if other is not None:
                students[e.student_id] = other
    alerts = [
        a
        for a in session.exec(select(Alert).where(Alert.school_id == school.id, Alert.status != AlertStatus.UNDONE))
        if a.opened_on <= last
    ]
    notes: dict[int | None, list[AlertEvent]] = {a.id: [] for a in alerts}
    if alerts:
        for ev in session.exec(
            select(AlertEvent)
            .where(col(AlertEvent.alert_id).in_(list(notes)), AlertEvent.status == RecordStatus.ACTIVE)
            .order_by(col(AlertEvent.at), col(AlertEvent.id))
        ):
            notes[ev.alert_id].append(ev)

    def month_of(class_name: str | None) -> MonthFigures:
        rows = [e for e in enrolments if class_name is None or e.class_name == class_name]
        mine = [a for a in alerts if class_name is None or _class_at(a, rows, students) == class_name]
        out, home = [], []
        for a in mine:
            if a.closed_on is not None and a.closed_on <= last:
                continue
            evs = [e for e in notes[a.id] if _day(e.at, school) <= last]
            if any(e.kind == AlertEventKind.HOME_TEACHING for e in evs):
                home.append(students[a.student_id])
                continue
            visits = [e for e in evs if e.kind == AlertEventKind.FOLLOWUP]
            out.append(
                OutOfSchool(
                    students[a.student_id],
                    a.since,
                    reason_category([e.text for e in visits]),
                    len(visits),
                    _day(visits[-1].at, school) if visits else None,
                )
            )
        att = figures.attendance(session, school, first, last, None if class_name is None else {class_name})
        return MonthFigures(
            name=class_name or school.name,
            roll_start=sum(1 for e in rows if _on_roll(e, first)),
            roll_end=sum(1 for e in rows if _on_roll(e, last)),
            cases_opened=sum(1 for a in mine if first <= a.opened_on <= last),
            cases_closed=sum(1 for a in mine if a.closed_on is not None and first <= a.closed_on <= last),
            out_of_school=sorted(out, key=lambda o: (o.student.class_name, o.since)),
            home_teaching=home,
            transfers_in=sum(1 for e in rows if e.joined_on is not None and first <= e.joined_on <= last),
            transfers_out=sum(
                1 for e in rows if e.left_on is not None and first <= e.left_on <= last and e.left_why == "转学"
            ),
            expected=att.expected,
            present=att.present,
        )

    classes = [month_of(c) for c in school.roster(session).classes]
    return MonthlyReport(
        first,
        last,
        month_of(None),
        classes,
        school.rules.dropout_rate_target,
        len(list(school.calendar.school_days(first, last))),
    )


def _day(at: dt.datetime, school: SchoolContext) -> dt.date:
    return (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(school.tz).date()


def _class_at(a: Alert, rows: list[Enrolment], students: dict[str, Student]) -> str:
    """The class the child was in when the case opened (a class change later keeps the case there)."""
    for e in rows:
        if e.student_id == a.student_id and _on_roll(e, a.opened_on):
            return e.class_name
    return students[a.student_id].class_name


def of_classes(report: MonthlyReport, names: set[str]) -> MonthlyReport:
    """The report cut to some classes (a head teacher's): one class becomes the report's own
    figures, never the school's names; several stay class lines (pure)."""
    mine = [c for c in report.classes if c.name in names]
    return replace(report, school=mine[0], classes=[]) if len(mine) == 1 else replace(report, classes=mine)


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """'2026-11' → (2026-11-01, 2026-11-30); ValueError for anything else."""
    if not re.fullmatch(r"\d{4}-\d{2}", month):
        raise ValueError(month)
    first = dt.date.fromisoformat(month + "-01")
    nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, nxt - dt.timedelta(days=1)
