"""A school.toml edit reaches the running bot at its next message (``schoolbot run``
watches the folder); an edit that does not load keeps the bot on what it had."""

from __future__ import annotations

import logging
import shutil

from bot.school.config import demo_school_dir, load_school
from bot.school.reload import ConfigWatch
from tests.conftest import WANGFANG, at

NEW_ID = "wxid_wangfang_new_phone"


def texts(sent, to):
    return [m.text for m in sent if m.contact == to]


async def test_a_corrected_chat_id_is_seen_without_a_restart(make_bot, tmp_path, caplog):
    folder = tmp_path / "school"
    shutil.copytree(demo_school_dir(), folder)
    bot = await make_bot(the_school=load_school(folder))
    bot.app.watch = ConfigWatch(bot.app.deployment, every_s=0)
    sent = await bot.say("王小明今天没来", sender=NEW_ID, room=None, when=at("2026-11-23", "08:00"))
    assert not any("已记录" in t for t in texts(sent, NEW_ID))  # not staff yet

    toml = folder / "school.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(WANGFANG, NEW_ID), encoding="utf-8")
    sent = await bot.say("王小明今天没来", sender=NEW_ID, room=None, when=at("2026-11-23", "08:05"))
    assert any("已记录" in t for t in texts(sent, NEW_ID)), [m.text for m in sent]
    sent = await bot.say("吴一诺今天没来", sender=WANGFANG, room=None, when=at("2026-11-23", "08:06"))
    assert not any("已记录" in t for t in texts(sent, WANGFANG))  # the old id is nobody now

    # A broken edit: the bot says what is wrong in the log and keeps running as it was.
    good = toml.read_text(encoding="utf-8")
    toml.write_text(good.replace('digest_time = "16:30"', 'digest_time = "下午四点半"'), encoding="utf-8")
    with caplog.at_level(logging.ERROR):
        sent = await bot.say("吴一诺今天没来", sender=NEW_ID, room=None, when=at("2026-11-23", "08:10"))
    assert any("已记录" in t for t in texts(sent, NEW_ID))
    assert "school.toml 第25行" in caplog.text and "下午四点半" in caplog.text and "仍按原设置运行" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.ERROR):
        await bot.say("刘鹏今天没来", sender=NEW_ID, room=None, when=at("2026-11-23", "08:11"))
    assert "仍按原设置运行" not in caplog.text  # said once per edit, not at every message


async def test_a_new_digest_time_moves_the_digest(make_bot, tmp_path):
    folder = tmp_path / "school"
    shutil.copytree(demo_school_dir(), folder)
    bot = await make_bot(the_school=load_school(folder))
    bot.app.watch = ConfigWatch(bot.app.deployment, every_s=0)
    toml = folder / "school.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('digest_time = "16:30"', 'digest_time = "17:10"'), encoding="utf-8"
    )
    await bot.say("王小明今天没来", when=at("2026-11-23", "08:00"))
    assert bot.app.school.rules.digest_time.strftime("%H:%M") == "17:10"
    assert not any("缺勤日报" in m.text for m in await bot.until(at("2026-11-23", "17:00")))
    late = await bot.until(at("2026-11-23", "17:15"))
    assert any("缺勤日报" in m.text for m in late), [m.text[:30] for m in late]
