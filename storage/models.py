"""All SQLModel tables, in one place (as in FastAPI's full-stack template).

The ledger keeps history: rows are superseded or marked, never deleted, so a county
office can always see who reported what and when.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def _utcnow() -> dt.datetime:
    # Only a column default for rows written outside the bot (migrations, imports);
    # the bot itself always passes times from its Clock.
    return dt.datetime.now(dt.UTC)


class School(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=64)
    name: str
    timezone: str = "Asia/Shanghai"
    # Bumped by every roster change (import, transfer): a running bot reloads its roster
    # when the number it holds is not this one.
    roster_version: int = 0
    # Bumped when staff are bound by an invite code or removed: a running bot re-reads
    # who its staff are when the number it holds is not this one.
    staff_version: int = 0


class SchoolClass(SQLModel, table=True):
    __tablename__ = "school_class"
    __table_args__ = (UniqueConstraint("school_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    school_id: str = Field(foreign_key="school.id", index=True)
    name: str  # canonical: 三年级二班
    grade: int
    number: int


class Student(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=64)  # 学籍号
    school_id: str = Field(foreign_key="school.id", index=True)
    name: str = Field(index=True)
    class_name: str = Field(index=True)
    gender: str = ""
    grade: str = ""
    guardian: str = ""  # 监护人
    phone: str = ""  # 联系电话
    boarding: bool = False  # 寄宿
    poverty: bool = False  # 脱贫家庭 (formerly 建档立卡)
    left_behind: bool = False  # 留守儿童
    id_card: str = ""  # 身份证号: kept from the export, never shown in chat
    birth_date: str = ""  # as the export writes it
    address: str = ""  # 家庭住址
    active: bool = True  # False: no longer on the roster (left); never deleted
    left_on: dt.date | None = None
    updated_at: dt.datetime = Field(default_factory=_utcnow)


class Enrolment(SQLModel, table=True):
    """A student's time at one school. A transfer closes one row and opens another.

    The 学籍号 is national, so the student row moves with the child; what a school
    recorded stays that school's (absences and alerts carry their own school id).
    """

    id: int | None = Field(default=None, primary_key=True)
    student_id: str = Field(foreign_key="student.id", index=True)
    school_id: str = Field(foreign_key="school.id", index=True)
    class_name: str
    joined_on: dt.date | None = None  # None: on the roll before the bot knew
    left_on: dt.date | None = None  # None: still there
    left_why: str = ""  # EnrolmentEnd: 转学 (transfer) | 离校 (marked as left)
    left_to: str = ""  # where a transfer went: the school's name, in or outside this deployment


class Staff(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("school_id", "wechat_id"),)
    id: int | None = Field(default=None, primary_key=True)
    school_id: str = Field(foreign_key="school.id", index=True)
    wechat_id: str = Field(index=True)  # a 中心校 principal is staff of several schools
    name: str
    title: str = ""
    roles: str = ""  # comma-separated: principal,dropout_officer,…
    head_of: str | None = None  # class name
    source: str = "config"  # StaffSource: school.toml, or bound with an invite code
    removed_at: dt.datetime | None = None  # `staff remove`: no longer staff, history kept


class StaffInvite(SQLModel, table=True):
    """A one-time code that makes whoever sends it to the bot by DM this staff member.

    Only the code's hash is kept: the code itself is printed once, to the person who
    asked for it, and given to the teacher in person or by phone.
    """

    __tablename__ = "staff_invite"
    id: int | None = Field(default=None, primary_key=True)
    school_id: str = Field(foreign_key="school.id", index=True)
    code_hash: str = Field(index=True, max_length=64)
    name: str
    roles: str = ""  # comma-separated Role values
    head_of: str | None = None
    title: str = ""
    created_at: dt.datetime
    expires_at: dt.datetime
    created_by: str = ""  # who asked for it (the CLI's user, or a staff chat id)
    used_at: dt.datetime | None = None
    used_by: str | None = None  # the chat id it bound
    revoked_at: dt.datetime | None = None


class BindAttempt(SQLModel, table=True):
    """A code sent to the bot by DM, right or wrong: wrong ones are rate-limited per chat id."""

    __tablename__ = "bind_attempt"
    id: int | None = Field(default=None, primary_key=True)
    chat_id: str = Field(index=True)
    at: dt.datetime = Field(index=True)
    ok: bool = False


class AuditEvent(SQLModel, table=True):
    """Who did what to access or people: invited, bound, removed staff (and, with the
    parents' and web issues, guardians bound, pages viewed, files exported).

    Ledger rows are audited through ``ledger_change``; this holds the rest, so the audit
    of a student or a staff member is both read together.
    """

    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    school_id: str | None = Field(default=None, foreign_key="school.id", index=True)
    at: dt.datetime
    actor: str  # a chat id, or cli:<user>
    action: str = Field(index=True)  # AuditAction
    student_id: str | None = Field(default=None, index=True)
    subject: str = ""  # whom it was about: a staff member's name and chat id, a file
    detail: str = ""
    inbound_id: int | None = Field(default=None, foreign_key="inbound_message.id")


class Room(SQLModel, table=True):
    """A school's group, recognised by the transport's room id, never by its topic.

    ``topic`` is what the school calls it (school.toml, or the name given when binding);
    a rename in WeChat changes neither. A configured room whose id is not known yet is
    unknown to the bot until someone binds it (``绑定`` or ``schoolbot rooms bind``).
    """

    __table_args__ = (UniqueConstraint("school_id", "topic"),)
    id: int | None = Field(default=None, primary_key=True)
    school_id: str = Field(foreign_key="school.id", index=True)
    topic: str = Field(index=True)
    kind: str  # RoomKind: parents | staff | leaders
    class_name: str | None = None
    room_id: str | None = Field(default=None, unique=True, index=True, max_length=255)
    bound_by: str | None = None  # chat id of whoever bound it; None: from school.toml
    bound_at: dt.datetime | None = None


class SeenRoom(SQLModel, table=True):
    """Every group the bot sits in, as the transport reports it (``schoolbot rooms list``)."""

    __tablename__ = "seen_room"
    room_id: str = Field(primary_key=True, max_length=255)
    topic: str = ""  # its current name in WeChat
    members: int = 0
    last_seen_at: dt.datetime


class InboundMessage(SQLModel, table=True):
    __tablename__ = "inbound_message"
    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(unique=True, index=True, max_length=255)  # the dedupe key
    sender_id: str = Field(index=True)
    sender_name: str = ""
    room: str | None = None  # the group's topic when it arrived, for people reading the log
    room_id: str | None = Field(default=None, index=True)  # the transport's id of the group
    school_id: str | None = Field(default=None, foreign_key="school.id", index=True)  # None: no school known
    text: str = Field(sa_column=Column(Text, nullable=False))
    mentioned: bool = False
    sent_at: dt.datetime
    received_at: dt.datetime
    status: str = "received"  # received | handled | failed
    handler: str | None = None
    error: str | None = None
    truncated: bool = False  # the text was longer than the bot keeps (bot.chat.hygiene): stored cut


class Absence(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    school_id: str = Field(foreign_key="school.id", index=True)  # the school that recorded it
    student_id: str = Field(foreign_key="student.id", index=True)
    kind: str  # sick | personal | unexcused
    start: dt.date = Field(index=True)
    end: dt.date | None = None  # None: open until the student is reported back
    reason: str = ""
    # DayPortion: the whole day, or the part of it missed (迟到, 上午/下午没来); only a
    # whole day counts toward the unexcused streak.
    portion: str = Field(default="full", sa_column_kwargs={"server_default": "full"})
    # 因病缺课: the child's symptoms and diseases read from the reason ("发热,咳嗽" / "流感")
    symptoms: str = Field(default="", sa_column_kwargs={"server_default": ""})
    diseases: str = Field(default="", sa_column_kwargs={"server_default": ""})
    reported_by: str  # chat id of the staff member who owns the record
    inbound_id: int | None = Field(default=None, foreign_key="inbound_message.id", index=True)
    status: str = Field(default="active", index=True)  # active | superseded | undone
    superseded_by: int | None = Field(default=None, foreign_key="absence.id")
    created_at: dt.datetime


class ClassReport(SQLModel, table=True):
    """A class's attendance report for a day: a roll-call, 全勤, or absences named.

    The roll-call reminder asks only the classes with no active report today.
    """

    __tablename__ = "class_report"
    id: int | None = Field(default=None, primary_key=True)
    school_id: str = Field(foreign_key="school.id", index=True)
    class_name: str = Field(index=True)
    day: dt.date = Field(index=True)
    kind: str  # rollcall | all_present | absences
    expected: int | None = None
    present: int | None = None
    reported_by: str
    inbound_id: int | None = Field(default=None, foreign_key="inbound_message.id", index=True)
    status: str = "active"  # active | undone
    created_at: dt.datetime


class Alert(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    school_id: str = Field(foreign_key="school.id", index=True)
    student_id: str = Field(foreign_key="student.id", index=True)
    # One alert per episode, even when two bot instances check at once.
    episode_key: str = Field(unique=True, max_length=128)  # "<student_id>:<since>"
    status: str = Field(default="open", index=True)  # open | home_teaching | closed
    since: dt.date  # first unexcused school day of the episode
    opened_on: dt.date
    streak_at_open: int
    escalated_on: dt.date | None = None
    closed_on: dt.date | None = None
    created_at: dt.datetime


class AlertEvent(SQLModel, table=True):
    __tablename__ = "alert_event"
    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alert.id", index=True)
    kind: str  # opened | notified | followup | home_teaching | escalated | closed
    at: dt.datetime
    by: str | None = None  # chat id
    text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    inbound_id: int | None = Field(default=None, foreign_key="inbound_message.id")
    status: str = Field(
        default="active", sa_column_kwargs={"server_default": "active"}
    )  # RecordStatus: active | undone


class LedgerChange(SQLModel, table=True):
    """One row written or changed in the ledger, by which message (or job), with what it was.

    Undo reads this log backwards, so it is the exact inverse of what a message did; the
    audit of a student's data reads the same history.
    """

    __tablename__ = "ledger_change"
    id: int | None = Field(default=None, primary_key=True)
    school_id: str | None = Field(default=None, foreign_key="school.id", index=True)
    inbound_id: int | None = Field(default=None, foreign_key="inbound_message.id", index=True)
    source: str = Field(index=True)  # ChangeSource: message | undo | job
    table_name: str  # absence | class_report | alert | alert_event
    row_id: int
    student_id: str | None = Field(default=None, index=True)
    op: str  # insert | update
    before: str = Field(sa_column=Column(Text, nullable=False))  # JSON of the changed fields' old values
    after: str = Field(sa_column=Column(Text, nullable=False))  # JSON of what the message set
    at: dt.datetime
    undone_by: int | None = Field(default=None, foreign_key="inbound_message.id")  # the 撤销 message
    undone_at: dt.datetime | None = None


class IllnessCluster(SQLModel, table=True):
    """因病缺课 cases that together meet a reporting rule (3 similar in a class in a day …),
    or one case of a notifiable disease. One row per cluster: later cases join it."""

    __tablename__ = "illness_cluster"
    id: int | None = Field(default=None, primary_key=True)
    school_id: str = Field(foreign_key="school.id", index=True)
    # one open cluster per rule and place: "<school>:<rule>:<class or 全校 or 学籍号>:<first day>"
    episode_key: str = Field(unique=True, max_length=255)
    rule: str  # ClusterRule
    class_name: str | None = None  # None: the whole school
    label: str = ""  # the shared symptom or disease
    student_ids: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))  # comma-joined
    first_day: dt.date
    last_day: dt.date
    status: str = Field(default="open", index=True)  # ClusterStatus
    proof_checked_by: str | None = None  # 复课证明 (a notifiable disease): who checked it
    created_at: dt.datetime


class OutboundMessage(SQLModel, table=True):
    """The outbox: written first, sent after, marked sent; the dedupe key makes it once."""

    __tablename__ = "outbound_message"
    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(unique=True, index=True, max_length=255)
    school_id: str | None = Field(default=None, foreign_key="school.id", index=True)
    to_room: str | None = None  # the transport's room id
    to_contact: str | None = None
    text: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", index=True)  # pending | sending | sent | failed | dropped
    attempts: int = 0  # sends tried that reached the transport (an outage counts none)
    last_error: str | None = None
    created_at: dt.datetime
    next_attempt_at: dt.datetime  # when due; while sending, when the claim's lease runs out
    claimed_by: str | None = None
    sent_at: dt.datetime | None = None
    template: str | None = None  # which template wrote it (flood control tells pointers apart)
    parts_sent: int = 0  # a text longer than the transport carries goes in parts: how many went
    failed_at: dt.datetime | None = None  # when it failed for good (the next digest lists it)
    # A picture (the weekly chart, PNG) sent as an image; ``text`` is then its caption, for logs and simulate.
    image: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    attachment: str | None = None  # a file sent after the text (its path; the 台账 workbook)


class PendingQuestion(SQLModel, table=True):
    """A question the bot asked and awaits an answer to (which 王小明? approve leave?)."""

    __tablename__ = "pending_question"
    id: int | None = Field(default=None, primary_key=True)
    school_id: str | None = Field(default=None, foreign_key="school.id", index=True)
    kind: str  # disambiguation | near_miss | leave_approval | faq_choice | absence_check
    ask_to: str = Field(index=True)  # chat id expected to answer
    room: str | None = None
    payload: str = Field(sa_column=Column(Text, nullable=False))  # JSON
    created_at: dt.datetime
    expires_at: dt.datetime
    status: str = Field(default="open", index=True)  # open | answered | expired


class FaqQuery(SQLModel, table=True):
    __tablename__ = "faq_query"
    id: int | None = Field(default=None, primary_key=True)
    school_id: str | None = Field(default=None, foreign_key="school.id", index=True)
    at: dt.datetime = Field(index=True)
    sender_id: str
    room: str | None = None
    text: str = Field(sa_column=Column(Text, nullable=False))
    topic: str | None = None
    score: float = 0.0
    answered: bool = False
    reason: str = ""  # why it was (not) answered: answered | below_threshold | repeat | chit_chat …


class Guardian(SQLModel, table=True):
    """A parent's chat id bound to one student, with the relation (妈妈, 爷爷 …).

    A parent may have several children and a child several guardians. Bindings are
    never deleted: an unbinding (the head teacher's, or the child's transfer) marks the
    row, so the audit shows who bound whom, when, and how it ended.
    """

    id: int | None = Field(default=None, primary_key=True)
    school_id: str = Field(foreign_key="school.id", index=True)
    student_id: str = Field(foreign_key="student.id", index=True)
    chat_id: str = Field(index=True, max_length=255)
    relation: str  # 妈妈 | 爸爸 | 爷爷 | 奶奶 | 外公 | 外婆 | 监护人 | 姐姐 …
    how: str  # GuardianVia: phone | head_teacher | confirmed
    status: str = Field(default="active", index=True)  # GuardianStatus
    bound_by: str | None = None  # the head teacher's chat id when bound from their side
    bound_at: dt.datetime
    unbound_at: dt.datetime | None = None
    unbound_why: str = ""


class GuardianAttempt(SQLModel, table=True):
    """One answer to "手机号后4位": three wrong in a day lock that chat id's binding."""

    __tablename__ = "guardian_attempt"
    id: int | None = Field(default=None, primary_key=True)
    chat_id: str = Field(index=True, max_length=255)
    at: dt.datetime = Field(index=True)
    ok: bool = False


class ParentWorry(SQLModel, table=True):
    """A parent's words that a child will not or cannot come (不想读了, 要去打工 …):
    the earliest warning of a dropout, on the child's record when the child is known."""

    __tablename__ = "parent_worry"
    id: int | None = Field(default=None, primary_key=True)
    school_id: str = Field(foreign_key="school.id", index=True)
    student_id: str | None = Field(default=None, foreign_key="student.id", index=True)
    class_name: str | None = None
    family: str  # WorryFamily
    sender_id: str
    sender_name: str = ""
    relation: str = ""  # the sender's relation when bound to the child
    about_other: bool = False  # a parent telling of someone else's child
    room_topic: str | None = None  # None: a direct message
    words: str = ""  # at most 60 characters of what they wrote (staff only)
    day: dt.date = Field(index=True)
    inbound_id: int | None = Field(default=None, foreign_key="inbound_message.id", index=True)
    status: str = Field(default="active", sa_column_kwargs={"server_default": "active"})  # RecordStatus
    created_at: dt.datetime


class Notice(SQLModel, table=True):
    """A school notice (政策宣传, 致家长一封信) for the parent groups: previewed to its author
    by DM, posted on 发送, once per group."""

    id: int | None = Field(default=None, primary_key=True)
    school_id: str = Field(foreign_key="school.id", index=True)
    by: str  # the author's chat id (a principal or a head teacher)
    target: str  # "*" (各班家长群) or a class name
    text: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="draft", index=True)  # NoticeStatus
    rooms: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))  # room ids posted to
    created_at: dt.datetime
    sent_at: dt.datetime | None = None


class NoticeAck(SQLModel, table=True):
    """A parent's 收到 (or any acknowledgement) in a group after a notice: counted once per sender."""

    __tablename__ = "notice_ack"
    __table_args__ = (UniqueConstraint("notice_id", "sender_id"),)
    id: int | None = Field(default=None, primary_key=True)
    notice_id: int = Field(foreign_key="notice.id", index=True)
    room_id: str
    class_name: str | None = None
    sender_id: str
    at: dt.datetime


class WebLoginToken(SQLModel, table=True):
    """A one-time login link for the web page, sent by DM (``网页``) or printed by the CLI.

    Only the SHA-256 of the token is kept: a copy of the database opens nobody's session."""

    __tablename__ = "web_login_token"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, index=True, max_length=64)
    wechat_id: str = Field(index=True)
    created_at: dt.datetime
    expires_at: dt.datetime
    used_at: dt.datetime | None = None


class WebSession(SQLModel, table=True):
    """A browser's session after a login link; the cookie holds the secret, this its hash."""

    __tablename__ = "web_session"
    id: int | None = Field(default=None, primary_key=True)
    session_hash: str = Field(unique=True, index=True, max_length=64)
    wechat_id: str = Field(index=True)
    csrf: str = Field(max_length=64)  # the token every state-changing form must carry
    created_at: dt.datetime
    expires_at: dt.datetime
    ended_at: dt.datetime | None = None  # logged out


class WebAccess(SQLModel, table=True):
    """The web page's audit log: logins, a student's page viewed, downloads, refusals."""

    __tablename__ = "web_access"
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(index=True)
    wechat_id: str | None = Field(default=None, index=True)  # None: nobody logged in (a refused link)
    school_id: str | None = Field(default=None, index=True)
    kind: str  # WebAccessKind
    student_id: str | None = Field(default=None, index=True)
    path: str = ""
    detail: str = ""
