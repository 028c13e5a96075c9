"""Properties of the ledger over any sequence of reports, roll-calls, returns and undos:

- undoing every message in reverse order leaves an empty ledger and no live alert (undo
  is the exact inverse of what a message did, alert opens and closes included);
- a roll-call with counts only never ends an absence.

Messages go through the whole bot (parser, handlers, ledger, alerts) on a virtual clock
that never runs the scheduled jobs, so every change comes from a message.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlmodel import Session

from bot.attendance import recording
from bot.chat.transports.memory import MemoryTransport
from bot.clock import VirtualClock
from bot.runtime import Bootstrap, build_app, open_database
from bot.settings import Settings
from storage.enums import LIVE_ALERT_STATES
from storage.models import Absence, Alert, InboundMessage
from storage.queries import sync_school
from tests.conftest import TZ, WANGFANG

KIDS = ["高兴", "吴倩", "蒋天佑", "徐永强", "周子轩"]
DAYS = [dt.date(2026, 11, d) for d in (23, 24, 25, 26, 27, 30)]

absent = st.builds(
    lambda k, why: f"{k}今天{why}", st.sampled_from(KIDS), st.sampled_from(["没来", "发烧请假", "还是没到"])
)
back = st.builds(lambda k: f"{k}今天来了", st.sampled_from(KIDS))
late = st.builds(lambda k: f"{k}第二节课才来", st.sampled_from(KIDS))
counts = st.builds(lambda n: f"应到37 实到{37 - n}", st.integers(0, 4))
named = st.builds(lambda k, n: f"应到37 实到{37 - n} {k}没来", st.sampled_from(KIDS), st.integers(1, 3))
everyone = st.sampled_from(["全勤", "今天都到了"])
undo = st.sampled_from(["撤销", "刚才发错了"])
message = st.one_of(absent, absent, back, late, counts, named, everyone, undo)
day_plan = st.lists(message, min_size=1, max_size=4)


def active_rows(session: Session) -> list[Absence]:
    return list(session.execute(select(Absence).where(Absence.status == "active")).scalars())


def open_on(rows: list[Absence], day: dt.date) -> set[str]:
    return {r.student_id for r in rows if r.start <= day and (r.end is None or r.end >= day) and r.portion == "full"}


async def play(school, plan: list[list[str]], db: Path) -> None:
    engine = open_database(f"sqlite:///{db}")
    with Session(engine) as s:
        sync_school(s, school)
    clock = VirtualClock(dt.datetime(2026, 11, 23, 7, 0, tzinfo=TZ), school.timezone)
    transport = MemoryTransport(clock)
    app = build_app(Bootstrap(Settings(db=f"sqlite:///{db}", instance_id="prop"), school, engine), transport, clock)
    await transport.start(app.handle)
    ctx = app.school
    for day, texts in zip(DAYS, plan, strict=False):
        for i, text in enumerate(texts):
            clock.set(dt.datetime.combine(day, dt.time(8, 0), TZ) + dt.timedelta(minutes=3 * i))
            with Session(engine) as s:
                before = open_on(active_rows(s), day)
            await transport.deliver(text=text, sender_id=WANGFANG, room=None)
            with Session(engine) as s:
                after = open_on(active_rows(s), day)
            if text.startswith("应到") and "没来" not in text:
                assert before <= after, f"{text!r} ended absences: {before - after}"
    # Undo every message, newest first, as the service does for 撤销.
    clock.set(dt.datetime.combine(DAYS[-1], dt.time(18, 0), TZ))
    with Session(engine, expire_on_commit=False) as s:
        ids = list(s.execute(select(InboundMessage.id).order_by(InboundMessage.id.desc())).scalars())
        for inbound_id in ids:
            recording.undo(s, ctx, inbound_id, clock.today(), clock.now())
            s.flush()
        assert active_rows(s) == []
        live = list(s.execute(select(Alert).where(Alert.status.in_(LIVE_ALERT_STATES))).scalars())
        assert live == [], [(a.student_id, a.status) for a in live]
        s.rollback()
    engine.dispose()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=st.lists(day_plan, min_size=1, max_size=len(DAYS)))
def test_undo_everything_restores_an_empty_ledger(school, plan):
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(play(school, plan, Path(tmp) / "bot.db"))
