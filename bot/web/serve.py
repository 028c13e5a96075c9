"""Serving the web page with uvicorn: alone (``schoolbot web``) or beside the bot in the
same event loop (``schoolbot run --web``)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

import uvicorn

from bot.clock import Clock
from bot.runtime import Bootstrap
from bot.school.context import SchoolContext
from bot.web.app import WebDeps, create_app

log = logging.getLogger(__name__)


def deps_for(boot: Bootstrap, clock: Clock, schools: dict[str, SchoolContext] | None = None) -> WebDeps:
    """The page's view of the deployment; beside the bot it shares the bot's schools (and rosters)."""
    if schools is None:
        schools = {s.id: SchoolContext.of(s) for s in boot.dep.with_cross_staff()}
    return WebDeps(engine=boot.engine, schools=schools, clock=clock, settings=boot.settings, title=boot.dep.name)


def server(deps: WebDeps, host: str, port: int) -> uvicorn.Server:
    config = uvicorn.Config(
        create_app(deps),
        host=host,
        port=port,
        log_level="warning",
        proxy_headers=True,  # behind nginx/Caddy: the client's address and https come from X-Forwarded-*
        forwarded_allow_ips="127.0.0.1",
        access_log=False,
    )
    return uvicorn.Server(config)


async def beside(bot: Coroutine[Any, Any, None], web: uvicorn.Server) -> None:
    """Run the bot and the page together; when the bot stops (Ctrl-D, the transport ends), so does the page."""
    serving = asyncio.create_task(web.serve(), name="web")
    try:
        await bot
    finally:
        web.should_exit = True
        await asyncio.wait([serving], timeout=10)
