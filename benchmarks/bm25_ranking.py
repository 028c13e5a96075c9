"""Okapi BM25 (rank_bm25) over one document per FAQ topic (examples, keywords x3,
phrases x2): the ranking the matcher's idf-weighted overlap was compared with
(``benchmarks/faq_corpus.py --bm25``). A benchmark's tool, not the bot's."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rank_bm25 import BM25Okapi

from bot.faq.ranking import Scored

KEYWORD_WEIGHT = 3
PHRASE_WEIGHT = 2


class BM25Ranking:
    """BM25 (rank_bm25) over one document per topic."""

    def __init__(
        self,
        topics: Sequence,
        tokens: Callable[..., list[str]],
        normalize: Callable[[str], str],
        *,
        k1: float = 1.2,
        b: float = 0.6,
    ) -> None:
        self.ids = [t.id for t in topics]
        self._tokens = tokens
        docs = []
        for t in topics:
            doc: list[str] = []
            for ex in t.examples:
                doc += tokens(normalize(ex), doc=True)
            for kw in t.keywords:
                doc += tokens(normalize(kw), doc=True, search=False) * KEYWORD_WEIGHT
            for ph in getattr(t, "phrases", ()):
                doc += tokens(normalize(ph), doc=True, search=False) * PHRASE_WEIGHT
            docs.append(doc or ["<empty>"])
        self.bm25 = BM25Okapi(docs, k1=k1, b=b)
        self.vocabulary = set().union(*(set(d) for d in docs))

    def scores(self, query_tokens: list[str]) -> list[Scored]:
        known = [t for t in dict.fromkeys(query_tokens) if t in self.vocabulary]
        if not known:
            return [Scored(i, 0.0) for i in self.ids]
        raw = self.bm25.get_scores(known)
        ranked = sorted(zip(self.ids, raw, strict=False), key=lambda p: -p[1])
        return [Scored(i, float(s)) for i, s in ranked]
