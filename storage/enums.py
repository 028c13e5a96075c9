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


class DayPortion(StrEnum):
    """How much of a school day an absence row covers."""

    FULL = "full"
    LATE = "late"  # 迟到, 第二节课才来: in school, late
    MORNING = "morning"  # missed the morning (上午没来, 下午才来)
    AFTERNOON = "afternoon"  # missed the afternoon (上午来了下午没来, 中午回家就没回来)


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
    UNDONE = "undone"  # the report that opened it was taken back: it never was


LIVE_ALERT_STATES = (AlertStatus.OPEN, AlertStatus.HOME_TEACHING)


class AlertEventKind(StrEnum):
    OPENED = "opened"
    NOTIFIED = "notified"
    FOLLOWUP = "followup"  # 劝返 record
    HOME_TEACHING = "home_teaching"
    ESCALATED = "escalated"
    CLOSED = "closed"


class ClusterRule(StrEnum):
    """Which reporting rule a 因病缺课 cluster meets (《学校和托幼机构传染病疫情报告工作规范》)."""

    CLASS_DAY = "class_day"  # N in one class in one school day with a shared symptom or disease
    CLASS_DAYS = "class_days"  # N in one class within consecutive school days
    SCHOOL_DAY = "school_day"  # N in the school in one day
    NOTIFIABLE = "notifiable"  # one case of a disease on the school's list


class ClusterStatus(StrEnum):
    OPEN = "open"
    PROOF_PENDING = "proof_pending"  # back after a notifiable disease: 复课证明 not yet checked
    CLOSED = "closed"
    UNDONE = "undone"


class ChangeSource(StrEnum):
    """Who wrote a ledger change: a message (undoable by its sender), an undo, or a job."""

    MESSAGE = "message"
    UNDO = "undo"
    JOB = "job"


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
    RETURN_PROOF = "return_proof"  # 请查验复课证明: the head teacher answers 已查验
    ROLLCALL_GAP = "rollcall_gap"  # 应到−实到 disagrees with the ledger: who came, who is missing?
    TRANSFER_IN = "transfer_in"  # 新转入: the principal answers 同意转入 / 不同意转入
    GUARDIAN_DIGITS = "guardian_digits"  # 我是周子轩的妈妈: the parent answers the phone's last 4 digits
    GUARDIAN_CONFIRM = "guardian_confirm"  # no phone on the roster: the head teacher answers 确认绑定
    PARENT_WHICH_CHILD = "parent_which_child"  # a bound parent of several children: which one, by number
    NOTICE_SEND = "notice_send"  # a notice's preview: the author answers 发送 / 取消
    QUERY_DETAIL = "query_detail"  # an answer cut short: "详细名单回复1"


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
    HEALTH_REPORTER = "health_reporter"  # 疫情报告人: 因病缺课 clusters go to them (else the principal)


class StaffSource(StrEnum):
    CONFIG = "config"  # listed in school.toml
    INVITE = "invite"  # bound with `schoolbot staff invite`'s code


class AuditAction(StrEnum):
    STAFF_INVITED = "staff_invited"
    STAFF_BOUND = "staff_bound"
    STAFF_REMOVED = "staff_removed"
    INVITE_REVOKED = "invite_revoked"
    STUDENT_VIEWED = "student_viewed"  # “X 记录”: guardian, phone, history
    EXPORTED = "exported"  # a 台账 workbook written


class EnrolmentEnd(StrEnum):
    """Why a student's time at a school ended (``Enrolment.left_why``)."""

    LEFT = "离校"  # marked as left by a roster import (--mark-missing-left)
    TRANSFER = "转学"


class GuardianStatus(StrEnum):
    ACTIVE = "active"
    UNBOUND = "unbound"  # by the head teacher, or the child left the school
    UNDONE = "undone"  # the head teacher's 撤销 of the message that bound it


class GuardianVia(StrEnum):
    """How a binding was proved."""

    PHONE = "phone"  # the last 4 digits of the roster's guardian phone
    HEAD_TEACHER = "head_teacher"  # 绑定 周子轩 妈妈 wxid… from the head teacher
    CONFIRMED = "confirmed"  # no phone on the roster: the head teacher confirmed by DM


class WorryFamily(StrEnum):
    """What a parent's worry says keeps the child from school (docs/SPEC.md §4b)."""

    UNWILLING = "unwilling"  # 不想上学, 不肯去, 厌学
    WORK = "work"  # 出去打工, 跟亲戚去广东
    SCREENS = "screens"  # 在家玩手机, 打游戏不去
    BULLIED = "bullied"  # 被欺负, 被打
    MONEY = "money"  # 没钱, 交不起
    NO_CARE = "no_care"  # 家里没人管, 没人送
    ILL_NO_MONEY = "ill_no_money"  # 生病了没钱看
    MOVING = "moving"  # 要搬走, 转学, 回老家
    SEEN_OUT = "seen_out"  # another child seen out of school (我看到他在街上耍)


class NoticeStatus(StrEnum):
    DRAFT = "draft"  # previewed to its author, waiting for 发送
    SENT = "sent"
    CANCELLED = "cancelled"


class WebAccessKind(StrEnum):
    """What the web page's audit log records (``WebAccess.kind``)."""

    LOGIN = "login"  # a login link redeemed
    LINK_REFUSED = "link_refused"  # a used, expired or unknown link
    STUDENT_VIEW = "student_view"  # a student's page opened
    DOWNLOAD = "download"  # a 台账 (or other) file downloaded
    DENIED = "denied"  # a page outside the person's scope: 403
    LOGOUT = "logout"
