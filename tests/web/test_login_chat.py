"""网页 / 后台 / 登录 from WeChat, and ``schoolbot web link``: a link for the sender's own role,
always by direct message; the link it gives opens the page."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from bot.cli import _register, app
from bot.web.serve import deps_for
from tests.conftest import PRINCIPAL, STAFF_ROOM, WANGFANG, at

_register()
LINK = re.compile(r"http://127\.0\.0\.1:8080/login/[A-Za-z0-9_-]{40,}")


def _web_for(bot):
    from bot.runtime import Bootstrap
    from bot.settings import Settings

    boot = Bootstrap(Settings(db="sqlite://"), bot.app.deployment, bot.app.engine)
    from bot.web.app import create_app

    return TestClient(create_app(deps_for(boot, bot.clock, bot.app.schools)), follow_redirects=False)


async def test_a_principal_gets_a_link_by_dm_that_opens_the_school(make_bot):
    bot = await make_bot(at("2026-11-23", "07:00"))
    for word in ("网页", "后台", "登录？"):
        sent = await bot.say(word, sender=PRINCIPAL, room=None)
        assert len(sent) == 1 and sent[0].contact == PRINCIPAL
        assert "10分钟内有效" in sent[0].text and "青石镇中心小学全校" in sent[0].text
        assert LINK.search(sent[0].text)
    url = LINK.search(sent[0].text).group(0)
    client = _web_for(bot)
    r = client.get(url.replace("http://127.0.0.1:8080", ""))
    assert r.status_code == 303
    assert client.get("/", follow_redirects=True).status_code == 200


async def test_asked_in_a_group_the_link_goes_privately(make_bot):
    bot = await make_bot(at("2026-11-23", "07:00"))
    sent = await bot.say("@保学小助手 网页", sender=WANGFANG, room=STAFF_ROOM, mentioned=True)
    private = [m for m in sent if m.contact == WANGFANG]
    public = [m for m in sent if m.room is not None]
    assert len(private) == 1 and LINK.search(private[0].text) and "三年级二班" in private[0].text
    assert public and all(not LINK.search(m.text) for m in public) and "私信" in public[0].text


async def test_a_bare_word_in_a_group_or_from_a_parent_is_no_login(make_bot):
    bot = await make_bot(at("2026-11-23", "07:00"))
    sent = await bot.say("网页", sender=WANGFANG, room=STAFF_ROOM)  # not addressed: not for the bot
    assert not any(LINK.search(m.text) for m in sent)
    sent = await bot.say("登录", sender="wxid_parent_x", room=None)
    assert not any(LINK.search(m.text) for m in sent)
    sent = await bot.say("网页打不开怎么办", sender=PRINCIPAL, room=None)
    assert not any(LINK.search(m.text) for m in sent)


def test_web_link_prints_a_link_for_the_role(tmp_path):
    db = f"sqlite:///{tmp_path / 'w.db'}"
    result = CliRunner().invoke(app, ["--db", db, "web", "link", "--as", WANGFANG, "--minutes", "5"])
    assert result.exit_code == 0, result.output
    assert LINK.fullmatch(result.stdout.strip())
    assert "5 分钟" in result.stderr and "三年级二班" in result.stderr
    bad = CliRunner().invoke(app, ["--db", db, "web", "link", "--as", "wxid_nobody"])
    assert bad.exit_code == 2 and "不是能看网页的教职工" in bad.stderr
