"""Accuracy of the 因病缺课 tagger (bot/attendance/illness/tags.py) on its labelled reasons.

    .venv/bin/python -m benchmarks.illness_tags [-v]

Two figures: the tuning set (tests/attendance/illness/reasons.yaml) and the held-out set
(reasons_heldout.yaml: written blind, frozen on 2026-12-01, never tuned on). A reason is
right when both its symptoms and its diseases are exactly the labels.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.attendance.illness import tag  # noqa: E402

SETS = {
    "tuning": ROOT / "tests" / "attendance" / "illness" / "reasons.yaml",
    "held-out": ROOT / "tests" / "attendance" / "illness" / "reasons_heldout.yaml",
}


def score(path: Path, verbose: bool = False) -> tuple[int, int, int, int]:
    """(exact, symptoms right, diseases right, total)"""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    exact = sym = dis = 0
    for e in entries:
        got = tag(e["text"])
        s_ok = set(got.symptoms) == set(e.get("symptoms") or [])
        d_ok = set(got.diseases) == set(e.get("diseases") or [])
        sym += s_ok
        dis += d_ok
        exact += s_ok and d_ok
        if verbose and not (s_ok and d_ok):
            print(
                f"  {e['text']!r}: got {list(got.symptoms)}/{list(got.diseases)}, want {e.get('symptoms')}/{e.get('diseases')}"
            )
    return exact, sym, dis, len(entries)


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    sets = [k for k in SETS if k != "held-out"] if "--tuning-only" in argv else list(SETS)
    for name in sets:
        exact, sym, dis, n = score(SETS[name], verbose and name == "tuning")
        print(
            f"{name}: {n} reasons, exact {exact}/{n} = {exact / n:.1%}; symptoms {sym / n:.1%}, diseases {dis / n:.1%}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
