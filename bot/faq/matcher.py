"""Which FAQ topic a message asks about, or None when the bot should stay quiet.

    match(text) -> Match(topic, score, candidates, reason)

reason: answered | ambiguous | below_threshold | chit_chat | child_specific | off_topic | empty.
The steps: normalise (normalize.py), repair homophone slips of policy terms
(pinyin.py), cut into tokens (segment.py), refuse what is not a question for the FAQ
(guard.py), rank the topics (ranking.py). ``score`` is the best topic's evidence
squashed to 0..1 (raw / (raw + HALF)).
Two thresholds: ``ANSWER`` when someone addressed the bot (direct message, @-mention),
``UNPROMPTED`` (higher) for a group message nobody addressed to it, which must also
name an aid subject (a topic keyword such as 营养餐, 中职, 请假 — not just a way of
asking such as 找谁), be a question, not a long paste, and not a close call between two
topics. An addressed message with no aid subject needs ``ANSWER_NO_TERM``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from bot.faq import catalogue, guard, lexicon, segment
from bot.faq import normalize as N
from bot.faq.ranking import OverlapRanking, Ranking

HALF = 2.5  # raw overlap evidence at which the score is 0.5 (thresholds are calibrated for OverlapRanking)
ANSWER = 0.35  # addressed: answer from here
ANSWER_NO_TERM = 0.50  # addressed, but no aid subject named
ANSWER_CLEAR = 0.25  # addressed, aid subject named, and the best topic far ahead …
CLEAR_LEAD = 1.4  # … by this factor over the second: a short generic question (资助怎么申请)
UNPROMPTED = 0.45  # unaddressed group message (with an aid subject and a question)
AMBIGUOUS_RATIO = 0.80  # second best at least this share of the best → ask which
UNPROMPTED_MAX_CHARS = 120  # a longer unaddressed message is a forwarded notice, not a question


@dataclass(frozen=True)
class Match:
    topic: str | None
    score: float
    candidates: tuple[str, ...] = ()
    reason: str = "below_threshold"
    aid_subject: bool = False  # names an aid subject (topic keyword or 补助/资助 …)
    scores: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def answered(self) -> bool:
        return self.reason == "answered"

    def to_json(self) -> dict:
        return {"topic": self.topic, "score": round(self.score, 3), "candidates": list(self.candidates)}


def squash(raw: float) -> float:
    return raw / (raw + HALF) if raw > 0 else 0.0


class Matcher:
    def __init__(
        self,
        topics: Iterable[catalogue.Topic] | None = None,
        ranking: Callable[[Sequence[catalogue.Topic], Callable[..., list[str]], Callable[[str], str]], Ranking]
        | None = None,
    ) -> None:
        started = time.perf_counter()
        self.topics = tuple(topics or catalogue.topics())
        segment.add_terms(
            (p for t in self.topics for p in t.phrases), strong=[k for t in self.topics for k in t.keywords + t.core]
        )
        self.ranking: Ranking = (ranking or OverlapRanking)(self.topics, segment.tokens, N.normalize)
        # Whole keywords (after normalising), looked for in the repaired text.
        self.topic_terms = sorted(
            {n for t in self.topics for k in t.keywords if len(n := N.normalize(k)) >= 2}, key=len, reverse=True
        )
        self.load_seconds = time.perf_counter() - started

    def match(self, text: str, *, unprompted: bool = False) -> Match:
        cleaned = N.clean(text or "")
        normalized = N.canonical(N.drop_fillers(cleaned))
        repaired = segment.repair(normalized)
        toks = segment.tokens(repaired, repaired=True)
        words = list(segment.tokenizer().cut(repaired))
        has_topic_term = any(t in repaired for t in self.topic_terms)
        has_aid_term = has_topic_term or any(w in repaired for w in lexicon.AID_WORDS)
        asks = N.is_question(cleaned)
        blocked = guard.classify(repaired, words, has_aid_term=has_aid_term, has_topic_term=has_topic_term, asks=asks)
        if blocked:
            return Match(None, 0.0, (), blocked, has_aid_term)
        ranked = self.ranking.scores(toks)
        best, second = ranked[0], ranked[1]
        score = squash(best.score)
        scores = {s.topic: round(squash(s.score), 3) for s in ranked[:5] if s.score > 0}
        if unprompted:
            threshold = UNPROMPTED
        else:
            threshold = ANSWER if has_aid_term else ANSWER_NO_TERM
        close = second.score > 0 and second.score >= AMBIGUOUS_RATIO * best.score
        candidates = (best.topic, second.topic) if close else (best.topic,)
        clear = not unprompted and has_aid_term and score >= ANSWER_CLEAR and best.score >= CLEAR_LEAD * second.score
        if (score < threshold and not clear) or best.score <= 0:
            return Match(None, score, candidates if best.score > 0 else (), "below_threshold", has_aid_term, scores)
        if unprompted and (not has_aid_term or not asks or len(normalized) > UNPROMPTED_MAX_CHARS):
            return Match(None, score, candidates, "below_threshold", has_aid_term, scores)
        if close:
            return Match(None if unprompted else best.topic, score, candidates, "ambiguous", has_aid_term, scores)
        return Match(best.topic, score, candidates, "answered", has_aid_term, scores)


@lru_cache(maxsize=1)
def default() -> Matcher:
    return Matcher()


def match(text: str, *, unprompted: bool = False) -> Match:
    return default().match(text, unprompted=unprompted)
