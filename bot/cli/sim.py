"""schoolbot simulate SCENARIO.yaml  |  schoolbot demo"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from bot.cli import app, fail, settings

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
def demo_cmd(
    web: bool = typer.Option(
        False, "--web", help="keep the week in --db, then serve the web page and print a login link"
    ),
    host: str = typer.Option("127.0.0.1", "--host", help="the web page's address (with --web)"),
    port: int = typer.Option(8080, "--port", help="the web page's port (with --web)"),
) -> None:
    """A scripted week of the demo school, printed as a chat transcript (about a minute)."""
    from bot.sim.demo import run_demo

    logging.basicConfig(level=logging.WARNING)
    if not web:
        run_demo(sys.stdout)
        return
    db = settings().db
    run_demo(sys.stdout, db)
    _serve_demo(db, host, port)


def _serve_demo(db: str, host: str, port: int) -> None:
    """The page over the week just played, on a clock that starts on its Friday evening."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from sqlmodel import Session

    from bot.clock import OffsetClock
    from bot.runtime import Bootstrap, open_database, run_forever
    from bot.school.config import load_school
    from bot.sim.demo import WEEK
    from bot.web.auth import issue_link, link_url
    from bot.web.serve import deps_for, server

    school = load_school()
    base = f"http://{host}:{port}"
    s = settings().model_copy(update={"web_url": base})
    boot = Bootstrap(s, school, open_database(db))
    clock = OffsetClock(dt.datetime.combine(WEEK[-1], dt.time(17, 0), ZoneInfo(school.timezone)), school.timezone)
    principal = next(p for p in school.staff if p.has("principal"))
    with Session(boot.engine) as session:
        token = issue_link(session, principal.wechat_id, clock.now(), s.web_link_minutes)
        session.commit()
    typer.echo(
        f"\n网页已启动 web page: {base}（数据库 {db}，时钟从 {WEEK[-1].month}月{WEEK[-1].day}日 17:00 走起）\n"
        f"{principal.name}（校长）的登录链接，{s.web_link_minutes} 分钟内有效，只能用一次：\n{link_url(base, token)}\n"
        "别人的链接 / a link for someone else (here 班主任王芳):\n"
        f"  SCHOOLBOT_WEB_URL={base} SCHOOLBOT_CLOCK_START={clock.now().isoformat(timespec='minutes')} "
        f".venv/bin/schoolbot --db {db} web link --as wxid_demo_wangfang\n"
        "Ctrl-C 退出。"
    )
    run_forever(server(deps_for(boot, clock), host, port).serve())
