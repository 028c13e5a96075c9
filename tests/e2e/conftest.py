"""Fixtures for the end-to-end tests: a local Wechaty gateway and ``schoolbot run``.

Without Node or tests/e2e/node_modules the tests skip with the reason, except in CI
(env CI set), where a missing prerequisite is a failure: CI must run them.
"""

from __future__ import annotations

import os

import pytest

from tests.e2e.harness import Gateway, SchoolBot, missing_prerequisites

# A Monday in term: the bot's clock starts a little before the 16:30 digest.
CLOCK_START = "2026-11-23T16:29:50+08:00"


@pytest.fixture(scope="session")
def e2e_prerequisites():
    reason = missing_prerequisites()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"end-to-end Wechaty tests must run in CI: {reason}", pytrace=False)
        pytest.skip(f"end-to-end Wechaty tests skipped: {reason}")


@pytest.fixture(scope="module")
def e2e_dir(tmp_path_factory, e2e_prerequisites):
    return tmp_path_factory.mktemp("e2e")


@pytest.fixture(scope="module")
def gateway(e2e_dir):
    gw = Gateway(log_path=e2e_dir / "gateway.log").start()
    yield gw
    gw.stop()


@pytest.fixture(scope="module")
def schoolbot(gateway, e2e_dir):
    """One bot for the module, on a clock that starts at CLOCK_START (a school day)."""
    bot = SchoolBot(
        e2e_dir / "bot",
        SchoolBot.env_for(gateway, e2e_dir / "bot.db", clock_start=CLOCK_START),
        log_path=e2e_dir / "bot.log",
    ).start()
    if bot.wait_logged_in(timeout=60) is None:
        bot.stop()
        pytest.fail(f"schoolbot run did not log in to the gateway:\n{bot.output()[-4000:]}", pytrace=False)
    yield bot
    code = bot.stop()
    assert code == 0 or code == -2, f"schoolbot run ended with {code}:\n{bot.output()[-4000:]}"
