"""Words the FAQ matcher knows (data only): fillers, dialect and synonyms, policy terms, and
what keeps it quiet.

Kept apart from the code so a school or a maintainer can extend the language without
touching the matcher. Everything here is simplified Chinese: the text is converted
before these tables are used.
"""

from bot.faq.lexicon.guards import (
    CHILD_RESULT,
    CHILD_STATUS,
    CHITCHAT,
    MEAL_CONTENT,
    OFF_TOPIC,
    QUESTION_MARKERS,
    THANKS,
)
from bot.faq.lexicon.terms import AID_WORDS, SHORT_TERMS, SINGLE_CHARS, STOPWORDS, TERMS
from bot.faq.lexicon.wording import FILLERS, SYNONYMS

__all__ = [
    "AID_WORDS",
    "CHILD_RESULT",
    "CHILD_STATUS",
    "CHITCHAT",
    "FILLERS",
    "MEAL_CONTENT",
    "OFF_TOPIC",
    "QUESTION_MARKERS",
    "SHORT_TERMS",
    "SINGLE_CHARS",
    "STOPWORDS",
    "SYNONYMS",
    "TERMS",
    "THANKS",
]
