"""Two bot processes on one PostgreSQL database: nothing handled, opened or sent twice."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import func, select

from bot.chat.transports.base import IncomingMessage
from bot.reports.jobs import alert_check
from storage.models import Alert, InboundMessage
from tests.conftest import at
from tests.scheduler.helpers import record

pytestmark = pytest.mark.postgres


async def two_bots(make_bot, pg_url, start):
    a = await make_bot(start=start, url=pg_url)
    b = await make_bot(start=start, url=pg_url)
    a.app.outbox.instance, b.app.outbox.instance = "bot-a", "bot-b"
    return a, b


async def test_same_message_delivered_to_both_is_handled_once(make_bot, pg_url):
    a, b = await two_bots(make_bot, pg_url, at("2026-11-23", "08:00"))
    msg = IncomingMessage("wx-shared-1", None, "wxid_demo_wangfang", "王芳", "帮助", False, at("2026-11-23", "08:00"))
    results = await asyncio.gather(a.app.handle(msg), b.app.handle(msg))
    assert sorted(r or "dup" for r in results) == ["dup", "help"]
    assert len(a.transport.sent) + len(b.transport.sent) == 1
    with a.session() as s:
        assert s.execute(select(func.count()).select_from(InboundMessage)).scalar_one() == 1


async def test_both_run_the_digest_and_each_recipient_gets_it_once(make_bot, pg_url):
    a, b = await two_bots(make_bot, pg_url, at("2026-11-23", "16:29"))
    got = await asyncio.gather(a.until(at("2026-11-23", "16:31")), b.until(at("2026-11-23", "16:31")))
    sent = Counter((m.room, m.contact) for m in got[0] + got[1] if "缺勤日报" in m.text)
    assert sent == {(None, "wxid_demo_chenguohua"): 1, ("青石镇中心小学行政群", None): 1}


async def test_alert_opens_once_when_both_check(make_bot, pg_url):
    a, b = await two_bots(make_bot, pg_url, at("2026-11-26", "10:00"))
    record(a, "高兴", "三年级二班", "unexcused", "2026-11-23")
    day = dt.date(2026, 11, 26)
    await asyncio.gather(
        asyncio.to_thread(alert_check, a.app, a.app.school, day),
        asyncio.to_thread(alert_check, b.app, b.app.school, day),
    )
    await asyncio.gather(a.app.outbox.flush(), b.app.outbox.flush())
    with a.session() as s:
        assert s.execute(select(func.count()).select_from(Alert)).scalar_one() == 1
    alerts = Counter(m.contact for m in a.transport.sent + b.transport.sent if "【控辍保学预警】" in m.text)
    assert alerts == {"wxid_demo_wangfang": 1, "wxid_demo_chenguohua": 1, "wxid_demo_liujianjun": 1}
