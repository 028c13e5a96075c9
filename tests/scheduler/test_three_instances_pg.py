"""Three bot processes on one PostgreSQL database, serving a generated deployment of 30
schools through a simulated week: every digest, roll-call reminder, alert and roll-up
is sent exactly once, and none is missed."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
from collections import Counter

import pytest
from sqlmodel import Session, select

from benchmarks.county import _classes, _deployment_toml, _school_toml, school_id
from benchmarks.roster_import import GIVEN, SURNAMES
from bot.attendance import ledger
from bot.chat.transports.memory import MemoryTransport
from bot.clock import VirtualClock
from bot.runtime import Bootstrap, build_app, open_database
from bot.school.deployment import load_deployment
from bot.school.roster_file import COLUMNS
from bot.settings import Settings
from storage.enums import OutboxStatus
from storage.models import Alert, OutboundMessage, Student
from storage.queries import sync_school
from tests.conftest import Bot, at

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
SCHOOLS = 30
WEEK = [dt.date(2026, 11, 23) + dt.timedelta(days=i) for i in range(5)]


def _write_deployment(folder):
    (folder / "deployment.toml").write_text(_deployment_toml(SCHOOLS), encoding="utf-8")
    header = [c.title for c in COLUMNS[:10]]
    for i in range(1, SCHOOLS + 1):
        sid = school_id(i)
        (folder / sid).mkdir()
        (folder / sid / "school.toml").write_text(_school_toml(i), encoding="utf-8")
        with (folder / sid / "roster.csv").open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(header)
            for j, cls in enumerate(_classes()):
                for k in range(2):
                    name = SURNAMES[j] + GIVEN[2 * k] + GIVEN[2 * k + 1 + i % 7]
                    w.writerow(
                        [f"G{i:03d}{j:02d}{k}", name, "男", cls[:3], cls, "家长", "13900000000", "否", "否", "否"]
                    )
    return load_deployment(folder)


async def _bots(deployment, url, start):
    engine = open_database(url)
    with Session(engine) as s:
        for school in deployment.with_cross_staff():
            sync_school(s, school)
    bots = []
    for name in ("bot-a", "bot-b", "bot-c"):
        clock = VirtualClock(start, "Asia/Shanghai")
        transport = MemoryTransport(clock)
        boot = Bootstrap(Settings(db=url, instance_id=name), deployment, open_database(url))
        app = build_app(boot, transport, clock)
        for school in app.schools.values():  # the staff and leaders groups hold only staff
            staff = {m.wechat_id for m in school.staff}
            for room in school.config.rooms:
                transport.members[room.topic] = staff
        bots.append(await Bot(app, transport, clock).start())
    return engine, bots


async def test_three_instances_send_every_job_once_for_a_week(tmp_path, pg_url):
    deployment = _write_deployment(tmp_path)
    engine, bots = await _bots(deployment, pg_url, at("2026-11-22", "20:00"))
    # One child per school away unexcused since the Wednesday before: the alert opens on Monday.
    with Session(engine) as s:
        for i in range(1, SCHOOLS + 1):
            st = s.exec(select(Student).where(Student.school_id == school_id(i)).order_by(Student.id)).first()
            assert st is not None
            ledger.record_absence(
                s,
                school_id=st.school_id,
                student_id=st.id,
                kind="unexcused",
                start=dt.date(2026, 11, 18),
                end=None,
                reason="",
                reported_by=f"wxid_{st.school_id}_t0",
                inbound_id=None,
                now=at("2026-11-22", "20:00"),
            )
        s.commit()
    by_bot: list[list] = [[] for _ in bots]
    for day in WEEK:
        got = await asyncio.gather(*(b.until(at(day.isoformat(), "23:00")) for b in bots))
        for mine, more in zip(by_bot, got, strict=True):
            mine.extend(more)
    sent = [m for mine in by_bot for m in mine]

    with Session(engine) as s:
        rows = list(s.exec(select(OutboundMessage)))
        alerts = list(s.exec(select(Alert)))
    # Each row went out once, by one of the three, and nothing else went out.
    assert all(r.status == OutboxStatus.SENT for r in rows), Counter(r.status for r in rows)
    assert Counter((m.room, m.contact, m.text) for m in sent) == Counter(
        (r.to_room, r.to_contact, r.text) for r in rows
    )
    assert len(sent) == len(rows)
    for b in bots:  # each of the three ran every school's jobs: the keys kept them once
        ran = Counter(name for name, _, did in b.runner.fired if did)
        assert ran["digest"] == ran["rollcall_reminder"] == ran["alert_check"] == SCHOOLS * len(WEEK)
        assert ran["rollup"] == len(WEEK)
    keys = {r.dedupe_key for r in rows}
    for i in range(1, SCHOOLS + 1):
        sid = school_id(i)
        for day in WEEK:
            assert f"digest:{sid}:{day}:contact:wxid_{sid}_principal" in keys
            assert f"digest:{sid}:{day}:room:第{i}小学行政群" in keys
            for cls in _classes():  # nobody reported: every class is reminded every day
                assert f"rollcall:{sid}:{day}:{cls}" in keys
        assert f"weekly:{sid}:{WEEK[-1]}:contact:wxid_{sid}_principal" in keys
    for day in WEEK:
        assert f"rollup:{day}:wxid_county_officer" in keys
    # One alert per school's absent child, opened on Monday, its notices sent once each.
    assert len(alerts) == SCHOOLS and {a.opened_on for a in alerts} == {WEEK[0]}
    opened = Counter(m.contact for m in sent if "【控辍保学预警】" in m.text)
    for i in range(1, SCHOOLS + 1):  # the principal and the dropout officer of each school
        assert opened[f"wxid_{school_id(i)}_principal"] == opened[f"wxid_{school_id(i)}_officer"] == 1
    assert opened["wxid_county_officer"] == SCHOOLS  # the county's officer: one per school's child
    for b in bots:
        b.app.engine.dispose()
    engine.dispose()
