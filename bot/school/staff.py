"""Staff beyond school.toml: invite codes, binding by code, removal (a service).

A secretary who cannot find a new teacher's chat id asks for a code (``schoolbot staff
invite 王芳 --class 三年级二班 --role head_teacher``), tells it to the teacher, and the
teacher sends ``绑定 123456`` to the bot by direct message: whoever sends a live code
becomes that staff member. So a code is a key: six digits, shown once, kept only as a
hash, valid 72 hours, usable once; a chat id that sends five wrong codes within an hour
is refused for the rest of that hour (a million codes cannot be tried five at a time).

The school's staff, as the bot sees them, are school.toml's, less those removed here,
plus those bound here; ``School.staff_version`` changes with every bind or removal so a
running bot (and any other instance) re-reads them at its next message.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import getpass
import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from bot.school.classnames import parse_class_name
from bot.school.config import SchoolConfig, StaffMember
from bot.school.context import SchoolContext
from bot.school.roster_file import class_order
from storage.enums import AuditAction, Role, StaffSource
from storage.models import AuditEvent, BindAttempt, School, Staff, StaffInvite

CODE_TTL = dt.timedelta(hours=72)
WRONG_CODES_PER_HOUR = 5
ROLE_WORDS = {
    Role.HEAD_TEACHER: "班主任",
    Role.PRINCIPAL: "校长",
    Role.VICE_PRINCIPAL: "副校长",
    Role.DROPOUT_OFFICER: "控辍保学专干",
    Role.HEALTH_REPORTER: "疫情报告人",
}


class InviteError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = problems


class Outcome(StrEnum):
    BOUND = "bound"
    WRONG = "wrong"  # no such code
    LOCKED = "locked"  # too many wrong codes from this chat id within the hour
    EXPIRED = "expired"
    USED = "used"  # already used by someone else
    ALREADY = "already"  # this chat id is already this staff member


@dataclass(frozen=True)
class Invitation:
    code: str
    school_id: str
    name: str
    roles: tuple[str, ...]
    head_of: str | None
    expires_at: dt.datetime


@dataclass(frozen=True)
class Redemption:
    outcome: Outcome
    school_id: str | None = None
    name: str = ""
    roles: tuple[str, ...] = ()
    head_of: str | None = None
    tries_left: int = 0


@dataclass(frozen=True)
class StaffLine:
    """One line of ``staff list``: a staff member, or a code nobody has used yet."""

    name: str
    wechat_id: str | None
    roles: tuple[str, ...]
    head_of: str | None
    source: str  # school.toml | 邀请码 | 待绑定
    removed: bool = False
    expires_at: dt.datetime | None = None


def code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()


def role_words(roles: tuple[str, ...], head_of: str | None) -> str:
    words = [f"{head_of}班主任" if r == Role.HEAD_TEACHER and head_of else ROLE_WORDS.get(Role(r), r) for r in roles]
    return "、".join(words) or "老师"


def _roles(roles: str) -> tuple[str, ...]:
    return tuple(r for r in roles.split(",") if r)


def _live(now: dt.datetime):  # type: ignore[no-untyped-def]
    return (
        col(StaffInvite.used_at).is_(None),
        col(StaffInvite.revoked_at).is_(None),
        col(StaffInvite.expires_at) > now,
    )


def audit(
    session: Session,
    *,
    school_id: str | None,
    now: dt.datetime,
    actor: str,
    action: AuditAction,
    subject: str = "",
    detail: str = "",
    student_id: str | None = None,
    inbound_id: int | None = None,
) -> None:
    session.add(
        AuditEvent(
            school_id=school_id,
            at=now,
            actor=actor,
            action=action,
            subject=subject,
            detail=detail,
            student_id=student_id,
            inbound_id=inbound_id,
        )
    )


def cli_actor() -> str:
    """Who ran a command, for the audit."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in a container: still say it was the CLI
        return "cli"


def _bump(session: Session, school_id: str) -> None:
    session.exec(update(School).where(col(School.id) == school_id).values(staff_version=col(School.staff_version) + 1))


def staff_version(session: Session, school_id: str) -> int:
    return session.exec(select(School.staff_version).where(School.id == school_id)).first() or 0


# -- inviting -------------------------------------------------------------------------
def invite(
    session: Session,
    school: SchoolContext,
    *,
    name: str,
    roles: list[str],
    head_of: str | None,
    now: dt.datetime,
    by: str,
    title: str = "",
    code: str | None = None,
) -> Invitation:
    """A new code for ``name``; every problem with the request at once (InviteError).

    ``code``: a given code instead of a random one — only for scenarios (``simulate``),
    whose transcripts must be the same at every run."""
    problems: list[str] = []
    name = name.strip()
    if not name or len(name) > 20:
        problems.append("请写老师的姓名（不超过 20 个字）")
    wanted: list[str] = []
    for r in roles:
        try:
            wanted.append(Role(r.strip()))
        except ValueError:
            problems.append(
                f"没有这个角色：{r}（可用：{'、'.join(f'{x.value}（{w}）' for x, w in ROLE_WORDS.items())}）"
            )
    cls = None
    if head_of:
        ref = parse_class_name(head_of)
        cls = ref.canonical() if ref else None
        classes = sorted({*school.classes, *school.roster(session).by_class}, key=class_order)
        if cls is None or cls not in classes:
            known = "、".join(classes) or "（名单里还没有班级）"
            problems.append(f"{school.name}没有这个班：{head_of}（有：{known}）")
        elif (ht := school.head_teacher_of(cls)) is not None:
            problems.append(f"{cls}已有班主任{ht.name}；换班主任请先 schoolbot staff remove {ht.name}")
        if Role.HEAD_TEACHER not in wanted:
            wanted.append(Role.HEAD_TEACHER)
    elif Role.HEAD_TEACHER in wanted:
        problems.append("班主任要写哪个班：--class 三年级二班")
    if not wanted:
        problems.append("请写角色：--role head_teacher（班主任）/ principal（校长）/ dropout_officer（控辍保学专干）…")
    if code is not None and not (len(code) == 6 and code.isdigit()):
        problems.append(f"绑定码是 6 位数字，不是“{code}”")
    if problems:
        raise InviteError(problems)

    def taken(c: str) -> bool:
        # A code is typed with no school: it must be unique among every school's live codes.
        return (
            session.exec(select(StaffInvite.id).where(StaffInvite.code_hash == code_hash(c), *_live(now))).first()
            is not None
        )

    if code is not None and taken(code):
        raise InviteError([f"绑定码 {code} 正在使用中"])
    while code is None or taken(code):
        code = f"{secrets.randbelow(10**6):06d}"
    row = StaffInvite(
        school_id=school.id,
        code_hash=code_hash(code),
        name=name,
        roles=",".join(wanted),
        head_of=cls,
        title=title,
        created_at=now,
        expires_at=now + CODE_TTL,
        created_by=by,
    )
    session.add(row)
    audit(
        session,
        school_id=school.id,
        now=now,
        actor=by,
        action=AuditAction.STAFF_INVITED,
        subject=name,
        detail=role_words(tuple(wanted), cls),
    )
    session.flush()
    return Invitation(code, school.id, name, tuple(wanted), cls, row.expires_at)


# -- binding by code ------------------------------------------------------------------
def wrong_tries(session: Session, chat_id: str, now: dt.datetime) -> int:
    since = now - dt.timedelta(hours=1)
    q = select(func.count()).where(BindAttempt.chat_id == chat_id, col(BindAttempt.at) > since, ~col(BindAttempt.ok))
    return session.exec(q).one()


def redeem(session: Session, code: str, chat_id: str, now: dt.datetime, *, inbound_id: int | None = None) -> Redemption:
    """``绑定 123456`` from ``chat_id``: bind it to the invited staff member, or say why not."""
    if wrong_tries(session, chat_id, now) >= WRONG_CODES_PER_HOUR:
        # Checked before the code: a locked chat id learns nothing, right code or not.
        return Redemption(Outcome.LOCKED)
    row = session.exec(
        select(StaffInvite).where(StaffInvite.code_hash == code_hash(code)).order_by(col(StaffInvite.id).desc())
    ).first()
    if row is not None and row.used_by == chat_id:
        return Redemption(Outcome.ALREADY, row.school_id, row.name, _roles(row.roles), row.head_of)
    outcome = (
        Outcome.WRONG
        if row is None or row.revoked_at is not None
        else Outcome.USED
        if row.used_at is not None
        else Outcome.EXPIRED
        if _aware(row.expires_at) <= now
        else Outcome.BOUND
    )
    session.add(BindAttempt(chat_id=chat_id, at=now, ok=outcome == Outcome.BOUND))
    if outcome != Outcome.BOUND or row is None:
        session.flush()
        left = max(0, WRONG_CODES_PER_HOUR - wrong_tries(session, chat_id, now))
        return Redemption(outcome, tries_left=left)
    member = session.exec(select(Staff).where(Staff.school_id == row.school_id, Staff.wechat_id == chat_id)).first()
    member = member or Staff(school_id=row.school_id, wechat_id=chat_id, name=row.name)
    member.name, member.roles, member.head_of, member.title = row.name, row.roles, row.head_of, row.title
    member.source, member.removed_at = StaffSource.INVITE, None
    session.add(member)
    row.used_at, row.used_by = now, chat_id
    session.add(row)
    _bump(session, row.school_id)
    audit(
        session,
        school_id=row.school_id,
        now=now,
        actor=chat_id,
        action=AuditAction.STAFF_BOUND,
        subject=f"{row.name}（{chat_id}）",
        detail=role_words(_roles(row.roles), row.head_of),
        inbound_id=inbound_id,
    )
    session.flush()
    return Redemption(Outcome.BOUND, row.school_id, row.name, _roles(row.roles), row.head_of)


def _aware(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


# -- who the staff are ----------------------------------------------------------------
def effective(base: SchoolConfig, rows: list[Staff]) -> SchoolConfig:
    """school.toml's staff, less those removed in the database, plus those bound by code
    (a code bound to a chat id school.toml also lists wins: it is the newer word)."""
    bound = [
        StaffMember(
            name=r.name,
            wechat_id=r.wechat_id,
            roles=tuple(Role(x) for x in _roles(r.roles)),
            title=r.title,
            head_of=r.head_of,
        )
        for r in rows
        if r.source == StaffSource.INVITE and r.removed_at is None
    ]
    masked = {r.wechat_id for r in rows if r.removed_at is not None} | {m.wechat_id for m in bound}
    if not bound and not masked & {s.wechat_id for s in base.staff}:
        return base
    return dataclasses.replace(base, staff=[*(s for s in base.staff if s.wechat_id not in masked), *bound])


def db_rows(session: Session, school_id: str) -> list[Staff]:
    """The rows that change who is staff: bound by code, or removed."""
    q = select(Staff).where(
        Staff.school_id == school_id,
        (col(Staff.source) == StaffSource.INVITE) | col(Staff.removed_at).is_not(None),
    )
    return list(session.exec(q))


def listing(session: Session, school: SchoolContext, base: SchoolConfig, now: dt.datetime) -> list[StaffLine]:
    rows = {r.wechat_id: r for r in session.exec(select(Staff).where(Staff.school_id == school.id))}
    lines = [
        StaffLine(
            s.name,
            s.wechat_id,
            tuple(s.roles),
            s.head_of,
            "school.toml",
            removed=s.wechat_id in rows and rows[s.wechat_id].removed_at is not None,
        )
        for s in base.staff
        if not (s.wechat_id in rows and rows[s.wechat_id].source == StaffSource.INVITE)
    ]
    lines += [
        StaffLine(r.name, r.wechat_id, _roles(r.roles), r.head_of, "邀请码", removed=r.removed_at is not None)
        for r in rows.values()
        if r.source == StaffSource.INVITE
    ]
    pending = session.exec(select(StaffInvite).where(StaffInvite.school_id == school.id, *_live(now)))
    lines += [
        StaffLine(p.name, None, _roles(p.roles), p.head_of, "待绑定", expires_at=_aware(p.expires_at)) for p in pending
    ]
    return lines


def remove(session: Session, school: SchoolContext, who: str, *, now: dt.datetime, by: str) -> list[str]:
    """Remove a staff member (name or chat id) and revoke their unused codes; returns what
    was done, one line each. Raises InviteError when nobody or several people match."""
    who = who.strip()
    members = [s for s in school.staff if who in (s.name, s.wechat_id)]
    codes = list(
        session.exec(
            select(StaffInvite).where(StaffInvite.school_id == school.id, StaffInvite.name == who, *_live(now))
        )
    )
    if len(members) > 1:
        ids = "、".join(f"{m.name}（{m.wechat_id}）" for m in members)
        raise InviteError([f"有 {len(members)} 位叫 {who} 的老师：{ids}；请写微信 id"])
    if not members and not codes:
        raise InviteError([f"{school.name}没有这位老师：{who}（schoolbot staff list 看名单）"])
    done: list[str] = []
    for m in members:
        row = session.exec(select(Staff).where(Staff.school_id == school.id, Staff.wechat_id == m.wechat_id)).first()
        row = row or Staff(
            school_id=school.id, wechat_id=m.wechat_id, name=m.name, roles=",".join(m.roles), head_of=m.head_of
        )
        row.removed_at = now
        session.add(row)
        audit(
            session,
            school_id=school.id,
            now=now,
            actor=by,
            action=AuditAction.STAFF_REMOVED,
            subject=f"{m.name}（{m.wechat_id}）",
            detail=role_words(tuple(m.roles), m.head_of),
        )
        done.append(f"已移除 {m.name}（{m.wechat_id}，{role_words(tuple(m.roles), m.head_of)}）")
    for c in codes:
        c.revoked_at = now
        session.add(c)
        audit(session, school_id=school.id, now=now, actor=by, action=AuditAction.INVITE_REVOKED, subject=c.name)
        done.append(f"已作废 {c.name} 的绑定码（未使用）")
    _bump(session, school.id)
    session.flush()
    return done


def revoke_code(session: Session, code: str, now: dt.datetime, *, by: str) -> bool:
    """A code seen by others (posted in a group) binds nobody any more."""
    row = session.exec(select(StaffInvite).where(StaffInvite.code_hash == code_hash(code), *_live(now))).first()
    if row is None:
        return False
    row.revoked_at = now
    session.add(row)
    audit(
        session,
        school_id=row.school_id,
        now=now,
        actor=by,
        action=AuditAction.INVITE_REVOKED,
        subject=row.name,
        detail="发在群里",
    )
    session.flush()
    return True
