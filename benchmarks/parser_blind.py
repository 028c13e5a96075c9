"""Exact-match rate of the absence-report parser on a blind round (a set written by someone
who never saw the parser, its corpus or its tests; see benchmarks/README.md, "Parser blind rounds").

    .venv/bin/python -m benchmarks.parser_blind tests/attendance/parsing/blind_round1.yaml [--show-misses]

The file uses the corpus shorthand (tests/attendance/parsing/corpus.py): the demo school,
`parse_report`, and a message is exact when every field of its `schoolbot parse` object
equals the label. Prints the figure and the mismatches per field; --show-misses lists each
miss with the fields that differ.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from tests.attendance.parsing.corpus import FIELDS, demo, expected, load, run


def print_miss(i: int, entry: dict, got: dict, want: dict, bad: list[str]) -> None:
    """One message the parser got wrong, with each field that differs."""
    print(f"#{i} {entry['text']!r} (from {entry.get('from')}, room {entry.get('room')}, {entry.get('date')})")
    for f in bad:
        print(f"   {f}: got  {json.dumps(got[f], ensure_ascii=False)}")
        print(f"   {' ' * len(f)}  want {json.dumps(want[f], ensure_ascii=False)}")


def score(path: Path, show_misses: bool = False) -> tuple[int, int]:
    entries = load((path,))
    _, roster, _ = demo()
    exact, wrong = 0, Counter()
    for i, entry in enumerate(entries):
        got, want = run(entry), expected(entry, roster)
        if got == want:
            exact += 1
            continue
        bad = [f for f in FIELDS if got.get(f) != want.get(f)]
        wrong.update(bad)
        if show_misses:
            print_miss(i, entry, got, want, bad)
    n = len(entries)
    print(f"{path.name}: {exact}/{n} exact = {exact / n:.1%}")
    print("mismatches per field: " + ", ".join(f"{f}={wrong.get(f, 0)}" for f in FIELDS))
    return exact, n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--show-misses", action="store_true")
    args = ap.parse_args(argv)
    exact, n = score(args.file, args.show_misses)
    return 0 if exact == n else 1


if __name__ == "__main__":
    sys.exit(main())
