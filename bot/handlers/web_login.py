"""网页 / 后台 / 登录: a staff member asks for the web page and gets a one-time link by DM.

The link is for the sender's own role (bot/web/scope.py) and always goes privately: in a
group the bot only says it sent it.
"""

from __future__ import annotations

import re

from bot.chat.app import App, Context
from bot.web.auth import issue_link, link_url
from bot.web.scope import viewer_of
from storage.enums import SenderKind

ASK = re.compile(r"^\s*(?:@\S+\s*)?(?:打开)?(网页|后台|登录|登陆|网页版|网页登录|后台登录)(?:链接)?[?？!！。.]*\s*$")


def asks_for_page(ctx: Context) -> bool:
    return bool(ASK.match(ctx.text)) and (ctx.where.is_direct or ctx.msg.mentioned)


def on_ask(ctx: Context, _match: object) -> None:
    viewer = viewer_of(ctx.app.schools, ctx.sender.id)
    if viewer is None:
        ctx.reply_private("weblogin/not_allowed.j2")
        return
    token = issue_link(ctx.session, ctx.sender.id, ctx.now, ctx.app.web_link_minutes)
    what = "、".join(
        f"{ctx.app.schools[sid].name}{'全校' if v.class_name is None else v.class_name}"
        for sid, v in viewer.views.items()
    )
    ctx.reply_private(
        "weblogin/link.j2",
        name=viewer.name,
        url=link_url(ctx.app.web_url, token),
        minutes=ctx.app.web_link_minutes,
        what=what,
    )
    if not ctx.where.is_direct:
        ctx.reply("weblogin/sent_privately.j2")


def register(app: App) -> None:
    app.add_handler(on_ask, name="web_login", senders={SenderKind.STAFF}, match=asks_for_page)
