"""The words teachers and parents use about attendance (data only, no logic).

Every list is a class of the language (illness words, family-business words, "did not
come" words …), not a list of test sentences; each module of this package holds one
family of them.
"""

from bot.attendance.parsing.lexicon.kinds import (
    ABSENT,
    HEDGES,
    ILLNESS_ITSELF,
    LABEL_PERSONAL,
    LABEL_SICK,
    LABEL_UNEXCUSED,
    LEAVE,
    NEGATORS,
    NO_REASON,
    PERSONAL,
    SICK,
    alt,
)
from bot.attendance.parsing.lexicon.messages import (
    ALL_PRESENT,
    CANCEL,
    CORRECT_TRIGGERS,
    CORRECT_VERBS,
    OTHERS,
    PLURAL,
    RECORD_WORDS,
)
from bot.attendance.parsing.lexicon.modality import (
    ADULT_ERRANDS,
    CONDITIONALS,
    IGNORANCE,
    IN_CLASS,
    NO_LEAVE,
    NOT_IN_CLASS,
    SOMEONE_OF,
)
from bot.attendance.parsing.lexicon.people import (
    BOT_NAMES,
    CLAUSE_SEPS,
    COMPOUND_SURNAMES,
    GREETINGS,
    KIN,
    LIST_SEP_CHARS,
    NOT_IN_NAME,
    NOT_NAMES,
    STRONG_SEPS,
    SURNAMES,
    TITLES,
)
from bot.attendance.parsing.lexicon.returns import ARRIVE, RECOVERED, RETURN_ADVERBS, RETURN_STRONG, RETURN_WEAK

__all__ = [
    "ABSENT",
    "ADULT_ERRANDS",
    "ALL_PRESENT",
    "ARRIVE",
    "BOT_NAMES",
    "CANCEL",
    "CLAUSE_SEPS",
    "COMPOUND_SURNAMES",
    "CONDITIONALS",
    "CORRECT_TRIGGERS",
    "CORRECT_VERBS",
    "GREETINGS",
    "HEDGES",
    "IGNORANCE",
    "ILLNESS_ITSELF",
    "IN_CLASS",
    "KIN",
    "LABEL_PERSONAL",
    "LABEL_SICK",
    "LABEL_UNEXCUSED",
    "LEAVE",
    "LIST_SEP_CHARS",
    "NEGATORS",
    "NOT_IN_CLASS",
    "NOT_IN_NAME",
    "NOT_NAMES",
    "NO_LEAVE",
    "NO_REASON",
    "OTHERS",
    "PERSONAL",
    "PLURAL",
    "RECORD_WORDS",
    "RECOVERED",
    "RETURN_ADVERBS",
    "RETURN_STRONG",
    "RETURN_WEAK",
    "SICK",
    "SOMEONE_OF",
    "STRONG_SEPS",
    "SURNAMES",
    "TITLES",
    "alt",
]
