"""Parents' aid questions: answer from the FAQ catalogue, and stay quiet otherwise.

Where and when the bot speaks:
- direct message: always answers (the topic; which of two; a polite 没找到 with the
  menu). A teacher's message that fits no topic is left to the next handler.
- group, @-mentioned: answers, or sends the help menu when nothing fits.
- parent group, not mentioned: only a clear aid question above the UNPROMPTED threshold,
  never chit-chat, never a close call; one full answer per topic per group per hour,
  later askers get a short pointer to it. Teachers' unmentioned messages are not
  questions for the bot; staff and leaders rooms are never answered unmentioned.
- a number answers the asker's open 您想问的是 question, or picks from the menu the
  bot just sent that person (帮助/菜单); a bare number from anyone else is ignored.
- 未回答问题 (staff): the last week's unanswered questions, never inside a parent group.
Every message considered is logged as a FaqQuery with the reason.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlmodel import col, select

from bot.chat import pending
from bot.chat.app import STAFF_PLACES, App, Context
from bot.faq import catalogue, history
from bot.faq.matcher import Match
from bot.faq.matcher import default as default_matcher
from bot.faq.policy import effective
from storage.enums import PendingKind
from storage.models import FaqQuery, InboundMessage

RATE_WINDOW = dt.timedelta(hours=1)
UNANSWERED_DAYS = 7
MENU_WINDOW = dt.timedelta(minutes=30)
MENU = PendingKind.FAQ_MENU  # the pending kind of a menu just sent
UNANSWERED = re.compile(r"^\s*(?:@\S+[\s\u2005]*)?(?:查看)?未回答(?:的)?问题\s*[?？!！。.]*\s*$")


# -- small helpers ----------------------------------------------------------------------
def _addressed(ctx: Context) -> bool:
    return ctx.where.is_direct or ctx.msg.mentioned


def _room(ctx: Context) -> str | None:
    return None if ctx.where.is_direct else ctx.where.room_id


def _place(ctx: Context, room_id: str | None) -> str:
    if room_id is None:
        return "私聊"
    binding = ctx.app.rooms.get(ctx.session, room_id)
    return binding.topic if binding else room_id


def _title(topic_id: str) -> str:
    return catalogue.by_id()[topic_id].title


def _answer(ctx: Context, topic_id: str) -> None:
    ctx.reply(catalogue.by_id()[topic_id].template, policy=effective(ctx.school.config.policy))


def _menu_reply(ctx: Context, template: str, **data: Any) -> None:
    """Send a numbered menu and remember it, so that this person's next number picks."""
    ctx.reply(template, topics=catalogue.menu(), **data)
    pending.ask(ctx.session, kind=MENU, ask_to=ctx.sender.id, room=_room(ctx), payload={}, now=ctx.now, ttl=MENU_WINDOW)


def _log(ctx: Context, m: Match | None, *, reason: str, answered: bool, topic: str | None = None) -> FaqQuery:
    return history.log(
        ctx.session,
        at=ctx.now,
        school_id=ctx.school.id,
        sender_id=ctx.sender.id,
        room=_room(ctx),
        text=ctx.text,
        topic=topic if topic is not None else (m.topic if m else None),
        score=m.score if m else 0.0,
        answered=answered,
        reason=reason,
    )


# -- numbers: a pending 您想问的是 question, or a menu just shown --------------------------
def _after_help(ctx: Context) -> bool:
    """Was this person's previous message here 帮助/菜单, answered by the help handler?"""
    q = select(InboundMessage).where(InboundMessage.sender_id == ctx.sender.id, col(InboundMessage.id) < ctx.inbound.id)
    q = q.where(
        col(InboundMessage.room_id).is_(None) if ctx.where.is_direct else InboundMessage.room_id == ctx.where.room_id
    )
    prev = ctx.session.exec(q.order_by(col(InboundMessage.id).desc()).limit(1)).first()
    if prev is None or prev.handler != "help":
        return False
    sent = prev.sent_at if prev.sent_at.tzinfo else prev.sent_at.replace(tzinfo=dt.UTC)
    return ctx.now - sent <= MENU_WINDOW


def _on_number(ctx: Context, number: int) -> bool:
    room = _room(ctx)
    q = pending.latest(ctx.session, ctx.sender.id, room, (PendingKind.FAQ_CHOICE, MENU))
    if q is not None and not pending.is_expired(q, ctx.now):
        data = pending.payload(q)
        if q.kind == PendingKind.FAQ_CHOICE:
            candidates = data.get("candidates", [])
            if not 1 <= number <= len(candidates):
                return False
            topic = candidates[number - 1]
            pending.close(ctx.session, q)
            row = history.get(ctx.session, data.get("query_id"))
            if row is not None:
                row.topic, row.answered, row.reason, row.at = topic, True, "answered", ctx.now
                ctx.session.add(row)
            _answer(ctx, topic)
            return True
        menu = catalogue.menu()
        if not 1 <= number <= len(menu):
            return False
        pending.close(ctx.session, q)
        _log(ctx, None, reason="answered", answered=True, topic=menu[number - 1][1])
        _answer(ctx, menu[number - 1][1])
        return True
    if _after_help(ctx):
        menu = catalogue.menu()
        if 1 <= number <= len(menu):
            _log(ctx, None, reason="answered", answered=True, topic=menu[number - 1][1])
            _answer(ctx, menu[number - 1][1])
            return True
    return False


# -- 未回答问题 ----------------------------------------------------------------------------
def _on_unanswered(ctx: Context) -> None:
    if ctx.where.kind not in STAFF_PLACES:
        ctx.reply_private("faq_chat/unanswered_refused.j2")
        return
    rows = history.unanswered(ctx.session, ctx.now - dt.timedelta(days=UNANSWERED_DAYS), ctx.school.id)
    tz = ctx.school.tz
    by_id = catalogue.by_id()
    items = [
        {
            "at": (r.at if r.at.tzinfo else r.at.replace(tzinfo=dt.UTC)).astimezone(tz),
            "place": _place(ctx, r.room),
            "text": r.text if len(r.text) <= 60 else r.text[:60] + "…",
            "topic_title": by_id[r.topic].title if r.topic in by_id else "",
        }
        for r in rows
    ]
    ctx.reply("faq_chat/unanswered.j2", items=items, days=UNANSWERED_DAYS)


# -- the handler ------------------------------------------------------------------------
def considered(ctx: Context) -> bool:
    """Messages this handler looks at (the callback still decides whether to speak)."""
    if not ctx.msg.is_text or not ctx.text.strip():
        return False
    if ctx.where.is_direct or ctx.msg.mentioned:
        return True
    if ctx.sender.is_staff and UNANSWERED.match(ctx.text):
        return True  # refused privately wherever it is not for everyone
    # Unmentioned: only parents' (and unknown people's) messages in parent groups.
    return ctx.where.is_parent_room and not ctx.sender.is_staff


def on_message(ctx: Context, _match: object) -> bool | None:
    text = ctx.text
    if UNANSWERED.match(text) and ctx.sender.is_staff:
        _on_unanswered(ctx)
        return True

    number = pending.choice_number(text.split("\u2005")[-1].split(" ")[-1] if ctx.msg.mentioned else text)
    if number is not None:
        return bool(_on_number(ctx, number))

    addressed = _addressed(ctx)
    m = default_matcher().match(text, unprompted=not addressed)

    if not addressed:
        return _unprompted(ctx, m)

    if m.reason == "answered":
        assert m.topic is not None  # an answer names its topic
        _log(ctx, m, reason="answered", answered=True)
        _answer(ctx, m.topic)
        return True
    if m.reason == "ambiguous":
        row = _log(ctx, m, reason="ambiguous", answered=False)
        pending.ask(
            ctx.session,
            kind=PendingKind.FAQ_CHOICE,
            ask_to=ctx.sender.id,
            room=_room(ctx),
            payload={"candidates": list(m.candidates), "query_id": row.id},
            now=ctx.now,
            ttl=ctx.app.pending_ttl,
        )
        ctx.reply("faq_chat/choice.j2", titles=[_title(t) for t in m.candidates])
        return True
    if m.reason == "below_threshold" and ctx.sender.is_staff:
        return False  # staff: the default says what they can ask, and logs it for 未回答问题
    _log(ctx, m, reason=m.reason, answered=False)
    if m.reason == "chit_chat":
        ctx.reply("faq_chat/thanks.j2")
    elif m.reason == "child_specific":
        ctx.reply("faq_chat/child_specific.j2")
    elif ctx.where.is_direct and m.reason != "empty":
        _menu_reply(ctx, "faq_chat/not_found.j2")
    else:
        _menu_reply(ctx, "chat/help_parent.j2", short=not ctx.where.is_direct)
    return True


def _unprompted(ctx: Context, m: Match) -> bool:
    """A parent group message nobody addressed to the bot."""
    if m.reason != "answered":
        reason = m.reason
        if reason == "below_threshold" and not m.aid_subject:
            reason = "chatter"  # group talk with no aid subject: not an unanswered question
        _log(ctx, m, reason=reason, answered=False)
        return False
    assert m.topic is not None and ctx.where.room_id is not None  # an answer names its topic; a group has an id
    earlier = history.last_answer(ctx.session, ctx.where.room_id, m.topic, ctx.now - RATE_WINDOW)
    if earlier is not None:
        _log(ctx, m, reason="repeat", answered=True)
        at = earlier.at if earlier.at.tzinfo else earlier.at.replace(tzinfo=dt.UTC)
        ctx.reply("faq_chat/pointer.j2", at=at.astimezone(ctx.school.tz), title=_title(m.topic))
        return True
    _log(ctx, m, reason="answered", answered=True)
    _answer(ctx, m.topic)
    return True


def menu() -> list[tuple[int, str, str]]:
    return catalogue.menu()


def register(app: App) -> None:
    app.faq_menu = menu
    app.add_handler(on_message, name="faq", match=considered)
