"""The school folder: ``school.toml`` + ``roster.csv`` (+ optional ``policy.toml``).

Loading is strict and every problem is reported at once, with file and line, in words a
school secretary can act on: a bot that starts on a wrong roster would raise false
dropout alerts about real children.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from bot.school.classnames import parse_class_name
from bot.school.roster_file import RosterEntry, RosterError, read_roster

ROLES = ("principal", "vice_principal", "dropout_officer", "head_teacher")
ROOM_KINDS = ("parents", "staff", "leaders")


class SchoolConfigError(Exception):
    """All problems found in a school folder; ``problems`` is a list of readable lines."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("学校配置有误 / school configuration errors:\n" + "\n".join(f"- {p}" for p in problems))


@dataclass(frozen=True)
class Term:
    name: str
    start: dt.date
    end: dt.date
    extra_holidays: tuple[dt.date, ...] = ()
    extra_school_days: tuple[dt.date, ...] = ()


@dataclass(frozen=True)
class Rules:
    unexcused_streak_alert_days: int = 3
    escalate_after_days: int = 5
    digest_time: dt.time = dt.time(16, 30)
    rollcall_reminder_time: dt.time = dt.time(9, 30)


@dataclass(frozen=True)
class StaffMember:
    name: str
    wechat_id: str
    roles: tuple[str, ...]
    title: str = ""
    head_of: str | None = None

    def has(self, role: str) -> bool:
        return role in self.roles


@dataclass(frozen=True)
class RoomConfig:
    topic: str  # what the school calls the group; never how it is recognised
    kind: str
    class_name: str | None = None
    id: str | None = None  # the transport's room id, when the school knows it

    @property
    def known_id(self) -> str:
        """The id the memory transport and simulate give this room: its ``id``, else its topic."""
        return self.id or self.topic


@dataclass
class SchoolConfig:
    id: str
    name: str
    timezone: str
    term: Term
    rules: Rules
    staff: list[StaffMember]
    rooms: list[RoomConfig]
    students: list[RosterEntry]
    folder: Path
    policy: dict = field(default_factory=dict)

    @property
    def classes(self) -> list[str]:
        """Class names in roster order of grade then number."""
        names = {s.class_name for s in self.students}
        return sorted(names, key=_grade_and_number)

    def staff_by_wechat(self, wechat_id: str) -> StaffMember | None:
        return next((s for s in self.staff if s.wechat_id == wechat_id), None)

    def with_role(self, role: str) -> list[StaffMember]:
        return [s for s in self.staff if s.has(role)]

    def head_teacher_of(self, class_name: str) -> StaffMember | None:
        return next((s for s in self.staff if s.head_of == class_name), None)

    def room(self, topic: str | None) -> RoomConfig | None:
        if topic is None:
            return None
        return next((r for r in self.rooms if r.topic == topic), None)

    def rooms_of_kind(self, kind: str) -> list[RoomConfig]:
        return [r for r in self.rooms if r.kind == kind]

    def parent_room_of(self, class_name: str) -> RoomConfig | None:
        return next((r for r in self.rooms if r.kind == "parents" and r.class_name == class_name), None)


def _grade_and_number(class_name: str) -> tuple[int, int]:
    ref = parse_class_name(class_name)
    assert ref is not None, class_name  # roster class names are canonical (read_roster checks them)
    return ref.grade, ref.number


def demo_school_dir() -> Path:
    return Path(str(resources.files("bot") / "data" / "demo_school"))


def toml_error(fname: str, e: tomllib.TOMLDecodeError) -> str:
    """A TOML syntax error as a secretary can act on it (a malformed date lands here too)."""
    m = re.search(r"at line (\d+), column (\d+)", str(e))
    where = f"{fname} 第{m.group(1)}行第{m.group(2)}列" if m else fname
    return f"{where}：格式错误，这一行写得不对（日期请写成 2026-09-01，文字请加英文引号）。原始错误 / parser said: {e}"


def line_of(text: str, needle: str) -> int | None:
    for i, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return i
    return None


def _where(fname: str, text: str, needle: str) -> str:
    line = line_of(text, needle)
    return f"{fname} 第{line}行" if line else fname


def _as_date(value: object, what: str, where: str, problems: list[str]) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    problems.append(f"{where}：{what}“{value}”不是有效日期，请写成 2026-09-01 这样的格式")
    return None


def _as_time(value: object, what: str, where: str, problems: list[str], default: dt.time) -> dt.time:
    if value is None:
        return default
    if isinstance(value, dt.time):
        return value
    m = re.fullmatch(r"\s*(\d{1,2})[:：](\d{2})\s*", str(value))
    if m and int(m.group(1)) < 24 and int(m.group(2)) < 60:
        return dt.time(int(m.group(1)), int(m.group(2)))
    problems.append(f"{where}：{what}“{value}”不是有效时间，请写成 16:30 这样的格式")
    return default


def _as_days(raw: dict[str, Any], key: str, default: int, text: str, problems: list[str]) -> int:
    value: object = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 60:
        problems.append(
            f"{_where('school.toml', text, key)}：{key} 应为 1 到 60 之间的整数（上学日天数），现在是“{value}”"
        )
        return default
    return value


def load_school(folder: str | Path | None = None) -> SchoolConfig:
    """Load and validate a school folder; raises SchoolConfigError listing every problem."""
    folder = Path(folder) if folder else demo_school_dir()
    toml_path, roster_path = folder / "school.toml", folder / "roster.csv"
    problems: list[str] = []
    if not toml_path.is_file():
        raise SchoolConfigError([f"在 {folder} 找不到 school.toml（学校配置文件）"])
    text = toml_path.read_text(encoding="utf-8")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise SchoolConfigError([toml_error("school.toml", e)]) from e

    sch = raw.get("school") or {}
    for key in ("id", "name"):
        if not sch.get(key):
            problems.append(f"school.toml：[school] 缺少 {key}")
    timezone = sch.get("timezone", "Asia/Shanghai")

    term_raw = raw.get("term") or {}
    where_term = _where("school.toml", text, "[term]")
    start = (
        _as_date(term_raw.get("start"), "学期开始日期", _where("school.toml", text, "start"), problems)
        if "start" in term_raw
        else None
    )
    end = (
        _as_date(term_raw.get("end"), "学期结束日期", _where("school.toml", text, "end ="), problems)
        if "end" in term_raw
        else None
    )
    if "start" not in term_raw or "end" not in term_raw:
        problems.append(f"{where_term}：[term] 需要 start 和 end（学期起止日期）")
    if start and end and end < start:
        problems.append(f"{where_term}：学期结束日期 {end} 早于开始日期 {start}")
    holidays = tuple(
        d
        for v in term_raw.get("extra_holidays", [])
        if (d := _as_date(v, "放假日期", _where("school.toml", text, "extra_holidays"), problems))
    )
    extra_days = tuple(
        d
        for v in term_raw.get("extra_school_days", [])
        if (d := _as_date(v, "补课日期", _where("school.toml", text, "extra_school_days"), problems))
    )
    term = Term(term_raw.get("name", ""), start or dt.date.min, end or dt.date.max, holidays, extra_days)

    rules_raw = raw.get("rules") or {}
    rules = Rules(
        unexcused_streak_alert_days=_as_days(rules_raw, "unexcused_streak_alert_days", 3, text, problems),
        escalate_after_days=_as_days(rules_raw, "escalate_after_days", 5, text, problems),
        digest_time=_as_time(
            rules_raw.get("digest_time"),
            "digest_time",
            _where("school.toml", text, "digest_time"),
            problems,
            Rules.digest_time,
        ),
        rollcall_reminder_time=_as_time(
            rules_raw.get("rollcall_reminder_time"),
            "rollcall_reminder_time",
            _where("school.toml", text, "rollcall_reminder_time"),
            problems,
            Rules.rollcall_reminder_time,
        ),
    )

    students: list[RosterEntry] = []
    if not roster_path.is_file():
        problems.append(f"在 {folder} 找不到 roster.csv（学生名单）")
    else:
        try:
            students = read_roster(roster_path)
        except RosterError as e:
            problems.extend(e.problems)
    class_names = {s.class_name for s in students}

    staff: list[StaffMember] = []
    seen_ids: set[str] = set()
    for entry in raw.get("staff", []):
        name, wid = entry.get("name", ""), entry.get("wechat_id", "")
        where = _where("school.toml", text, f'"{wid}"' if wid else f'"{name}"')
        if not name or not wid:
            problems.append(f"{where}：[[staff]] 每位老师都要有 name 和 wechat_id")
            continue
        if wid in seen_ids:
            problems.append(f"{where}：wechat_id “{wid}” 重复")
        seen_ids.add(wid)
        roles = tuple(entry.get("roles", []))
        for role in roles:
            if role not in ROLES:
                problems.append(f"{where}：{name} 的角色“{role}”不认识，可用：{', '.join(ROLES)}")
        head_of = entry.get("head_of")
        if head_of is not None and students and head_of not in class_names:
            where_h = _where("school.toml", text, 'head_of = "' + head_of + '"')
            problems.append(f"{where_h}：{name} 的 head_of “{head_of}” 不是名单里的班级（roster.csv 里没有这个班）")
        staff.append(StaffMember(name=name, wechat_id=wid, roles=roles, title=entry.get("title", ""), head_of=head_of))

    rooms: list[RoomConfig] = []
    for entry in raw.get("rooms", []):
        topic, kind, cls = entry.get("topic", ""), entry.get("kind", ""), entry.get("class")
        where = _where("school.toml", text, f'"{topic}"' if topic else "[[rooms]]")
        if not topic:
            problems.append(f"{where}：[[rooms]] 缺少 topic（群名）")
            continue
        if kind not in ROOM_KINDS:
            problems.append(f"{where}：群“{topic}”的 kind “{kind}” 不认识，可用：{', '.join(ROOM_KINDS)}")
        if cls is not None and students and cls not in class_names:
            where_c = _where("school.toml", text, 'class = "' + cls + '"')
            problems.append(f"{where_c}：群“{topic}”对应的班级“{cls}”不是名单里的班级")
        if kind == "parents" and cls is None:
            problems.append(f"{where}：家长群“{topic}”要写 class（哪个班的家长群）")
        room_id = entry.get("id")
        if room_id is not None and (not isinstance(room_id, str) or not room_id.strip()):
            problems.append(f'{where}：群“{topic}”的 id 要写成文字，例如 id = "R:10001"')
            room_id = None
        elif room_id is not None and any(r.id == room_id for r in rooms):
            problems.append(f"{_where('school.toml', text, room_id)}：群 id “{room_id}” 重复，一个群只能配置一次")
        if any(r.topic == topic for r in rooms):
            problems.append(f"{where}：群名“{topic}”重复（同一所学校的群名要不同）")
        rooms.append(RoomConfig(topic=topic, kind=kind, class_name=cls, id=room_id))

    policy: dict = {}
    policy_path = folder / "policy.toml"
    if policy_path.is_file():
        try:
            policy = tomllib.loads(policy_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as e:
            problems.append(f"policy.toml 格式错误：{e}")

    if problems:
        raise SchoolConfigError(problems)
    return SchoolConfig(
        id=sch["id"],
        name=sch["name"],
        timezone=timezone,
        term=term,
        rules=rules,
        staff=staff,
        rooms=rooms,
        students=students,
        folder=folder,
        policy=policy,
    )
