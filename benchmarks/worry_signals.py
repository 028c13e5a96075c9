"""How often the worry signals (bot/parents/signals.py) fire on parents' messages that
are not worries: the FAQ corpus (tests/faq/corpus.yaml: aid questions, chit-chat, one
child's matters), each message that fires printed for a person to judge.

    .venv/bin/python -m benchmarks.worry_signals

The corpus was written for the FAQ, not for this: a message that fires may well be a
real worry ("娃不想读书了 硬是不去 咋个办" is one, and goes to the head teacher).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.parents.signals import worries  # noqa: E402


def _texts(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from _texts(v)
    elif isinstance(node, list):
        for v in node:
            yield from _texts(v)


def main() -> None:
    texts = list(_texts(yaml.safe_load((ROOT / "tests" / "faq" / "corpus.yaml").read_text(encoding="utf-8"))))
    t0 = time.perf_counter()
    fired = [(t, [w.family.value for w in worries(t)]) for t in texts]
    ms = (time.perf_counter() - t0) * 1000 / len(texts)
    hits = [(t, f) for t, f in fired if f]
    for t, f in hits:
        print(f"{'、'.join(f):24} {t}")
    print(f"{len(hits)} of {len(texts)} messages fire ({ms:.3f} ms per message)")


if __name__ == "__main__":
    main()
