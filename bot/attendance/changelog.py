"""The applied-changes log: every ledger row a message (or job) writes or changes.

A session is *tracked* once the message it handles is known (``track``); from then on
each flush writes, for every new or changed row of the ledger tables, one
``LedgerChange`` with the fields' old and new values. Nobody has to remember to log:
the handlers and services write rows as they always did, and undo and the audit read
the same history. ``undo`` walks a message's changes backwards and puts each row back.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, SQLModel, col, select

from storage.enums import AlertStatus, ChangeSource, ClusterStatus, GuardianStatus, RecordStatus
from storage.models import (
    Absence,
    Alert,
    AlertEvent,
    ClassReport,
    Guardian,
    IllnessCluster,
    InboundMessage,
    LedgerChange,
    ParentWorry,
)

TRACKED: dict[type[SQLModel], str] = {
    Absence: "absence",
    ClassReport: "class_report",
    Alert: "alert",
    AlertEvent: "alert_event",
    IllnessCluster: "illness_cluster",
    # not the ledger, but the child's record: the audit shows who bound a parent, and a
    # head teacher's 撤销 takes back a binding they made by mistake
    Guardian: "guardian",
    ParentWorry: "parent_worry",
}
MODELS = {name: model for model, name in TRACKED.items()}
_KEY = "ledger_changelog"


@dataclass
class Tracking:
    inbound_id: int | None
    school_id: str | None
    source: ChangeSource
    now: dt.datetime


def track(
    session: Session,
    *,
    inbound_id: int | None,
    school_id: str | None,
    now: dt.datetime,
    source: ChangeSource = ChangeSource.MESSAGE,
) -> None:
    session.info[_KEY] = Tracking(inbound_id, school_id, source, now)


@contextmanager
def as_source(session: Session, source: ChangeSource) -> Iterator[None]:
    """Changes made inside are logged as ``source`` (an undo's restores are not themselves undoable)."""
    session.flush()
    saved = session.info.get(_KEY)
    if saved is not None:
        session.info[_KEY] = Tracking(saved.inbound_id, saved.school_id, source, saved.now)
    try:
        yield
        session.flush()
    finally:
        if saved is not None:
            session.info[_KEY] = saved


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _typed(model: type[SQLModel], field: str, value: Any) -> Any:
    if value is None:
        return None
    python_type = model.__table__.c[field].type.python_type  # type: ignore[attr-defined]
    if python_type is dt.datetime:
        return dt.datetime.fromisoformat(value)
    if python_type is dt.date:
        return dt.date.fromisoformat(value)
    return value


def _student_of(session: OrmSession, obj: Any) -> str | None:
    if isinstance(obj, AlertEvent):
        alert = session.get(Alert, obj.alert_id)
        return alert.student_id if alert else None
    return getattr(obj, "student_id", None)


@event.listens_for(OrmSession, "after_flush")
def _log_changes(session: OrmSession, _ctx: Any) -> None:
    tracking: Tracking | None = session.info.get(_KEY)
    if tracking is None:
        return
    with session.no_autoflush:
        rows = _change_rows(session, tracking)
    if rows:
        session.connection().execute(sa.insert(LedgerChange), rows)


def _change_rows(session: OrmSession, tracking: Tracking) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for obj, op in [(o, "insert") for o in session.new] + [(o, "update") for o in session.dirty]:
        table = TRACKED.get(type(obj))
        if table is None:
            continue
        state = inspect(obj)
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for attr in state.mapper.column_attrs:
            hist = state.attrs[attr.key].history
            if op == "insert":
                after[attr.key] = _plain(getattr(obj, attr.key))
            elif hist.has_changes():
                before[attr.key] = _plain(hist.deleted[0] if hist.deleted else None)
                after[attr.key] = _plain(hist.added[0] if hist.added else None)
        if op == "update" and not after:
            continue
        rows.append(
            {
                "school_id": getattr(obj, "school_id", None) or tracking.school_id,
                "inbound_id": tracking.inbound_id,
                "source": tracking.source,
                "table_name": table,
                "row_id": obj.id,
                "student_id": _student_of(session, obj),
                "op": op,
                "before": json.dumps(before, ensure_ascii=False),
                "after": json.dumps(after, ensure_ascii=False),
                "at": tracking.now,
            }
        )
    return rows


# -- reading the log ---------------------------------------------------------------------


def last_message(
    session: Session,
    sender_id: str,
    *,
    since: dt.datetime | None,
    student_ids: list[str] | None = None,
) -> int | None:
    """The sender's latest message whose changes still stand (about these students, when given)."""
    q = (
        select(sa.func.max(LedgerChange.inbound_id))
        .join(InboundMessage, col(InboundMessage.id) == LedgerChange.inbound_id)
        .where(
            InboundMessage.sender_id == sender_id,
            LedgerChange.source == ChangeSource.MESSAGE,
            col(LedgerChange.undone_by).is_(None),
        )
    )
    if since is not None:
        q = q.where(LedgerChange.at >= since)
    if student_ids is not None:
        q = q.where(col(LedgerChange.student_id).in_(student_ids))
    found: int | None = session.exec(q).first()
    return found


def changes_of(session: Session, inbound_id: int, student_ids: list[str] | None = None) -> list[LedgerChange]:
    q = select(LedgerChange).where(
        LedgerChange.inbound_id == inbound_id,
        LedgerChange.source == ChangeSource.MESSAGE,
        col(LedgerChange.undone_by).is_(None),
    )
    if student_ids is not None:
        q = q.where(col(LedgerChange.student_id).in_(student_ids))
    return list(session.exec(q.order_by(col(LedgerChange.id))))


# -- undo --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reverted:
    """One row put back by an undo: what it was, and what the message had made of it."""

    table: str
    row: Any
    op: str
    before: dict[str, Any]
    after: dict[str, Any]


def _withdraw(row: Any) -> None:
    """A row the message inserted: it stays in history, marked as never having been."""
    if isinstance(row, Absence | ClassReport):
        row.status = RecordStatus.UNDONE
    elif isinstance(row, Alert):
        row.status = AlertStatus.UNDONE
        # The episode may truly begin again later: free its key for that alert.
        row.episode_key = f"{row.episode_key}~undone{row.id}"
    elif isinstance(row, AlertEvent):
        row.status = RecordStatus.UNDONE
    elif isinstance(row, IllnessCluster):
        row.status = ClusterStatus.UNDONE
        row.episode_key = f"{row.episode_key}~undone{row.id}"
    elif isinstance(row, Guardian):
        row.status = GuardianStatus.UNDONE
    elif isinstance(row, ParentWorry):
        row.status = RecordStatus.UNDONE


def undo(session: Session, changes: list[LedgerChange], *, by_inbound: int | None, now: dt.datetime) -> list[Reverted]:
    """Put back every row these changes touched, newest first. A field a later message
    changed again is left as that message set it (undo never overwrites newer news)."""
    out: list[Reverted] = []
    with as_source(session, ChangeSource.UNDO):
        for ch in sorted(changes, key=lambda c: c.id or 0, reverse=True):
            model = MODELS[ch.table_name]
            row = session.get(model, ch.row_id)
            before, after = json.loads(ch.before), json.loads(ch.after)
            if row is not None:
                if ch.op == "insert":
                    _withdraw(row)
                else:
                    for field, old in before.items():
                        if _plain(getattr(row, field)) == after.get(field):
                            setattr(row, field, _typed(model, field, old))
                session.add(row)
                out.append(Reverted(ch.table_name, row, ch.op, before, after))
            ch.undone_by, ch.undone_at = by_inbound, now
            session.add(ch)
    return out
