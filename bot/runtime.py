"""Putting the bot together: database, school, clock, transport, handlers, scheduler."""

from __future__ import annotations

import asyncio
import datetime as dt
import fcntl
import logging
import os
import socket
import uuid
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.chat.app import App
from bot.chat.flood import FloodControl
from bot.chat.transports.base import Transport
from bot.clock import Clock, OffsetClock, RealClock
from bot.school.config import SchoolConfig
from bot.school.deployment import Deployment, load_deployment
from bot.settings import Settings
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
    deployment: Deployment | SchoolConfig  # one school folder is a deployment of one
    engine: Engine
    topics_as_ids: bool = True

    def __post_init__(self) -> None:
        self.deployment = Deployment.of(self.deployment)

    @property
    def dep(self) -> Deployment:
        assert isinstance(self.deployment, Deployment)
        return self.deployment

    @property
    def school(self) -> SchoolConfig:
        """The first school (the only one, in a single-school deployment)."""
        return self.dep.schools[0]

    def school_by_id(self, school_id: str | None) -> SchoolConfig | None:
        """The school a command is about: the one named, or the only one."""
        if school_id is None:
            return self.school if len(self.dep.schools) == 1 else None
        return next((s for s in self.dep.with_cross_staff() if s.id == school_id), None)


def bootstrap(settings: Settings, *, seed_roster: bool = True, topics_as_ids: bool = True) -> Bootstrap:
    """Load the school folder or deployment, upgrade the database, mirror the schools into it.

    ``seed_roster``: a new database gets each school folder's roster.csv, except when
    the caller is about to import a roster itself. ``topics_as_ids``: rooms with no
    configured id are known by their topic (memory and console transports, not WeChat).
    """
    deployment = load_deployment(settings.school)
    engine = open_database(settings.db)
    with Session(engine) as session:
        for school in deployment.with_cross_staff():
            sync_school(session, school, seed_roster=seed_roster, topics_as_ids=topics_as_ids)
    return Bootstrap(settings, deployment, engine, topics_as_ids)


def make_clock(settings: Settings, school: SchoolConfig) -> Clock:
    if settings.clock_start is not None:
        return OffsetClock(settings.clock_start, school.timezone)
    return RealClock(school.timezone)


def build_app(boot: Bootstrap, transport: Transport, clock: Clock, *, watch_config: bool = False) -> App:
    """``watch_config``: a school.toml edit reaches the running bot (``schoolbot run``)."""
    from bot.handlers import register_all
    from bot.school.reload import ConfigWatch

    s = boot.settings
    app = App(
        school=boot.dep,
        engine=boot.engine,
        clock=clock,
        transport=transport,
        instance=s.instance_id or persisted_instance_id(s.instance_file),
        retry_base_s=s.outbox_retry_base_s,
        max_attempts=s.outbox_max_attempts,
        pending_ttl=dt.timedelta(minutes=s.pending_question_ttl_min),
        flood=FloodControl(per_minute=s.flood_per_minute, burst=s.flood_burst),
        lease=dt.timedelta(seconds=s.outbox_lease_s),
        export_dir=s.export_dir,
    )
    app.topics_as_ids = boot.topics_as_ids
    if watch_config:
        app.watch = ConfigWatch(boot.dep)
    app.web_url, app.web_link_minutes = s.web_url, s.web_link_minutes
    return register_all(app)


_HELD_ID_FILES: list[Any] = []  # open (locked) id files: kept for the life of the process


def persisted_instance_id(path: Path) -> str:
    """This process's instance id, the same after a restart: kept in ``path``.

    The file is locked while the process lives (the lock goes with the process, even
    under kill -9). A second process started beside a live one finds the lock taken and
    uses the next file (``instance-id.2``, …), so two live processes never share an id
    and never release each other's claims."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for n in range(1, 100):
        candidate = path if n == 1 else path.with_name(f"{path.name}.{n}")
        f = open(candidate, "a+", encoding="utf-8")
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            f.close()
            continue
        f.seek(0)
        found = f.read().strip()
        if not found:
            found = f"{socket.gethostname()}-{uuid.uuid4().hex[:10]}"
            f.truncate(0)
            f.write(found + "\n")
            f.flush()
        _HELD_ID_FILES.append(f)
        return found
    return f"{socket.gethostname()}:{os.getpid()}"  # a hundred live processes here: not kept


CONNECT_WAIT_S = 30.0


async def run_live(app: App) -> None:
    """Run until the transport stops: scheduled jobs, catch-up, outbox, messages."""
    from bot.scheduler import LiveScheduler

    app.outbox.release_own_claims()
    scheduler = LiveScheduler(app)
    receiving = asyncio.create_task(app.transport.start(app.handle), name="transport")
    connected = getattr(app.transport, "connected", None)
    if connected is not None:
        # Catch-up messages sent before the account is logged in would only fail and
        # wait for a retry; give the connection a moment first (never forever: the
        # outbox keeps them if WeChat stays away).
        try:
            await asyncio.wait_for(connected.wait(), timeout=CONNECT_WAIT_S)
        except TimeoutError:
            log.warning(
                "%d 秒内没有连上微信，先照常运行，消息留在发件箱等连上再发 / "
                "not connected after %d s; messages wait in the outbox",
                CONNECT_WAIT_S,
                CONNECT_WAIT_S,
            )
    scheduler.start()
    watcher = asyncio.create_task(_send_on_reconnect(app, connected)) if connected is not None else None
    try:
        await scheduler.catch_up()
        await app.outbox.flush()
        await receiving
    finally:
        if watcher is not None:
            watcher.cancel()
        scheduler.shutdown()
        await app.transport.stop()
        if not receiving.done():
            await asyncio.wait([receiving], timeout=10)


async def _send_on_reconnect(app: App, connected: asyncio.Event) -> None:
    """Each time the transport (re)connects, send what piled up in the outbox at once."""
    while True:
        await connected.wait()
        if app.outbox.retry_now():
            log.info("已重新连上，补发发件箱里的消息 / reconnected: sending what waited in the outbox")
        await app.outbox.flush()
        while connected.is_set():
            await asyncio.sleep(1.0)


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("jieba", "apscheduler.executors", "apscheduler.scheduler", "alembic.runtime.migration"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def run_forever(coro: Coroutine[Any, Any, object]) -> None:
    try:
        asyncio.run(coro)
    except KeyboardInterrupt:
        pass
