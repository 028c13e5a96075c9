"""schoolbot over the real Wechaty protocol: ``schoolbot run`` (python-wechaty, gRPC)
against gateway.mjs (wechaty-puppet-service serving the mock puppet with the demo school).

The bot handles messages one at a time in arrival order, so "the bot said nothing"
is checked by sending a sentinel (a DM 帮助 from a stranger) and waiting for its reply:
whatever the earlier message caused has been sent by then.
"""

from __future__ import annotations

import time

import pytest

from tests.e2e.harness import Gateway, SchoolBot

pytestmark = pytest.mark.e2e

STAFF_ROOM = "青石镇中心小学教师群"
LEADERS_ROOM = "青石镇中心小学行政群"
PARENT_ROOM = "三年级二班家长群"
WANGFANG = "wxid_demo_wangfang"  # head teacher of 三年级二班
PRINCIPAL = "wxid_demo_chenguohua"
OFFICER = "wxid_demo_liujianjun"  # 控辍保学专干
PARENT = "wxid_demo_parent_6a"  # a parent in 三年级二班家长群 (6th parent group in school.toml)
STRANGER = "wxid_demo_stranger"
REPLY_S = 20  # generous: CI machines are slow, replies take ms here


def answers_help(gateway: Gateway) -> dict | None:
    """A stranger's DM 帮助 and the bot's reply to it (None if none came)."""
    mark = gateway.mark()
    gateway.say(STRANGER, "帮助")
    return gateway.wait_sent(lambda e: e["contact"] == STRANGER, REPLY_S, start=mark)


def sentinel(gateway: Gateway) -> list[dict]:
    """Everything sent up to the reply to a fresh DM; fails if that reply never comes."""
    assert answers_help(gateway) is not None, "the bot stopped answering"
    return gateway.sent()


def sent_between(gateway: Gateway, start: int, pred) -> list[dict]:
    return [e for e in gateway.sent(start) if pred(e)]


def test_direct_message_help_gets_a_reply(gateway, schoolbot):
    mark = gateway.mark()
    gateway.say(PARENT, "帮助")
    reply = gateway.wait_sent(lambda e: e["contact"] == PARENT, REPLY_S, start=mark)
    assert reply is not None, schoolbot.output()[-3000:]
    assert reply["to"] is None and "保学小助手" in reply["text"]


def test_photo_in_direct_message_asks_for_text_and_is_ignored_in_groups(gateway, schoolbot):
    from bot.chat.render import render

    mark = gateway.mark()
    gateway.say(PARENT, kind="image", room=PARENT_ROOM)
    gateway.say(PARENT, kind="voice")
    reply = gateway.wait_sent(lambda e: e["contact"] == PARENT, REPLY_S, start=mark)
    assert reply is not None and reply["text"] == render("transport/please_send_text.j2")
    sentinel(gateway)
    assert sent_between(gateway, mark, lambda e: e["to"] == PARENT_ROOM) == []


def test_teacher_absence_report_is_confirmed_in_staff_room(gateway, schoolbot):
    mark = gateway.mark()
    gateway.say(WANGFANG, "王小明今天没来，电话打不通", room=STAFF_ROOM)
    reply = gateway.wait_sent(lambda e: e["to"] == STAFF_ROOM, REPLY_S, start=mark)
    assert reply is not None, schoolbot.output()[-3000:]
    assert "王小明" in reply["text"]


def test_parent_mention_question_is_answered_in_the_group(gateway, schoolbot):
    mark = gateway.mark()
    gateway.say(PARENT, "@保学小助手 营养餐一天补助多少钱", room=PARENT_ROOM, mention=True)
    reply = gateway.wait_sent(lambda e: e["to"] == PARENT_ROOM, REPLY_S, start=mark)
    assert reply is not None, schoolbot.output()[-3000:]
    assert "营养" in reply["text"] and "元" in reply["text"]


def test_chit_chat_gets_nothing(gateway, schoolbot):
    mark = gateway.mark()
    gateway.say(PARENT, "收到，谢谢老师", room=PARENT_ROOM)
    sentinel(gateway)
    # (The 16:30 digest may go out meanwhile: look only at what the parent group or parent got.)
    assert sent_between(gateway, mark, lambda e: e["to"] == PARENT_ROOM or e["contact"] == PARENT) == []


def test_teacher_report_in_parent_group_is_confirmed_privately(gateway, schoolbot):
    mark = gateway.mark()
    gateway.say(WANGFANG, "高兴今天没来，电话打不通", room=PARENT_ROOM)
    reply = gateway.wait_sent(lambda e: e["contact"] == WANGFANG, REPLY_S, start=mark)
    assert reply is not None, schoolbot.output()[-3000:]
    sentinel(gateway)
    # Privacy: student names never go to a parent group.
    assert sent_between(gateway, mark, lambda e: e["to"] == PARENT_ROOM) == []


def test_long_absence_report_raises_the_alert_by_direct_message(gateway, schoolbot):
    # Wed 11-18 … Mon 11-23 is four school days without excuse: the alert fires at once.
    mark = gateway.mark()
    gateway.say(WANGFANG, "蒋天佑从11月18日起一直没来，电话打不通", room=STAFF_ROOM)
    wanted = {WANGFANG, PRINCIPAL, OFFICER}
    deadline = time.monotonic() + REPLY_S
    alerts: list[dict] = []
    while time.monotonic() < deadline and {e["contact"] for e in alerts} != wanted:
        time.sleep(0.1)
        alerts = sent_between(gateway, mark, lambda e: "【控辍保学预警】" in e["text"])
    assert {e["contact"] for e in alerts} == wanted, schoolbot.output()[-3000:]
    assert all(e["to"] is None and "蒋天佑" in e["text"] and "连续4个上学日" in e["text"] for e in alerts)


def test_digest_reaches_the_principal_at_1630(gateway, schoolbot):
    # The bot's clock started at 16:29:50 (conftest.CLOCK_START); the digest is due at 16:30.
    def to_principal(e):
        return (e["contact"] == PRINCIPAL or e["to"] == LEADERS_ROOM) and "缺勤日报" in e["text"]

    digest = gateway.wait_sent(to_principal, timeout=60)
    assert digest is not None, schoolbot.output()[-3000:]
    assert "缺勤" in digest["text"]
    # An absence confirmed before 16:30 (test above) is in the digest.
    confirmed = [e for e in gateway.sent() if e["to"] == STAFF_ROOM and "王小明" in e["text"] and e["t"] < digest["t"]]
    if confirmed:
        assert "王小明" in digest["text"], digest["text"]


def test_bot_reconnects_after_the_gateway_restarts(gateway, schoolbot):
    # Kept last in this module: it restarts the shared gateway.
    log_mark = len(schoolbot.log)
    gateway.kill()
    assert schoolbot.wait_log("connection to the Wechaty service lost", 15, start=log_mark), schoolbot.output()[-3000:]
    time.sleep(3)  # down for a while: several refused reconnects
    assert schoolbot.alive()
    gateway.start()  # same port, fresh mock (nothing remembered)
    t0 = time.monotonic()
    assert schoolbot.wait_logged_in(15, start=log_mark), schoolbot.output()[-3000:]
    reconnect_s = time.monotonic() - t0
    mark = gateway.mark()
    gateway.say(PARENT, "帮助")
    reply = gateway.wait_sent(lambda e: e["contact"] == PARENT, REPLY_S, start=mark)
    assert reply is not None, schoolbot.output()[-3000:]
    assert reconnect_s < 5, f"reconnected only after {reconnect_s:.1f}s"
    time.sleep(0.5)
    assert len(sent_between(gateway, mark, lambda e: e["contact"] == PARENT)) == 1  # nothing doubled


@pytest.fixture
def own_gateway(e2e_dir):
    gw = Gateway(log_path=e2e_dir / "gateway-own.log").start()
    yield gw
    gw.stop()


def test_usual_wechaty_env_names_work_and_nothing_is_left_in_the_workdir(own_gateway, e2e_dir):
    workdir = e2e_dir / "wechaty-names"
    bot = SchoolBot(
        workdir,
        SchoolBot.env_for(own_gateway, e2e_dir / "names.db", names="wechaty"),
        log_path=e2e_dir / "bot-names.log",
    ).start()
    try:
        assert bot.wait_logged_in(60), bot.output()[-3000:]
        assert answers_help(own_gateway), bot.output()[-3000:]
    finally:
        bot.stop()
    assert not (workdir / ".wechaty").exists()  # python-wechaty's cache went elsewhere
    assert "there are endpoint" not in bot.output()  # the line that prints the token is silenced


def test_wrong_token_is_reported_and_the_bot_keeps_trying(own_gateway, e2e_dir):
    wrong = Gateway(token="not-the-token", port=own_gateway.port)
    bot = SchoolBot(
        e2e_dir / "wrong-token", SchoolBot.env_for(wrong, e2e_dir / "wrong.db"), log_path=e2e_dir / "bot-wrong.log"
    ).start()
    try:
        assert bot.wait_log("UNAUTHENTICATED", 60), bot.output()[-3000:]
        time.sleep(1)
        assert bot.alive(), "a wrong token must not end the bot (the stock client exits 0)"
        assert "not-the-token" not in bot.output()
    finally:
        bot.stop()


def test_bot_started_before_the_gateway_connects_when_it_comes(e2e_dir):
    import socket

    with socket.socket() as s:  # a port nobody serves yet
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    gw = Gateway(port=port, log_path=e2e_dir / "gateway-late.log")
    bot = SchoolBot(
        e2e_dir / "early", SchoolBot.env_for(gw, e2e_dir / "early.db"), log_path=e2e_dir / "bot-early.log"
    ).start()
    try:
        assert bot.wait_log("cannot reach the Wechaty puppet service", 60), bot.output()[-3000:]
        time.sleep(2)
        assert bot.alive(), "the stock client exits when the service is missing at start; ours waits"
        gw.start()
        assert bot.wait_logged_in(15), bot.output()[-3000:]
        assert answers_help(gw), bot.output()[-3000:]
    finally:
        bot.stop()
        gw.stop()


@pytest.mark.slow
def test_bot_survives_the_gateway_gone_for_75_seconds(own_gateway, e2e_dir):
    """The stock client retries once after 60 s and then dies; run with -m slow."""
    bot = SchoolBot(
        e2e_dir / "long-outage", SchoolBot.env_for(own_gateway, e2e_dir / "long.db"), log_path=e2e_dir / "bot-long.log"
    ).start()
    try:
        assert bot.wait_logged_in(60), bot.output()[-3000:]
        mark = len(bot.log)
        own_gateway.kill()
        time.sleep(75)
        assert bot.alive()
        # Quiet while it waits: the outage is reported when it starts and once a minute.
        assert sum("cannot reach" in line for line in bot.log.since(mark)) <= 2
        own_gateway.start()
        assert bot.wait_logged_in(15, start=mark), bot.output()[-3000:]
        assert answers_help(own_gateway), bot.output()[-3000:]
    finally:
        bot.stop()
