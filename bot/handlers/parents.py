"""A parent's own messages: worries about a child not coming, questions about their own
child, and a hello.

Worries (``bot.parents.signals``) from any parent, bound or not, in the class group or by
DM, go to the class's head teacher by DM as the bot's summary (child when known, which
parent, which group, at most 60 characters of their words) and on the child's record;
the parent is answered privately; the group hears nothing. Own-child questions are
answered by DM only, about the children the sender is bound to; anyone else is told how
to bind, and nothing about any child.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import func, select

from bot.chat.app import App, Context
from bot.chat.outbox import Recipient
from bot.parents import guardians, phrases, records, signals
from bot.school.access import parent_sees
from bot.school.context import SchoolContext
from bot.school.roster_file import RosterEntry
from storage.enums import Role, RoomKind, SenderKind
from storage.models import ParentWorry

PARENTS = {SenderKind.PARENT, SenderKind.STRANGER}
WORRIES_A_DAY = 5  # from one sender: beyond that the head teacher is not paged again


def parent_school(ctx: Context) -> SchoolContext:
    """A parent's school: the group's, else (by DM) the school they are bound at."""
    if ctx.where.is_direct and (sid := guardians.school_of_parent(ctx.session, ctx.sender.id)):
        return ctx.app.schools.get(sid, ctx.school)
    return ctx.school


def own_children(ctx: Context) -> list[guardians.Child]:
    kids = guardians.children_of(ctx.session, parent_school(ctx), ctx.sender.id)
    if ctx.where.is_parent_room:
        kids = [k for k in kids if k.student.class_name == ctx.where.class_name]
    return kids


def _named(ctx: Context, school: SchoolContext) -> list[RosterEntry]:
    """Students whose names the message writes (longest names first, each once)."""
    text, found = ctx.text, []
    for name in school.roster(ctx.session).names:
        if name in text:
            found.extend(school.roster(ctx.session).named(name))
            text = text.replace(name, "")
    return found


# -- worries -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Heard:
    worries: list[signals.Worry]


def worry(ctx: Context) -> Heard | None:
    found = signals.worries(ctx.text)
    return Heard(found) if found else None


def on_worry(ctx: Context, heard: Heard) -> None:
    school = parent_school(ctx)
    kids = own_children(ctx)
    named = _named(ctx, school)
    if ctx.where.is_parent_room:
        named = [s for s in named if s.class_name == ctx.where.class_name] or named
    about_other = any(w.about_other for w in heard.worries)
    student: RosterEntry | None = None
    relation = ""
    if named:
        student = named[0] if len({s.student_id for s in named}) == 1 or ctx.where.is_parent_room else None
    elif kids and (len(kids) == 1) and not about_other:
        student = kids[0].student
    if student is not None:
        mine = next((k for k in kids if k.student.student_id == student.student_id), None)
        relation = mine.relation if mine else ""
        about_other = about_other or (mine is None and bool(kids))
    class_name = student.class_name if student else ctx.where.class_name
    teacher = school.head_teacher_of(class_name) if class_name else None
    sent_today = ctx.session.exec(
        select(func.count())
        .select_from(ParentWorry)
        .where(ParentWorry.sender_id == ctx.sender.id, ParentWorry.day == ctx.today)
    ).one()
    families = [w.family for w in heard.worries]
    records.record_worry(
        ctx.session,
        school,
        family=families[0],
        student=student,
        class_name=class_name,
        sender_id=ctx.sender.id,
        sender_name=ctx.sender.name,
        relation=relation,
        about_other=about_other,
        room_topic=ctx.where.topic if ctx.where.is_parent_room else None,
        words=ctx.text,
        day=ctx.today,
        inbound_id=ctx.inbound.id,
        now=ctx.now,
    )
    to = [teacher] if teacher else [s for s in school.staff if s.has(Role.PRINCIPAL)]
    if sent_today < WORRIES_A_DAY:
        for person in to:
            ctx.send(
                Recipient(contact=person.wechat_id),
                "parents/worry_to_teacher.j2",
                student=student,
                class_name=class_name,
                labels=[signals.LABELS[f] for f in families],
                parent=ctx.sender.name or ctx.sender.id,
                relation=relation,
                bound=bool(kids),
                about_other=about_other,
                group=ctx.where.topic if ctx.where.is_parent_room else None,
                words=records.short_words(ctx.text),
                is_head_teacher=teacher is not None,
            )
    # privately, and naming nobody: a stranger learns nothing of who teaches which child
    ctx.reply_private(
        "parents/worry_ack.j2", about_other=about_other, teacher=teacher if ctx.where.is_parent_room else None
    )


# -- a parent's own child ----------------------------------------------------------------


def own_question(ctx: Context) -> phrases.Ask | None:
    ask = phrases.own_child_question(ctx.text)
    if ask is None:
        return None
    if ctx.where.is_parent_room and not (ctx.msg.mentioned or phrases.speaks_of_a_child(ctx.text) or _any_name(ctx)):
        return None  # "今天到校了吗" between parents in the group is not to the bot
    return ask


def _any_name(ctx: Context) -> bool:
    return bool(_named(ctx, ctx.school))


def on_own_question(ctx: Context, ask: phrases.Ask) -> bool | None:
    school = parent_school(ctx)
    kids = own_children(ctx) if not ctx.where.is_direct else guardians.children_of(ctx.session, school, ctx.sender.id)
    if not kids:
        if ctx.where.is_parent_room and not ctx.msg.mentioned:
            return False  # a group's chatter among parents, maybe to the teacher: not ours to answer
        ctx.reply_private("parents/how_to_bind.j2")
        return None
    named = _named(ctx, school)
    mine = {k.student.student_id: k for k in kids}
    said = phrases.asked_name(ctx.text)
    own_names = {k.student.name for k in kids}
    if (named and not any(s.student_id in mine for s in named)) or (said and not named and said not in own_names):
        # another child's, or a child who does not exist: the same answer
        ctx.reply_private("parents/only_own.j2", children=kids)
        return None
    asked = [mine[s.student_id] for s in named if parent_sees(bound=s.student_id in mine)] or kids
    students = [k.student for k in asked]
    day = ctx.today
    if ask == phrases.Ask.TODAY:
        ctx.reply_private("parents/today.j2", days=[records.today(ctx.session, school, st, day) for st in students])
    elif ask == phrases.Ask.MONTH:
        ctx.reply_private("parents/month.j2", months=[records.month(ctx.session, school, st, day) for st in students])
    else:
        leaves = records.leaves_asked(ctx.session, ctx.sender.id, [s.student_id for s in students], ctx.now)
        ctx.reply_private("parents/leave_state.j2", leaves=leaves, now=ctx.now)
    return None


# -- a hello -----------------------------------------------------------------------------


def hello(ctx: Context) -> bool:
    return (ctx.where.is_direct or ctx.msg.mentioned) and phrases.greeting(ctx.text)


def on_hello(ctx: Context, _m: object) -> None:
    ctx.reply("chat/hello.j2", staff=ctx.sender.is_staff, in_group=not ctx.where.is_direct)


def register(app: App) -> None:
    places = {RoomKind.DIRECT, RoomKind.PARENTS}
    app.add_handler(on_worry, name="parent_worry", rooms=places, senders=PARENTS, match=worry)
    app.add_handler(on_own_question, name="parent_own_child", rooms=places, senders=PARENTS, match=own_question)


def register_greeting(app: App) -> None:
    app.add_handler(
        on_hello, name="hello", rooms={RoomKind.DIRECT, RoomKind.PARENTS, RoomKind.STAFF, RoomKind.LEADERS}, match=hello
    )
