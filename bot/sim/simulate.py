"""Playing a scenario through the whole bot on a virtual clock (``schoolbot simulate``).

Same router, handlers, storage, rules, scheduler jobs and templates as ``run``; only the
transport (in memory) and the clock (virtual) differ.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session, col, select

from bot.attendance import ledger
from bot.attendance.streak import absent_on, streaks
from bot.chat.transports.memory import MemoryTransport, Sent
from bot.clock import VirtualClock
from bot.runtime import Bootstrap, build_app, open_database
from bot.scheduler import VirtualRunner
from bot.school.config import SchoolConfig, load_school
from bot.settings import Settings
from storage.enums import AlertStatus
from storage.models import Alert, Student
from storage.queries import sync_school


class ScenarioError(ValueError):
    pass


@dataclass
class Step:
    at: dt.datetime
    until: bool = False
    room: str | None = None
    sender: str = ""
    name: str = ""
    text: str = ""
    mention: bool = False
    id: str | None = None
    quiet: bool = False  # demo only: a routine step the transcript summarises


@dataclass
class Scenario:
    school: SchoolConfig
    start: dt.datetime
    steps: list[Step] = field(default_factory=list)


def _when(value: object, tz: dt.tzinfo, what: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        when = value
    elif isinstance(value, str):
        try:
            when = dt.datetime.fromisoformat(value)
        except ValueError as e:
            raise ScenarioError(f"{what}: “{value}” is not an ISO 8601 time") from e
    else:
        raise ScenarioError(f"{what}: missing or not a time")
    return when if when.tzinfo else when.replace(tzinfo=tz)


def load_scenario(path: str | Path | None = None, data: dict[str, Any] | None = None) -> Scenario:
    if data is None:
        if path is None:
            raise TypeError("load_scenario needs a path or the data")
        text = Path(path).read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ScenarioError("a scenario is a mapping with school, start and steps")
    school_ref = data.get("school", "demo")
    folder = None if school_ref in (None, "demo") else Path(school_ref)
    if folder is not None and path is not None and not folder.is_absolute():
        folder = Path(path).parent / folder
    school = load_school(folder)
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(school.timezone)
    start = _when(data.get("start"), tz, "start")
    steps: list[Step] = []
    for i, raw in enumerate(data.get("steps") or [], start=1):
        if not isinstance(raw, dict):
            raise ScenarioError(f"step {i}: not a mapping")
        if "until" in raw:
            steps.append(Step(at=_when(raw["until"], tz, f"step {i} until"), until=True))
            continue
        if "from" not in raw or "text" not in raw:
            raise ScenarioError(f"step {i}: a message needs from and text")
        steps.append(
            Step(
                at=_when(raw.get("at"), tz, f"step {i} at"),
                room=raw.get("room"),
                sender=str(raw["from"]),
                name=str(raw.get("name", "")),
                text=str(raw["text"]),
                mention=bool(raw.get("mention", False)),
                id=None if raw.get("id") is None else str(raw["id"]),
                quiet=bool(raw.get("quiet", False)),
            )
        )
    return Scenario(school, start, steps)


@dataclass
class Simulation:
    """A bot on a fresh database, an in-memory transport and a virtual clock."""

    scenario: Scenario
    db_url: str | None = None

    def __post_init__(self) -> None:
        if self.db_url is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="schoolbot-sim-")
            self.db_url = f"sqlite:///{Path(self._tmp.name) / 'sim.db'}"
        school = self.scenario.school
        engine = open_database(self.db_url)
        with Session(engine) as s:
            sync_school(s, school)
        self.clock = VirtualClock(self.scenario.start, school.timezone)
        self.transport = MemoryTransport(self.clock)
        settings = Settings(db=self.db_url, instance_id="simulate", outbox_retry_base_s=5)
        self.app = build_app(Bootstrap(settings, school, engine), self.transport, self.clock)
        self.runner = VirtualRunner(self.app, self.clock)

    async def play(self, on_step: Callable[[Step | None, list[Sent]], None] | None = None) -> None:
        await self.transport.start(self.app.handle)
        self.app.outbox.release_own_claims()
        for step in self.scenario.steps:
            if step.at < self.clock.now():
                raise ScenarioError(
                    f"steps must be in time order: {step.at.isoformat()} is before {self.clock.now().isoformat()}"
                )
            await self.runner.advance_to(step.at)
            before = self.transport.take()
            if on_step and before:
                on_step(None, before)
            if not step.until:
                await self.transport.deliver(
                    text=step.text,
                    sender_id=step.sender,
                    sender_name=step.name,
                    room=step.room,
                    mentioned=step.mention,
                    at=step.at,
                    message_id=step.id,
                )
            if on_step:
                on_step(step, self.transport.take())

    def state(self) -> dict[str, Any]:
        day = self.clock.today()
        with Session(self.app.engine) as s:
            spans = ledger.spans(s)
            current = streaks(spans, self.app.calendar, day)
            alerts = list(
                s.exec(
                    select(Alert, Student)
                    .join(Student, col(Student.id) == Alert.student_id)
                    .where(Alert.status == AlertStatus.OPEN)
                    .order_by(col(Alert.since), col(Alert.id))
                )
            )
        return {
            "open_alerts": [
                {
                    "student_id": st.id,
                    "name": st.name,
                    "class": st.class_name,
                    "streak": current[st.id].days if st.id in current else 0,
                    "since": a.since.isoformat(),
                    "escalated": a.escalated_on is not None,
                }
                for a, st in alerts
            ],
            "absences_today": len(absent_on(spans, day)),
        }


def sent_json(m: Sent) -> dict[str, Any]:
    return {"at": m.at.isoformat() if m.at else None, "room": m.room, "to": m.contact, "text": m.text}
