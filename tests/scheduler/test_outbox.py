"""The outbox: exactly once across a restart mid-send, catch-up after downtime, retries."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.chat.transports.base import SendError
from bot.scheduler import LiveScheduler
from tests.conftest import PRINCIPAL, at


class ProcessDied(BaseException):
    """Stands for the process being killed in the middle of a send."""


class DyingTransport:
    name = "dying"

    def __init__(self, die_on: int) -> None:
        self.die_on, self.calls, self.sent = die_on, 0, []

    async def send(self, *, room=None, contact=None, text):
        self.calls += 1
        if self.calls == self.die_on:
            raise ProcessDied()
        self.sent.append((room, contact, text))


async def test_exactly_once_across_a_restart_in_the_middle_of_a_send(make_bot, db_url):
    bot = await make_bot(start=at("2026-11-23", "16:29"))
    dying = DyingTransport(die_on=2)
    bot.app.outbox.transport = dying
    with pytest.raises(ProcessDied):
        await bot.until(at("2026-11-23", "16:31"))  # digest to principal + leaders room
    assert len(dying.sent) == 1

    restarted = await make_bot(start=at("2026-11-23", "16:35"))  # same database, same instance name
    assert restarted.app.outbox.release_own_claims() == 1
    await restarted.app.outbox.flush()
    again = await make_bot(start=at("2026-11-23", "16:40"))
    await LiveScheduler(again.app).catch_up()  # today's jobs re-run: nothing new to send
    everything = dying.sent + [(m.room, m.contact, m.text) for m in restarted.transport.sent + again.transport.sent]
    digests = Counter((room, contact) for room, contact, text in everything if "缺勤日报" in text)
    assert digests == {(None, PRINCIPAL): 1, ("青石镇中心小学行政群", None): 1}


async def test_catch_up_after_downtime_sends_the_digest_once(make_bot):
    bot = await make_bot(start=at("2026-11-23", "17:05"))  # the bot was down at 16:30
    ran = await LiveScheduler(bot.app).catch_up()
    assert "digest" in ran and "rollcall_reminder" in ran
    digests = [m for m in bot.transport.take() if "缺勤日报" in m.text]
    assert [m.contact or m.room for m in digests] == [PRINCIPAL, "青石镇中心小学行政群"]
    await LiveScheduler(bot.app).catch_up()
    assert not [m for m in bot.transport.take() if "缺勤日报" in m.text]


async def test_no_catch_up_on_a_weekend(make_bot):
    bot = await make_bot(start=at("2026-11-22", "17:05"))  # Sunday
    assert await LiveScheduler(bot.app).catch_up() == []


async def test_failed_send_is_retried_with_backoff(make_bot, caplog):
    bot = await make_bot(start=at("2026-11-23", "16:29"))
    bot.transport.fail_next = [SendError("gateway unreachable")]
    sent = await bot.until(at("2026-11-23", "16:30"))
    assert [m.room for m in sent if "缺勤日报" in m.text] == ["青石镇中心小学行政群"]  # the principal's failed
    assert "send failed" in caplog.text and "retry in 5s" in caplog.text
    sent = await bot.until(at("2026-11-23", "16:31"))
    assert [m.contact for m in sent if "缺勤日报" in m.text] == [PRINCIPAL]
    from sqlalchemy import select

    from storage.models import OutboundMessage

    with bot.session() as s:
        row = s.execute(select(OutboundMessage).where(OutboundMessage.to_contact == PRINCIPAL)).scalar_one()
        assert (row.status, row.attempts) == ("sent", 2)


async def test_room_the_bot_is_not_in_fails_permanently_without_crashing(make_bot):
    bot = await make_bot(start=at("2026-11-23", "16:29"))
    bot.transport.known_rooms = set()
    sent = await bot.until(at("2026-11-23", "18:00"))
    assert [m.contact for m in sent if "缺勤日报" in m.text] == [PRINCIPAL]
    from sqlalchemy import select

    from storage.models import OutboundMessage

    with bot.session() as s:
        row = s.execute(select(OutboundMessage).where(OutboundMessage.to_room.is_not(None))).scalars().first()
        assert row.status == "failed" and "not in room" in row.last_error and row.attempts == 1


async def test_what_waited_out_an_outage_goes_as_soon_as_the_transport_reconnects(make_bot):
    import asyncio

    from bot.runtime import _send_on_reconnect

    bot = await make_bot(start=at("2026-11-23", "16:29"))
    bot.transport.fail_next = [SendError("not connected") for _ in range(4)]
    await bot.until(at("2026-11-23", "16:33"))  # several failures: the backoff has grown
    from sqlalchemy import select

    from storage.models import OutboundMessage

    with bot.session() as s:
        waiting = s.execute(select(OutboundMessage).where(OutboundMessage.status == "pending")).scalars().all()
    assert waiting and all(r.next_attempt_at > bot.clock.now() for r in waiting)
    connected = asyncio.Event()
    watcher = asyncio.create_task(_send_on_reconnect(bot.app, connected))
    try:
        connected.set()  # the transport logged in again
        for _ in range(100):
            await asyncio.sleep(0.01)
            with bot.session() as s:
                # rows go one at a time: wait until none is pending or still being sent
                unsent = OutboundMessage.status.in_(["pending", "sending"])
                if not s.execute(select(OutboundMessage).where(unsent)).first():
                    break
    finally:
        watcher.cancel()
    with bot.session() as s:
        statuses = s.execute(select(OutboundMessage.status)).scalars().all()
    assert statuses and set(statuses) == {"sent"}  # sent at once, not after the backoff
