"""One process serving the whole county, as ``schoolbot run`` would: every school's roster
loaded, the 10:00 check for every school, every digest and the roll-up, one school's term
workbook, and the process's peak RSS. Run as a child by ``python -m benchmarks`` (so the
peak is this process's alone); prints one JSON object.

    .venv/bin/python -m benchmarks.serve FOLDER DB_URL DAY
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import resource
import sys
import tempfile
import time
from pathlib import Path


def serve(folder: Path, db_url: str, day: dt.date) -> dict[str, float]:
    from sqlmodel import Session

    from bot.chat.transports.memory import MemoryTransport
    from bot.clock import VirtualClock
    from bot.reports import jobs
    from bot.reports.export import write_ledger
    from bot.runtime import Bootstrap, build_app, open_database
    from bot.school.deployment import load_deployment
    from bot.settings import Settings

    out: dict[str, float] = {}
    t0 = time.perf_counter()
    deployment = load_deployment(folder)
    engine = open_database(db_url)
    out["county_load_deployment_s"] = time.perf_counter() - t0
    tz = deployment.schools[0].timezone
    clock = VirtualClock(dt.datetime.combine(day, dt.time(10)).replace(tzinfo=_zone(tz)), tz)
    transport = MemoryTransport(clock)
    app = build_app(Bootstrap(Settings(db=db_url, instance_id="bench-serve"), deployment, engine), transport, clock)

    t0 = time.perf_counter()
    with Session(engine) as s:
        for school in app.schools.values():
            school.roster(s)
    out["county_rosters_load_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    for school in app.schools.values():
        jobs.alert_check(app, school, day)
    out["county_check_s"] = time.perf_counter() - t0

    clock.set(dt.datetime.combine(day, dt.time(16, 30)).replace(tzinfo=_zone(tz)))
    t0 = time.perf_counter()
    for school in app.schools.values():
        jobs.daily_digest(app, school, day)
    jobs.rollup_digest(app, day)
    out["county_digests_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    asyncio.run(app.outbox.flush())
    out["county_outbox_flush_s"] = time.perf_counter() - t0
    out["county_messages_sent"] = len(transport.take())

    school = next(iter(app.schools.values()))
    with tempfile.TemporaryDirectory() as tmp, Session(engine) as s:
        t0 = time.perf_counter()
        write_ledger(
            Path(tmp) / "ledger.xlsx",
            s,
            school.config,
            school.calendar,
            school.config.term.start,
            day,
            today=day,
        )
        out["county_export_school_s"] = time.perf_counter() - t0
    engine.dispose()
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _zone(name: str):
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


if __name__ == "__main__":
    folder, url, day = sys.argv[1:4]
    print(json.dumps(serve(Path(folder), url, dt.date.fromisoformat(day))))
