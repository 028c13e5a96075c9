"""Teachers' reports through the whole path (store inbound → identify → parse → ledger →
reply → outbox → sent), against the floor: the very rows that path wrote, inserted again
with the raw driver (sqlite3 with the bot's pragmas, or psycopg), one transaction per
message, in the same run.

    .venv/bin/python -m benchmarks.ingest [--messages 600] [--db URL]

The school is the demo school on a fresh database; each head teacher reports her own
class once a school day at 08:00 (全勤, a child away with a reason, a roll-call, a child
back), so streaks, alerts and corrections happen as in a real term. Every message has its
own virtual minute, which is how the floor knows which rows were one message's.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import sqlite3
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# The tables a message writes, parents first, and the column that holds the time it was written.
TABLES = (
    ("inbound_message", "received_at"),
    ("absence", "created_at"),
    ("class_report", "created_at"),
    ("alert", "created_at"),
    ("alert_event", "at"),
    ("illness_cluster", "created_at"),
    ("ledger_change", "at"),
    ("pending_question", "created_at"),
    ("outbound_message", "created_at"),
)
# Self and forward references the floor cannot satisfy row by row: set later by updates.
LATER_REFS = {"absence": ("superseded_by",), "ledger_change": ("undone_by",)}


@dataclass
class IngestResult:
    messages: int
    seconds: float
    handle_ms: list[float]
    rows: int
    floor_seconds: float
    backend: str

    @property
    def msgs_per_s(self) -> float:
        return self.messages / self.seconds

    @property
    def floor_rows_per_s(self) -> float:
        """Rows per second of the floor, counted per message as the path's are: the
        floor's messages per second (one transaction each)."""
        return self.messages / self.floor_seconds

    @property
    def vs_floor(self) -> float:
        return self.floor_seconds / self.seconds


def messages(school, n: int, seed: int = 18) -> Iterator[tuple[str, str, str, dt.datetime]]:
    """(sender id, room topic, text, at) of n teachers' reports, one per teacher per day."""
    from zoneinfo import ZoneInfo

    from bot.school.calendar import SchoolCalendar

    rnd = random.Random(seed)
    cal = SchoolCalendar(school.term)
    tz = ZoneInfo(school.timezone)
    room = school.rooms_of_kind("staff")[0].topic
    heads = [s for s in school.staff if s.head_of]
    by_class: dict[str, list[str]] = defaultdict(list)
    for e in school.roster_file.entries:
        by_class[e.class_name].append(e.name)
    day, sent, minute = school.term.start, 0, 0
    away: dict[str, str] = {}
    while sent < n:
        if cal.is_school_day(day):
            for t in heads:
                if sent >= n:
                    break
                names = by_class[t.head_of]
                kid = rnd.choice(names)
                r = rnd.random()
                if t.head_of in away and r < 0.5:
                    text = f"{away.pop(t.head_of)}今天来了"
                elif r < 0.45:
                    text = "今天全勤"
                elif r < 0.65:
                    text = f"{kid}发烧了，请假一天"
                elif r < 0.8:
                    text = f"应到{len(names)} 实到{len(names) - 1}，{kid}家里有事请假"
                else:
                    text = f"{kid}今天没来，电话打不通"
                    away[t.head_of] = kid
                at = dt.datetime.combine(day, dt.time(8), tz) + dt.timedelta(minutes=minute)
                minute = (minute + 1) % 600
                yield t.wechat_id, room, text, at
                sent += 1
        day += dt.timedelta(days=1)


async def _run_path(url: str, n: int) -> tuple[float, list[float]]:
    from sqlmodel import Session

    from bot.chat.transports.base import IncomingMessage
    from bot.chat.transports.memory import MemoryTransport
    from bot.clock import VirtualClock
    from bot.runtime import Bootstrap, build_app, open_database
    from bot.school.config import load_school
    from bot.settings import Settings
    from storage.queries import sync_school

    school = load_school()
    engine = open_database(url)
    with Session(engine) as s:
        sync_school(s, school)
    msgs = list(messages(school, n))
    clock = VirtualClock(msgs[0][3] - dt.timedelta(hours=1), school.timezone)
    transport = MemoryTransport(clock)
    app = build_app(Bootstrap(Settings(db=url, instance_id="bench"), school, engine), transport, clock)
    await transport.start(app.handle)
    # Warm up what a running bot has warm (jieba, the roster, templates) on a message not counted.
    from bot.attendance.parsing.names import is_common_word

    is_common_word("高兴")  # jieba's tables, loaded at a running bot's first name
    sender, room = msgs[0][0], msgs[0][1]
    for k, text in enumerate(("帮助", "今天全勤")):
        await app.handle(IncomingMessage(f"warm{k}", room, sender, "", text, False, clock.now(), room_id=room))
    handle_ms: list[float] = []
    t0 = time.perf_counter()
    for i, (sender, room, text, at) in enumerate(msgs):
        clock.set(at)
        a = time.perf_counter()
        await app.handle(IncomingMessage(f"m{i}", room, sender, "", text, False, at, room_id=room))
        handle_ms.append((time.perf_counter() - a) * 1000)
    seconds = time.perf_counter() - t0
    transport.take()
    engine.dispose()
    return seconds, handle_ms


def _groups(rows_by_table: dict[str, tuple[list[str], list[tuple]]], since) -> list[list[tuple[str, list[str], tuple]]]:
    """The rows written after ``since``, grouped by the message (virtual minute) that wrote them."""
    groups: dict[object, list[tuple[str, list[str], tuple]]] = defaultdict(list)
    for table, (cols, rows) in rows_by_table.items():
        ti = cols.index(dict(TABLES)[table])
        for r in rows:
            if r[ti] is not None and r[ti] >= since:
                groups[r[ti]].append((table, cols, r))
    return [groups[k] for k in sorted(groups)]


def _names(cols: list[str]) -> str:
    return ",".join(f'"{c}"' for c in cols)  # "end" is a keyword on PostgreSQL


def _strip_later_refs(table: str, cols: list[str], row: tuple) -> tuple:
    drop = LATER_REFS.get(table, ())
    return tuple(None if c in drop else v for c, v in zip(cols, row, strict=True))


@contextmanager
def _scratch_sqlite() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        yield Path(tmp)


def _fresh_pg(url: str) -> tuple[str, object]:
    """A fresh database on the server of ``url``; returns (its URL, a function that drops it)."""
    import psycopg

    base = url.rsplit("/", 1)[0]
    name = f"schoolbot_bench_{uuid.uuid4().hex[:8]}"
    plain = base.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(f"{plain}/postgres", autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(f"{plain}/postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{base}/{name}", drop


def run(n: int, db: str | None = None) -> IngestResult:
    """The path and its floor, on SQLite (db None) or on the PostgreSQL server of ``db``."""
    from bot.runtime import open_database

    if db is None or db.startswith("sqlite"):
        with _scratch_sqlite() as tmp:
            url = f"sqlite:///{tmp / 'path.db'}"
            seconds, handle_ms = asyncio.run(_run_path(url, n))
            floor_url = f"sqlite:///{tmp / 'floor.db'}"
            open_database(floor_url).dispose()  # the same schema, by the same migrations
            rows, floor = _sqlite_floor(tmp / "path.db", tmp / "floor.db")
        return IngestResult(n, seconds, handle_ms, rows, floor, "sqlite")
    url, drop = _fresh_pg(db)
    floor_url, drop_floor = _fresh_pg(db)
    try:
        seconds, handle_ms = asyncio.run(_run_path(url, n))
        open_database(floor_url).dispose()
        rows, floor = _pg_floor(url, floor_url)
    finally:
        drop()  # type: ignore[operator]
        drop_floor()  # type: ignore[operator]
    return IngestResult(n, seconds, handle_ms, rows, floor, "postgresql")


def _sqlite_floor(src: Path, dst: Path) -> tuple[int, float]:
    from storage.engine import SQLITE_BUSY_TIMEOUT_MS

    s = sqlite3.connect(src)
    data = {}
    for table, _ in TABLES:
        cur = s.execute(f"select * from {table}")
        data[table] = ([d[0] for d in cur.description], cur.fetchall())
    since = s.execute("select received_at from inbound_message where message_id='m0'").fetchone()[0]
    s.close()
    groups = _groups(data, since)
    c = sqlite3.connect(dst, isolation_level=None)
    for p in ("journal_mode=WAL", "foreign_keys=ON", f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}", "synchronous=NORMAL"):
        c.execute(f"PRAGMA {p}")
    # What the path's rows point at outside the message (school, students, staff) exists on both.
    s = sqlite3.connect(src)
    for table in ("school", "student", "school_class", "staff", "room"):
        cur = s.execute(f"select * from {table}")
        cols = [d[0] for d in cur.description]
        c.execute("BEGIN")
        c.executemany(f"insert or ignore into {table} ({_names(cols)}) values ({','.join('?' * len(cols))})", cur)
        c.execute("COMMIT")
    s.close()
    prepared = [
        [
            (f"insert into {t} ({_names(cols)}) values ({','.join('?' * len(cols))})", _strip_later_refs(t, cols, r))
            for t, cols, r in g
        ]
        for g in groups
    ]
    t0 = time.perf_counter()
    for g in prepared:
        c.execute("BEGIN")
        for sql, row in g:
            c.execute(sql, row)
        c.execute("COMMIT")
    elapsed = time.perf_counter() - t0
    c.close()
    return sum(len(g) for g in groups), elapsed


def _pg_floor(src_url: str, dst_url: str) -> tuple[int, float]:
    import psycopg

    plain = lambda u: u.replace("postgresql+psycopg://", "postgresql://")  # noqa: E731
    data = {}
    with psycopg.connect(plain(src_url)) as s:
        for table, _ in TABLES:
            cur = s.execute(f"select * from {table}")
            data[table] = ([d.name for d in cur.description or []], cur.fetchall())
        since = s.execute("select received_at from inbound_message where message_id='m0'").fetchone()[0]  # type: ignore[index]
        base = {}
        for table in ("school", "student", "school_class", "staff", "room"):
            cur = s.execute(f"select * from {table}")
            base[table] = ([d.name for d in cur.description or []], cur.fetchall())
    groups = _groups(data, since)
    with psycopg.connect(plain(dst_url), autocommit=True) as c:
        for table, (cols, rows) in base.items():
            with c.transaction(), c.cursor() as cur:
                cur.executemany(
                    f"insert into {table} ({_names(cols)}) values ({','.join(['%s'] * len(cols))}) on conflict do nothing",
                    rows,
                )
        prepared = [
            [
                (
                    f"insert into {t} ({_names(cols)}) values ({','.join(['%s'] * len(cols))})",
                    _strip_later_refs(t, cols, r),
                )
                for t, cols, r in g
            ]
            for g in groups
        ]
        t0 = time.perf_counter()
        for g in prepared:
            with c.transaction():
                for sql, row in g:
                    c.execute(sql, row)  # type: ignore[arg-type]
        elapsed = time.perf_counter() - t0
    return sum(len(g) for g in groups), elapsed


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=600)
    ap.add_argument("--db", default=None, help="a PostgreSQL URL: run on fresh databases of that server")
    a = ap.parse_args(argv)
    r = run(a.messages, a.db)
    print(
        f"{r.backend}: {r.messages} messages, {r.rows} rows; path {r.msgs_per_s:.0f} msg/s, "
        f"floor {r.floor_rows_per_s:.0f} msg/s, path/floor {r.vs_floor:.2f}"
    )


if __name__ == "__main__":
    main()
