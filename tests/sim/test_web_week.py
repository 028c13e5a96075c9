"""The web page reached from WeChat in `schoolbot simulate` (tests/scenarios/web_week.yaml):
links only by DM and only for staff, each opening that person's pages; Friday's weekly
summary followed by its picture."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from pathlib import Path

from fastapi.testclient import TestClient

from bot.clock import VirtualClock
from bot.runtime import Bootstrap
from bot.settings import Settings
from bot.sim.simulate import Simulation, load_scenario
from bot.web.app import create_app
from bot.web.serve import deps_for
from tests.conftest import LEADERS_ROOM, PRINCIPAL, WANGFANG, at

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "web_week.yaml"
LINK = re.compile(r"http://127\.0\.0\.1:8080(/login/[A-Za-z0-9_-]+)")


def test_links_by_dm_open_each_persons_pages_and_friday_carries_the_chart(db_url):
    sim = Simulation(load_scenario(SCENARIO), db_url)
    lines: list[dict] = []
    asyncio.run(sim.play(lambda _step, sent: lines.extend(sim.sent_json(m) for m in sent)))
    links = {m["to"]: LINK.search(m["text"]).group(1) for m in lines if LINK.search(m["text"])}
    assert set(links) == {PRINCIPAL, WANGFANG}
    assert all(m["room"] is None for m in lines if LINK.search(m["text"]))  # never in a group
    assert any(m["room"] == "青石镇中心小学教师群" and "私信" in m["text"] for m in lines)
    assert not any(m["room"] == "三年级二班家长群" and "login" in m["text"] for m in lines)

    # The page on a clock of its own, back on Monday evening when the links were sent.
    clock = VirtualClock(at("2026-11-23", "17:12"), "Asia/Shanghai")
    boot = Bootstrap(Settings(db=db_url), sim.app.deployment, sim.app.engine)
    client = TestClient(create_app(deps_for(boot, clock, sim.app.schools)), follow_redirects=False)
    assert client.get(links[PRINCIPAL]).status_code == 303  # sent 17:05: seven minutes old
    assert client.get("/").headers["location"] == "/s/qingshi/today"
    assert "王小明" not in client.get("/s/qingshi/today").text  # names are on class pages, not the table
    client.cookies.clear()
    clock.advance(dt.timedelta(minutes=9))
    assert client.get(links[WANGFANG]).status_code == 410  # sent 17:10, ten minutes gone

    friday = [m for m in lines if m["at"].startswith("2026-11-27")]
    images = [m for m in friday if "image" in m]
    if images:  # a CJK font is installed (CI installs fonts-noto-cjk)
        assert {m["to"] or m["room"] for m in images} == {PRINCIPAL, LEADERS_ROOM}
        assert all(m["image"]["type"] == "png" and m["image"]["bytes"] > 1000 for m in images)
        for m in images:
            before = [x for x in friday if (x["to"], x["room_id"]) == (m["to"], m["room_id"])]
            assert "本周考勤小结" in before[before.index(m) - 1]["text"]
