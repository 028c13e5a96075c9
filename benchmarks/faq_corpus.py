"""FAQ matcher on its corpus (tests/faq/corpus.yaml): accuracy, quiet rate, speed.

    .venv/bin/python benchmarks/faq_corpus.py [-v] [--bm25]

Prints top-1 accuracy on the labelled questions (addressed: the ANSWER threshold; an
ambiguous match counts when its first candidate is right), how many of them would also
be answered unprompted in a group, the share of null messages kept quiet under the
unprompted threshold (and under the addressed one), per-topic confusion for misses,
cold start (jieba + catalogue + index) and throughput. With -v every miss is shown;
with --bm25 the matcher ranks with rank_bm25's Okapi BM25 instead of the idf-weighted
overlap it uses in production (for comparison).
"""

from __future__ import annotations

import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    t0 = time.perf_counter()
    from benchmarks.bm25_ranking import BM25Ranking
    from bot.faq.matcher import Matcher
    from bot.faq.ranking import OverlapRanking

    ranking = BM25Ranking if "--bm25" in argv else OverlapRanking
    matcher = Matcher(ranking=ranking)
    cold = time.perf_counter() - t0

    from tests.faq.corpus import load

    questions, nulls = load()

    right, unprompted_right, misses = 0, 0, []
    confusion: dict[str, Counter] = defaultdict(Counter)
    for text, topic in questions:
        m = matcher.match(text)
        if m.topic == topic:
            right += 1
        else:
            got = m.topic or f"null:{m.reason}"
            confusion[topic][got] += 1
            misses.append((topic, got, round(m.score, 3), text))
        if matcher.match(text, unprompted=True).topic == topic:
            unprompted_right += 1
    quiet, quiet_addr, loud = 0, 0, []
    for text in nulls:
        u = matcher.match(text, unprompted=True)
        if u.topic is None:
            quiet += 1
        else:
            loud.append((u.topic, round(u.score, 3), text))
        if matcher.match(text).reason not in ("answered", "ambiguous"):
            quiet_addr += 1

    texts = [t for t, _ in questions] + nulls
    t1 = time.perf_counter()
    rounds = 3
    for _ in range(rounds):
        for t in texts:
            matcher.match(t)
    elapsed = time.perf_counter() - t1
    n = len(texts) * rounds

    print(f"ranking: {ranking.__name__}")
    print(
        f"questions: {len(questions)}  top-1 accuracy (addressed): {right}/{len(questions)} = {right / len(questions):.1%}"
    )
    print(
        f"           answered unprompted with the right topic: {unprompted_right}/{len(questions)} = "
        f"{unprompted_right / len(questions):.1%}"
    )
    print(
        f"nulls:     {len(nulls)}  kept quiet unprompted: {quiet}/{len(nulls)} = {quiet / len(nulls):.1%}; "
        f"no answer even when addressed: {quiet_addr}/{len(nulls)} = {quiet_addr / len(nulls):.1%}"
    )
    if confusion:
        print("confusion (expected → got ×n):")
        for topic in sorted(confusion):
            print(f"  {topic}: " + ", ".join(f"{g} ×{c}" for g, c in confusion[topic].most_common()))
    if loud:
        print("nulls answered unprompted:")
        for topic, score, text in loud:
            print(f"  {topic} {score}  {text}")
    if verbose and misses:
        print("misses:")
        for topic, got, score, text in misses:
            print(f"  {topic} → {got} ({score})  {text}")
    print(f"cold start (jieba + catalogue + index): {cold * 1000:.0f} ms")
    print(f"throughput: {n / elapsed:.0f} messages/s, {elapsed / n * 1000:.2f} ms per message")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
