"""The school folder: ``school.toml`` + a roster (``roster.csv`` or an Excel export) (+ ``policy.toml``).

``school.toml`` is declared as pydantic models and every problem is reported at once,
with file and line and what to write instead, in words a school secretary can act on:
a bot that starts on a wrong configuration would raise false dropout alerts about real
children. Loading a school does not read its roster (a county's roster takes seconds):
the running bot reads the roster from the database, ``roster import`` and the first
start read the file, and ``schoolbot check`` checks both together.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator
from pydantic.dataclasses import dataclass as checked

from bot.school.classnames import parse_class_name
from bot.school.roster_file import RosterEntry, RosterError, RosterFile, class_order, read_roster_file
from bot.school.settings_file import ConfigProblems, explain, read_toml, toml_error, where
from storage.enums import Role, RoomKind

ROLES = tuple(r.value for r in Role)
ROOM_KINDS = (RoomKind.PARENTS.value, RoomKind.STAFF.value, RoomKind.LEADERS.value)
ROSTER_NAMES = ("roster.csv", "roster.xlsx", "roster.xls", "名单.xlsx", "名单.xls", "名单.csv")
SchoolConfigError = ConfigProblems  # the name the rest of the project knows
_STRICT = ConfigDict(extra="forbid")
HEADLESS_SHOWN = 20  # classes named in the no-head-teacher warning; a county roster has hundreds


def _time(value: object) -> object:
    # Chinese input methods type the colon full-width.
    return value.replace("：", ":").strip() if isinstance(value, str) else value


def canonical_class(value: object) -> object:
    """A class written in any form the roster accepts (三(2)班, 3年2班 …) → 三年级二班."""
    if value is None or not isinstance(value, str):
        return value
    ref = parse_class_name(value)
    if ref is None:
        raise ValueError(f"班级“{value}”认不出来，请写成“三年级二班”或“三(2)班”")
    return ref.canonical()


Days = Annotated[int, Field(strict=True, ge=1, le=60)]
ClockTime = Annotated[dt.time, BeforeValidator(_time)]
ClassName = Annotated[str, BeforeValidator(canonical_class)]


@checked(frozen=True, config=_STRICT)
class Term:
    name: str
    start: dt.date
    end: dt.date
    extra_holidays: tuple[dt.date, ...] = ()
    extra_school_days: tuple[dt.date, ...] = ()

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"学期结束日期 {self.end} 早于开始日期 {self.start}")


Count = Annotated[int, Field(strict=True, ge=1, le=500)]
NOTIFIABLE_DISEASES = ("水痘", "手足口病", "流行性腮腺炎", "麻疹", "风疹", "结核")


@checked(frozen=True, config=_STRICT)
class IllnessRules:
    """``[rules.illness]``: when 因病缺课 cases must be reported (《学校和托幼机构传染病疫情报告
    工作规范（试行）》, 卫生部 2006: 3 similar cases in a class in a day, 5 within 3 days …)."""

    class_same_day: Count = 3  # in one class, one school day, sharing a symptom or disease
    class_window: Count = 5  # in one class within ``window_days`` consecutive school days
    window_days: Annotated[int, Field(strict=True, ge=1, le=10)] = 3
    school_same_day: Count = 10  # in the whole school on one day, any symptom
    notifiable: tuple[str, ...] = NOTIFIABLE_DISEASES  # one case is reported


@checked(frozen=True, config=_STRICT)
class Rules:
    unexcused_streak_alert_days: Days = 3
    escalate_after_days: Days = 5
    # 辍学率 the county holds the school to (0.005 = 0.5%); the monthly report and 辍学率 answers compare with it
    dropout_rate_target: Annotated[float, Field(ge=0, le=1)] = 0.005
    digest_time: ClockTime = dt.time(16, 30)
    rollcall_reminder_time: ClockTime = dt.time(9, 30)
    # A head teacher sees their own class's students; true: the whole school's.
    head_teachers_see_all: Annotated[bool, Field(strict=True)] = False
    illness: IllnessRules = IllnessRules()


@checked(frozen=True, config=_STRICT)
class StaffMember:
    name: Annotated[str, Field(min_length=1)]
    wechat_id: Annotated[str, Field(min_length=1)]
    roles: tuple[Role, ...] = ()
    title: str = ""
    head_of: ClassName | None = None

    def has(self, role: str) -> bool:
        return role in self.roles


@checked(frozen=True, config=ConfigDict(extra="forbid", populate_by_name=True))
class RoomConfig:
    topic: Annotated[str, Field(min_length=1)]  # what the school calls the group; never how it is recognised
    kind: Literal["parents", "staff", "leaders"]
    class_name: Annotated[ClassName | None, Field(alias="class")] = None
    id: Annotated[str, Field(min_length=1)] | None = None  # the transport's room id, when the school knows it

    def __post_init__(self) -> None:
        if self.kind == "parents" and self.class_name is None:
            raise ValueError(f'家长群“{self.topic}”要写 class（哪个班的家长群），例如 class = "三年级二班"')

    @property
    def known_id(self) -> str:
        """The id the memory transport and simulate give this room: its ``id``, else its topic."""
        return self.id or self.topic


class SchoolSection(BaseModel):
    model_config = _STRICT
    id: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_\-]+$")]
    name: Annotated[str, Field(min_length=1)]
    timezone: str = "Asia/Shanghai"
    roster: str | None = None  # the roster file's name, when it is not roster.csv / roster.xlsx
    classes: list[ClassName] | None = None  # when given, a roster class not in it is refused

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise ValueError(f'时区“{v}”不认识，中国的学校写 timezone = "Asia/Shanghai"') from e
        return v


class SchoolFile(BaseModel):
    """``school.toml`` as written."""

    model_config = _STRICT
    school: SchoolSection
    term: Term
    rules: Rules = Rules()
    staff: list[StaffMember] = []
    rooms: list[RoomConfig] = []


@dataclass
class SchoolConfig:
    id: str
    name: str
    timezone: str
    term: Term
    rules: Rules
    staff: list[StaffMember]
    rooms: list[RoomConfig]
    folder: Path
    policy: dict = field(default_factory=dict)
    roster_path: Path | None = None  # the folder's roster file, if it has one
    class_list: list[str] | None = None  # [school] classes, when the school lists them

    @cached_property
    def roster_file(self) -> RosterFile:
        """The folder's roster, read (and checked) the first time it is asked for."""
        if self.roster_path is None:
            raise SchoolConfigError([f"在 {self.folder} 找不到学生名单（roster.csv 或 roster.xlsx）"])
        try:
            return read_roster_file(self.roster_path)
        except RosterError as e:
            raise SchoolConfigError(e.problems) from e

    @property
    def students(self) -> list[RosterEntry]:
        return self.roster_file.entries

    @property
    def classes(self) -> list[str]:
        """The classes this configuration names (listed, a head teacher's, a parent group's)."""
        named = set(self.class_list or ())
        named |= {s.head_of for s in self.staff if s.head_of} | {r.class_name for r in self.rooms if r.class_name}
        return sorted(named, key=class_order)

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


def demo_school_dir() -> Path:
    return Path(str(resources.files("bot") / "data" / "demo_school"))


def find_roster(folder: Path, named: str | None) -> Path | None:
    if named:
        return folder / named
    found = next((folder / n for n in ROSTER_NAMES if (folder / n).is_file()), None)
    if found is None:
        # A secretary who drops the 学籍 system's export in the folder as it is named.
        sheets = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".xlsx", ".xls"))
        found = sheets[0] if len(sheets) == 1 else None
    return found


def _cross_checks(cfg: SchoolFile, text: str) -> list[str]:
    """What pydantic cannot see one value at a time: repeats across tables."""
    problems: list[str] = []
    seen: dict[str, int] = {}
    for i, s in enumerate(cfg.staff):
        if s.wechat_id in seen:
            problems.append(
                f"{where('school.toml', text, ('staff', i, 'wechat_id'))}：wechat_id “{s.wechat_id}” 重复"
                f"（{cfg.staff[seen[s.wechat_id]].name} 已用），每个人的微信 id 不同"
            )
        seen.setdefault(s.wechat_id, i)
    topics: set[str] = set()
    ids: set[str] = set()
    for i, r in enumerate(cfg.rooms):
        if r.topic in topics:
            problems.append(
                f"{where('school.toml', text, ('rooms', i, 'topic'))}：群名“{r.topic}”重复（同一所学校的群名要不同）"
            )
        if r.id is not None and r.id in ids:
            problems.append(
                f"{where('school.toml', text, ('rooms', i, 'id'))}：群 id “{r.id}” 重复，一个群只能配置一次"
            )
        topics.add(r.topic)
        ids.update([r.id] if r.id else [])
    if cfg.school.classes is not None:
        listed = set(cfg.school.classes)
        for i, s in enumerate(cfg.staff):
            if s.head_of and s.head_of not in listed:
                problems.append(
                    f"{where('school.toml', text, ('staff', i, 'head_of'))}：{s.name} 的 head_of “{s.head_of}” 不在 [school] classes 里"
                )
    return problems


def load_school(folder: str | Path | None = None) -> SchoolConfig:
    """Load and validate ``school.toml`` (not the roster); raises SchoolConfigError listing every problem."""
    folder = Path(folder) if folder else demo_school_dir()
    toml_path = folder / "school.toml"
    if not toml_path.is_file():
        raise SchoolConfigError([f"在 {folder} 找不到 school.toml（学校配置文件）"])
    text, raw = read_toml(toml_path, "school.toml")
    problems: list[str] = []
    try:
        cfg = SchoolFile.model_validate(raw)
    except ValidationError as e:
        raise SchoolConfigError(explain("school.toml", text, e)) from e
    problems += _cross_checks(cfg, text)
    roster_path = find_roster(folder, cfg.school.roster)
    if cfg.school.roster and (roster_path is None or not roster_path.is_file()):
        problems.append(
            f"{where('school.toml', text, ('school', 'roster'))}：找不到名单文件“{cfg.school.roster}”（{folder} 里）"
        )
    policy: dict = {}
    policy_path = folder / "policy.toml"
    if policy_path.is_file():
        try:
            policy = tomllib.loads(policy_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as e:
            problems.append(toml_error("policy.toml", e))
    if problems:
        raise SchoolConfigError(problems)
    return SchoolConfig(
        id=cfg.school.id,
        name=cfg.school.name,
        timezone=cfg.school.timezone,
        term=cfg.term,
        rules=cfg.rules,
        staff=list(cfg.staff),
        rooms=list(cfg.rooms),
        folder=folder,
        policy=policy,
        roster_path=roster_path,
        class_list=cfg.school.classes,
    )


def roster_problems(school: SchoolConfig, roster: RosterFile, *, whole: bool = True) -> tuple[list[str], list[str]]:
    """A roster against the school's configuration: (problems, warnings).

    A roster class the school does not list (``[school] classes``, when it lists them)
    is a problem; so, for the ``whole`` roll (the folder's roster: ``check``, the first
    start), is a class school.toml names (head_of, a parent group) that the roster does
    not have; an import may be one class's sheet. A roster class with no head teacher is
    a warning (nobody is asked for its roll-call, nobody is told of its alerts).
    """
    problems: list[str] = []
    warnings: list[str] = []
    have = set(roster.classes)
    toml = school.folder / "school.toml"
    text = toml.read_text(encoding="utf-8") if toml.is_file() else ""
    if school.class_list is not None:
        listed = set(school.class_list)
        first: dict[str, int] = {}
        for n, e in enumerate(roster.entries):
            if e.class_name not in listed:
                first.setdefault(e.class_name, n)
        for cls, n in first.items():
            count = sum(1 for e in roster.entries if e.class_name == cls)
            problems.append(
                f"{roster.name}：班级“{cls}”不在 school.toml 的 [school] classes 里（{count} 名学生，"
                f"如学籍号 {roster.entries[n].student_id}）：请把它加进 classes，或改正名单里的班级"
            )
    for i, s in enumerate(school.staff if whole else ()):
        if s.head_of and s.head_of not in have:
            problems.append(
                f"{where('school.toml', text, ('staff', i, 'head_of'))}：{s.name} 的 head_of “{s.head_of}” 不是名单里的班级"
                f"（{roster.name} 里没有这个班；名单里有：{'、'.join(roster.classes)}）"
            )
    for i, r in enumerate(school.rooms if whole else ()):
        if r.class_name and r.class_name not in have:
            problems.append(
                f"{where('school.toml', text, ('rooms', i, 'class'))}：群“{r.topic}”对应的班级“{r.class_name}”不是名单里的班级"
            )
    headless = [cls for cls in roster.classes if school.head_teacher_of(cls) is None]
    if headless:
        many = len(headless) > HEADLESS_SHOWN
        shown = "、".join(headless[:HEADLESS_SHOWN]) + (f" 等 {len(headless)} 个班" if many else "")
        warnings.append(
            f"{roster.name}：{shown} 没有班主任（school.toml 里没有 head_of 是这个班的老师）："
            "不会收到点名提醒，预警只发校长和专干"
        )
    return problems, warnings


def check_school(school: SchoolConfig) -> tuple[list[str], list[str]]:
    """The whole folder, the roster included: (problems, warnings), for ``schoolbot check``."""
    try:
        roster = school.roster_file
    except SchoolConfigError as e:
        return e.problems, []
    problems, warnings = roster_problems(school, roster)
    return problems, [*roster.warnings, *warnings]


def check_folder(folder: str | Path | None = None) -> tuple[list[str], list[str]]:
    """A school folder as ``schoolbot check`` sees it: school.toml and the roster both,
    even when one of them is wrong, so every problem is listed at once."""
    try:
        school = load_school(folder)
    except SchoolConfigError as e:
        problems = list(e.problems)
        path = find_roster(Path(folder) if folder else demo_school_dir(), None)
        if path is not None:
            try:
                read_roster_file(path)
            except RosterError as re:
                problems += re.problems
        return problems, []
    return check_school(school)
