"""The kinds and states the ledger stores, one enum each.

``StrEnum`` members are their values, so rows keep the same strings (no migration) and
a member compares equal to the string a template or an old row holds.
"""

from __future__ import annotations

from enum import StrEnum


class AbsenceKind(StrEnum):
    SICK = "sick"  # 病假
    PERSONAL = "personal"  # 事假 and other excused leave
    UNEXCUSED = "unexcused"  # 旷课, 无故, no reason given yet


class RecordStatus(StrEnum):
    """An absence or class-report row: kept forever, marked instead of deleted."""

    ACTIVE = "active"
    SUPERSEDED = "superseded"  # a later report about the same days replaced it
    UNDONE = "undone"  # 撤销 by its reporter


class ReportKind(StrEnum):
    ROLLCALL = "rollcall"
    ALL_PRESENT = "all_present"
    ABSENCES = "absences"


class AlertStatus(StrEnum):
    OPEN = "open"
    HOME_TEACHING = "home_teaching"  # 送教上门: followed, no longer a dropout risk
    CLOSED = "closed"


LIVE_ALERT_STATES = (AlertStatus.OPEN, AlertStatus.HOME_TEACHING)


class AlertEventKind(StrEnum):
    OPENED = "opened"
    NOTIFIED = "notified"
    FOLLOWUP = "followup"  # 劝返 record
    HOME_TEACHING = "home_teaching"
    ESCALATED = "escalated"
    CLOSED = "closed"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # rejected for good (no such contact, room gone): listed in the next digest
    DROPPED = "dropped"  # flood control: a group's share was spent (a chat answer, a repeated pointer)


class InboundStatus(StrEnum):
    RECEIVED = "received"
    HANDLED = "handled"
    FAILED = "failed"


class PendingKind(StrEnum):
    WHICH_STUDENT = "which_student"  # 您说的是：1. … 2. …？
    NEAR_MISS = "near_miss"
    LEAVE_APPROVAL = "leave_approval"
    FAQ_CHOICE = "faq_choice"
    FAQ_MENU = "faq_menu"
    ROOM_BIND = "room_bind"  # 绑定: a leader or the class's head teacher confirms by DM
    ABSENCE_CHECK = "absence_check"


class PendingStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    EXPIRED = "expired"
    REPLACED = "replaced"  # a newer question to the same person in the same place
    DECLINED = "declined"  # a leave request the head teacher said 不同意 to
    CANCELLED = "cancelled"  # the report it was about was undone


class RoomKind(StrEnum):
    """Where a message is: what may be said there follows from this."""

    DIRECT = "direct"
    PARENTS = "parents"
    STAFF = "staff"
    LEADERS = "leaders"
    UNKNOWN = "unknown"  # a group the school has not configured


class SenderKind(StrEnum):
    STAFF = "staff"
    PARENT = "parent"
    STRANGER = "stranger"


class Role(StrEnum):
    PRINCIPAL = "principal"
    VICE_PRINCIPAL = "vice_principal"
    DROPOUT_OFFICER = "dropout_officer"  # 控辍保学专干
    HEAD_TEACHER = "head_teacher"
