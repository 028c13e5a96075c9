"""Cleaning a chat message before it is read (pure).

Only things that carry no meaning go: width variants (NFKC: full-width digits and
punctuation become ASCII, CJK characters are untouched), emoji and WeChat's [微笑]
codes, a leading @mention of the bot, greetings, stray spaces. The text is capped so a
pasted 50 KB document costs no more than a long message.
"""

from __future__ import annotations

import re
import unicodedata

from bot.attendance.parsing.lexicon import BOT_NAMES, GREETINGS, alt

MAX_CHARS = 3000

_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0001f900-\U0001f9ff\U00002b00-\U00002bff"
    "\u200d\ufe0f\ufe0e\u20e3\u2190-\u21ff\u2300-\u23ff\u25a0-\u25ff]"
)
_WECHAT_EMOJI = re.compile(r"\[[\u4e00-\u9fffA-Za-z0-9]{1,4}\]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")
_LEAD_AT = re.compile(r"^\s*@(?:" + alt(BOT_NAMES) + r"|[^\s@]{1,20}?(?=[ \u2005\u2002\u2003]))[ \u2005\u2002\u2003]*")
_GREETING = re.compile(r"^[\s,.。!~]*(?:[\u4e00-\u9fff]{1,3}(?=老师好))?" + alt(GREETINGS) + r"[\s,.。!~:]*")
_REPEAT_PUNCT = re.compile(r"([,。!?;:、.~])\1+")
_ENUM = re.compile(r"(^|[\n;。,、])\s*(?:\d{1,2}|[①-⑳])\s*[.、)](?!\d)")


def clean(text: str) -> tuple[str, bool]:
    """(cleaned text, whether it was cut)."""
    truncated = len(text) > MAX_CHARS * 2
    text = text[: MAX_CHARS * 2]
    # The mention's separator (U+2005) must be seen before NFKC turns it into a space.
    while True:
        m = _LEAD_AT.match(text)
        if not m or not m.group(0).strip():
            break
        text = text[m.end() :]
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _WECHAT_EMOJI.sub(" ", text)
    text = _EMOJI.sub(" ", text)
    text = text.replace("～", "~").replace("—", "-").replace("–", "-").replace("－", "-")
    text = _SPACES.sub(" ", text)
    text = re.sub(r" *\n[\n ]*", "\n", text)
    text = _REPEAT_PUNCT.sub(r"\1", text)
    while True:
        m = _GREETING.match(text)
        if not m or m.end() == 0:
            break
        text = text[m.end() :]
    text = _ENUM.sub(lambda m: m.group(1) + " ", text)
    text = text.strip()
    if len(text) > MAX_CHARS:
        text, truncated = text[:MAX_CHARS], True
    return text, truncated
