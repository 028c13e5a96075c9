"""帮助/菜单 and the polite default for messages addressed to the bot that nothing understood."""

from __future__ import annotations

import re

from bot.chat.app import App, Context
from storage.enums import RoomKind

HELP = re.compile(r"^\s*(?:@\S+\s*)?(帮助|菜单|help|功能|你能做什么|怎么用)[?？!！。.]*\s*$", re.IGNORECASE)


def addressed(ctx: Context) -> bool:
    return ctx.where.is_direct or ctx.msg.mentioned


def faq_menu(app: App) -> list[tuple[int, str, str]]:
    return app.faq_menu() if app.faq_menu else []


def on_help(ctx: Context, _match: object) -> None:
    ctx.reply("chat/help.j2", topics=faq_menu(ctx.app), staff=ctx.sender.is_staff)


def on_default(ctx: Context, _match: object) -> None:
    ctx.reply("chat/default.j2", staff=ctx.sender.is_staff)


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
