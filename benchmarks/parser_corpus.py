"""Exact-match rate of the absence-report parser on its tuned corpus (corpus.yaml, heldout.yaml and
the blind rounds that joined it; entries marked ``pending`` wait on another issue and are counted apart).

    .venv/bin/python benchmarks/parser_corpus.py [-v]

Prints the number of messages, how many parse to exactly the expected object, and for
each field of the `schoolbot parse` object how many messages got it wrong. With -v,
every mismatch is shown.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.parser_blind import print_miss
from tests.attendance.parsing.corpus import FIELDS, demo, expected, load, run


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    entries = load()
    _, roster, _ = demo()
    run(entries[0])  # warm up (jieba dictionary)
    exact, wrong = 0, Counter()
    t0 = time.perf_counter()
    pending = 0
    for i, entry in enumerate(entries):
        got, want = run(entry), expected(entry, roster)
        if entry.get("pending") and got != want:
            pending += 1
            continue
        if got == want:
            exact += 1
            continue
        bad = [f for f in FIELDS if got.get(f) != want.get(f)]
        wrong.update(bad)
        if verbose:
            print_miss(i, entry, got, want, bad)
    elapsed = time.perf_counter() - t0
    n = len(entries)
    print(f"messages: {n}")
    print(f"exact match: {exact}/{n} = {exact / n:.1%}" + (f" ({pending} pending another issue)" if pending else ""))
    print("mismatches per field: " + ", ".join(f"{f}={wrong.get(f, 0)}" for f in FIELDS))
    print(f"time: {elapsed * 1000 / n:.1f} ms per message")
    return 0 if exact + pending == n else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
