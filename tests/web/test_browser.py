"""The page in a real browser: Playwright for Python driving Debian's chromium.

Logged in by a link as a principal would be from WeChat; today's table shows the digest's
numbers for the same day; the trend chart is drawn (its canvas has ink); a head teacher
opening another class's address gets 403; no page scrolls sideways at 375 px.
Skipped locally without /usr/bin/chromium; with CI set they must run (``.ci/run`` installs it).
Set SCHOOLBOT_SCREENSHOTS=docs to refresh the README's screenshots (docs/web_*.png).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest
from sqlmodel import Session

from bot.reports import digest
from tests.conftest import PRINCIPAL, WANGFANG
from tests.web.conftest import ROOT
from tests.web.test_routes import ids

pytestmark = pytest.mark.browser
CHROMIUM = Path(os.environ.get("SCHOOLBOT_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 375, "height": 740}


def _need_browser():
    reason = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "playwright is not installed"
    if reason is None and not CHROMIUM.exists():
        reason = f"no chromium at {CHROMIUM} (apt-get install chromium)"
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"the browser tests must run in CI: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def browser(demo_db):
    # The demo week is played (asyncio.run) before Playwright's sync API holds this thread's loop.
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def served(web):
    """The app on a real port (uvicorn in a thread), for the browser."""
    import uvicorn

    from bot.web.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(web.deps), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    web.base = f"http://127.0.0.1:{port}"
    yield web
    server.should_exit = True
    thread.join(timeout=10)


def _page(browser, served, who):
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="zh-CN")
    page = context.new_page()
    r = page.goto(served.base + served.link(who))
    assert r is not None and r.ok
    return page


def _no_sideways_scroll(page):
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"{page.url}: {width} px wide in a {inner} px window"


def _shot(page, name):
    where = os.environ.get("SCHOOLBOT_SCREENSHOTS")
    if where:
        out = ROOT / where / f"web_{name}.png"
        page.screenshot(path=str(out))
        _shrink(out)


def _shrink(path: Path) -> None:
    """A palette PNG: a screenshot of flat colours needs no 24 bits (the README's stay small)."""
    from PIL import Image

    with Image.open(path) as im:
        im.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def test_a_principal_logs_in_by_link_and_sees_the_digests_numbers(browser, served):
    page = _page(browser, served, PRINCIPAL)
    assert page.url.endswith("/s/qingshi/today")
    with Session(served.deps.engine) as s:
        school = served.deps.schools["qingshi"]
        d = digest.daily(s, school, served.clock.now().astimezone(school.tz).date())
    shown = {
        k: page.locator(f'#summary [data-k="{k}"], .kinds [data-k="{k}"]').inner_text()
        for k in ("enrolled", "present", "absent", "unexcused", "sick", "personal", "part")
    }
    assert shown == {
        "enrolled": str(d.enrolled),
        "present": str(d.enrolled - d.absent_total),
        "absent": str(d.absent_total),
        "unexcused": str(d.by_kind.get("unexcused", 0)),
        "sick": str(d.by_kind.get("sick", 0)),
        "personal": str(d.by_kind.get("personal", 0)),
        "part": str(len(d.part_days)),
    }
    rows = page.locator("#classes tbody tr")
    assert rows.count() == len(school.roster(Session(served.deps.engine)).classes)
    # the class with 王小明 away shows him as 未到校 in its row
    away = [c for c in d.classes if c.absent]
    for line in away:
        row = page.locator("#classes tbody tr", has_text=line.name)
        assert row.locator("td").nth(4).inner_text() == str(line.counts.get("unexcused", 0) or "")
    _no_sideways_scroll(page)
    _shot(page, "today")


def test_the_trend_chart_is_drawn(browser, served):
    page = _page(browser, served, PRINCIPAL)
    page.goto(served.base + "/s/qingshi/trend")
    page.wait_for_selector("#rate-chart canvas")
    page.wait_for_selector("#kind-chart canvas")
    for chart in ("#rate-chart", "#kind-chart"):
        ink = page.evaluate(
            """(sel) => {
                const c = document.querySelector(sel + ' canvas');
                const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let n = 0;
                for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
                return [n, c.width * c.height];
            }""",
            chart,
        )
        assert ink[0] > ink[1] * 0.02, f"{chart}: only {ink[0]} of {ink[1]} pixels drawn"
    _no_sideways_scroll(page)
    _shot(page, "trend")


def test_a_head_teacher_opening_another_class_gets_403(browser, served):
    own, other, _wang, someone = ids(served)
    page = _page(browser, served, WANGFANG)
    assert page.url.endswith(f"/s/qingshi/c/{own}/today")
    assert "三年级二班" in page.inner_text("h1")
    for url in (f"/s/qingshi/c/{other}/today", "/s/qingshi/today", f"/s/qingshi/student/{someone}"):
        r = page.goto(served.base + url)
        assert r is not None and r.status == 403, url
        assert "不能查看" in page.inner_text("h1")
    r = page.goto(served.base + f"/s/qingshi/c/{own}/trend")
    assert r is not None and r.status == 200


def test_no_page_scrolls_sideways_on_a_phone(browser, served):
    _own, _other, wang, _ = ids(served)
    page = _page(browser, served, PRINCIPAL)
    for url in (
        "/s/qingshi/today",
        "/s/qingshi/trend",
        "/s/qingshi/cases",
        f"/s/qingshi/student/{wang}",
        "/s/qingshi/ledger",
        "/s/qingshi/monthly",
        "/s/qingshi/monthly?month=2026-10",
        f"/s/qingshi/c/{_own}/today",
        f"/s/qingshi/c/{_own}/monthly",
    ):
        r = page.goto(served.base + url)
        assert r is not None and r.ok, url
        _no_sideways_scroll(page)
