"""A transfer told in chat (pure, no I/O): "王小明转学了，转到县城二小" / "李小花是新转来的，学籍号G…".

``transfer_out`` reads a child leaving: which of the names the parser found it is about,
where to (the text as written, or None) and the day when one is said. ``transfer_in``
reads a child arriving, who is not on the roster yet: the name and 学籍号 from the text,
and the gender when said. Plans, questions and denials are not transfers ("王小明想转学",
"王小明转学了吗", "转学的政策是什么"): nothing is recorded on them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.attendance.parsing.dates import find_dates
from bot.attendance.parsing.normalize import clean

# 学籍号: G/L and digits (G53032017000193, L + 身份证号), or an 18-character 身份证-style id.
STUDENT_ID = re.compile(r"(?<![A-Za-z0-9])(?:[GLgl]\d{8,19}[Xx]?|\d{17}[\dXx])(?![A-Za-z0-9])")

# A child leaving: 转学了 / 转走了 / 转出去了 / 转到… / 办了转学(手续) / 已转学.
_OUT = re.compile(
    r"转学(?:走)?了|转学走|转走|转出|转到|转去|转往|转至|转学到|转学去|转回|转学手续|办(?:了|理了?|好了?)?转学|已(?:经)?转学|转学(?:了)?$"
)
# Where to: after 转到 / 转学到 / 去 / 到 up to the end of the clause.
_DEST = re.compile(
    r"(?:转学到|转学去|转到了?|转去了?|转往|转至|转回了?|转入了?|转学回|去了|去|到了|到)"
    r"\s*(?P<dest>[^\s，,。；;！!？?、]{2,20})"
)
_DEST_TRIM = re.compile(r"(?:读书|上学|念书|读|上|那边|那里|去)?(?:了|啦|呢)?$")
_NOT_A_PLACE = re.compile(r"^(?:了|别的|其他|外地|哪里|哪儿|哪|什么|学校|上学|读书)$")
# Not done (yet): a plan, a question, a denial, a rule.
_PLAN = re.compile(
    r"(?:要|想|打算|准备|可能|也许|考虑|计划|申请|听说|说是|好像|或许|会|不|没|没有|未|不想|不要|还没|别)"
    r"(?:要|想|把|给)?(?:孩子|他|她)?\s*(?:转学|转走|转出|转到|转去|办转学)"
)
_ASK = re.compile(
    r"[?？]|吗|呢\s*$|是不是|有没有|怎么|如何|什么|哪些|为什么|能不能|可不可以|可以吗|需要|要求|政策|流程|手续怎么|咋"
)

# A child arriving: 新转来 / 转来的 / 转过来 / 转入 / 插班.
_IN = re.compile(r"新转来|转来(?:了|的)?|转过来|转学过来|新转入|转入|插班|新来的转学生|转学生")
_IN_HERE = re.compile(r"新转来|转来|转过来|转学过来|新转入|转入(?:我|本|咱)|插班|转学生")
_NAME = r"(?P<name>[\u4e00-\u9fff]{2,4}?)"
_IN_NAMES = (
    # 姓名：李小花 / 叫李小花
    re.compile(r"(?:姓名|名字|名叫|叫)[\s:：]*" + _NAME + r"(?=[\s,，。;；:：(（、]|学籍|性别|男|女|$)"),
    # 李小花是新转来的 / 李小花是转来的 / 李小花新转入
    re.compile(
        _NAME + r"(?:同学|这个孩子)?\s*(?:是|为)?(?:刚|今天|本周|这周)?(?:新)?(?:转来|转过来|转学过来|转入|插班)"
    ),
    # 新转来一个学生李小花 / 转来一名女生，叫李小花 / 转入学生：李小花
    re.compile(
        r"(?:转来|转入|转过来|插班|转学生)(?:了)?(?:一|1)?(?:个|名|位)?(?:新生|新同学|新?(?:学生|同学|女生|男生|孩子|女孩|男孩|小朋友))?"
        r"[\s,，:：]*(?:叫|名叫|名字叫|姓名|名字)?[\s:：]*" + _NAME + r"(?=[\s,，。;；:：(（、]|学籍|性别|男|女|$)"
    ),
)
_NOT_NAMES = re.compile(
    r"^(?:不?同意|批准|确认|可以|一个|一名|一位|学生|同学|女生|男生|孩子|女孩|男孩|新生|我班|我们班|本班|班上|今天|刚刚|学籍|"
    r"转学生|小朋友|这个|那个|新同学|性别)|学籍|年级|班$|性别"
)
_GENDER = re.compile(
    r"性别\s*[:：]?\s*(?P<g1>男|女)|(?P<g2>男|女)(?:生|孩|孩子|同学)|(?:^|[\s,，、;；。(（:：])(?P<g3>男|女)(?=$|[\s,，、;；。)）])"
)


@dataclass(frozen=True)
class TransferOut:
    name: str | None  # which of the names given it is about (None: no name given was near the words)
    destination: str | None  # where to, as written ("县城二小"); None when not said
    day: dt.date | None  # the day when one is said
    student_id: str | None = None  # a 学籍号 in the message, if any


@dataclass(frozen=True)
class TransferIn:
    name: str | None  # as written; None when it could not be read
    student_id: str | None  # None: not given (it is asked for)
    gender: str | None  # 男 | 女 | None


def _said(text: str) -> str:
    return clean(text)[0].strip()


def transfer_out(text: str, today: dt.date, names: Sequence[str] = ()) -> TransferOut | None:
    """A child has left (or is leaving) for another school; ``names``: the students the
    parser found in the message, in order. Plans and questions are not transfers."""
    m = _said(text)
    if _IN_HERE.search(m) and not re.search(r"转走|转出|转到|转去", m):
        return None
    words = _OUT.search(m)
    if words is None:
        return None
    if _PLAN.search(m) or _ASK.search(m):
        return None
    sentence_start = max(m.rfind(p, 0, words.start()) for p in "。；;!！\n")
    sentence_start = sentence_start + 1 if sentence_start >= 0 else 0
    before = m[sentence_start : words.start()]
    named = [n for n in names if n in before] or [n for n in names if n in m]
    name = named[-1] if named else None
    masked = m
    for n in names:
        masked = masked.replace(n, "□" * len(n))
    sid = STUDENT_ID.search(masked)
    if sid:
        masked = masked[: sid.start()] + "□" * (sid.end() - sid.start()) + masked[sid.end() :]
    dest = _destination(masked[words.start() :]) or _destination(masked[sentence_start : words.start()])
    return TransferOut(name, dest, _day(masked, today), sid.group(0).upper() if sid else None)


def _destination(after: str) -> str | None:
    for d in _DEST.finditer(after):
        dest = _DEST_TRIM.sub("", d.group("dest").strip("□"))
        dest = re.sub(r"^(?:了|到|去|在)", "", dest)
        if len(dest) >= 2 and not _NOT_A_PLACE.match(dest) and "转学" not in dest and "手续" not in dest:
            return dest
    return None


def _day(masked: str, today: dt.date) -> dt.date | None:
    for d in find_dates(masked, today):
        if not (d.week or d.vague or d.recent or d.now):
            return d.date
    return None


def transfer_in(text: str) -> TransferIn | None:
    """A new child has come from another school: the name and 学籍号 as written."""
    m = _said(text)
    words = _IN.search(m)
    if (
        words is None
        or _ASK.search(m)
        or re.search(r"(?:要|想|打算|准备|可能|听说|会)(?:有)?(?:一个|个)?(?:学生)?(?:转来|转入|转过来)", m)
    ):
        return None
    sid = STUDENT_ID.search(m)
    rest = m[: sid.start()] + "，" + m[sid.end() :] if sid else m
    name = None
    for pattern in _IN_NAMES:
        for found in pattern.finditer(rest):
            candidate = found.group("name")
            candidate = re.sub(r"(?:是|为|新|刚)$", "", candidate)
            if len(candidate) >= 2 and not _NOT_NAMES.search(candidate):
                name = candidate
                break
        if name:
            break
    if name is None and sid is None:
        return None
    g = _GENDER.search(rest.replace(name, "") if name else rest)
    gender = (g.group("g1") or g.group("g2") or g.group("g3")) if g else None
    return TransferIn(name, sid.group(0).upper() if sid else None, gender)
