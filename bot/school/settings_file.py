"""Turning pydantic's validation errors on a TOML file into lines a school secretary can act on.

pydantic checks the shape (``bot/school/config.py`` and ``deployment.py`` declare it);
this module only says *where* (file and line, found from the error's location) and
*what to write instead*, in Chinese. TOML parsers keep no positions, so the line is
found by walking the file's table headers (``[rules]``, the 3rd ``[[staff]]``) and then
the key inside that table.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-]+)\s*\]\]?")


@dataclass(frozen=True)
class Hint:
    what: str  # what the value is, in words
    example: str  # a line to write instead


# Every setting a secretary writes, by key: what it is and an example line.
HINTS: dict[str, Hint] = {
    "id": Hint("学校 id（字母和数字）", 'id = "shimen"'),
    "name": Hint("名字", 'name = "石门村小学"'),
    "timezone": Hint("时区", 'timezone = "Asia/Shanghai"'),
    "roster": Hint("名单文件名（和 school.toml 放在同一个文件夹）", 'roster = "学生名单.xlsx"'),
    "classes": Hint("班级列表", 'classes = ["一年级一班", "三(2)班"]'),
    "term": Hint("学期", "[term]\nstart = 2026-09-01\nend = 2027-01-22"),
    "start": Hint("学期开始日期", "start = 2026-09-01"),
    "end": Hint("学期结束日期", "end = 2027-01-22"),
    "extra_holidays": Hint("放假日期", "extra_holidays = [2027-01-01]"),
    "extra_school_days": Hint("补课日期", "extra_school_days = [2026-10-11]"),
    "unexcused_streak_alert_days": Hint("1 到 60 之间的整数（上学日天数）", "unexcused_streak_alert_days = 3"),
    "escalate_after_days": Hint("1 到 60 之间的整数（上学日天数）", "escalate_after_days = 5"),
    "digest_time": Hint("每日汇总的时间", 'digest_time = "16:30"'),
    "rollcall_reminder_time": Hint("点名提醒的时间", 'rollcall_reminder_time = "09:30"'),
    "wechat_id": Hint("微信 id（日志或 schoolbot rooms list 里能看到）", 'wechat_id = "wxid_abc123"'),
    "roles": Hint("角色列表", 'roles = ["head_teacher"]'),
    "title": Hint("职务", 'title = "班主任"'),
    "head_of": Hint("班级", 'head_of = "三年级二班"'),
    "topic": Hint("群名", 'topic = "三年级二班家长群"'),
    "kind": Hint("群的种类", 'kind = "parents"'),
    "class": Hint("班级", 'class = "三年级二班"'),
    "schools": Hint("学校文件夹或学校 id 的列表", 'schools = ["qingshi", "shimen"]'),
}


class ConfigProblems(Exception):
    """Every problem in a school folder or deployment; ``problems`` is a list of readable lines."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("学校配置有误 / school configuration errors:\n" + "\n".join(f"- {p}" for p in problems))


def toml_error(fname: str, e: tomllib.TOMLDecodeError) -> str:
    """A TOML syntax error as a secretary can act on it (a malformed date lands here too)."""
    m = re.search(r"at line (\d+), column (\d+)", str(e))
    where = f"{fname} 第{m.group(1)}行第{m.group(2)}列" if m else fname
    return f"{where}：格式错误，这一行写得不对（日期请写成 2026-09-01，文字请加英文引号）。原始错误 / parser said: {e}"


def read_toml(path: Any, fname: str) -> tuple[str, dict[str, Any]]:
    text = path.read_text(encoding="utf-8")
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigProblems([toml_error(fname, e)]) from e


def locate(text: str, loc: Sequence[str | int]) -> int | None:
    """The line (1-based) of a value at pydantic location ``loc`` in a TOML text.

    ``("staff", 2, "head_of")`` is the ``head_of`` key of the third ``[[staff]]`` table;
    when the key is not written, the table's header line.
    """
    lines = text.splitlines()
    headers = [(i, m.group(1) == "[[", m.group(2)) for i, line in enumerate(lines) if (m := _HEADER.match(line))]
    lo, hi = 0, headers[0][0] if headers else len(lines)  # the root table: before the first header
    rest = list(loc)
    if rest and isinstance(rest[0], str) and any(name == rest[0] for _, _, name in headers):
        table = rest.pop(0)
        nth = rest.pop(0) if rest and isinstance(rest[0], int) else 0
        own = [i for i, _, name in headers if name == table]
        if nth >= len(own):
            return own[-1] + 1 if own else None
        lo = own[nth]
        later = [i for i, _, _ in headers if i > lo]
        hi = later[0] if later else len(lines)
    key = next((k for k in rest if isinstance(k, str)), None)
    if key is not None:
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for i in range(lo, hi):
            if pattern.match(lines[i]):
                return i + 1
    return lo + 1 if lo or headers else None


def where(fname: str, text: str, loc: Sequence[str | int]) -> str:
    line = locate(text, loc)
    return f"{fname} 第{line}行" if line else fname


def _key_of(loc: Sequence[str | int]) -> str:
    return next((str(k) for k in reversed(loc) if isinstance(k, str)), "")


def explain(fname: str, text: str, error: ValidationError) -> list[str]:
    """One Chinese line per pydantic error: where, what is wrong, what to write instead."""
    out = []
    for err in error.errors():
        loc = [k for k in err["loc"] if not (isinstance(k, str) and k.startswith("function-"))]
        key = _key_of(loc)
        hint = HINTS.get(key)
        at = where(fname, text, loc)
        value = err.get("input")
        kind = err["type"]
        example = f"；例如：{hint.example}" if hint else ""
        if kind == "missing":
            what = f"（{hint.what}）" if hint else ""
            out.append(f"{at}：缺少 {key}{what}{example}")
        elif kind in ("extra_forbidden", "unexpected_keyword_argument"):
            out.append(f"{at}：不认识的设置 {key}，是不是写错了？（请对照 README 的“设置学校”一节）")
        elif kind.startswith(("date", "time")):
            label = hint.what if hint else key
            what, shape = ("日期", "2026-09-01") if kind.startswith("date") else ("时间", "16:30")
            out.append(f"{at}：{label}“{value}”不是有效{what}，请写成 {shape} 这样的格式")
        elif kind in ("enum", "literal_error"):
            allowed = "、".join(re.findall(r"'([^']+)'", str(err.get("ctx", {}).get("expected", ""))))
            out.append(f"{at}：{key} “{value}” 不认识，可用：{allowed}")
        elif kind in ("value_error", "assertion_error"):
            out.append(f"{at}：{err.get('ctx', {}).get('error', err['msg'])}")
        elif hint is not None:
            out.append(f"{at}：{key} 应为 {hint.what}，现在是“{value}”{example}")
        else:
            out.append(f"{at}：{key} 写得不对（{err['msg']}），现在是“{value}”")
    return out
