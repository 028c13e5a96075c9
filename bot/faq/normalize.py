"""Cleaning a parent's message before matching (pure).

traditional → simplified (OpenCC tables), full-width → half-width (NFKC), emoji and
WeChat [表情] codes, @mentions, punctuation; then the fillers that carry no meaning (喂, 老师, 我问一下,
那个 …) and dialect/synonym wording to one form. Long pastes are cut:
a question is never longer than a few hundred characters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from bot.faq import lexicon as L

MAX_CHARS = 400

_MENTION = re.compile(r"@[^\s\u2005\u2002\u2003@]{1,24}[\s\u2005\u2002\u2003]*")
_WECHAT_EMOJI = re.compile(r"\[[\u4e00-\u9fffA-Za-z0-9]{1,4}\]")
# Anything that is not a CJK character, a Latin letter or a digit becomes a space.
_NON_WORD = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9?]+")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _converter() -> Any:  # opencc.OpenCC (the package has no type hints)
    import opencc  # opencc-python-reimplemented: pure Python, OpenCC's own tables

    return opencc.OpenCC("t2s")


def _alternation(words: Iterable[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


_SYN = _alternation(L.SYNONYMS)
_FILLER = _alternation(L.FILLERS)


def to_simplified(text: str) -> str:
    simplified: str = _converter().convert(text)
    return simplified


def clean(text: str) -> str:
    """Width, script, mentions, emoji and punctuation; the words stay as written."""
    text = text[: MAX_CHARS * 4]
    text = _MENTION.sub(" ", text)
    text = unicodedata.normalize("NFKC", text)
    text = _WECHAT_EMOJI.sub(" ", text)
    text = to_simplified(text).lower()
    text = text.replace("？", "?")
    text = _NON_WORD.sub(" ", text)
    return _SPACES.sub(" ", text).strip()[:MAX_CHARS]


# 请两天假, 请半天假, 请3天的假 → 请假 (the length of the leave is not the question)
_LEAVE = re.compile(r"请[0-9一二两三四五六七八九十几半]+(?:天|日|周|个星期|个礼拜)的?假")


# The parents are away (父母都在外地, 我们两口子在外面打工): that is 外出打工, a left-behind
# child; the child being away (在外地上学) stays 外地.
_PARENTS_AWAY = re.compile(
    r"(?<![随跟和同])(?:(?:父母|爸妈|爸爸妈妈|我们|大人|两口子|他爸妈|她爸妈)(?:都|一直|常年|长期)?"
    r"(?:在外(?:地|面|省|头|边)?|出去|外出|出门)(?:打工|务工|上班|挣钱)?)(?!读书|上学|念书)"
)


def canonical(text: str) -> str:
    """Dialect and synonyms to one wording (娃娃→孩子, 啥子→什么, 好多钱→多少钱)."""
    text = _PARENTS_AWAY.sub("父母外出打工", _LEAVE.sub("请假", text))
    return _SYN.sub(lambda m: L.SYNONYMS[m.group(0)], text)


def drop_fillers(text: str) -> str:
    return _SPACES.sub(" ", _FILLER.sub(" ", text)).strip()


def normalize(text: str) -> str:
    """The whole chain: clean → fillers → synonyms. '' when nothing is left."""
    return canonical(drop_fillers(clean(text)))


# 要不要, 免不免, 收不收钱; or a clause that ends in 不/没/没有 (交钱不, 发了没有).
_A_NOT_A = re.compile(r"([\u4e00-\u9fff])[不没]\1")
_TRAILING_NEG = re.compile(r"(?:不|没|没有|没得|莫得|冇)(?:\s|$)")


def is_question(cleaned: str) -> bool:
    """Does the (cleaned) text ask something? A statement is never answered unprompted."""
    return (
        any(m in cleaned for m in L.QUESTION_MARKERS)
        or bool(_A_NOT_A.search(cleaned))
        or bool(_TRAILING_NEG.search(cleaned))
    )
