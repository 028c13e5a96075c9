"""The FAQ corpus (corpus.yaml): labelled parent questions and messages that must stay null."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

CORPUS = Path(__file__).with_name("corpus.yaml")


@lru_cache(maxsize=1)
def load() -> tuple[list[tuple[str, str]], list[str]]:
    """([(text, topic id)], [null texts])."""
    raw = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    questions = [(str(text), topic) for topic, texts in raw["questions"].items() for text in texts]
    nulls = [str(t) for t in raw["nulls"]]
    return questions, nulls
