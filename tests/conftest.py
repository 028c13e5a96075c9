"""Shared fixtures: the demo school, a fresh database, a bot on an in-memory transport."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from bot.chat.transports.memory import MemoryTransport
from bot.clock import VirtualClock
from bot.runtime import Bootstrap, build_app, open_database
from bot.school.config import load_school
from bot.school.deployment import Deployment, load_deployment
from bot.settings import Settings
from storage.queries import sync_school

TZ = ZoneInfo("Asia/Shanghai")
PG_URL = os.environ.get("SCHOOLBOT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
WANGFANG = "wxid_demo_wangfang"  # head teacher of 三年级二班
ZHENG = "wxid_demo_zhengxiuying"  # head teacher of 三年级一班
PRINCIPAL = "wxid_demo_chenguohua"
OFFICER = "wxid_demo_liujianjun"
STAFF_ROOM = "青石镇中心小学教师群"
LEADERS_ROOM = "青石镇中心小学行政群"


def at(day: str, hm: str = "08:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}:00").replace(tzinfo=TZ)


@pytest.fixture(scope="session")
def school():
    return load_school()


# SCHOOLBOT_TEST_DB=postgres runs every test that takes ``db_url`` on a fresh PostgreSQL
# database instead of SQLite (CI runs the suite both ways).
ON_POSTGRES = os.environ.get("SCHOOLBOT_TEST_DB", "sqlite") == "postgres"


@pytest.fixture
def db_url(tmp_path, request):
    if ON_POSTGRES:
        yield from _fresh_pg_database()
        return
    yield f"sqlite:///{tmp_path / 'bot.db'}"


class Bot:
    """A bot on a virtual clock and an in-memory transport, as ``simulate`` runs it."""

    def __init__(self, app, transport: MemoryTransport, clock: VirtualClock) -> None:
        self.app, self.transport, self.clock = app, transport, clock
        from bot.scheduler import VirtualRunner

        self.runner = VirtualRunner(app, clock)

    async def start(self):
        await self.transport.start(self.app.handle)
        return self

    async def say(
        self,
        text: str,
        sender: str = WANGFANG,
        room: str | None = STAFF_ROOM,
        *,
        room_id: str | None = None,  # the transport's id of the group (default: its topic)
        name: str = "",
        mentioned: bool = False,
        when: dt.datetime | None = None,
        message_id: str | None = None,
        is_text: bool = True,
    ):
        if when is not None:
            await self.runner.advance_to(when)
        self.transport.take()
        await self.transport.deliver(
            text=text,
            sender_id=sender,
            sender_name=name,
            room=room,
            room_id=room_id,
            mentioned=mentioned,
            message_id=message_id,
            is_text=is_text,
        )
        return self.transport.take()

    async def until(self, when: dt.datetime):
        self.transport.take()
        await self.runner.advance_to(when)
        return self.transport.take()

    def session(self) -> Session:
        return Session(self.app.engine, expire_on_commit=False)


@pytest.fixture
def make_bot(school, db_url):
    async def factory(start: dt.datetime = at("2026-11-23", "07:00"), url: str | None = None, the_school=None):
        dep = Deployment.of(the_school or school)  # a school folder, or a deployment of several
        engine = open_database(url or db_url)
        with Session(engine) as s:
            for one in dep.with_cross_staff():
                sync_school(s, one)
        clock = VirtualClock(start, dep.schools[0].timezone)
        transport = MemoryTransport(clock)
        app = build_app(Bootstrap(Settings(db=url or db_url, instance_id="test"), dep, engine), transport, clock)
        return await Bot(app, transport, clock).start()

    return factory


TWO_SCHOOLS = Path(__file__).parent / "fixtures" / "two_schools"


@pytest.fixture
def make_two(make_bot):
    """A bot over tests/fixtures/two_schools: 青石镇中心小学 and 石门村完全小学, 黄志强 over both."""

    async def factory(start: dt.datetime = at("2026-11-23", "07:00")) -> Bot:
        return await make_bot(start=start, the_school=load_deployment(TWO_SCHOOLS))

    return factory


@pytest.fixture
def pg_url():
    """A fresh PostgreSQL database for one test; required in CI, skipped only locally."""
    yield from _fresh_pg_database()


def _fresh_pg_database():
    import sqlalchemy as sa

    from storage.engine import normalize_url

    try:
        admin = sa.create_engine(normalize_url(PG_URL), isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(sa.text("select 1"))
    except Exception as e:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {PG_URL} is required in CI but unreachable: {e}")
        pytest.skip(f"no PostgreSQL reachable at {PG_URL} ({type(e).__name__}); CI runs this test")
    name = f"schoolbot_{uuid.uuid4().hex[:10]}"
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    base = PG_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with admin.connect() as c:
        c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
