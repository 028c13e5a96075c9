"""``schoolbot demo --web`` as a newcomer runs it: the week is played into the kept database,
the page is served, and the principal's printed link opens today's table."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

pytestmark = pytest.mark.slow


def test_demo_web_serves_the_week_and_prints_a_working_link(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    exe = os.path.join(os.path.dirname(sys.executable), "schoolbot")
    proc = subprocess.Popen(
        [exe, "--db", db, "demo", "--web", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("SCHOOLBOT_")},
    )
    try:
        link = None
        deadline = time.monotonic() + 240
        assert proc.stdout is not None
        for line in proc.stdout:
            if m := re.search(rf"http://127\.0\.0\.1:{port}/login/\S+", line):
                link = m.group(0)
                break
            assert time.monotonic() < deadline
        assert link, "no login link printed"
        with httpx.Client(follow_redirects=True, timeout=10) as client:
            for _ in range(100):
                try:
                    r = client.get(link)
                    break
                except httpx.ConnectError:
                    time.sleep(0.2)
            assert r.status_code == 200 and "青石镇中心小学 · 今日" in r.text
            assert "11月27日" in r.text and 'data-k="unexcused">1<' in r.text  # 王小明, the week's open case
            assert client.get(f"http://127.0.0.1:{port}/s/qingshi/trend").status_code == 200
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
