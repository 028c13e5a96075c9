"""Rendering the bot's texts from templates/ (jinja2).

Autoescape is off because the output is chat text, not HTML; user text only ever
enters as data, never as template source, so ``{{ }}`` in a name stays literal.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2

import templates as _templates_pkg

TEMPLATES_DIR = Path(_templates_pkg.__file__).parent
WEEKDAYS = "一二三四五六日"
SCHOOL_TZ: dt.tzinfo = ZoneInfo("Asia/Shanghai")  # replaced by the school's own at start
KIND_LABELS = {"sick": "病假", "personal": "事假", "unexcused": "未到校"}


def local(value: dt.datetime) -> dt.datetime:
    """Datetimes come back from the database in UTC; people read school time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(SCHOOL_TZ)


def set_timezone(tz: dt.tzinfo) -> None:
    global SCHOOL_TZ
    SCHOOL_TZ = tz


def md(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = local(value)
    return f"{value.month}月{value.day}日"


def weekday(value: dt.date) -> str:
    return "周" + WEEKDAYS[value.weekday()]


def hm(value: dt.datetime) -> str:
    return local(value).strftime("%H:%M")


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(md=md, weekday=weekday, hm=hm, kind=kind_label)
    return env


def render(name: str, **data: Any) -> str:
    return environment().get_template(name).render(**data).strip()
