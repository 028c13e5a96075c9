"""What a piece of a report says about a student: absent or back, and why (pure).

``scan`` finds attendance words in a masked clause, longest word first, so 没请假 is
one word (no reason: unexcused) and never 请假 (leave). ``Facts`` adds them up over the
clauses about one student and ``Facts.kind`` decides: an explicit label (病假/事假/旷课)
unless negated or corrected away ("不是旷课，是病假"); else an illness → sick; else a
family matter or a leave asked for → personal; else "did not come" / "联系不上" → unexcused.
Guesses (可能是感冒) are no reason.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.attendance.illness.tags import relatives
from bot.attendance.parsing import lexicon as L
from bot.attendance.parsing.spans import MARKS

if TYPE_CHECKING:  # segment imports this module
    from bot.attendance.parsing.segment import Piece

# word -> category; when a word is in two lists the first listed category wins
_CATEGORIES = [
    ("label_unexcused", L.LABEL_UNEXCUSED),
    ("label_sick", L.LABEL_SICK),
    ("label_personal", L.LABEL_PERSONAL),
    ("no_reason", L.NO_REASON),
    ("absent", L.ABSENT),
    ("return", L.RETURN_STRONG),
    ("sick", L.SICK),
    ("personal", L.PERSONAL),
    ("leave", L.LEAVE),
    ("weak_return", L.RETURN_WEAK),
    ("record", L.RECORD_WORDS),
    ("cancel", L.CANCEL),
]
CATEGORY: dict[str, str] = {}
for _cat, _words in _CATEGORIES:
    for _w in _words:
        CATEGORY.setdefault(_w, _cat)
_WORDS = re.compile(L.alt(CATEGORY))
_HEDGE = re.compile(L.alt(L.HEDGES))
_NEG_BEFORE = re.compile(r"(?:不是|不算|并非|并不是|没有|没|不|别|而非|未)\s*(?:是|因为|算|得|说)?\s*$")
# An illness word right after a family member is theirs, not the child's: 奶奶生病,
# 他爸住院了, 陪妈妈看病 — the child stays home for a family matter (personal).
_KIN_ILL = re.compile(
    L.alt([k for k in L.KIN if k != "家里"] + ["家里有人", "家人", "家里人", "亲人", "亲戚"])
    + r"\s*(?:身体|又|也|突然|最近|得了|生了|病得)?\s*$"
)
_CHILD_AGAIN = re.compile(r"他|她|孩子|娃|自己|本人|也")
_OLD_AFTER = re.compile(r"^\s*(?:改成|改为|换成|更正为|应该是|应为|要改|->|→|写错)")
_WEAK_PREFIX = re.compile(
    "^(?:[\\s,]|"
    + "|".join(sorted(map(re.escape, L.RETURN_ADVERBS + L.RECOVERED), key=len, reverse=True))
    + "|上午|下午|早上|中午|\ue004|\ue005|\ue000|\ue001)*$"
)
_QUESTION = re.compile(
    r"(?:[吗么](?:\s|$)|呢\s*$|谁|哪个|哪些|哪位|有没有|是不是|是否|几个|多少|什么时候|何时|怎么|为什么|为啥|咋|"
    r"了\s*(?:没|没有)\s*$|(?:来|到|到校|回来|回校|返校|来学校|来上课)(?:没|没有|不)\s*$|来没来|到没到|来不来|回没回|在不在)"
)

_NO_LEAVE = set(L.NO_LEAVE)
_ILLNESS_ITSELF = set(L.ILLNESS_ITSELF)
_SHORT_LABELS = {"事": "label_personal", "旷": "label_unexcused", "病": "label_sick", "假": "leave"}
LABELS = {"label_sick": "sick", "label_personal": "personal", "label_unexcused": "unexcused"}
REASON_CATS = {"sick", "personal", "no_reason", "label_sick", "label_personal", "label_unexcused"}


@dataclass
class Word:
    start: int  # offset in the whole masked text
    end: int
    text: str
    cat: str
    negated: bool = False
    hedged: bool = False
    old: bool = False  # the wrong one in a correction (旷课改为病假)
    kin: bool = False  # a relative's illness: a reason for a leave, not itself an absence


_IGNORANCE = re.compile(L.alt(L.IGNORANCE))
_ASKS_STILL = re.compile(r"[吗么]\s*$")


# 主要是/就是 are no 要是; "余宁的话" (as for 余宁) is a topic, not a condition
_CONDITIONAL = re.compile(
    "(?<![主只就还总重需])" + L.alt(w for w in L.CONDITIONALS if w != "的话") + "|(?<![\ue000\ue001])的话"
)


def is_hypothetical(clause: str) -> bool:
    """如果/万一/…的话: said of what may happen; it neither reports nor asks the ledger."""
    return bool(_CONDITIONAL.search(clause))


def is_question(clause: str, sep: str) -> bool:
    """A question — or a hypothetical, which reports nothing either."""
    if sep == "?" or _CONDITIONAL.search(clause):
        return True
    known = _IGNORANCE.search(clause)
    if known:
        # "不知道咋个回事" / "不清楚为什么没来": an embedded question states not knowing;
        # only what comes before it, or a 吗 at the end, still asks
        return bool(_QUESTION.search(clause[: known.start()]) or _ASKS_STILL.search(clause[known.end() :]))
    return bool(_QUESTION.search(clause))


# 请假 around a duration that is already masked: 请两天假, 请了三天病假
_ASK_LEAVE = re.compile("(?<![没未不])请(?:了|个|过)?\\s*[\ue006\ue007]+\\s*(?:的)?(?P<k>病|事)?假")


def scan(m: str, start: int, end: int) -> list[Word]:
    """Attendance words in m[start:end] (one clause or part of one)."""
    text = m[start:end]
    out: list[Word] = []
    taken: list[tuple[int, int]] = []
    short = _SHORT_LABELS.get(text.strip())
    if short:  # "(事)" / "(旷)" in a list: the label cut to one character
        return [Word(start, end, text, short)]
    for x in _ASK_LEAVE.finditer(text):
        cat = {"病": "label_sick", "事": "label_personal"}.get(x.group("k") or "", "leave")
        out.append(Word(start + x.start(), start + x.end(), x.group(0), cat))
        taken.append(x.span())
    kin_ill: int | None = None
    theirs = relatives(text)
    for x in _WORDS.finditer(text):
        if any(a <= x.start() < b for a, b in taken):
            continue
        w = Word(start + x.start(), start + x.end(), x.group(0), CATEGORY[x.group(0)])
        before = text[: x.start()]
        if w.cat == "sick" and (
            _KIN_ILL.search(before[-6:])
            or (kin_ill is not None and not _CHILD_AGAIN.search(text[kin_ill : x.start()]))
            or any(a <= x.start() < b for a, b in theirs)
        ):
            # ... and so are the illness words after it, until the child is spoken of
            # again: "奶奶生病了要去医院照顾" (the hospital is the grandmother's)
            w.cat, w.kin = "personal", True
            kin_ill = x.end() if kin_ill is None else kin_ill
        if w.cat in ("sick", "personal", "leave", "label_sick", "label_personal", "label_unexcused"):
            w.negated = bool(_NEG_BEFORE.search(before[-4:]))
            w.hedged = bool(_HEDGE.search(before))
            w.old = bool(_OLD_AFTER.match(text[x.end() : x.end() + 4]))
        if w.cat == "weak_return":
            # a space stands for a comma in phone typing: "周一周二都没来 今天来了"
            tail = re.split(r"(?<=[\u4e00-\u9fff])\s+(?=\S)", before)[-1]
            if not _WEAK_PREFIX.match(tail):
                continue
            w.cat = "return"
        out.append(w)
    return out


@dataclass
class Facts:
    words: list[Word] = field(default_factory=list)

    def add(self, words: list[Word]) -> None:
        self.words.extend(words)

    def has(self, *cats: str) -> bool:
        return any(w.cat in cats and not (w.negated or w.hedged or w.old) for w in self.words)

    @property
    def absent(self) -> bool:
        """Something here says the student is (or will be) away; a relative's illness alone
        does not ("她弟弟得了水痘" — the child is in school)."""
        return any(
            w.cat in ("absent", "no_reason", "sick", "personal", "leave", *LABELS)
            and not (w.negated or w.hedged or w.old or w.kin)
            for w in self.words
        )

    @property
    def illness_denied(self) -> bool:
        """ "其实不是生病" / "没生病": the illness itself is denied."""
        return any(w.cat == "sick" and w.negated and w.text in _ILLNESS_ITSELF for w in self.words)

    @property
    def returned(self) -> bool:
        return self.has("return")

    @property
    def kind(self) -> str:
        labels = [w for w in self.words if w.cat in LABELS and not (w.negated or w.old)]
        if labels:
            return (
                LABELS[labels[-1].cat]
                if any(w.cat in LABELS for w in self.words if w.negated or w.old)
                else LABELS[labels[0].cat]
            )
        if self.has("sick") and not self.illness_denied:
            return "sick"
        if any(w.text in _NO_LEAVE and not w.negated for w in self.words):
            return "unexcused"  # "去吃酒了 没请假": a family business with no leave asked is truancy
        if self.has("personal", "leave"):
            return "personal"
        return "unexcused"

    @property
    def label(self) -> str | None:
        """The explicit label (病假/事假/旷课) left standing, if any."""
        labels = [w for w in self.words if w.cat in LABELS and not (w.negated or w.old)]
        return LABELS[labels[-1].cat] if labels else None

    @property
    def corrected_kind(self) -> tuple[str | None, str] | None:
        """(old kind or None, new kind) when a label is negated or replaced."""
        old = [w for w in self.words if w.cat in LABELS and (w.negated or w.old)]
        new = [w for w in self.words if w.cat in LABELS and not (w.negated or w.old)]
        if not new:
            new = [w for w in self.words if w.cat in ("sick", "personal") and not (w.negated or w.old or w.hedged)]
            if not (old and new):
                return None
            return LABELS[old[0].cat], new[-1].cat
        if old:
            return LABELS[old[0].cat], LABELS[new[-1].cat]
        return None


_FILLER_HEAD = re.compile(
    r"^(?:[\s,、:]|因为|由于|是|说|说是|据说|听说|已经|都|也|还|又|今天|因|的|了|就|今|家长说|同学|孩子|两个都|两个|俩|三个都|"
    + L.alt(L.ABSENT + L.LABEL_SICK + L.LABEL_PERSONAL)
    + r")+"
)
_FILLER_TAIL = re.compile(
    # what is left of "想请一天假" and "其他都到了" once the leave and the roll-call are read
    r"(?:[\s,、:。!]|了|的|呢|啊|所以|就|都|也|还|想要|需要|准备|打算|想|要|其他|其余|别的|"
    + L.alt(L.ABSENT + [w for w in L.LEAVE if not w.startswith("请的")] + ["未能到校", "不能来"])
    + r")+$"
)


def reason_text(s: str, m: str, spans: Sequence[Piece | tuple[int, int]], words: list[Word]) -> str | None:
    """The reason as the teacher wrote it, from the cleaned text: each clause that gives
    one (or says who asked for the leave), without names, dates, durations and the kind
    words the confirmation already shows: "肚子疼，家长打电话请的假", "打他妈电话关机"."""
    parts: list[str] = []
    if any(w.negated or w.old for w in words if w.cat in LABELS):  # a correction: the new label
        new = [w.text for w in words if w.cat in REASON_CATS and not (w.negated or w.old or w.hedged)]
        return new[-1] if new else None
    for p in spans:
        a, b = p if isinstance(p, tuple) else (p.start, p.end)
        here = [w for w in words if a <= w.start < b and not (w.negated or w.hedged or w.old)]
        if not any(w.cat in REASON_CATS | {"leave"} for w in here):
            continue
        raw = "".join(s[i] for i in range(a, b) if m[i] not in MARKS).strip()
        raw = _trim(raw)
        if len(raw) <= 1 or raw in _BARE_KIND:
            # only a kind word was left: the kind shows it; a lone reason word stays
            raw = next((w.text for w in here if w.cat in REASON_CATS - set(LABELS)), "")
        if raw and raw not in parts:
            parts.append(raw)
    return "，".join(parts) or None


# what is left of "请病假到下周五" once the date is gone
_LEAVE_UNTIL = re.compile(r"(?:请(?:了)?(?:病|事)?假)?(?:到|至|直到)$")


def _trim(raw: str) -> str:
    while True:
        cut = _LEAVE_UNTIL.sub("", _FILLER_TAIL.sub("", _FILLER_HEAD.sub("", raw)).strip()).strip()
        if cut == raw:
            return cut
        raw = cut


_BARE_KIND = set(L.LABEL_SICK + L.LABEL_PERSONAL + L.LABEL_UNEXCUSED + L.LEAVE + L.ABSENT + ["请假了", "假"])
