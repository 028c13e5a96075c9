"""Ranking topics for a message (pure once built): scores per topic, best first.

``OverlapRanking`` (the matcher's): idf-weighted overlap with each topic's core terms,
keywords, phrases and example words (benchmarks/bm25_ranking.py holds the Okapi BM25
ranking it was compared with).
Keywords and phrases count whole (没收到 does not also count 收到); examples and
messages are cut in search mode.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Scored:
    topic: str
    score: float


class Ranking(Protocol):
    """What the matcher asks of a ranking (OverlapRanking, benchmarks' BM25Ranking)."""

    def scores(self, query_tokens: list[str]) -> list[Scored]: ...


class OverlapRanking:
    """What the matcher uses: idf-weighted overlap of the message's tokens with each topic.

    A token weighs idf × how the topic holds it: a core term 1.5 (营养餐 defines
    nutrition_meal), a keyword 1.0, a phrase 0.7, a word of an example question 0.5.
    Unlike BM25, how often the examples repeat a word does not count: a topic with many
    examples about 两免一补 does not drown the topic about studying 外地 that mentions it
    once (tests/faq corpus: 96% against BM25's 95%, and fewer close calls).
    """

    def __init__(
        self,
        topics: Sequence,
        tokens: Callable[..., list[str]],
        normalize: Callable[[str], str],
        **_ignored: object,
    ) -> None:
        import math

        self.ids = [t.id for t in topics]
        self.weights: list[dict[str, float]] = []
        for t in topics:
            w: dict[str, float] = {}
            for ex in t.examples:
                for tok in tokens(normalize(ex), doc=True):
                    w[tok] = max(w.get(tok, 0), 0.5)
            for ph in getattr(t, "phrases", ()):
                for tok in tokens(normalize(ph), doc=True, search=False):
                    w[tok] = max(w.get(tok, 0), 0.7)
            for kw in t.keywords:
                for tok in tokens(normalize(kw), doc=True, search=False):
                    w[tok] = max(w.get(tok, 0), 1.0)
            for kw in getattr(t, "core", ()):
                for tok in tokens(normalize(kw), doc=True, search=False):
                    w[tok] = 1.5
            self.weights.append(w)
        df: dict[str, int] = {}
        for w in self.weights:
            for tok in w:
                df[tok] = df.get(tok, 0) + 1
        n = len(topics)
        self.idf = {tok: math.log(1 + n / d) for tok, d in df.items()}
        self.vocabulary = set(df)

    def scores(self, query_tokens: list[str]) -> list[Scored]:
        known = [t for t in dict.fromkeys(query_tokens) if t in self.vocabulary]
        raw = [sum(self.idf[q] * w.get(q, 0.0) for q in known) for w in self.weights]
        ranked = sorted(zip(self.ids, raw, strict=False), key=lambda p: -p[1])
        return [Scored(i, float(s)) for i, s in ranked]
