"""Taking a report back: 撤销, "李静报错了", and the undo a correction starts with.

Undo is the exact inverse of what one message did, read from the change log
(``bot.attendance.changelog``): every row it wrote or changed is put back, alerts
included, and the people told of an alert's close hear it is open again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlmodel import Session, col, select

from bot.attendance import changelog, ledger
from bot.attendance.alerts import AlertChange, Change, check_alerts, recipients
from bot.attendance.streak import streaks
from bot.school.context import SchoolContext
from bot.school.roster import Roster
from bot.school.roster_file import RosterEntry
from storage.enums import AlertStatus, ChangeSource, RecordStatus, ReportKind
from storage.models import Absence, Alert, ClassReport, Student

UNDO_WINDOW = dt.timedelta(minutes=30)


def last_report(
    session: Session,
    sender_id: str,
    now: dt.datetime,
    student_ids: Iterable[str] | None = None,
    window: dt.timedelta | None = UNDO_WINDOW,
) -> int | None:
    """The inbound id of the sender's latest message whose changes to the ledger still
    stand (about these students, when given; within the window)."""
    return changelog.last_message(
        session,
        sender_id,
        since=now - window if window is not None else None,
        student_ids=list(student_ids) if student_ids is not None else None,
    )


def undo(
    session: Session,
    school: SchoolContext,
    inbound_id: int,
    day: dt.date,
    now: dt.datetime,
    student_ids: list[str] | None = None,
    by_inbound: int | None = None,
) -> tuple[list[RosterEntry], list[AlertChange]]:
    """Undo what one message did (to some students only, when given), exactly: every row
    it wrote or changed is put back, alerts included. Returns whom it was about and what
    that did to their alerts (reopened, or withdrawn), for the notices."""
    roster = school.roster(session)
    changes = changelog.changes_of(session, inbound_id, student_ids)
    if student_ids is not None:
        changes += _class_reports_left_alone(session, roster, inbound_id, student_ids)
    reverted = changelog.undo(session, changes, by_inbound=by_inbound, now=now)
    ids: list[str] = list(
        dict.fromkeys(r.row.student_id for r in reverted if r.table in ("absence", "alert") and r.row.student_id)
    )
    alert_changes = _alert_notices(session, school, reverted, day)
    if ids:
        # An alert the morning check opened on what this message said has lost its ground.
        with changelog.as_source(session, ChangeSource.UNDO):
            alert_changes += check_alerts(session, school, day, now, ids, evidence=dict.fromkeys(ids, "报告已撤销"))
    return [roster.by_id[i] for i in ids if i in roster.by_id], alert_changes


def _class_reports_left_alone(
    session: Session, roster: Roster, inbound_id: int, student_ids: list[str]
) -> list[changelog.LedgerChange]:
    """Undoing some students of a message: its class report goes too when nobody of that
    class is left in what the message still says."""
    gone = {roster.by_id[i].class_name for i in student_ids if i in roster.by_id}
    rest = changelog.changes_of(session, inbound_id)
    staying = {
        roster.by_id[c.student_id].class_name
        for c in rest
        if c.student_id and c.student_id not in student_ids and c.student_id in roster.by_id
    }
    out = []
    for c in rest:
        if c.table_name == "class_report" and c.op == "insert":
            report = session.get(ClassReport, c.row_id)
            if report is not None and report.class_name in gone - staying and report.kind == ReportKind.ABSENCES:
                out.append(c)
    return out


def _alert_notices(
    session: Session, school: SchoolContext, reverted: list[changelog.Reverted], day: dt.date
) -> list[AlertChange]:
    """Who was told of an alert's close hears it is open again; of its opening, that it is withdrawn."""
    out: list[AlertChange] = []
    touched = [r for r in reverted if r.table == "alert"]
    if not touched:
        return out
    session.flush()
    ids = [r.row.student_id for r in touched]
    current = streaks(ledger.spans(session, school_id=school.id, student_ids=ids), school.calendar, day)
    for r in touched:
        alert: Alert = r.row
        student = session.get(Student, alert.student_id)
        if student is None:
            continue
        who = recipients(school, student, head_teacher=True)
        st = current.get(alert.student_id)
        if r.op == "insert":
            out.append(AlertChange(Change.WITHDRAWN, alert, student, day, who, why="报告已撤销"))
        elif r.after.get("status") == AlertStatus.CLOSED and alert.status != AlertStatus.CLOSED:
            out.append(
                AlertChange(
                    Change.REOPENED,
                    alert,
                    student,
                    day,
                    who,
                    streak=st.days if st else 0,
                    since=alert.since,
                    why="关闭预警的报告已撤销",
                )
            )
    return out


def recent_rows(
    session: Session,
    sender_id: str,
    now: dt.datetime,
    student_id: str | None = None,
    window: dt.timedelta = dt.timedelta(days=3),
) -> list[Absence]:
    """The active rows of the sender's latest report (about one student, when given)."""
    inbound_id = last_report(session, sender_id, now, [student_id] if student_id else None, window)
    if inbound_id is None:
        return []
    q = select(Absence).where(Absence.inbound_id == inbound_id, Absence.status == RecordStatus.ACTIVE)
    if student_id:
        q = q.where(Absence.student_id == student_id)
    return list(session.exec(q.order_by(col(Absence.id))))
