"""Turning what the parser understood into ledger rows, and taking it back.

The handlers decide who may do what and what to say; this module holds what a report
does to the ledger, so the attendance handler, the answers to "which 王小明?", the
head teacher's 同意 on a parent's leave request and the corrections all record alike.

The roll-call rules (docs/SPEC.md, "Roll-calls"): counts alone never end an absence;
全勤 / 都到了 / 其他都到了 end the class's absences because they say so; a roll-call that
names who is away ends the others' open unexcused absences only when its counts agree
with the names. Alerts close only on such evidence, and the evidence is the close's why.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlmodel import Session

from bot.attendance import ledger
from bot.attendance.alerts import AlertChange, check_alerts
from bot.attendance.illness.cases import ClusterChange, check_clusters
from bot.attendance.parsing import ParseResult
from bot.attendance.undo import UNDO_WINDOW, last_report, recent_rows, undo  # taking back, re-exported
from bot.school.config import StaffMember
from bot.school.context import SchoolContext
from bot.school.roster import Roster
from bot.school.roster_file import RosterEntry
from storage.enums import AbsenceKind, DayPortion, ReportKind
from storage.models import Absence

log = logging.getLogger(__name__)
EXCUSED = (AbsenceKind.SICK, AbsenceKind.PERSONAL)


@dataclass(frozen=True)
class Line:
    """One student's part of a confirmation."""

    class_name: str
    name: str
    action: str  # absence | part_day | return | closed_by_rollcall | not_absent
    kind: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    reason: str = ""
    portion: str = DayPortion.FULL


@dataclass(frozen=True)
class RollcallGap:
    """A roll-call whose counts disagree with the ledger: the bot asks, and infers nothing."""

    class_name: str
    expected: int
    present: int
    recorded: list[RosterEntry]  # recorded away today (after this message's own names)

    @property
    def missing(self) -> int:
        return self.expected - self.present


@dataclass
class Outcome:
    lines: list[Line] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    student_ids: list[str] = field(default_factory=list)
    alert_changes: list[AlertChange] = field(default_factory=list)  # for the handler to announce
    cluster_changes: list[ClusterChange] = field(default_factory=list)  # 因病缺课 clusters, likewise
    # student id → what shows the child is in school (closes an alert, and says so)
    evidence: dict[str, str] = field(default_factory=dict)
    confirmed: list[RosterEntry] = field(default_factory=list)  # a count-only roll-call agreed with these
    gap: RollcallGap | None = None
    # on leave, not named by a roll-call whose counts say they came: asked, never ended
    leave_unmentioned: list[RosterEntry] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # names whose part could not be recorded

    def add(self, student: RosterEntry, line: Line) -> None:
        self.lines.append(line)
        if student.student_id not in self.student_ids:
            self.student_ids.append(student.student_id)

    def others(self, own_class: str | None) -> dict[str, list[Line]]:
        """Lines about students of classes other than the reporter's, by class."""
        out: dict[str, list[Line]] = {}
        for line in self.lines:
            if line.class_name != own_class and line.action != "not_absent":
                out.setdefault(line.class_name, []).append(line)
        return out


def absence_line(
    student: RosterEntry,
    kind: str,
    start: dt.date | None,
    end: dt.date | None,
    reason: str | None,
    portion: str = DayPortion.FULL,
) -> Line:
    action = "absence" if portion == DayPortion.FULL else "part_day"
    return Line(student.class_name, student.name, action, kind, start, end, reason or "", portion)


def _safely(session: Session, out: Outcome, student: RosterEntry, work: Callable[[], None]) -> None:
    """One student's part in its own savepoint: a failure there loses nobody else's."""
    try:
        with session.begin_nested():
            work()
    except Exception:
        log.exception("记录失败 recording failed for %s %s", student.class_name, student.name)
        out.failed.append(student.name)


def record_absence(
    session: Session,
    out: Outcome,
    student: RosterEntry,
    *,
    kind: str,
    start: dt.date,
    end: dt.date | None,
    reason: str | None,
    by: str,
    inbound_id: int | None,
    now: dt.datetime,
    portion: str = DayPortion.FULL,
    overrides_leave: bool = False,
    said: str = "",
) -> None:
    assert student.school_id, student  # entries come from a school's roster

    def work() -> None:
        before = ledger.covering(session, student.school_id, [student.student_id], start)
        change = ledger.record_absence(
            session,
            school_id=student.school_id,
            student_id=student.student_id,
            kind=kind,
            start=start,
            end=end,
            reason=reason or "",
            reported_by=by,
            inbound_id=inbound_id,
            now=now,
            portion=portion,
            overrides_leave=overrides_leave,
            said=said,
        )
        out.add(student, absence_line(student, change.kind or kind, change.start, change.end, change.reason, portion))
        if portion != DayPortion.FULL:
            out.evidence[student.student_id] = _PORTION_EVIDENCE[portion]
        elif kind != AbsenceKind.UNEXCUSED and any(b.kind == AbsenceKind.UNEXCUSED for b in before):
            out.evidence[student.student_id] = f"缺勤更正为{_KIND_WORD[kind]}"

    _safely(session, out, student, work)


_KIND_WORD: dict[str, str] = {AbsenceKind.SICK: "病假", AbsenceKind.PERSONAL: "事假", AbsenceKind.UNEXCUSED: "旷课"}
_PORTION_EVIDENCE: dict[str, str] = {
    DayPortion.LATE: "迟到，已到校",
    DayPortion.MORNING: "下午已到校",
    DayPortion.AFTERNOON: "上午在校",
}


def record_return(
    session: Session,
    out: Outcome,
    student: RosterEntry,
    *,
    day: dt.date,
    by: str,
    inbound_id: int | None,
    now: dt.datetime,
    action: str = "return",
    evidence: str = "已返校",
) -> None:
    assert student.school_id, student

    def work() -> None:
        change = ledger.record_return(
            session,
            school_id=student.school_id,
            student_id=student.student_id,
            day=day,
            reported_by=by,
            inbound_id=inbound_id,
            now=now,
            action=action,
        )
        out.add(student, Line(student.class_name, student.name, action if change else "not_absent", start=day))
        out.evidence[student.student_id] = evidence

    _safely(session, out, student, work)


def class_of_report(result: ParseResult, room_class: str | None, by_staff: StaffMember | None) -> str | None:
    """The class a roll-call is about: as written, else the room's, else the sender's own."""
    return result.class_name or room_class or (by_staff.head_of if by_staff else None)


def own_class(room_class: str | None, by_staff: StaffMember | None) -> str | None:
    """The class a report counts as reported for: the room's, else the sender's own."""
    return room_class or (by_staff.head_of if by_staff else None)


def _away_today(
    session: Session, school: SchoolContext, roster: Roster, class_name: str, day: dt.date
) -> list[Absence]:
    ids = [s.student_id for s in roster.by_class.get(class_name, [])]
    return ledger.covering(session, school.id, ids, day)


def _protected(row: Absence) -> bool:
    """A leave, or an absence with a stated end: only words about the child end it."""
    return row.kind in EXCUSED or row.end is not None


def _apply_rollcall(
    session: Session,
    school: SchoolContext,
    result: ParseResult,
    out: Outcome,
    roll_class: str,
    *,
    day: dt.date,
    by: str,
    inbound_id: int | None,
    now: dt.datetime,
    named_earlier: set[str],
) -> None:
    roster = school.roster(session)
    rc = result.rollcall
    listed = {a.student.student_id for a in result.absences if a.start <= day and (a.end is None or a.end >= day)}
    named = len(listed) + sum(1 for u in result.unresolved if u.role == "absence")
    away = [r for r in _away_today(session, school, roster, roll_class, day) if r.student_id not in out.evidence]

    def end(rows: Iterable[Absence], why: str) -> None:
        for sid in sorted({r.student_id for r in rows}):
            if sid in roster.by_id:
                record_return(
                    session,
                    out,
                    roster.by_id[sid],
                    day=day,
                    by=by,
                    inbound_id=inbound_id,
                    now=now,
                    action="closed_by_rollcall",
                    evidence=why,
                )

    if result.others_present or (rc and rc.said_all):
        # The teacher said everyone (else) is here: that is evidence for each of them.
        # "其他都到了" on its own: the children named in the teacher's earlier messages today are the ones away
        others = result.others_present and not (rc and rc.said_all)
        keep = listed | (named_earlier if others else set())
        why = "点名：其他同学都到了" if others else "全勤点名"
        end([r for r in away if r.student_id not in keep], why)
        return
    if rc is None or rc.expected is None or rc.present is None:
        return
    missing = rc.expected - rc.present
    if named:
        protected = {r.student_id for r in away if _protected(r) and r.student_id not in listed}
        if missing in (named, named + len(protected)):
            unlisted = [r for r in away if r.student_id not in listed and not _protected(r)]
            end(unlisted, f"点名（应到{rc.expected} 实到{rc.present}）未报缺勤")
            if protected and missing == named:
                out.leave_unmentioned = [roster.by_id[i] for i in sorted(protected) if i in roster.by_id]
            return
    else:
        if missing == len({r.student_id for r in away}):
            out.confirmed = [
                roster.by_id[sid] for sid in dict.fromkeys(r.student_id for r in away) if sid in roster.by_id
            ]
            return
    recorded_ids = list(dict.fromkeys([r.student_id for r in away] + sorted(listed)))
    out.gap = RollcallGap(
        roll_class, rc.expected, rc.present, [roster.by_id[i] for i in recorded_ids if i in roster.by_id]
    )


def apply_report(
    session: Session,
    school: SchoolContext,
    result: ParseResult,
    *,
    by: str,
    inbound_id: int | None,
    now: dt.datetime,
    day: dt.date,
    room_class: str | None,
    by_staff: StaffMember | None = None,
    named_earlier: set[str] | None = None,
) -> Outcome:
    """Record a report's absences, returns and roll-call; then check the alert rule.

    ``named_earlier``: students the sender reported away earlier today (for a bare
    "其他都到了", which means everyone but them)."""
    out = Outcome()
    for a in result.absences:
        record_absence(
            session,
            out,
            a.student,
            kind=a.kind,
            start=a.start,
            end=a.end,
            reason=a.reason,
            by=by,
            inbound_id=inbound_id,
            now=now,
            portion=a.portion,
            said=a.said,
        )
    for r in result.returns:
        record_return(session, out, r.student, day=r.date, by=by, inbound_id=inbound_id, now=now)
    roll_class = class_of_report(result, room_class, by_staff) if (result.rollcall or result.others_present) else None
    if roll_class:
        _apply_rollcall(
            session,
            school,
            result,
            out,
            roll_class,
            day=day,
            by=by,
            inbound_id=inbound_id,
            now=now,
            named_earlier=named_earlier or set(),
        )
        rc = result.rollcall
        said_all = (rc is not None and rc.said_all) or (result.others_present and not result.absences)
        kind = ReportKind.ALL_PRESENT if (said_all and not result.absences) else ReportKind.ROLLCALL
        ledger.add_class_report(
            session,
            school_id=school.id,
            class_name=roll_class,
            day=day,
            kind=kind,
            reported_by=by,
            inbound_id=inbound_id,
            now=now,
            expected=rc.expected if rc else None,
            present=rc.present if rc else None,
        )
    mine = own_class(room_class, by_staff)
    # Only the reporter's own class counts as reported: a word about another class's
    # child is news for that class's head teacher, not its roll-call.
    touched = {
        a.student.class_name
        for a in result.absences
        if a.start <= day and (a.end is None or a.end >= day) and a.student.class_name == mine
    } | {r.student.class_name for r in result.returns if r.date == day and r.student.class_name == mine}
    touched.discard(roll_class)
    for class_name in sorted(touched):
        ledger.add_class_report(
            session,
            school_id=school.id,
            class_name=class_name,
            day=day,
            kind=ReportKind.ABSENCES,
            reported_by=by,
            inbound_id=inbound_id,
            now=now,
        )
    out.classes = ([roll_class] if roll_class else []) + sorted(touched)
    finish(session, school, out, day, now)
    return out


def finish(session: Session, school: SchoolContext, out: Outcome, day: dt.date, now: dt.datetime) -> None:
    """Check the alert rule for the students a report touched; the changes go on ``out``."""
    if out.student_ids:
        session.flush()
        out.alert_changes += check_alerts(session, school, day, now, out.student_ids, evidence=out.evidence)
        out.cluster_changes += check_clusters(session, school, day, now)


__all__ = [
    "UNDO_WINDOW",
    "Line",
    "Outcome",
    "RollcallGap",
    "absence_line",
    "apply_report",
    "class_of_report",
    "finish",
    "last_report",
    "own_class",
    "recent_rows",
    "record_absence",
    "record_return",
    "undo",
]
