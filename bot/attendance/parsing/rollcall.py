"""Roll-call counts: 应到38 实到36, 实到36/38, 应到38人缺2人, 全勤, 都到了 (pure).

Runs on the masked text (names and classes hidden) before dates and durations, so 36/38
is never read as a date. Returns the counts and the spans to mask.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.attendance.parsing.lexicon import ALL_PRESENT, OTHERS, alt
from bot.attendance.parsing.numbers import NUM, to_int
from bot.attendance.parsing.spans import NAME_RE

_SEP = r"\s*[:=]?\s*(?:人数|人)?\s*[:=]?\s*"
_UNIT = r"\s*(?:人|名|个)?"
_EXPECTED = re.compile(
    r"(?:应到|应出勤|应到校|应有|全班共有|全班共|全班有|全班|总人数|班级人数)" + _SEP + rf"(?P<n>{NUM})" + _UNIT
)
# "来了36个" is a count; "没来了 一直联系不上" is not (a number word then more words, no unit).
_PRESENT = re.compile(
    r"(?:实到|实际到|实出勤|出勤|到校|已到|(?<![没未不])到了|(?<![没未不])来了)"
    + _SEP
    + rf"(?P<n>{NUM})"
    + r"(?:\s*(?:人|名|个)|(?![\u4e00-\u9fff]))"
    + rf"(?:\s*/\s*(?P<of>{NUM})"
    + _UNIT
    + ")?"
)
_RATIO = re.compile(r"(?<![\d./])(?P<n>\d{1,3})\s*/\s*(?P<of>\d{1,3})\s*(?:人|名)?(?=\s*(?:到|出勤|实到|$|[,，;。\s]))")
# "请假两天" is a duration, not two people away: a count is never followed by a time unit.
_NOT_TIME = r"(?!\s*个?\s*(?:天|日|周|星期|礼拜|节|号|月|上午|下午|晚上|小时))"
_ABSENT = re.compile(
    r"(?:缺勤|缺席|缺|未到|没到|没来|请假|差|少)"
    + _SEP
    + rf"(?P<n>{NUM}){_NOT_TIME}"
    + _UNIT
    + r"|"
    + rf"(?P<n2>{NUM})\s*(?:人|名|个)\s*(?:缺勤|缺席|没来|未到|请假)"
)
_ALL = re.compile(alt(ALL_PRESENT))
_OTHERS = re.compile(alt(OTHERS))
_NO_ALL = re.compile(r"(?:吗|么|没有\?|\?|谁|是不是|有没有)")
# 全勤 in a notice is not today's report: "全勤的同学有奖励", "争取全勤", "本月全勤".
_NOT_TODAY = re.compile(
    r"(?:全勤|到齐|都到了?)的|争取|保持|希望|督促|奖励|表扬|祝贺|评比|本周|这周|这个星期|本月|这个月"
    r"|本学期|这学期|上周|上个月|每天|天天|一直"
)


@dataclass
class Rollcall:
    expected: int | None = None
    present: int | None = None
    absent: int | None = None  # 缺2人 (used to work out ``present``)
    all_present: bool = False  # the teacher said 全勤 / 都到了, or present == expected
    said_all: bool = False  # the words, not the counts: only these end absences by themselves
    spans: list[tuple[int, int]] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.expected is not None or self.present is not None or self.all_present


def find_rollcall(m: str, clauses: list[tuple[int, int]]) -> Rollcall:
    """``clauses``: (start, end) of each clause, to tell 都到了 of a class from
    "张洋和张洋洋都到了" (students named: a return) and 其他都到了 (the rest)."""
    rc = Rollcall()
    for x in _EXPECTED.finditer(m):
        if rc.expected is None:
            rc.expected = to_int(x.group("n"))
        rc.spans.append(x.span())
    for x in _PRESENT.finditer(m):
        if any(s <= x.start() < e for s, e in rc.spans):
            continue
        if rc.present is None:
            rc.present = to_int(x.group("n"))
            if x.group("of") and rc.expected is None:
                rc.expected = to_int(x.group("of"))
        rc.spans.append(x.span())
    if rc.present is None:
        for x in _RATIO.finditer(m):
            before = m[max(0, x.start() - 4) : x.start()]
            if re.search(r"(?:到|出勤|考勤|人数|\ue003)\s*$", before) or not m[: x.start()].strip():
                rc.present, rc.expected = int(x.group("n")), int(x.group("of"))
                rc.spans.append(x.span())
                break
    if rc.expected is not None or rc.present is not None:
        # counts already read are blanked, so "应到39人 请假1人" is not read as "39人请假"
        blank = list(m)
        for s, e in rc.spans:
            blank[s:e] = "\ue00f" * (e - s)
        for x in _ABSENT.finditer("".join(blank)):
            if rc.absent is None:
                rc.absent = to_int(x.group("n") or x.group("n2"))
            # "请假1人": the count is masked, the word stays to say what kind of absence it is
            rc.spans.append((x.start("n"), x.end()) if x.group("n") else x.span())
    for s, e in clauses:
        text = m[s:e]
        if _NO_ALL.search(text) or _NOT_TODAY.search(text):
            continue
        said = _ALL.search(text)
        name = re.search(NAME_RE, text)
        # "全勤 李婧也来了": the class, then a child; "张洋和张洋洋都到了": only the children
        if name and (said is None or said.start() > name.start()):
            continue
        if said and not _OTHERS.search(text[: said.start()]):
            rc.all_present = rc.said_all = True
            rc.spans.append((s + said.start(), s + said.end()))
    if rc.expected is None and rc.present is not None and rc.absent is not None:
        rc.expected = rc.present + rc.absent
    if rc.all_present and rc.expected is None and rc.present is not None:
        rc.expected = rc.present
    if rc.present is None and rc.expected is not None:
        if rc.all_present:
            rc.present = rc.expected
        elif rc.absent is not None:
            rc.present = rc.expected - rc.absent
    if rc.expected is not None and rc.present is not None and rc.present == rc.expected and not rc.absent:
        rc.all_present = True
    return rc
