"""Who wrote or changed which student's records, when, from which message (a service).

Reads the applied-changes log (``ledger_change``: every absence, return, roll-call, alert,
劝返 note and 因病缺课 cluster a message or job wrote or changed, and what undo put back)
joined to the messages that caused it; the CLI prints it (``schoolbot audit``).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlmodel import Session, col, or_, select

from bot.school.context import SchoolContext
from storage.enums import WebAccessKind
from storage.models import AuditEvent, InboundMessage, LedgerChange, WebAccess

WHAT = {
    "absence": "缺勤",
    "class_report": "考勤报告",
    "alert": "预警",
    "alert_event": "预警记录",
    "illness_cluster": "因病缺课预警",
    "guardian": "家长绑定",
    "parent_worry": "家长反映",
}
SOURCE = {"message": "消息", "undo": "撤销", "job": "系统检查", "access": "权限"}
ACTION = {
    "staff_invited": "生成绑定码",
    "staff_bound": "老师绑定",
    "staff_removed": "移除老师",
    "invite_revoked": "作废绑定码",
    "student_viewed": "查看学生记录",
    "exported": "导出台账",
}


@dataclass(frozen=True)
class AuditLine:
    at: dt.datetime
    who: str  # staff name, else the chat id, else 系统
    source: str
    what: str  # 缺勤 新增 / 预警 修改 status closed …
    student_id: str | None
    message: str  # the words of the message that caused it
    undone: bool


def _summary(ch: LedgerChange) -> str:
    after = json.loads(ch.after)
    what = WHAT.get(ch.table_name, ch.table_name)
    if ch.op == "insert":
        keys = ("kind", "start", "end", "status", "text", "relation", "chat_id", "how", "family")
        bits = [str(after[k]) for k in keys if after.get(k)]
        return f"{what} 新增 " + " ".join(bits)
    before = json.loads(ch.before)
    return f"{what} 修改 " + "，".join(f"{k}: {before.get(k)} → {v}" for k, v in after.items())


def trail(
    session: Session,
    school: SchoolContext,
    *,
    student_id: str | None = None,
    sender_id: str | None = None,
    staff_name: str | None = None,
) -> list[AuditLine]:
    q = (
        select(LedgerChange, InboundMessage)
        .join(InboundMessage, col(InboundMessage.id) == LedgerChange.inbound_id, isouter=True)
        .where(or_(col(LedgerChange.school_id) == school.id, col(LedgerChange.school_id).is_(None)))
    )
    if student_id is not None:
        q = q.where(LedgerChange.student_id == student_id)
    if sender_id is not None:
        q = q.where(InboundMessage.sender_id == sender_id)
    out = _access_lines(session, school, student_id=student_id, sender_id=sender_id, staff_name=staff_name)
    for ch, msg in session.exec(q.order_by(col(LedgerChange.id))):
        who_id = msg.sender_id if msg else None
        staff = school.staff_by_wechat(who_id) if who_id else None
        out.append(
            AuditLine(
                at=ch.at,
                who=staff.name if staff else (who_id or "系统"),
                source=SOURCE.get(ch.source, ch.source),
                what=_summary(ch),
                student_id=ch.student_id,
                message=(msg.text[:60] if msg else ""),
                undone=ch.undone_by is not None,
            )
        )
    out += _web(session, school, student_id, sender_id)
    return sorted(out, key=lambda line: line.at)


def _access_lines(
    session: Session, school: SchoolContext, *, student_id: str | None, sender_id: str | None, staff_name: str | None
) -> list[AuditLine]:
    """Invites, bindings and removals: by the person asked about, or about them (a code
    is made for a name, before anyone has a chat id)."""
    q = select(AuditEvent).where(col(AuditEvent.school_id) == school.id)
    if student_id is not None:
        q = q.where(AuditEvent.student_id == student_id)
    if sender_id is not None:
        about = [col(AuditEvent.actor) == sender_id, col(AuditEvent.subject).contains(f"（{sender_id}）")]
        if staff_name:
            about.append(col(AuditEvent.subject) == staff_name)
        q = q.where(or_(*about))
    out = []
    for ev in session.exec(q.order_by(col(AuditEvent.id))):
        staff = school.staff_by_wechat(ev.actor)
        what = " ".join(x for x in (ACTION.get(ev.action, ev.action), ev.subject, ev.detail) if x)
        out.append(
            AuditLine(
                at=ev.at,
                who=staff.name if staff else ev.actor,
                source=SOURCE["access"],
                what=what,
                student_id=ev.student_id,
                message="",
                undone=False,
            )
        )
    return out


WEB_WHAT = {
    WebAccessKind.STUDENT_VIEW: "网页 查看学生记录",
    WebAccessKind.DOWNLOAD: "网页 下载",
    WebAccessKind.DENIED: "网页 越权访问被拒",
}


def _web(session: Session, school: SchoolContext, student_id: str | None, sender_id: str | None) -> list[AuditLine]:
    """The web page's views of a student's page, downloads and refusals (``web_access``)."""
    q = select(WebAccess).where(WebAccess.school_id == school.id, col(WebAccess.kind).in_(list(WEB_WHAT)))
    if student_id is not None:
        q = q.where(WebAccess.student_id == student_id)
    if sender_id is not None:
        q = q.where(WebAccess.wechat_id == sender_id)
    out = []
    for a in session.exec(q.order_by(col(WebAccess.id))):
        staff = school.staff_by_wechat(a.wechat_id) if a.wechat_id else None
        out.append(
            AuditLine(
                at=a.at,
                who=staff.name if staff else (a.wechat_id or "?"),
                source="网页",
                what=" ".join(x for x in (WEB_WHAT[WebAccessKind(a.kind)], a.detail) if x),
                student_id=a.student_id,
                message="",
                undone=False,
            )
        )
    return out
