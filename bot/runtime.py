"""Putting the bot together: database, school, clock, transport, handlers, scheduler."""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.app import App
from bot.clock import Clock, OffsetClock, RealClock
from bot.school import School, load_school
from bot.settings import Settings
from bot.transports.base import Transport
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.queries import sync_school

log = logging.getLogger(__name__)


def open_database(url: str) -> Engine:
    engine = make_engine(url)
    upgrade(engine)
    return engine


@dataclass
class Bootstrap:
    settings: Settings
    school: School
    engine: Engine


def bootstrap(settings: Settings, *, seed_roster: bool = True) -> Bootstrap:
    """Load the school, upgrade the database, mirror the school into it.

    ``seed_roster``: a new database gets the school folder's roster.csv, except when
    the caller is about to import a roster itself.
    """
    school = load_school(settings.school)
    engine = open_database(settings.db)
    with Session(engine) as session:
        sync_school(session, school, seed_roster=seed_roster)
    return Bootstrap(settings, school, engine)


def make_clock(settings: Settings, school: School) -> Clock:
    if settings.clock_start is not None:
        return OffsetClock(settings.clock_start, school.timezone)
    return RealClock(school.timezone)


def build_app(boot: Bootstrap, transport: Transport, clock: Clock) -> App:
    from bot.handlers import register_all

    s = boot.settings
    app = App(school=boot.school, engine=boot.engine, clock=clock, transport=transport,
              instance=s.instance_id or f"{socket.gethostname()}:{os.getpid()}",
              retry_base_s=s.outbox_retry_base_s, max_attempts=s.outbox_max_attempts,
              pending_ttl=dt.timedelta(minutes=s.pending_question_ttl_min))
    return register_all(app)


async def run_live(app: App) -> None:
    """Run until the transport stops: scheduled jobs, catch-up, outbox, messages."""
    from bot.scheduler import LiveScheduler

    app.outbox.release_own_claims()
    scheduler = LiveScheduler(app)
    scheduler.start()
    try:
        await scheduler.catch_up()
        await app.outbox.flush()
        await app.transport.start(app.handle)
    finally:
        scheduler.shutdown()
        await app.transport.stop()


def configure_logging(level: str) -> None:
    logging.basicConfig(level=getattr(logging, level.upper(), logging.INFO),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("jieba", "apscheduler.executors", "alembic.runtime.migration"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def run_forever(coro) -> None:
    try:
        asyncio.run(coro)
    except KeyboardInterrupt:
        pass
