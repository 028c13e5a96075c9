"""tests/scenarios/unsure_subject.yaml: a doubt about who is away is asked, not guessed;
是 records the child named, 不是 nothing, and the certain part of a message is recorded at once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.sim.simulate import Simulation, load_scenario

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "unsure_subject.yaml"


@pytest.fixture(scope="module")
def texts():
    sim = Simulation(load_scenario(SCENARIO))
    lines: list[dict] = []
    asyncio.run(sim.play(lambda step, sent: lines.extend(sim.sent_json(m) for m in sent)))
    return [m["text"] for m in lines], sim


def test_the_doubt_is_asked_and_answered(texts):
    sent, _ = texts
    assert sent[0].startswith("已记录：三年级二班 王小明")
    assert sent[1] == "“蒋天佑同桌”是说三年级二班 蒋天佑本人吗？回复“是”记录蒋天佑，回复“不是”不记录。"
    assert "没有记录" in sent[2]
    assert sent[3].startswith("“吴倩的妈妈”是说三年级二班 吴倩本人吗？")
    assert sent[4].startswith("已记录：三年级二班 吴倩 11月23日起 未到校")
    assert len(sent) == 5
