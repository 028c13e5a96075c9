"""Round trip through the local Wechaty gateway: a bare python-wechaty ding-dong bot
against ``schoolbot run``, side by side.

    .venv/bin/python benchmarks/wechaty_rtt.py [--messages 300] [--burst 200] [--text 帮助]

Needs Node and ``npm ci --prefix tests/e2e``. The round trip is measured on the
gateway's clock: from just before it injects a direct message to the moment the bot's
reply reaches ``messageSendText``. Every message comes from its own sender, so each
reply is matched to its message exactly (lost, duplicated, out of order).
Sequential: one message at a time, the next after the reply. Burst: all at once.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.e2e.harness import Gateway, SchoolBot, missing_prerequisites  # noqa: E402

REPLY_TIMEOUT_S = 5.0


# -- the bare bot (run as a child process of this script) ------------------------------
async def _bare_bot(endpoint: str, token: str) -> None:
    import socket

    # isort: off
    import bot.chat.transports.wechaty_shim

    # isort: on
    from wechaty import Wechaty, WechatyOptions
    from wechaty_puppet import PuppetOptions

    class DingDong(Wechaty):
        async def on_login(self, contact) -> None:
            print("READY", flush=True)

        async def on_message(self, msg) -> None:
            if msg.is_self() or not msg.text().startswith("ding"):
                return
            room = msg.room()
            # Straight to the puppet, like schoolbot: Contact.say() would then reload the
            # sent message by an id the mock never returns, and fail after sending.
            await self.puppet.message_send_text(room.room_id if room else msg.talker().contact_id, "dong")

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    bot = DingDong(
        WechatyOptions(puppet_options=PuppetOptions(), endpoint=endpoint, token=token, host="127.0.0.1", port=port)
    )
    await bot.start()  # stock python-wechaty: returns when the event stream ends


# -- measuring -------------------------------------------------------------------------
def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def sequential(gw: Gateway, n: int, text: str, tag: str) -> dict:
    rtts, lost = [], 0
    senders = [f"wxid_bench_{tag}_s{i}" for i in range(n)]
    start = gw.mark()
    for sender in senders:
        mark = gw.mark()
        injected = gw.say(sender, text)
        reply = gw.wait_sent(lambda e, s=sender: e["contact"] == s, REPLY_TIMEOUT_S, start=mark)
        if reply is None:
            lost += 1
        else:
            rtts.append(reply["t"] - injected["t"])
    time.sleep(1.0)  # late duplicates
    counts = _reply_counts(gw, start, senders)
    return {"rtts": rtts, "lost": lost, "dup": sum(max(0, c - 1) for c in counts.values())}


def burst(gw: Gateway, n: int, text: str, tag: str) -> dict:
    senders = [f"wxid_bench_{tag}_b{i}" for i in range(n)]
    start = gw.mark()
    first_t = None
    for sender in senders:
        ev = gw.say(sender, text)
        first_t = first_t or ev["t"]
    deadline = time.monotonic() + max(30.0, n * 0.2)
    wanted = set(senders)
    while time.monotonic() < deadline:
        if wanted <= {e["contact"] for e in gw.sent(start)}:
            break
        time.sleep(0.05)
    time.sleep(1.0)
    replies = [e for e in gw.sent(start) if e["contact"] in wanted]
    counts = _reply_counts(gw, start, senders)
    order = {s: i for i, s in enumerate(senders)}
    firsts, seen = [], set()
    for e in replies:
        if e["contact"] not in seen:
            seen.add(e["contact"])
            firsts.append(order[e["contact"]])
    out_of_order = sum(1 for a, b in itertools.pairwise(firsts) if b < a)
    last_t = max((e["t"] for e in replies), default=first_t)
    return {
        "total_s": (last_t - first_t) / 1000,
        "lost": len(wanted - seen),
        "dup": sum(max(0, c - 1) for c in counts.values()),
        "out_of_order": out_of_order,
    }


def _reply_counts(gw: Gateway, start: int, senders: list[str]) -> dict[str, int]:
    counts = dict.fromkeys(senders, 0)
    for e in gw.sent(start):
        if e["contact"] in counts:
            counts[e["contact"]] += 1
    return counts


def run_bare(gw: Gateway, args, logdir: Path) -> dict:
    env = {**os.environ, "WECHATY_LOG": "warn", "CACHE_DIR": str(logdir / "cache"), "PYTHONPATH": str(REPO)}
    errlog = open(logdir / "bare.log", "w")
    proc = subprocess.Popen(
        [sys.executable, __file__, "--bare-bot", gw.endpoint, gw.token],
        env=env,
        cwd=logdir,
        stdout=subprocess.PIPE,
        stderr=errlog,
        text=True,
    )
    try:
        if proc.stdout.readline().strip() != "READY":
            raise SystemExit(f"the bare bot did not log in (see {logdir / 'bare.log'})")
        gw.say("wxid_bench_warmup_bare", "ding")
        time.sleep(0.5)
        return {"seq": sequential(gw, args.messages, "ding", "bare"), "burst": burst(gw, args.burst, "ding", "bare")}
    finally:
        proc.kill()
        proc.wait()
        errlog.close()


def run_schoolbot(gw: Gateway, args, logdir: Path) -> dict:
    bot = SchoolBot(
        logdir / "schoolbot", SchoolBot.env_for(gw, logdir / "bench.db"), log_path=logdir / "schoolbot.log"
    ).start()
    try:
        if bot.wait_logged_in(60) is None:
            raise SystemExit(f"schoolbot run did not log in (see {logdir / 'schoolbot.log'})")
        gw.say("wxid_bench_warmup_school", args.text)
        time.sleep(0.5)
        return {
            "seq": sequential(gw, args.messages, args.text, "school"),
            "burst": burst(gw, args.burst, args.text, "school"),
        }
    finally:
        bot.stop()


def report(bare: dict, school: dict, args) -> None:
    rows = [
        (
            "sequential: median RTT (ms)",
            statistics.median(bare["seq"]["rtts"]),
            statistics.median(school["seq"]["rtts"]),
        ),
        ("sequential: p95 RTT (ms)", pct(bare["seq"]["rtts"], 95), pct(school["seq"]["rtts"], 95)),
        ("sequential: max RTT (ms)", max(bare["seq"]["rtts"]), max(school["seq"]["rtts"])),
        ("sequential: lost", bare["seq"]["lost"], school["seq"]["lost"]),
        ("sequential: duplicated", bare["seq"]["dup"], school["seq"]["dup"]),
        (f"burst of {args.burst}: all answered in (s)", bare["burst"]["total_s"], school["burst"]["total_s"]),
        ("burst: lost", bare["burst"]["lost"], school["burst"]["lost"]),
        ("burst: duplicated", bare["burst"]["dup"], school["burst"]["dup"]),
        ("burst: replies out of order", bare["burst"]["out_of_order"], school["burst"]["out_of_order"]),
    ]
    print(
        f"\nRound trip through the local Wechaty gateway ({args.messages} sequential DMs; "
        f"schoolbot answers {args.text!r})\n"
    )
    print(f"{'':40} {'ding-dong':>12} {'schoolbot':>12} {'ratio':>8}")
    for label, a, b in rows:
        ratio = f"{b / a:.1f}x" if isinstance(a, float) and a > 0 else ""
        fmt = (lambda v: f"{v:12.2f}") if isinstance(a, float) else (lambda v: f"{v:12d}")
        print(f"{label:40} {fmt(a)} {fmt(b)} {ratio:>8}")


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--bare-bot":
        asyncio.run(_bare_bot(sys.argv[2], sys.argv[3]))
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--messages", type=int, default=300)
    ap.add_argument("--burst", type=int, default=200)
    ap.add_argument("--text", default="帮助", help="what schoolbot is asked (a DM); e.g. 营养餐一天补助多少钱")
    args = ap.parse_args()
    if reason := missing_prerequisites():
        raise SystemExit(reason)
    with tempfile.TemporaryDirectory(prefix="wechaty-rtt-") as tmp:
        logdir = Path(tmp)
        gw = Gateway(log_path=logdir / "gateway.log").start()
        try:
            bare = run_bare(gw, args, logdir)
            # A fresh gateway: the second bot must not meet the first one's state.
            gw.restart()
            school = run_schoolbot(gw, args, logdir)
        finally:
            gw.stop()
    report(bare, school, args)


if __name__ == "__main__":
    main()
