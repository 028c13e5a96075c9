"""Driving the local Wechaty gateway (gateway.mjs) and a ``schoolbot run`` process.

Shared by the end-to-end tests and ``benchmarks/wechaty_rtt.py``. Both processes are
read by a thread each, so a test can wait on what the gateway reports ("sent") or on
what the bot logs, with a timeout and without blocking the other pipe.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

E2E_DIR = Path(__file__).resolve().parent
REPO = E2E_DIR.parents[1]
GATEWAY = E2E_DIR / "gateway.mjs"
BOT_ID = "wxid_schoolbot"


def missing_prerequisites() -> str | None:
    """Why the gateway cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not installed (the e2e gateway is a Node script)"
    if not (E2E_DIR / "node_modules" / "wechaty-puppet-service").is_dir():
        return "tests/e2e/node_modules is missing: run `npm ci --prefix tests/e2e`"
    return None


def new_token() -> str:
    # The token travels as the HTTP/2 :authority: keep it to URL-safe characters.
    return f"schoolbot-e2e-{uuid.uuid4().hex[:12]}"


class _Lines:
    """A pipe read line by line on a thread; waiters are woken on every line."""

    def __init__(self, stream, parse: Callable[[str], object], sink=None) -> None:
        self.items: list = []
        self._cond = threading.Condition()
        self._parse, self._sink = parse, sink
        self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self._thread.start()

    def _pump(self, stream) -> None:
        for line in stream:
            if self._sink is not None:
                self._sink.write(line)
                self._sink.flush()
            item = self._parse(line.rstrip("\n"))
            if item is None:
                continue
            with self._cond:
                self.items.append(item)
                self._cond.notify_all()

    def wait(self, pred: Callable[[object], bool], timeout: float, start: int = 0):
        """The first item from index ``start`` on that fits ``pred``, or None after ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for item in self.items[start:]:
                    if pred(item):
                        return item
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._cond.wait(left)

    def join(self, timeout: float = 5) -> None:
        """After the process ended: wait until its last lines are read."""
        self._thread.join(timeout)

    def since(self, start: int) -> list:
        with self._cond:
            return list(self.items[start:])

    def __len__(self) -> int:
        with self._cond:
            return len(self.items)


def _json_or_none(line: str):
    try:
        return json.loads(line)
    except ValueError:
        return None


class Gateway:
    """gateway.mjs as a child process; ``port`` stays the same across restart()."""

    def __init__(self, token: str | None = None, port: int = 0, log_path: Path | None = None) -> None:
        self.token = token or new_token()
        self.port = port
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self.events: _Lines | None = None
        self._refs = itertools.count(1)
        self._lock = threading.Lock()
        self._files: list = []

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> Gateway:
        stderr = self._open(self.log_path) if self.log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            ["node", str(GATEWAY), "--port", str(self.port), "--token", self.token],
            cwd=E2E_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        # Every event also goes to <log>.events.jsonl: what a failed CI run sent, in order.
        sink = self._open(self.log_path.with_suffix(".events.jsonl")) if self.log_path else None
        self.events = _Lines(self.proc.stdout, _json_or_none, sink)
        ready = self.events.wait(lambda e: e.get("event") == "ready", timeout)
        if ready is None:
            self.kill()
            raise RuntimeError(f"the gateway did not start within {timeout}s (see {self.log_path})")
        self.port = ready["port"]
        return self

    def _open(self, path: Path):
        self._files.append(open(path, "a", encoding="utf-8"))
        return self._files[-1]

    def _close_files(self) -> None:
        if self.events is not None:
            self.events.join()
        for pipe in (self.proc.stdin, self.proc.stdout) if self.proc else ():
            try:
                pipe.close()
            except OSError:
                pass
        while self._files:
            self._files.pop().close()

    def kill(self) -> None:
        """Gone at once, like a crashed service (SIGKILL: no goodbye on the gRPC stream)."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._close_files()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            try:
                self.proc.stdin.write('{"cmd":"quit"}\n')
                self.proc.stdin.flush()
                self.proc.wait(5)
            except (OSError, subprocess.TimeoutExpired):
                self.kill()
        self._close_files()

    def restart(self, down_for: float = 0.0) -> None:
        self.kill()
        time.sleep(down_for)
        self.start()

    def mark(self) -> int:
        return len(self.events)

    def say(
        self,
        sender: str,
        text: str = "",
        room: str | None = None,
        *,
        room_id: str | None = None,
        mention: bool | None = None,
        kind: str = "text",
        age_s: float = 0,
        timeout: float = 10,
    ) -> dict:
        """Inject a message; returns the gateway's "injected" event (message id, time)."""
        ref = f"r{next(self._refs)}"
        cmd = {"cmd": "say", "from": sender, "room": room, "text": text, "kind": kind, "ref": ref}
        if room_id is not None:
            cmd["room_id"] = room_id
        if mention is not None:
            cmd["mention"] = mention
        if age_s:
            cmd["age_s"] = age_s
        with self._lock:
            self.proc.stdin.write(json.dumps(cmd, ensure_ascii=False) + "\n")
            self.proc.stdin.flush()
        ev = self.events.wait(lambda e: e.get("ref") == ref, timeout)
        if ev is None or ev.get("event") != "injected":
            raise RuntimeError(f"gateway did not inject {cmd}: {ev}")
        return ev

    def command(self, cmd: dict, timeout: float = 10) -> dict:
        """A control command (rename, newroom, join); returns the gateway's answer."""
        ref = f"r{next(self._refs)}"
        with self._lock:
            self.proc.stdin.write(json.dumps({**cmd, "ref": ref}, ensure_ascii=False) + "\n")
            self.proc.stdin.flush()
        ev = self.events.wait(lambda e: e.get("ref") == ref, timeout)
        if ev is None or ev.get("event") == "error":
            raise RuntimeError(f"gateway refused {cmd}: {ev}")
        return ev

    def sent(self, start: int = 0) -> list[dict]:
        return [e for e in self.events.since(start) if e.get("event") == "sent"]

    def wait_sent(self, pred: Callable[[dict], bool], timeout: float = 15, start: int = 0) -> dict | None:
        return self.events.wait(lambda e: e.get("event") == "sent" and pred(e), timeout, start)

    def wait_login(self, timeout: float = 30, start: int = 0) -> dict | None:
        return self.events.wait(lambda e: e.get("event") == "login", timeout, start)


def e2e_school(dest: Path) -> Path:
    """The demo school with each group's room id as the gateway gives it (room_N@chatroom,
    in school.toml order): on WeChat the bot knows a group by its id, never by its name."""
    src = REPO / "bot" / "data" / "demo_school"
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("roster.csv", "policy.toml"):
        if (src / name).exists():
            (dest / name).write_bytes((src / name).read_bytes())
    out, n = [], 0
    for line in (src / "school.toml").read_text(encoding="utf-8").splitlines():
        out.append(line)
        if line.startswith("topic = ") and out[-2:-1] == ["[[rooms]]"]:
            n += 1
            out.append(f'id = "room_{n}@chatroom"')
    (dest / "school.toml").write_text("\n".join(out) + "\n", encoding="utf-8")
    return dest


def schoolbot_command() -> list[str]:
    script = Path(sys.executable).with_name("schoolbot")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from bot.cli import main; main()"]


class SchoolBot:
    """``schoolbot run`` against a gateway, in its own folder (no litter in the repo)."""

    def __init__(self, workdir: Path, env: dict[str, str], log_path: Path | None = None) -> None:
        self.workdir, self.env, self.log_path = workdir, env, log_path
        self.proc: subprocess.Popen | None = None
        self.log: _Lines | None = None
        self._sink = None

    @staticmethod
    def env_for(
        gateway: Gateway, db_path: Path, *, clock_start: str | None = None, names: str = "schoolbot", **extra: str
    ) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("SCHOOLBOT_", "WECHATY_PUPPET_SERVICE_")) and k not in ("TOKEN", "ENDPOINT")
        }
        if names == "schoolbot":
            env.update(SCHOOLBOT_WECHATY_ENDPOINT=gateway.endpoint, SCHOOLBOT_WECHATY_TOKEN=gateway.token)
        else:  # the names every Wechaty bot reads
            env.update(WECHATY_PUPPET_SERVICE_ENDPOINT=gateway.endpoint, WECHATY_PUPPET_SERVICE_TOKEN=gateway.token)
        env.update(SCHOOLBOT_DB=f"sqlite:///{db_path}", PYTHONUNBUFFERED="1", PYTHONPATH=str(REPO))
        env["SCHOOLBOT_SCHOOL"] = str(e2e_school(db_path.parent / "school"))
        if clock_start:
            env["SCHOOLBOT_CLOCK_START"] = clock_start
        env.update(extra)
        return env

    def start(self) -> SchoolBot:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._sink = sink = open(self.log_path, "a", encoding="utf-8") if self.log_path else None
        self.proc = subprocess.Popen(
            [*schoolbot_command(), "run"],
            cwd=self.workdir,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        self.log = _Lines(self.proc.stdout, lambda line: line, sink)
        return self

    def wait_log(self, needle: str, timeout: float = 30, start: int = 0) -> str | None:
        return self.log.wait(lambda line: needle in line, timeout, start)

    def wait_logged_in(self, timeout: float = 60, start: int = 0) -> str | None:
        return self.wait_log("logged in as", timeout, start)

    def output(self) -> str:
        return "\n".join(self.log.since(0)) if self.log else ""

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.log.join()
        self.proc.stdout.close()
        if self._sink is not None:
            self._sink.close()
            self._sink = None
        return self.proc.returncode
