"""Scheduled jobs: the same job definitions run live under APScheduler and fast-forward
on a virtual clock (``schoolbot simulate``, tests).

Fire times always come from APScheduler's own triggers; the virtual runner only asks
them "what is next after now?" and moves the clock there. Jobs run on school days only
and write their messages to the outbox under a (job, date, recipient) key, so running a
job twice on a day — a restart, a catch-up, a second bot process — sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlmodel import Session

from bot.clock import OffsetClock, VirtualClock

if TYPE_CHECKING:
    from bot.chat.app import App
    from bot.school.context import SchoolContext

log = logging.getLogger(__name__)
MISFIRE_GRACE_S = 3600
OUTBOX_POLL_S = 15


@dataclass(frozen=True)
class JobSpec:
    name: str
    at: dt.time
    func: Callable[[App, SchoolContext, dt.date], None]  # writes outbox rows for that school day
    school: SchoolContext | None = None  # None: the deployment's roll-up (its own ``rollup`` func)

    @property
    def id(self) -> str:
        return f"{self.school.id}:{self.name}" if self.school else self.name

    def trigger(self, tz: dt.tzinfo) -> CronTrigger:
        tz = self.school.tz if self.school else tz
        return CronTrigger(hour=self.at.hour, minute=self.at.minute, timezone=tz)


def _later(t: dt.time, minutes: int) -> dt.time:
    return (dt.datetime.combine(dt.date(2000, 1, 1), t) + dt.timedelta(minutes=minutes)).time()


def job_specs(app: App) -> list[JobSpec]:
    """Each school's jobs, from its rules; then the roll-up for people over several schools."""
    from bot.reports import jobs

    specs = []
    for school in app.schools.values():
        rules = school.rules
        specs += [
            JobSpec("absence_check", jobs.MORNING_CHECK_TIME, jobs.morning_absence_check, school),
            JobSpec("rollcall_reminder", rules.rollcall_reminder_time, jobs.rollcall_reminder, school),
            JobSpec(
                "alert_check",
                _later(rules.rollcall_reminder_time, jobs.ALERT_CHECK_DELAY_MIN),
                jobs.alert_check,
                school,
            ),
            JobSpec("digest", rules.digest_time, jobs.daily_digest, school),
            JobSpec("weekly_summary", _later(rules.digest_time, jobs.WEEKLY_DELAY_MIN), jobs.weekly_summary, school),
        ]
    if app.deployment.overseers():
        last = max(s.rules.digest_time for s in app.schools.values())
        specs.append(JobSpec("rollup", _later(last, jobs.ROLLUP_DELAY_MIN), _no_school_job))
    return specs


def _no_school_job(app: App, school: SchoolContext, day: dt.date) -> None:
    raise AssertionError("the roll-up runs through run_job")


async def run_job(app: App, spec: JobSpec, day: dt.date) -> bool:
    """Run one job for one day if it is a school day of its school; then send what it queued."""
    from bot.reports import jobs

    try:
        with Session(app.engine) as session:
            app.refresh(session)  # the staff a digest goes to, as of now
        if spec.school is not None and spec.school.id not in app.schools:
            return False  # the school left the deployment.toml since the jobs were planned
        if spec.school is None:
            ran = jobs.rollup_digest(app, day)
        elif not spec.school.calendar.is_school_day(day):
            log.debug("%s: %s is not a school day of %s", spec.name, day, spec.school.id)
            return False
        else:
            spec.func(app, spec.school, day)
            ran = True
    except Exception:
        log.exception("定时任务出错 job %s failed for %s", spec.id, day)
        return False
    await app.outbox.flush()
    return ran


class _OffsetTrigger(BaseTrigger):
    """Shifts a trigger's times by the offset of an OffsetClock (real time runs, bot time differs)."""

    def __init__(self, inner: BaseTrigger, clock: OffsetClock) -> None:
        self.inner, self.clock = inner, clock

    def get_next_fire_time(self, previous_fire_time, now):
        offset = self.clock.now() - dt.datetime.now(self.clock.tz)
        prev = previous_fire_time + offset if previous_fire_time else None
        nxt = self.inner.get_next_fire_time(prev, now + offset)
        return nxt - offset if nxt else None


class LiveScheduler:
    """APScheduler 3 (AsyncIOScheduler) with the school's time zone; jobs keyed by name."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.specs = job_specs(app)
        self.scheduler = AsyncIOScheduler(
            timezone=app.clock.tz,
            job_defaults={"coalesce": True, "misfire_grace_time": MISFIRE_GRACE_S, "max_instances": 1},
        )

    def _trigger(self, spec: JobSpec) -> BaseTrigger:
        trig = spec.trigger(self.app.clock.tz)
        return _OffsetTrigger(trig, self.app.clock) if isinstance(self.app.clock, OffsetClock) else trig

    def replan(self) -> None:
        """school.toml changed (a digest time, a school added): the jobs it now asks for."""
        if not self.scheduler.running:
            return
        old = {spec.id for spec in self.specs}
        self.specs = job_specs(self.app)
        for spec in self.specs:
            self.scheduler.add_job(
                self._fire, self._trigger(spec), args=[spec], id=spec.id, name=spec.id, replace_existing=True
            )
        for gone in old - {spec.id for spec in self.specs}:
            self.scheduler.remove_job(gone)

    def start(self) -> None:
        self.app.on_reconfigured.append(self.replan)
        for spec in self.specs:
            # replace_existing + a fixed id: a restart never registers a job twice.
            self.scheduler.add_job(
                self._fire, self._trigger(spec), args=[spec], id=spec.id, name=spec.id, replace_existing=True
            )
        self.scheduler.add_job(
            self.app.outbox.flush, IntervalTrigger(seconds=OUTBOX_POLL_S), id="outbox_flush", replace_existing=True
        )
        self.scheduler.start()

    async def _fire(self, spec: JobSpec) -> None:
        await run_job(self.app, spec, self._day(spec, self.app.clock.now()))

    @staticmethod
    def _day(spec: JobSpec, at: dt.datetime) -> dt.date:
        return at.astimezone(spec.school.tz).date() if spec.school else at.date()

    async def catch_up(self) -> list[str]:
        """Run today's jobs whose time has passed (the bot was down at 16:30: the digest
        goes out now, once — the outbox keys drop anything already sent)."""
        now, ran = self.app.clock.now(), []
        for spec in self.specs:
            local = now.astimezone(spec.school.tz) if spec.school else now
            if dt.datetime.combine(local.date(), spec.at, local.tzinfo) <= local:
                if await run_job(self.app, spec, local.date()):
                    ran.append(spec.name)
        if ran:
            log.info("补发今天已过时间的任务 caught up on today's jobs: %s", ", ".join(ran))
        return ran

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)


class VirtualRunner:
    """Fires the same jobs at their trigger times while a VirtualClock is moved forward."""

    def __init__(self, app: App, clock: VirtualClock) -> None:
        self.app, self.clock = app, clock
        self.replan()
        app.on_reconfigured.append(self.replan)
        self.fired: list[tuple[str, dt.datetime, bool]] = []
        self._cursor = clock.now()

    def replan(self) -> None:
        self.specs = job_specs(self.app)
        self.triggers = [(spec, spec.trigger(self.clock.tz)) for spec in self.specs]

    def _next(self) -> tuple[dt.datetime, list[JobSpec]] | None:
        """The next fire time and every job due then (two schools' digests both at 16:30)."""
        best: tuple[dt.datetime, list[JobSpec]] | None = None
        for spec, trig in self.triggers:
            when = trig.get_next_fire_time(None, self._cursor)
            if when is None:
                continue
            if best is None or when < best[0]:
                best = (when, [spec])
            elif when == best[0]:
                best[1].append(spec)
        return best

    async def advance_to(self, until: dt.datetime) -> None:
        while True:
            nxt = self._next()
            if nxt is None or nxt[0] > until:
                break
            when, due = nxt
            self.clock.set(when)
            for spec in due:
                ran = await run_job(self.app, spec, LiveScheduler._day(spec, when))
                self.fired.append((spec.name, when, ran))
            self._cursor = when + dt.timedelta(microseconds=1)
        self.clock.set(max(until, self.clock.now()))
        self._cursor = max(self._cursor, self.clock.now())
        await self.app.outbox.flush()  # retries that came due meanwhile
