"""The web page over a database the demo week (or the two-school week) was played into."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from bot.clock import VirtualClock
from bot.runtime import Bootstrap, open_database
from bot.school.config import StaffMember, load_school
from bot.school.deployment import load_deployment
from bot.settings import Settings
from bot.sim.demo import run_demo
from bot.sim.simulate import Simulation, load_scenario
from bot.web.app import WebDeps
from bot.web.auth import issue_link
from bot.web.serve import deps_for
from tests.conftest import ON_POSTGRES, _fresh_pg_database, at

ROOT = Path(__file__).resolve().parents[2]
FRIDAY = at("2026-11-27", "17:00")  # the demo week's last school day, after the digest
COOK = "wxid_demo_cook"  # staff with no role and no class: sees no page
HUANG = "wxid_zx_huangzhiqiang"  # 中心校 principal over both schools
LUO = "wxid_sm_luodeming"  # shimen's principal
TIAN = "wxid_sm_tianxiuzhi"  # shimen 三年级二班's head teacher (and officer)


def _database(tmp_path_factory: pytest.TempPathFactory, name: str):
    if ON_POSTGRES:
        return _fresh_pg_database()
    return iter([f"sqlite:///{tmp_path_factory.mktemp(name) / 'web.db'}"])


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    gen = _database(tmp_path_factory, "demo")
    url = next(gen)
    run_demo(io.StringIO(), url)
    yield url
    for _ in gen:  # drops the PostgreSQL database
        pass


@pytest.fixture(scope="module")
def two_db(tmp_path_factory):
    gen = _database(tmp_path_factory, "two")
    url = next(gen)
    sim = Simulation(load_scenario(ROOT / "tests/scenarios/two_schools_week.yaml"), url)
    asyncio.run(sim.play(lambda _step, _sent: None))
    yield url
    for _ in gen:
        pass


class Web:
    """A TestClient on the page, with the clock and a way to log in as anyone."""

    def __init__(self, deps: WebDeps, clock: VirtualClock) -> None:
        from bot.web.app import create_app

        self.deps, self.clock = deps, clock
        self.client = TestClient(create_app(deps), follow_redirects=False)

    def link(self, wechat_id: str, minutes: int = 10) -> str:
        with Session(self.deps.engine) as s:
            token = issue_link(s, wechat_id, self.clock.now(), minutes)
            s.commit()
        return f"/login/{token}"

    def login(self, wechat_id: str) -> TestClient:
        r = self.client.get(self.link(wechat_id))
        assert r.status_code == 303, r.text
        return self.client

    def csrf(self, page: str = "/") -> str:
        html = self.client.get(page, follow_redirects=True).text
        m = re.search(r'name="csrf" value="([^"]+)"', html)
        assert m, html
        return m.group(1)


def _school_with_cook():
    school = load_school()
    cook = StaffMember(name="李师傅", title="食堂", wechat_id=COOK)
    return dataclasses.replace(school, staff=[*school.staff, cook])


@pytest.fixture
def web(demo_db):
    clock = VirtualClock(FRIDAY, "Asia/Shanghai")
    boot = Bootstrap(Settings(db=demo_db), _school_with_cook(), open_database(demo_db))
    return Web(deps_for(boot, clock), clock)


@pytest.fixture
def web2(two_db):
    clock = VirtualClock(FRIDAY, "Asia/Shanghai")
    boot = Bootstrap(Settings(db=two_db), load_deployment(ROOT / "tests/fixtures/two_schools"), open_database(two_db))
    return Web(deps_for(boot, clock), clock)


def later(web: Web, **delta: float) -> None:
    web.clock.advance(dt.timedelta(**delta))
