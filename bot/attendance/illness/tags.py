"""Symptom and disease tags from the reason of a sick absence (pure).

"发烧咳嗽 可能是流感" → 发热, 咳嗽 / 流感; "没发烧 就是拉肚子" → 腹泻 / 原因不明;
"奶奶住院了要照顾" → nothing (the illness is the grandmother's). A word counts unless
a negation stands right before it or it belongs to a family member; the longest word
wins where two overlap (红眼病 is 结膜炎, not only 红眼). A guess ("可能是流感") counts:
the school's 疫情报告人 would rather look once too often.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.attendance.illness import lexicon as L

UNKNOWN = "原因不明"
OTHER = "其他"


def _alt(words: list[str]) -> str:
    return "|".join(sorted(map(re.escape, set(words)), key=len, reverse=True))


_WORDS: dict[str, tuple[str, str]] = {}
for _label, _words in L.DISEASES.items():
    for _w in _words:
        _WORDS.setdefault(_w, ("disease", _label))
for _label, _words in L.SYMPTOMS.items():
    for _w in _words:
        _WORDS.setdefault(_w, ("symptom", _label))
for _w in L.ILL_VAGUE:
    _WORDS.setdefault(_w, ("vague", UNKNOWN))
_FIND = re.compile(_alt(list(_WORDS)))
_NEG = re.compile(r"(?:" + _alt(L.NEGATIONS) + r")\s*(?:是|有|得|发|再|太|怎么|什么)?\s*$")
_KIN = re.compile(r"(?:" + _alt(L.KIN) + r")(?:的)?\s*(?:身体|突然|最近|又|也|得了|生了)?\s*$")
_CHILD = re.compile(r"孩子|娃|他自己|她自己|学生|本人|小孩|儿子|女儿|闺女")
_SEEN = re.compile(_alt(L.SEEN_DOCTOR))


@dataclass(frozen=True)
class Tags:
    symptoms: tuple[str, ...] = ()
    diseases: tuple[str, ...] = ()
    seen_doctor: bool = False

    @property
    def ill(self) -> bool:
        return bool(self.symptoms or self.diseases)


def _order(labels: set[str], catalogue: dict[str, list[str]]) -> tuple[str, ...]:
    return tuple(k for k in catalogue if k in labels) + ((UNKNOWN,) if UNKNOWN in labels else ())


def tag(text: str) -> Tags:
    """The child's symptoms and diseases stated in ``text`` (a reason, or a whole message)."""
    text = text or ""
    symptoms: set[str] = set()
    diseases: set[str] = set()
    vague = False
    kin_at: int | None = None
    for x in _FIND.finditer(text):
        before = text[max(0, x.start() - 4) : x.start()]
        if _NEG.search(before):
            continue
        if _KIN.search(text[max(0, x.start() - 6) : x.start()]):
            kin_at = x.end()
            continue
        if kin_at is not None and not _CHILD.search(text[kin_at : x.start()]):
            continue  # still about the relative: "奶奶生病住院了"
        kind, label = _WORDS[x.group(0)]
        if kind == "disease":
            diseases.add(label)
            if label == "结膜炎":
                symptoms.add("红眼")
        elif kind == "symptom":
            symptoms.add(label)
        else:
            vague = True
    if (symptoms or vague) and not diseases:
        only_injury = symptoms == {"受伤"}
        diseases.add(OTHER if only_injury else UNKNOWN)
    ill = bool(symptoms or diseases)
    return Tags(_order(symptoms, L.SYMPTOMS), _order(diseases, L.DISEASES), ill and bool(_SEEN.search(text)))
