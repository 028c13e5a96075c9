"""帮助/菜单 and the polite default for messages addressed to the bot that nothing understood."""

from __future__ import annotations

import re

from bot.chat.app import App, Context
from bot.faq import history
from bot.school.access import Scope, view_of
from storage.enums import RoomKind

STAFF_QUESTION = "staff_question"  # the FAQ log's reason for a staff message nothing understood
HELP = re.compile(r"^\s*(?:@\S+\s*)?(帮助|菜单|help|功能|你能做什么|怎么用)[?？!！。.]*\s*$", re.IGNORECASE)


def addressed(ctx: Context) -> bool:
    return ctx.where.is_direct or ctx.msg.mentioned


def faq_menu(app: App) -> list[tuple[int, str, str]]:
    return app.faq_menu() if app.faq_menu else []


def help_template(ctx: Context) -> str:
    """Each role its own menu: what it can ask, with examples the bot reads."""
    if not ctx.sender.is_staff:
        return "chat/help_parent.j2"
    view = view_of(ctx.sender.staff, head_teachers_see_all=False)
    return "chat/help_leader.j2" if view.scope == Scope.SCHOOL else "chat/help_teacher.j2"


def on_help(ctx: Context, _match: object) -> None:
    ctx.reply(help_template(ctx), topics=faq_menu(ctx.app), short=not ctx.where.is_direct)


def on_default(ctx: Context, _match: object) -> None:
    if ctx.sender.is_staff:
        # a staff question the bot cannot place: what this role can ask, and 未回答问题 lists it
        history.log(
            ctx.session,
            at=ctx.now,
            school_id=ctx.school.id,
            sender_id=ctx.sender.id,
            room=None if ctx.where.is_direct else ctx.where.room_id,
            text=ctx.text,
            topic=None,
            score=0.0,
            answered=False,
            reason=STAFF_QUESTION,
        )
        leader = help_template(ctx) == "chat/help_leader.j2"
        ctx.reply("chat/staff_unplaced.j2", leader=leader)
        return
    ctx.reply("chat/default.j2", staff=False)


def on_not_text(ctx: Context, _match: object) -> None:
    ctx.reply("transport/please_send_text.j2")


def register(app: App) -> None:
    app.add_handler(on_not_text, name="not_text", rooms={RoomKind.DIRECT}, match=lambda c: not c.msg.is_text)
    # A bare 菜单 in a parent group may be about lunch; only 帮助 alone is unmistakable.
    app.add_handler(
        on_help, name="help", match=lambda c: HELP.match(c.text) and (addressed(c) or c.text.strip() == "帮助")
    )


def register_fallback(app: App) -> None:
    app.add_handler(on_default, name="default", match=addressed)
