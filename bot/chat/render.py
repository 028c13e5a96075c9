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
DEFAULT_TZ: dt.tzinfo = ZoneInfo("Asia/Shanghai")
KIND_LABELS = {"sick": "病假", "personal": "事假", "unexcused": "未到校"}


def local(value: dt.datetime, tz: dt.tzinfo | None = None) -> dt.datetime:
    """Datetimes come back from the database in UTC; people read their school's time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(tz or DEFAULT_TZ)


def _tz(context: Any) -> dt.tzinfo | None:
    # Each render is given its school's zone as ``tz`` (several schools, several zones).
    tz = context.get("tz")
    return tz if isinstance(tz, dt.tzinfo) else None


@jinja2.pass_context
def md(context: Any, value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = local(value, _tz(context))
    return f"{value.month}月{value.day}日"


def weekday(value: dt.date) -> str:
    return "周" + WEEKDAYS[value.weekday()]


@jinja2.pass_context
def hm(context: Any, value: dt.datetime) -> str:
    return local(value, _tz(context)).strftime("%H:%M")


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


PORTION_LABELS = {"late": "迟到", "morning": "上午缺课", "afternoon": "下午缺课"}


def portion_label(portion: str) -> str:
    return PORTION_LABELS.get(portion, "")


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
    env.filters.update(md=md, weekday=weekday, hm=hm, kind=kind_label, portion=portion_label)
    return env


def render(template: str, /, **data: Any) -> str:
    # positional-only: templates take a ``name`` of their own (queries/no_student.j2)
    return environment().get_template(template).render(**data).strip()
