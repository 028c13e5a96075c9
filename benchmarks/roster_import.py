"""A county-sized roster import through the real command, and loading it back.

    .venv/bin/python -m benchmarks.roster_import [--students 150000] [--format csv|xlsx] [--db URL]

Writes a roster of N students (the demo school's header, 6 grades × 25 classes), then
runs ``schoolbot roster import`` on a fresh database as a separate process, twice (all
new, then all unchanged), and prints each run's wall time and peak RSS (the process's,
from ``wait4``); then loads the roster back from the database as the running bot does
(``load_roster``) and times that. Targets (issue 15): import ≤ 20 s and ≤ 400 MB, load
≤ 2 s at 150,000 students on the 2-core development machine.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot.school.classnames import ClassRef
from bot.school.roster_file import COLUMNS

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "小明红华丽强军伟芳娜敏静秀英建国志刚天佑佳怡子涵雨欣浩然俊杰梓萱"


def roster_rows(n: int, seed: int = 15) -> list[list[str]]:
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        grade, number = 1 + i % 6, 1 + (i // 6) % 25
        rows.append(
            [
                f"G5303{i:010d}",
                rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2)))),
                rnd.choice("男女"),
                ClassRef(grade, 1).canonical()[:3],
                ClassRef(grade, number).canonical(),
                rnd.choice(SURNAMES) + rnd.choice(GIVEN) + rnd.choice(GIVEN),
                f"1{rnd.choice('3589')}{rnd.randrange(10**9):09d}",
                rnd.choice("是否"),
                "是" if rnd.random() < 0.1 else "否",
                "是" if rnd.random() < 0.2 else "否",
            ]
        )
    return rows


def write_roster(path: Path, n: int, fmt: str) -> Path:
    header = [c.title for c in COLUMNS[:10]]
    rows = roster_rows(n)
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet()
        ws.append(["县学生名单（基准测试）"])
        ws.append(header)
        for r in rows:
            ws.append(r)
        wb.save(path)
    else:
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(header)
            w.writerows(rows)
    return path


def run_measured(args: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MB, output) of one ``schoolbot`` process."""
    t0 = time.perf_counter()
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    assert p.stdout is not None
    out = p.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit(f"failed ({p.returncode}):\n{out[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024, out  # ru_maxrss is in KB on Linux


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=150_000)
    ap.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    ap.add_argument("--db", default=None, help="database URL (default: a fresh SQLite file)")
    a = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        roster = write_roster(Path(tmp) / f"county.{a.format}", a.students, a.format)
        db = a.db or f"sqlite:///{Path(tmp) / 'county.db'}"
        cmd = [sys.executable, "-c", "from bot.cli import main; main()", "--db", db, "roster", "import", str(roster)]
        print(f"students {a.students:,}, {a.format} {roster.stat().st_size / 1e6:.1f} MB, db {db.split(':')[0]}")
        for what in ("first import (all new)", "second import (all unchanged)"):
            secs, mb, out = run_measured(cmd)
            counts = " ".join(line for line in out.splitlines() if line.startswith(("新增", "未变")))
            print(f"{what}: {secs:.1f} s, peak RSS {mb:.0f} MB  [{counts}]")

        from sqlmodel import Session

        from storage.engine import make_engine
        from storage.queries import load_roster

        engine = make_engine(db)
        with Session(engine) as s:
            t0 = time.perf_counter()
            roster_ = load_roster(s, "qingshi")
            secs = time.perf_counter() - t0
        engine.dispose()
        print(f"load from the database (load_roster, with its name index): {secs:.2f} s for {len(roster_):,} students")


if __name__ == "__main__":
    main()
