"""Part of a day: 迟到, 第二节课才来, 上午来了下午没来, 中午回家就没回来 (pure).

A child who was in school for part of a day was not away that day: the ledger keeps
the part missed as its own row, and only whole days count toward the unexcused streak.
The patterns are the shapes of the language (a half of the day, then absent or not
back; a lesson or an hour, then arrived), not a list of sentences.
"""

from __future__ import annotations

import re

from storage.enums import DayPortion

_NUM = r"[一二三四五六七八九十两\d]{1,3}"
_NOT = r"(?:没|没有|未|不)(?:再)?"
# came, or was brought: 下午送来 / 中午送过来 is a child in school from then on
_CAME = r"(?:来|到|到校|来学校|进教室|回来|回校|(?:送|带)(?:过|回)?来|送(?:到|回|去)(?:学校|校))"
_AWAY = rf"(?:{_NOT}(?:来|到|上课|回来|回校|在)|请(?:了)?(?:半天)?(?:病|事)?假|缺课|旷课)"

# Missed the afternoon: away after noon, left at noon and did not come back, left early.
_AFTERNOON = re.compile(
    rf"下午(?:就|又|也)?{_AWAY}"
    rf"|(?:中午|午饭后|吃了午饭|午休)(?:就|后|以后|的时候)?(?:被)?(?:回家|回去|走了|跑了|接走|接回去|出去)(?:了)?(?:以后|后|之后)?(?:就)?{_NOT}(?:回来|来|回校|到校)"
    r"|早退|下午(?:被)?(?:家长)?(?:接走|接回去|带走|回家)了?|上完上午(?:的课)?就走"
    # sent home during the day: "有点烫 家长接回去了"
    r"|(?:被)?(?:家长|家里人|家里|爸爸|妈妈|奶奶|爷爷|外婆|他妈|他爸|她妈|她爸)?(?:接回去|接回家|接走|带回家|领回家|送回家)"
)
# Missed the morning: away in the morning, or came only in the afternoon / at noon.
_MORNING = re.compile(rf"上午(?:就|又|也)?{_AWAY}|(?:下午|中午)(?:才|就|再)?{_CAME}(?!不)")
# Late: the word itself, or arrived at a lesson or an hour in the morning.
_LATE = re.compile(
    rf"迟到|来晚了|晚到了?|到得晚|第{_NUM}节(?:课)?(?:的时候|才|就)?{_CAME}"
    rf"|(?:早上|上午)?(?:[八九十]|1?\d)点(?:半|多|钟|过)?(?:的时候)?(?:才){_CAME}"
)
_WHOLE_DAY = re.compile(rf"上午.*下午(?:也|又|还)?{_AWAY}|(?:一天|全天|整天){_AWAY}")


def day_portion(text: str) -> DayPortion | None:
    """The part of the day a report says was missed, or None (a whole day, or nothing said)."""
    if _WHOLE_DAY.search(text) and not re.search(rf"上午(?:还是|是)?{_CAME}了", text):
        return None
    if _AFTERNOON.search(text):
        return DayPortion.AFTERNOON
    if _MORNING.search(text):
        return DayPortion.MORNING
    if _LATE.search(text):
        return DayPortion.LATE
    return None
