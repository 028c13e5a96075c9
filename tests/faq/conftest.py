"""FAQ tests share one matcher (jieba and the catalogue load once per session)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def matcher():
    from bot.faq.matcher import default

    return default()
