"""schoolbot simulate SCENARIO.yaml  |  schoolbot demo"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from bot.cli import app, fail

if TYPE_CHECKING:
    from bot.chat.transports.memory import Sent
    from bot.sim.simulate import Step


@app.command("simulate")
def simulate_cmd(scenario: Path = typer.Argument(..., exists=True, dir_okay=False, help="scenario YAML")) -> None:
    """Play a scenario through the whole bot on a virtual clock and a fresh database; print JSON lines."""
    from bot.school.config import SchoolConfigError
    from bot.sim.simulate import ScenarioError, Simulation, load_scenario

    logging.basicConfig(level=logging.WARNING)
    try:
        sim = Simulation(load_scenario(scenario))
    except (ScenarioError, SchoolConfigError) as e:
        fail(f"场景文件有误 bad scenario: {e}")

    def emit(_step: Step | None, sent: list[Sent]) -> None:
        for m in sent:
            sys.stdout.write(json.dumps(sim.sent_json(m), ensure_ascii=False) + "\n")

    try:
        asyncio.run(sim.play(emit))
    except ScenarioError as e:
        fail(f"场景文件有误 bad scenario: {e}")
    sys.stdout.write(json.dumps({"state": sim.state()}, ensure_ascii=False) + "\n")


@app.command("demo")
def demo_cmd() -> None:
    """A scripted week of the demo school, printed as a chat transcript (about a minute)."""
    from bot.sim.demo import run_demo

    logging.basicConfig(level=logging.WARNING)
    run_demo(sys.stdout)
