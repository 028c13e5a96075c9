"""How well staff questions are read: the query parser on its tuning set and on the frozen held-out set.

    .venv/bin/python -m benchmarks.query_corpus [-v]

Prints, for tests/queries/corpus.yaml (tuned on), tests/queries/heldout.yaml (never
tuned on, but its first run's misses were seen) and tests/queries/blind_round1.yaml (written
blind by someone who never saw the parser, frozen, never tuned on), how many questions parse to exactly the expected {what, scope, period}, and
which of the three was wrong; with -v every mismatch of the tuning set (never of the\nheld-out set, so that nobody tunes on it).
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.queries.corpus import CORPUS, HELDOUT, ask, expected, load

# 60 questions written blind (from docs/SPEC.md §6a alone) after the parser existed; frozen
BLIND = CORPUS.with_name("blind_round1.yaml")


def score(path: Path, verbose: bool) -> tuple[int, int, Counter]:
    entries = load(path)
    exact, wrong = 0, Counter()
    for entry in entries:
        got, want = ask(entry), expected(entry)
        if got == want:
            exact += 1
            continue
        if got is None or want is None:
            wrong["is a query"] += 1
        else:
            wrong.update(k for k in ("what", "scope", "period") if got[k] != want[k])
        if verbose and path not in (HELDOUT, BLIND):  # never shown: nobody tunes on them
            print(f"  {entry['t']!r} ({entry['by']})\n     got  {json.dumps(got, ensure_ascii=False)}")
            print(f"     want {json.dumps(want, ensure_ascii=False)}")
    return exact, len(entries), wrong


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    ask(load(CORPUS)[0])  # warm up (jieba dictionary, the deployment)
    for label, path in (("tuned", CORPUS), ("held-out", HELDOUT), ("blind 1", BLIND)):
        t0 = time.perf_counter()
        exact, n, wrong = score(path, verbose)
        ms = (time.perf_counter() - t0) * 1000 / n
        detail = ", ".join(f"{k} {v}" for k, v in wrong.most_common()) or "none wrong"
        print(f"{label:9} {exact}/{n} exact ({100 * exact / n:.1f} %), {ms:.2f} ms per question; wrong: {detail}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
