"""Streaks for a whole county: the one-pass computation against a naive per-student,
per-day walk (what "a query per student per day" would amount to, without the I/O).

    .venv/bin/python benchmarks/streaks.py [--students 100000] [--absent 0.03]

Prints wall time, peak memory (tracemalloc) and the ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
import tracemalloc

from bot.attendance.streak import Span, streaks
from bot.school.calendar import SchoolCalendar
from bot.school.config import load_school


def make_spans(n_students: int, share_absent: float, day: dt.date, seed: int = 7) -> list[Span]:
    rnd = random.Random(seed)
    spans: list[Span] = []
    for i in range(int(n_students * share_absent)):
        sid = f"S{rnd.randrange(n_students):07d}"
        start = day - dt.timedelta(days=rnd.randrange(0, 40))
        end = None if rnd.random() < 0.4 else start + dt.timedelta(days=rnd.randrange(0, 10))
        kind = rnd.choice(("unexcused", "unexcused", "sick", "personal"))
        spans.append(Span(sid, kind, start, end, i))
    return spans


def naive(spans: list[Span], cal: SchoolCalendar, day: dt.date) -> dict[str, int]:
    by_student: dict[str, list[Span]] = {}
    for s in spans:
        by_student.setdefault(s.student_id, []).append(s)
    out = {}
    for sid, rows in by_student.items():
        n, d = 0, day
        while d >= cal.term.start:
            if cal.is_school_day(d):
                covering = [r for r in rows if r.start <= d and (r.end is None or r.end >= d)]
                if not covering or max(covering, key=lambda r: r.order).kind != "unexcused":
                    break
                n += 1
            d -= dt.timedelta(days=1)
        if n:
            out[sid] = n
    return out


def measure(fn):
    tracemalloc.start()
    t0 = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, elapsed, peak


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--students", type=int, default=100_000)
    ap.add_argument("--absent", type=float, default=0.03, help="share of students with an absence row")
    args = ap.parse_args()
    cal = SchoolCalendar(load_school().term)
    day = dt.date(2026, 12, 10)
    spans = make_spans(args.students, args.absent, day)
    fast, t_fast, m_fast = measure(lambda: streaks(spans, cal, day))
    slow, t_slow, m_slow = measure(lambda: naive(spans, cal, day))
    assert {k: v.days for k, v in fast.items()} == slow, "the two methods disagree"
    print(f"students {args.students:,}, absence rows {len(spans):,}, students on a streak {len(fast):,}")
    print(f"one pass   : {t_fast * 1000:8.1f} ms   peak {m_fast / 1e6:6.1f} MB")
    print(f"naive walk : {t_slow * 1000:8.1f} ms   peak {m_slow / 1e6:6.1f} MB")
    print(f"ratio (naive / one pass): {t_slow / t_fast:.1f}x time")


if __name__ == "__main__":
    main()
