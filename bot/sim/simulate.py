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
from bot.school.config import SchoolConfig
from bot.school.deployment import Deployment, load_deployment
from bot.school.roster_file import RosterError, read_roster
from bot.settings import Settings
from storage.enums import AlertStatus, RoomKind
from storage.models import Alert, Student
from storage.queries import import_roster, sync_school


class ScenarioError(ValueError):
    pass


@dataclass
class Step:
    at: dt.datetime
    until: bool = False
    room: str | None = None
    room_id: str | None = None  # a particular group (two schools' groups may share a topic)
    sender: str = ""
    name: str = ""
    text: str = ""
    mention: bool = False
    id: str | None = None
    quiet: bool = False  # demo only: a routine step the transcript summarises
    roster: Path | None = None  # a roster import for ``for_school`` (a transfer, a new term)
    for_school: str | None = None
    transport: str | None = None  # "down": an outage begins (every send fails); "up": it ends
    staff: dict | None = None  # `staff invite` / `staff remove` as the school's secretary would run it


@dataclass
class Scenario:
    dep: Deployment  # a school folder is a deployment of one (Deployment.of)
    start: dt.datetime
    steps: list[Step] = field(default_factory=list)

    @property
    def school(self) -> SchoolConfig:
        return self.dep.schools[0]


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
    deployment = load_deployment(folder)
    school = deployment.schools[0]
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
        if "transport" in raw:
            state = raw["transport"]
            if state not in ("down", "up"):
                raise ScenarioError(f"step {i}: transport is down or up, not “{state}”")
            steps.append(Step(at=_when(raw.get("at"), tz, f"step {i} at"), transport=str(state)))
            continue
        if "invite" in raw or "remove_staff" in raw:
            target = raw.get("for") or (school.id if len(deployment.schools) == 1 else None)
            if target not in deployment.ids:
                raise ScenarioError(f"step {i}: a staff step needs for: one of {', '.join(deployment.ids)}")
            what = raw.get("invite")
            if what is not None and not (isinstance(what, dict) and what.get("name") and what.get("code")):
                raise ScenarioError(f"step {i}: invite needs name and code (and class or role)")
            staff_step = {"invite": what, "remove": raw.get("remove_staff"), "for": str(target)}
            steps.append(Step(at=_when(raw.get("at"), tz, f"step {i} at"), staff=staff_step))
            continue
        if "roster" in raw:
            file = Path(str(raw["roster"]))
            if path is not None and not file.is_absolute():
                file = Path(path).parent / file
            target = raw.get("for") or (school.id if len(deployment.schools) == 1 else None)
            if target not in deployment.ids:
                raise ScenarioError(f"step {i}: a roster step needs for: one of {', '.join(deployment.ids)}")
            steps.append(Step(at=_when(raw.get("at"), tz, f"step {i} at"), roster=file, for_school=str(target)))
            continue
        if "from" not in raw or "text" not in raw:
            raise ScenarioError(f"step {i}: a message needs from and text")
        steps.append(
            Step(
                at=_when(raw.get("at"), tz, f"step {i} at"),
                room=raw.get("room"),
                room_id=None if raw.get("room_id") is None else str(raw["room_id"]),
                sender=str(raw["from"]),
                name=str(raw.get("name", "")),
                text=str(raw["text"]),
                mention=bool(raw.get("mention", False)),
                id=None if raw.get("id") is None else str(raw["id"]),
                quiet=bool(raw.get("quiet", False)),
            )
        )
    return Scenario(deployment, start, steps)


@dataclass
class Simulation:
    """A bot on a fresh database, an in-memory transport and a virtual clock."""

    scenario: Scenario
    db_url: str | None = None

    def __post_init__(self) -> None:
        if self.db_url is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="schoolbot-sim-")
            self.db_url = f"sqlite:///{Path(self._tmp.name) / 'sim.db'}"
        dep = self.scenario.dep
        engine = open_database(self.db_url)
        with Session(engine) as s:
            for school in dep.with_cross_staff():
                sync_school(s, school)
        self.clock = VirtualClock(self.scenario.start, dep.schools[0].timezone)
        self.transport = MemoryTransport(self.clock)
        settings = Settings(db=self.db_url, instance_id="simulate", outbox_retry_base_s=5)
        self.app = build_app(Bootstrap(settings, dep, engine), self.transport, self.clock)
        self.runner = VirtualRunner(self.app, self.clock)
        # A staff or leaders group holds its school's staff (and whoever speaks in it).
        with Session(engine) as s:
            for sid, ctx in self.app.schools.items():
                for kind in (RoomKind.STAFF, RoomKind.LEADERS):
                    for b in self.app.rooms.of_school(s, sid, kind):
                        self.transport.members.setdefault(b.room_id, set()).update(m.wechat_id for m in ctx.staff)

    def room_topic(self, room_id: str | None) -> str | None:
        """What the school calls the group a message went to."""
        if room_id is None:
            return None
        with Session(self.app.engine) as s:
            b = self.app.rooms.get(s, room_id)
        return b.topic if b else room_id

    def import_roster(self, step: Step) -> None:
        assert step.roster is not None and step.for_school is not None
        try:
            entries = read_roster(step.roster)
        except RosterError as e:
            raise ScenarioError(f"roster {step.roster}: " + "; ".join(e.problems)) from e
        from bot.reports.alert_notices import queue_transfer_closings

        with Session(self.app.engine, expire_on_commit=False) as s:
            report = import_roster(s, step.for_school, entries, today=step.at.astimezone(self.clock.tz).date())
            s.flush()
            queue_transfer_closings(self.app, s, report.closed_alerts)
            s.commit()
        self.app.invalidate_roster()

    def staff_step(self, step: Step) -> None:
        from bot.school import staff

        assert step.staff is not None
        school = self.app.schools[step.staff["for"]]
        with Session(self.app.engine, expire_on_commit=False) as s:
            self.app.refresh(s)
            try:
                if (inv := step.staff["invite"]) is not None:
                    roles = inv.get("roles") or ([inv["role"]] if inv.get("role") else [])
                    staff.invite(
                        s,
                        school,
                        name=str(inv["name"]),
                        roles=[str(r) for r in roles] or (["head_teacher"] if inv.get("class") else []),
                        head_of=inv.get("class"),
                        now=step.at,
                        by="simulate",
                        code=str(inv["code"]),
                    )
                if step.staff["remove"]:
                    staff.remove(s, school, str(step.staff["remove"]), now=step.at, by="simulate")
            except staff.InviteError as e:
                raise ScenarioError("staff: " + "；".join(e.problems)) from e
            s.commit()

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
            if step.transport is not None:
                self.transport.down = step.transport == "down"
                if not self.transport.down:  # reconnected: what waited goes now, as run does
                    self.app.outbox.retry_now()
                    await self.app.outbox.flush()
            elif step.roster is not None:
                self.import_roster(step)
                await self.app.outbox.flush()
            elif step.staff is not None:
                self.staff_step(step)
            elif not step.until:
                await self.transport.deliver(
                    text=step.text,
                    sender_id=step.sender,
                    sender_name=step.name,
                    room=step.room,
                    room_id=step.room_id,
                    mentioned=step.mention,
                    at=step.at,
                    message_id=step.id,
                )
            if on_step:
                on_step(step, self.transport.take())

    def state(self) -> dict[str, Any]:
        """The alerts open at the end (every school's) and how many students are absent."""
        day = self.clock.today()
        open_alerts: list[dict[str, Any]] = []
        absent = 0
        with Session(self.app.engine) as s:
            for sid, school in self.app.schools.items():
                spans = ledger.spans(s, school_id=sid)
                current = streaks(spans, school.calendar, day)
                absent += len(absent_on(spans, day))
                rows = s.exec(
                    select(Alert, Student)
                    .join(Student, col(Student.id) == Alert.student_id)
                    .where(Alert.school_id == sid, Alert.status == AlertStatus.OPEN)
                    .order_by(col(Alert.since), col(Alert.id))
                )
                for a, st in rows:
                    item = {
                        "student_id": st.id,
                        "name": st.name,
                        "class": st.class_name,
                        "streak": current[st.id].days if st.id in current else 0,
                        "since": a.since.isoformat(),
                        "escalated": a.escalated_on is not None,
                    }
                    if len(self.app.schools) > 1:
                        item["school"] = sid
                    open_alerts.append(item)
        open_alerts.sort(key=lambda a: a["since"])
        return {"open_alerts": open_alerts, "absences_today": absent}

    def sent_json(self, m: Sent) -> dict[str, Any]:
        """One output line: ``room`` is the school's name for the group, ``room_id`` which group."""
        line: dict[str, Any] = {
            "at": m.at.isoformat() if m.at else None,
            "room": self.room_topic(m.room),
            "room_id": m.room,
            "to": m.contact,
            "text": m.text,
        }
        if m.image is not None:  # a picture: its caption is the text
            line["image"] = {"type": "png", "bytes": len(m.image)}
        return line
