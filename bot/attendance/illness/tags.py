"""Symptom and disease tags from the reason of a sick absence (pure).

"发烧咳嗽 可能是流感" → 发热, 咳嗽 / 流感; "没发烧 就是拉肚子" → 腹泻 / 原因不明;
"奶奶住院了要照顾" → nothing (the illness is the grandmother's). A word counts unless a
negation stands right before it ("是不是甲流" is a guess, not a negation), the symptom is
said to be over (烧退了), or it belongs to a relative — from a relative's mention until
the child is spoken of again ("她哥哥得了手足口 她也有点发烧"); a relative who *tells* of
the child's illness ("他妈打电话说发烧了") is not ill. The longest word wins where two
overlap (红眼病 is 结膜炎 and 红眼). A guess ("可能是流感") counts: a school's 疫情报告人
would rather look once too often. A symptom with no disease named is 原因不明.
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
_SHAPES = [(label, re.compile(p)) for label, pats in L.PATTERNS.items() for p in pats]
_NEG = re.compile(r"(?:(?<!是)不是|没有|没|(?<![是要])不|无|排除了?)\s*(?:是|有|得|发|再|太|怎么|什么|出|长)?\s*$")
_OVER = {label: re.compile(_alt(words)) for label, words in L.OVER.items()}
_KIN = re.compile(_alt(L.KIN))
# (the rest of a longer kin word may stand between: "他妈妈说" is 他妈 + 妈 + 说)
_KIN_SPEAKS = re.compile(r"^\s*(?:妈|爸|奶|爷|婆|公|姥|的)?\s*(?:" + _alt(L.KIN_SPEAKS) + ")")
_CHILD = re.compile(r"孩子|娃|(?:他|她)(?:也|自己|本人)|自己|学生|本人|小孩|儿子|女儿|闺女|传给")
_NOT_ILL = re.compile(_alt(L.NOT_ILL))
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


def relatives(text: str) -> list[tuple[int, int]]:
    """Stretches of the text about a relative who is ill: from the mention to the next
    mention of the child (or the end)."""
    out = []
    for x in _KIN.finditer(text):
        if _KIN_SPEAKS.match(text[x.end() : x.end() + 4]):
            continue  # the relative tells of the child's illness
        back = _CHILD.search(text, x.end())
        out.append((x.start(), back.start() if back else len(text)))
    return out


def tag(text: str) -> Tags:
    """The child's symptoms and diseases stated in ``text`` (a reason, or a whole message)."""
    text = text or ""
    kin = relatives(text)

    def theirs(pos: int) -> bool:
        return any(a <= pos < b for a, b in kin)

    def negated(start: int) -> bool:
        return bool(_NEG.search(text[max(0, start - 4) : start]))

    symptoms: set[str] = set()
    diseases: set[str] = set()
    vague = False
    for x in _FIND.finditer(text):
        if negated(x.start()) or theirs(x.start()):
            continue
        kind, label = _WORDS[x.group(0)]
        if kind == "disease":
            diseases.add(label)
            if implied := L.IMPLIES.get(x.group(0)):
                symptoms.add(implied)
        elif kind == "symptom":
            symptoms.add(label)
        else:
            vague = True
    for label, rx in _SHAPES:
        for x in rx.finditer(text):
            if not (negated(x.start()) or theirs(x.start())):
                symptoms.add(label)
    for label, rx in _OVER.items():
        if rx.search(text) and label in symptoms and not _still(text, label):
            symptoms.discard(label)
    if not (symptoms or diseases) and _NOT_ILL.search(text):
        vague = False
    if (symptoms or vague) and not diseases:
        diseases.add(UNKNOWN)
    ill = bool(symptoms or diseases)
    return Tags(_order(symptoms, L.SYMPTOMS), _order(diseases, L.DISEASES), ill and bool(_SEEN.search(text)))


def _still(text: str, label: str) -> bool:
    """The symptom is also said to go on ("烧退了又烧起来了")."""
    return label == "发热" and bool(re.search(r"又烧|还在烧|又发烧|反复", text))
