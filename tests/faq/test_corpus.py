"""The matcher on the corpus of parent messages (tests/faq/corpus.yaml)."""

from __future__ import annotations

from collections import Counter

from bot.faq import catalogue
from bot.faq.normalize import normalize
from tests.faq.corpus import load

QUESTIONS, NULLS = load()


def test_corpus_is_big_and_covers_every_topic():
    assert len(QUESTIONS) + len(NULLS) >= 300
    assert len(QUESTIONS) >= 200 and len(NULLS) >= 100
    per_topic = Counter(topic for _, topic in QUESTIONS)
    assert set(per_topic) == set(catalogue.TOPIC_IDS)
    assert min(per_topic.values()) >= 8, per_topic


def test_corpus_is_not_the_template_examples():
    examples = {normalize(e) for t in catalogue.topics() for e in t.examples}
    copied = [t for t, _ in QUESTIONS if normalize(t) in examples] + [t for t in NULLS if normalize(t) in examples]
    assert not copied


def test_top1_accuracy_on_questions(matcher):
    misses = [
        (topic, matcher.match(text).topic, text) for text, topic in QUESTIONS if matcher.match(text).topic != topic
    ]
    accuracy = 1 - len(misses) / len(QUESTIONS)
    assert accuracy >= 0.95, f"accuracy {accuracy:.1%}; misses: {misses}"


def test_nulls_stay_quiet_unprompted(matcher):
    loud = [
        (matcher.match(t, unprompted=True).topic, t)
        for t in NULLS
        if matcher.match(t, unprompted=True).topic is not None
    ]
    quiet = 1 - len(loud) / len(NULLS)
    assert quiet >= 0.95, f"quiet {quiet:.1%}; answered: {loud}"


def test_most_clear_questions_are_answered_unprompted(matcher):
    """Precision first, but a bot that never answers a group is no use either."""
    answered = sum(matcher.match(text, unprompted=True).topic == topic for text, topic in QUESTIONS)
    assert answered / len(QUESTIONS) >= 0.75


def test_unprompted_answers_are_right_when_given(matcher):
    wrong = [
        (topic, m.topic, text)
        for text, topic in QUESTIONS
        if (m := matcher.match(text, unprompted=True)).topic not in (None, topic)
    ]
    assert len(wrong) <= len(QUESTIONS) * 0.02, wrong
