"""Small numbers as teachers write them: 38, 三十八, 两 (pure)."""

from __future__ import annotations

from bot.school.classnames import cn_number

NUM = r"(?:\d{1,3}|[零一二两三四五六七八九十百]{1,4})"


def to_int(token: str) -> int | None:
    return cn_number(token)
