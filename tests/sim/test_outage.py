"""WeChat away from 16:00 to 16:45 (tests/scenarios/outage_1600_1645.yaml, simulate's
``transport: down`` / ``transport: up`` steps): the digest and an alert raised during the
outage each reach every recipient once, after 16:45, stamped with when they went."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlmodel import Session, select

from bot.sim.simulate import ScenarioError, Simulation, load_scenario
from storage.enums import OutboxStatus
from storage.models import OutboundMessage
from tests.conftest import OFFICER, PRINCIPAL, WANGFANG

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "outage_1600_1645.yaml"
DOWN = dt.datetime.fromisoformat("2026-11-24T16:00:00+08:00")
UP = dt.datetime.fromisoformat("2026-11-24T16:45:00+08:00")


@pytest.fixture(scope="module")
def played():
    sim = Simulation(load_scenario(SCENARIO))
    lines: list[dict] = []
    asyncio.run(sim.play(lambda step, sent: lines.extend(sim.sent_json(m) for m in sent)))
    return sim, lines


def test_nothing_is_delivered_while_the_transport_is_down(played):
    _, lines = played
    assert lines and not [m for m in lines if DOWN <= dt.datetime.fromisoformat(m["at"]) < UP]


def test_the_digest_goes_once_to_each_recipient_after_the_outage(played):
    _, lines = played
    digests = [m for m in lines if "缺勤日报" in m["text"]]
    assert Counter(m["to"] or m["room_id"] for m in digests) == {PRINCIPAL: 1, "青石镇中心小学行政群": 1}
    assert all(dt.datetime.fromisoformat(m["at"]) >= UP for m in digests)


def test_the_alert_raised_during_the_outage_goes_once_to_each_recipient(played):
    _, lines = played
    alerts = [m for m in lines if m["text"].startswith("【控辍保学预警】")]
    assert Counter(m["to"] for m in alerts) == {WANGFANG: 1, PRINCIPAL: 1, OFFICER: 1}
    assert all(dt.datetime.fromisoformat(m["at"]) >= UP for m in alerts)
    confirmations = [m for m in lines if m["text"].startswith("已记录：三年级二班 王小明")]
    assert len(confirmations) == 1 and dt.datetime.fromisoformat(confirmations[0]["at"]) >= UP


def test_every_row_was_sent_none_failed(played):
    sim, _ = played
    with Session(sim.app.engine) as s:
        statuses = Counter(r.status for r in s.exec(select(OutboundMessage)))
    assert statuses and set(statuses) == {OutboxStatus.SENT}


def test_the_cli_prints_the_same_delivery_times():
    out = subprocess.run(
        [str(Path(sys.executable).with_name("schoolbot")), "simulate", str(SCENARIO)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout.splitlines()
    lines = [json.loads(x) for x in out[:-1]]
    after = [m for m in lines if dt.datetime.fromisoformat(m["at"]) >= DOWN]
    assert after and all(m["at"] == UP.isoformat() for m in after)


def test_a_transport_step_is_down_or_up():
    with pytest.raises(ScenarioError, match="down or up"):
        load_scenario(
            data={"start": "2026-11-24T07:00:00", "steps": [{"at": "2026-11-24T08:00:00", "transport": "off"}]}
        )
