"""Every corpus message must parse to exactly its expected `schoolbot parse` object."""

from __future__ import annotations

import pytest

from tests.attendance.parsing.corpus import demo, expected, load, run

ENTRIES = load()


def test_corpus_is_big_enough():
    assert len(ENTRIES) >= 200


@pytest.mark.parametrize("entry", ENTRIES, ids=[f"{i:03d}-{e['text'][:14]}" for i, e in enumerate(ENTRIES)])
def test_corpus_entry(entry):
    _, roster, _ = demo()
    assert run(entry) == expected(entry, roster)
