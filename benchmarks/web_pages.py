"""The web page's response times over the demo week (451 students, 12 classes), and the
weekly chart's drawing time.

    .venv/bin/python benchmarks/web_pages.py [--rounds 20]

Plays the demo week into a temporary SQLite database, logs in as the principal through
FastAPI's TestClient (no network), and prints the median and p95 of each page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session

from bot.clock import VirtualClock
from bot.reports.trend import term_trend
from bot.reports.weekly_chart import weekly_png
from bot.runtime import Bootstrap, open_database
from bot.school.config import load_school
from bot.settings import Settings
from bot.sim.demo import WEEK, run_demo
from bot.web.app import create_app
from bot.web.auth import issue_link
from bot.web.serve import deps_for

PAGES = ["/s/qingshi/today", "/s/qingshi/trend", "/s/qingshi/cases", "/s/qingshi/c/6/today", "/s/qingshi/student/193"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'web.db'}"
        run_demo(io.StringIO(), url)
        school = load_school()
        clock = VirtualClock(dt.datetime.combine(WEEK[-1], dt.time(17, 0), dt.timezone(dt.timedelta(hours=8))))
        deps = deps_for(Bootstrap(Settings(db=url), school, open_database(url)), clock)
        client = TestClient(create_app(deps), follow_redirects=False)
        with Session(deps.engine) as s:
            token = issue_link(s, "wxid_demo_chenguohua", clock.now(), 10)
            s.commit()
        assert client.get(f"/login/{token}").status_code == 303
        for page in [*PAGES, "/s/qingshi/ledger.xlsx?from=2026-09-01&to=2026-11-27"]:
            times = []
            for _ in range(args.rounds):
                t0 = time.perf_counter()
                r = client.get(page)
                times.append((time.perf_counter() - t0) * 1000)
                assert r.status_code == 200, (page, r.status_code)
            times.sort()
            p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
            print(f"{page:55s} median {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms")
        ctx = deps.schools["qingshi"]
        with Session(deps.engine) as s:
            t0 = time.perf_counter()
            png = weekly_png(term_trend(s, ctx, WEEK[-1], by_class=False), WEEK[0], WEEK[-1])
            first = (time.perf_counter() - t0) * 1000
            t0 = time.perf_counter()
            weekly_png(term_trend(s, ctx, WEEK[-1], by_class=False), WEEK[0], WEEK[-1])
            again = (time.perf_counter() - t0) * 1000
        print(
            f"weekly chart PNG: {len(png or b'')} bytes, first {first:.0f} ms (matplotlib import), then {again:.0f} ms"
        )


if __name__ == "__main__":
    main()
