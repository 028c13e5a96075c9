"""Whole-message patterns: corrections, undo, staff queries, reports naming nobody (pure).

All of them read the masked text, where every person mention is a run of name marks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.attendance.parsing import lexicon as L
from bot.attendance.parsing.spans import NAME_RE

_N = "(" + NAME_RE + ")"
_SEP = r"\s*[,]?\s*"
_WRONG = r"(?:写错了?|打错了?|报错了?|弄错了?|搞错了?|发错了?)"
_SAID_OF = r"(?:病假|事假|旷课|请假|缺勤|没来|未到|记录|那条|迟到)"
_TO = r"(?:应该是|应是|应为|改成|改为|换成|更正为|其实是|实际是|实际上是|才是)"
_NAME_FIX = [
    (re.compile(r"把\s*" + _N + r"\s*(?:改成|改为|换成|更正为)\s*" + _N), (1, 2)),
    (re.compile(r"不是\s*" + _N + _SEP + r"(?:而)?是\s*" + _N), (1, 2)),
    (re.compile(r"是\s*" + _N + _SEP + r"不是\s*" + _N), (2, 1)),
    (re.compile(_N + r"\s*(?:的|同学)?\s*" + _WRONG + "?" + _SEP + r"(?:\S{0,3}?)" + _TO + r"\s*" + _N), (1, 2)),
    # "李静报错了，是李婧" / "李静病假报错了，应该是李婧": what was said of the name may stand between
    (re.compile(_N + r"\s*(?:的)?\s*" + _SAID_OF + "?" + r"\s*" + _WRONG + _SEP + r"(?:应该|其实)?是\s*" + _N), (1, 2)),
    # "刚才说的杨强是郑强" / "林立新不是我们班的 写错了 是姜立新"
    (re.compile(r"(?:说|报|写|发)的\s*" + _N + _SEP + r"(?:应该|其实)?是\s*" + _N), (1, 2)),
    (
        re.compile(
            _N
            + r"\s*(?:不是|不在)(?:我们|我|咱们|咱|本|这个)班(?:的)?"
            + _SEP
            + f"(?:{_WRONG})?"
            + _SEP
            + r"(?:应该|其实)?是\s*"
            + _N
        ),
        (1, 2),
    ),
]
_CANCEL = re.compile(L.alt(L.CANCEL))
_CORRECT_TRIGGER = re.compile(L.alt(L.CORRECT_TRIGGERS))
_RECORD_AFTER = re.compile(r"^\s*(?:的)?\s*(?:" + L.alt(L.RECORD_WORDS) + "|情况|考勤)")
_LOOKUP_BEFORE = re.compile(r"(?:查一下|查询|查查|查看|看看|看一下|调出|调取|查)\s*$")
_CHILD = re.compile(r"(?:孩子|小孩|娃|我家|我们家|俺家|儿子|女儿|闺女|宝宝|孙子|孙女|外孙)")
_NOBODY = re.compile(r"(?:没人|没有人|无人|没有学生|一个都没|都没有|没有谁|暂无|无缺勤|没有缺勤)")


def name_correction(m: str, starts: dict[int, int]) -> tuple[int, int] | None:
    """(old, new) person indexes for "李静应该是李婧" / "不是李静，是李婧" …; ``starts``
    maps a mention's start offset to its index."""
    for rx, (a, b) in _NAME_FIX:
        x = rx.search(m)
        if x and x.start(a) in starts and x.start(b) in starts:
            if rx is _NAME_FIX[3][0] and not _CORRECT_TRIGGER.search(m):
                continue
            return starts[x.start(a)], starts[x.start(b)]
    return None


_KIND_AFTER = re.compile(r"^\s*(?:是)?\s*(?:旷课|病假|事假|请假|缺勤)|^\s*(?:错了|错|早了)")


# "刚才报的李静不对" / "李静报错了" / "李静不是我们班的": the report about these students was
# wrong; they are taken back, whoever else was reported since.
_WRONG_ABOUT = re.compile(
    "(?:报|记|发)的\ue000\ue001*(?:的)?(?:那条|记录|缺勤)?(?:不对|错了|有误|不是)"
    "|\ue000\ue001*(?:的)?(?:那条|记录)?(?:报错了|报错|弄错了|搞错了|记错了|发错了|报重了)"
    "|\ue000\ue001*(?:不是|不在)(?:我们|我|咱们|咱|本|这个)班"
)


def wrong_report_spans(m: str) -> list[tuple[int, int]]:
    return [x.span() for x in _WRONG_ABOUT.finditer(m)]


def is_cancel(clauses: list[str]) -> bool:
    """撤销 / 刚才发错了 / 那条不算 — but "不算旷课" speaks of a kind, not of undoing."""
    return any(not _KIND_AFTER.match(c[x.end() :]) for c in clauses for x in _CANCEL.finditer(c))


def record_lookup(m: str, start: int, end: int) -> bool:
    """ "王小明的记录", "王小明 记录", "查一下王小明"."""
    return bool(_RECORD_AFTER.match(m[end : end + 8]) or _LOOKUP_BEFORE.search(m[max(0, start - 4) : start]))


def speaks_of_a_child(clause: str, message: str) -> bool:
    """A parent's short leave note that names no one: "孩子今天不舒服，请假一天"."""
    return len(message) <= 60 and bool(_CHILD.search(message)) and not _NOBODY.search(clause)


_OTHERS = re.compile(L.alt(L.OTHERS))
_ALL = re.compile(L.alt(L.ALL_PRESENT))


def others_present(clause: str) -> bool:
    """ "其他都到了": everyone not named is present."""
    x = _OTHERS.search(clause)
    return bool(x and _ALL.search(clause[x.end() :]))


_EXCEPT = re.compile(r"除了|除")


def all_but(texts: Iterable[str]) -> bool:
    """ "除了蒋天佑，其他都到了": the named student is the one missing."""
    texts = list(texts)
    joined = "".join(texts)
    return bool(_EXCEPT.search(joined)) and others_present(joined)


_FIX_WORDS = re.compile(r"更正|纠正|改成|改为|应该是|应为|说错|写错|报错|搞错|弄错|发错")


def correcting(m: str) -> bool:
    return bool(_FIX_WORDS.search(m))


_KIN_SUBJECT = re.compile(r"^\s*(?:的)?\s*" + L.alt(L.KIN) + r"(?!.*(?:说|讲|告诉))")


def kin_subject(before: str) -> bool:
    """ "王小明的妈妈来学校了": the one who came is the parent, not the student."""
    return bool(_KIN_SUBJECT.match(before))


def first_that_applies(*, rollcall: bool, absence: bool, back: bool, cancel: bool, query: bool) -> str:
    """The message's intent, the first that applies (SPEC §7 ``parse``)."""
    for intent, applies in (
        ("rollcall", rollcall),
        ("absence", absence),
        ("return", back),
        ("cancel", cancel),
        ("query", query),
    ):
        if applies:
            return intent
    return "none"
