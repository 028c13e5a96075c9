"""Who a statement is about, and where: someone of the child's after the name, a child
seen in class (pure).

* "蒋天佑同桌没来" / "蒋天佑的妈妈没来": someone of the child's stands between the name and
  the predicate; the one away may be them, so the parser asks rather than guess — unless
  it is an adult's errand ("没来开家长会"), which is theirs outright.
* "胡子涵上课还咳嗽": illness words alone, said of a child in class, are a symptom seen at
  school, not an absence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.attendance.parsing import lexicon as L
from bot.attendance.parsing.kinds import Facts

# said of a child in school: a symptom there is the school nurse's, not an absence
AT_SCHOOL = re.compile(L.alt([*L.IN_CLASS, "课堂", "来了", "到校", "来学校"]))
_IN_CLASS = re.compile(L.alt(L.IN_CLASS))
_NOT_IN_CLASS = re.compile(L.alt(L.NOT_IN_CLASS))
# name, then someone of theirs, not speaking for the child
_SOMEONE_OF = re.compile(
    r"\s*(?:的|他的|她的|他|她|家)?\s*(?P<who>"
    + L.alt(L.SOMEONE_OF)
    + r")(?!\s*(?:说|讲|打电话|打了电话|反映|告诉|来电|发微信|联系|请|带|送|陪|讲的|妈|爸))"
)
_ADULT_ERRAND = re.compile(L.alt(L.ADULT_ERRANDS))
_GAP_BREAK = re.compile("[" + re.escape(L.CLAUSE_SEPS) + r"]|说|讲|娃|孩子|\ue000")
_AWAY_CATS = {"absent", "no_reason", "leave", "personal", "label_sick", "label_personal", "label_unexcused"}


@dataclass(frozen=True)
class Someone:
    word: str  # 同桌, 妈妈 …
    end: int  # where the word ends in the message
    errand: bool  # an adult's errand: theirs, nothing of the child's


def someone_of(m: str, s: str, name_end: int, clause_end: int, facts: Facts) -> Someone | None:
    """Someone of the child's between the name (ending at ``name_end`` in the masked text
    ``m``; ``s`` the cleaned text) and the first thing said of them."""
    x = _SOMEONE_OF.match(m, name_end)
    if x is None:
        return None
    first = next((w for w in sorted(facts.words, key=lambda w: w.start) if w.start >= name_end), None)
    if first is None or first.start < x.end() or first.cat not in ("absent", "no_reason", "sick"):
        return None  # "蒋天佑妈妈请假了": a leave a parent asks is the child's
    if _GAP_BREAK.search(m[x.end() : first.start]):
        return None  # "他爸来了，说娃病了": what follows is said of the child again
    return Someone(x.group("who"), x.end(), bool(_ADULT_ERRAND.search(s[x.end() : clause_end])))


def seen_in_class(said: str, facts: Facts) -> bool:
    """Only illness words, said of a child in class ("上课还咳嗽", "在班上说肚子疼")."""
    if facts.returned or any(
        w.cat in _AWAY_CATS and not (w.negated or w.hedged or w.old or w.kin) for w in facts.words
    ):
        return False
    return bool(_IN_CLASS.search(said)) and not _NOT_IN_CLASS.search(said)
