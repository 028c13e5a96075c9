"""Small numbers as teachers write them: 38, 三十八, 两 (pure)."""
from __future__ import annotations

from bot.classnames import cn_number

NUM = r"(?:\d{1,3}|[零一二两三四五六七八九十百]{1,4})"


def to_int(token: str) -> int | None:
    token = token.strip()
    if not token:
        return None
    if token.isdigit():
        return int(token)
    if "百" in token:
        head, _, rest = token.partition("百")
        h = cn_number(head) if head else 1
        if h is None:
            return None
        rest = rest.lstrip("零")
        r = cn_number(rest) if rest else 0
        if r is None and len(rest) == 1:
            r = None
        return None if r is None else h * 100 + r
    return cn_number(token)
