"""Every corpus message must parse to exactly its expected `schoolbot parse` object."""

from __future__ import annotations

import pytest

from tests.attendance.parsing.corpus import demo, expected, load, run

ENTRIES = load()


def test_corpus_is_big_enough():
    assert len(ENTRIES) >= 200


def _marks(entry: dict) -> list:
    # a blind message whose reading belongs to another issue's work ("pending: issue 17"):
    # expected to fail until that lands, then the strict xfail says to drop the mark
    if entry.get("pending"):
        return [pytest.mark.xfail(reason=f"pending {entry['pending']}", strict=True)]
    return []


@pytest.mark.parametrize(
    "entry",
    [pytest.param(e, marks=_marks(e)) for e in ENTRIES],
    ids=[f"{i:03d}-{e['text'][:14]}" for i, e in enumerate(ENTRIES)],
)
def test_corpus_entry(entry):
    _, roster, _ = demo()
    assert run(entry) == expected(entry, roster)
