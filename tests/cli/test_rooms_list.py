"""How a school secretary finds a new teacher's chat id: rooms list and the log."""

from __future__ import annotations

import logging

from typer.testing import CliRunner

from bot.cli import _register, app
from tests.conftest import STAFF_ROOM, WANGFANG, at

_register()


async def test_rooms_list_shows_who_wrote_where_with_their_ids(make_bot, db_url, caplog):
    bot = await make_bot()
    with caplog.at_level(logging.INFO, logger="bot.chat.app"):
        await bot.say("王小明今天没来", when=at("2026-11-23", "08:10"))
        await bot.say("大家好，我是新来的李老师", sender="wxid_new_li", name="李新", room=STAFF_ROOM)
        await bot.say("你好", sender="wxid_new_li", name="李新", room=None)
    assert "sender not in school.toml: wxid_new_li（李新）" in caplog.text
    out = CliRunner().invoke(app, ["--db", db_url, "rooms", "list"]).output
    staff_room = out[out.index(STAFF_ROOM) :]
    assert f"{WANGFANG} · " in staff_room and "wxid_new_li · 李新 · 不在 school.toml 里" in staff_room
    direct = out[out.index("私聊过机器人的人") :]
    assert "wxid_new_li · 李新" in direct and WANGFANG not in direct
