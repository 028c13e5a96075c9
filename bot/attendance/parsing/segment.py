"""Who each part of a message is about (pure).

The masked text is cut into clauses at punctuation (never inside parentheses). Names
that follow each other with only list separators between them (、，, 和 跟 及 还有, spaces,
同学) form one group sharing what comes after the last of them ("张洋和张洋洋今天都没
来，原因不明"); a parenthesis right after a name is that name's own ("李明（发烧）、王强
（家里有事）请假"). Text after a group's names is its own until the next name; clauses with
no name that follow are its continuation, unless they speak of the others (其他都到了).
A clause ending in a colon, or anything before the first name, is a header for the names
after it ("请假的有：…"). A clause that speaks of several (都/他们/两人) applies to every
group of its sentence.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from bot.attendance.parsing import lexicon as L
from bot.attendance.parsing.kinds import is_question

_LIST_SEP = re.compile(r"(?:\s|[、,/和跟及与同\ue002\ue003]|还有|以及|同学|学生|的)*")
_TAIL_SPLIT = re.compile(r"(?:\s|\ue004\ue005*|\ue002\ue003*|还有|另外|以及|然后|和)*$")
_OTHERS = re.compile(r"^\s*" + L.alt(L.OTHERS))
_PLURAL = re.compile(L.alt(L.PLURAL))
_CONTENT = re.compile(r"[^\s、,/和跟及与]")


@dataclass
class Clause:
    start: int
    end: int
    sep: str  # the punctuation that ends it ('' at the end)
    question: bool = False


@dataclass
class Piece:
    start: int
    end: int
    role: str  # header | pre | own | cont | shared | paren


@dataclass
class Member:
    index: int  # index into the list of name mentions
    start: int
    end: int
    paren: Piece | None = None


@dataclass
class Group:
    members: list[Member]
    pieces: list[Piece] = field(default_factory=list)
    open: bool = True  # the next clause may still add names to the list
    has_tail: bool = False


def split_clauses(m: str) -> list[Clause]:
    out: list[Clause] = []
    depth, start = 0, 0
    for i, c in enumerate(m):
        if c == "(":
            depth += 1
        elif c == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and c in L.CLAUSE_SEPS:
            out.append(Clause(start, i, c))
            start = i + 1
        elif c == "\n":
            depth = 0
            out.append(Clause(start, i, c))
            start = i + 1
    out.append(Clause(start, len(m), ""))
    for cl in out:
        cl.question = is_question(m[cl.start : cl.end], cl.sep)
    return [cl for cl in out if cl.end > cl.start or cl.sep == ":"]


def _paren_after(m: str, pos: int, limit: int) -> tuple[int, int] | None:
    j = pos
    while j < limit and m[j] == " ":
        j += 1
    if j < limit and m[j] == "(":
        k = m.find(")", j + 1, limit)
        k = k if k != -1 else limit
        return j + 1, k
    return None


def build_groups(m: str, clauses: list[Clause], names: list[tuple[int, int]], keys: list[str]) -> list[Group]:
    """``names``: (start, end) of each person mention, in order; ``keys``: their text."""
    groups: list[Group] = []
    headers: list[Piece] = []
    cur: Group | None = None
    sentence: list[Group] = []
    ni = 0
    for c in clauses:
        inside = []
        while ni < len(names) and names[ni][0] < c.end:
            if names[ni][0] >= c.start:
                inside.append(ni)
            ni += 1
        text = m[c.start : c.end]
        if not inside:
            if c.sep == ":":
                headers = [Piece(c.start, c.end, "header")]
                cur = None
            elif cur is None:
                headers.append(Piece(c.start, c.end, "header"))
            elif _OTHERS.match(text):
                pass
            elif _CONTENT.search(text):
                if len(sentence) > 1 and _PLURAL.search(text):
                    for g in sentence:
                        g.pieces.append(Piece(c.start, c.end, "shared"))
                else:
                    cur.pieces.append(Piece(c.start, c.end, "cont" if cur.has_tail else "own"))
                cur.has_tail, cur.open = True, False
        else:
            pos = c.start
            for k in inside:
                s, e = names[k]
                between = m[pos:s]
                # a name said again starts a new statement ("…、张敏，蒋天佑是生病了")
                repeated = cur is not None and any(keys[x.index] == keys[k] for x in cur.members)
                if cur is not None and cur.open and _LIST_SEP.fullmatch(between) and not repeated:
                    cur.members.append(Member(k, s, e))
                else:
                    pre_start = pos
                    if cur is not None and pos > c.start:
                        # text between two names: the earlier one's tail, except dates
                        # or a class right before the later name
                        tail = _TAIL_SPLIT.search(between)
                        assert tail is not None  # "(…)*$" matches at the end of any string
                        cut = tail.start()
                        if _CONTENT.search(between[:cut]):
                            cur.pieces.append(Piece(pos, pos + cut, "own"))
                            cur.has_tail = True
                        pre_start = pos + cut
                    cur = Group([Member(k, s, e)], [*headers, Piece(pre_start, s, "pre")])
                    groups.append(cur)
                    sentence.append(cur)
                pos = e
                par = _paren_after(m, pos, c.end)
                if par:
                    cur.members[-1].paren = Piece(par[0], par[1], "paren")
                    pos = min(par[1] + 1, c.end)
            assert cur is not None  # ``inside`` is not empty: the loop set it
            if _CONTENT.search(m[pos : c.end]):
                cur.pieces.append(Piece(pos, c.end, "own"))
                cur.has_tail, cur.open = True, False
            else:
                cur.open = True
        if c.sep in L.STRONG_SEPS:
            sentence = []
    _trailing_also(m, groups)
    return groups


_SAME = re.compile(r"\s*(?:也是|也一样|一样|同样|也这样|也是这样|同上|也)\s*(?:的)?\s*")
_ALSO_BEFORE = re.compile(r"(?:还有|以及|另外还有|另外|和|跟|及|也有)\s*$")


def _trailing_also(m: str, groups: list[Group]) -> None:
    """ "蒋天佑没来 还有张敏": names added after a report share what was said of it."""
    for prev, g in itertools.pairwise(groups):
        said = [p for p in g.pieces if p.role in ("own", "cont", "shared")]
        if said and all(_SAME.fullmatch(m[p.start : p.end]) for p in said):  # "张敏也是"
            g.pieces += [Piece(p.start, p.end, "shared") for p in prev.pieces if p.role in ("own", "cont", "shared")]
            continue
        if said or any(mb.paren for mb in g.members):
            continue
        pre = next((p for p in g.pieces if p.role == "pre"), None)
        if pre is None or (not _ALSO_BEFORE.search(m[pre.start : pre.end]) and pre.end > pre.start):
            continue
        if pre.end == pre.start and not _ALSO_BEFORE.search(m[max(0, pre.start - 4) : pre.start]):
            continue
        g.pieces += [Piece(p.start, p.end, "shared") for p in prev.pieces if p.role in ("own", "cont", "shared")]
