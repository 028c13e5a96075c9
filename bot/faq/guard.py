"""Messages the FAQ must not answer, whatever words they share with a topic (pure).

- empty: nothing left once mentions, emoji, punctuation and fillers are gone;
- chit_chat: only acknowledgements, thanks, greetings (收到, 谢谢老师, 好的);
- child_specific: about one child's day (到校没有, 来了吗, 表现, 成绩) with no aid
  term in it, or whether one child got an aid (我家孩子评上没有): only the head teacher can answer that, and never in the group;
- off_topic: a subsidy that is not the school's (种植补贴, 医保) and no topic keyword,
  or the school meal's menu and taste (营养餐今天吃什么).
"""

from __future__ import annotations

import re

from bot.faq import lexicon as L

_CONTENT = re.compile(r"[\u3400-\u9fffA-Za-z0-9]")
_CHILD_STATUS = re.compile("|".join(f"(?:{p})" for p in L.CHILD_STATUS))
_OFF_TOPIC = re.compile("|".join(re.escape(w) for w in L.OFF_TOPIC))
_CHILD_RESULT = re.compile("|".join(f"(?:{p})" for p in L.CHILD_RESULT))
_MEAL_CONTENT = re.compile("|".join(f"(?:{p})" for p in L.MEAL_CONTENT))


def is_empty(normalized: str) -> bool:
    return not _CONTENT.search(normalized)


def is_chit_chat(words: list[str], asks: bool = True) -> bool:
    """``words``: plain jieba words of the normalised text. Only acknowledgements; or
    thanks that ask nothing (补助收到了 谢谢学校)."""
    rest = [w for w in words if w.strip() and w not in L.CHITCHAT and w not in L.STOPWORDS]
    return not rest or (not asks and any(w in L.THANKS for w in words))


def is_child_specific(normalized: str, has_aid_term: bool) -> bool:
    """One child's day (到校没有, 表现) with no aid subject, or whether one child got
    an aid (我家孩子评上没有) whatever the words."""
    return (not has_aid_term and bool(_CHILD_STATUS.search(normalized))) or bool(_CHILD_RESULT.search(normalized))


def is_off_topic(normalized: str, has_topic_term: bool) -> bool:
    """A farming, health or pension subsidy (with no topic keyword), or what the
    school meal tastes like today: not the aid policy."""
    return (not has_topic_term and bool(_OFF_TOPIC.search(normalized))) or bool(_MEAL_CONTENT.search(normalized))


def classify(
    normalized: str, words: list[str], *, has_aid_term: bool, has_topic_term: bool, asks: bool = True
) -> str | None:
    """'empty' | 'chit_chat' | 'child_specific' | 'off_topic' | None (a possible question)."""
    if is_empty(normalized):
        return "empty"
    if is_chit_chat(words, asks):
        return "chit_chat"
    if is_child_specific(normalized, has_aid_term):
        return "child_specific"
    if is_off_topic(normalized, has_topic_term):
        return "off_topic"
    return None
