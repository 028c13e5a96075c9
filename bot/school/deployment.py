"""A deployment: the schools one bot serves (a 中心校 and its village schools, or a
county), and the people who work across them.

``--school DIR`` names either one school folder (``school.toml`` + ``roster.csv``) or a
folder with ``deployment.toml`` listing school folders beside it::

    name = "青石镇中心校"
    schools = ["qingshi", "shimen"]
    [[staff]]                      # people who work across schools
    name = "黄志强"
    title = "中心校校长"
    wechat_id = "wxid_zx_huangzhiqiang"
    roles = ["principal"]
    schools = ["*"]                # or a list of school ids

Loading is strict like a school folder's: every problem in every file is listed at once,
with file and line, and nothing starts on a deployment that has one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.school.config import SchoolConfig, SchoolConfigError, StaffMember, load_school
from bot.school.settings_file import explain, read_toml, where
from storage.enums import Role

DEPLOYMENT_FILE = "deployment.toml"
ALL_SCHOOLS = "*"


@dataclass(frozen=True)
class CrossStaff:
    """Someone whose roles span several schools: a 中心校 principal, a county officer."""

    name: str
    wechat_id: str
    roles: tuple[Role, ...]
    schools: tuple[str, ...]  # school ids, ``*`` already expanded
    title: str = ""

    def as_member(self) -> StaffMember:
        return StaffMember(name=self.name, wechat_id=self.wechat_id, roles=self.roles, title=self.title)


@dataclass
class Deployment:
    name: str
    folder: Path
    schools: list[SchoolConfig]
    staff: list[CrossStaff] = field(default_factory=list)

    @classmethod
    def of(cls, what: Deployment | SchoolConfig) -> Deployment:
        """A deployment as given, or one school folder as a deployment of one."""
        return what if isinstance(what, Deployment) else cls(what.name, what.folder, [what])

    @property
    def ids(self) -> list[str]:
        return [s.id for s in self.schools]

    def school(self, school_id: str) -> SchoolConfig | None:
        return next((s for s in self.schools if s.id == school_id), None)

    def cross_staff_of(self, school_id: str) -> list[CrossStaff]:
        return [c for c in self.staff if school_id in c.schools]

    def overseers(self) -> list[CrossStaff]:
        """Cross-school people with more than one school: they get the roll-up digest."""
        return [c for c in self.staff if len(c.schools) > 1]

    def with_cross_staff(self) -> list[SchoolConfig]:
        """Each school with the cross-school people added to its staff (alerts, digests
        and queries see them as that school's principal or officer)."""
        out = []
        for s in self.schools:
            extra = [c.as_member() for c in self.cross_staff_of(s.id) if s.staff_by_wechat(c.wechat_id) is None]
            out.append(replace(s, staff=[*s.staff, *extra]) if extra else s)
        return out


def is_deployment(folder: Path) -> bool:
    return (folder / DEPLOYMENT_FILE).is_file()


class CrossStaffEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, Field(min_length=1)]
    wechat_id: Annotated[str, Field(min_length=1)]
    roles: tuple[Role, ...] = ()
    title: str = ""
    schools: Annotated[list[str], Field(min_length=1)]


class DeploymentFile(BaseModel):
    """``deployment.toml`` as written."""

    model_config = ConfigDict(extra="forbid")
    name: str = ""
    schools: Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)]
    staff: list[CrossStaffEntry] = []


def load_deployment(folder: str | Path | None = None) -> Deployment:
    """One school folder, or a deployment folder; raises SchoolConfigError listing every problem."""
    if folder is None or not is_deployment(Path(folder)):
        school = load_school(folder)
        return Deployment(name=school.name, folder=school.folder, schools=[school])
    folder = Path(folder)
    text, raw = read_toml(folder / DEPLOYMENT_FILE, DEPLOYMENT_FILE)
    problems: list[str] = []
    try:
        cfg = DeploymentFile.model_validate(raw)
    except ValidationError as e:
        problems += explain(DEPLOYMENT_FILE, text, e)
        # The school folders are still checked, so every problem is listed at once.
        names = raw.get("schools")
        listed = [n for n in names if isinstance(n, str) and n] if isinstance(names, list) else []
        cfg = DeploymentFile(name=str(raw.get("name", "")), schools=listed or ["."], staff=[])
        if not listed:
            raise SchoolConfigError(problems) from e

    schools: list[SchoolConfig] = []
    first_line: dict[str, str] = {}
    for i, name in enumerate(cfg.schools):
        at = where(DEPLOYMENT_FILE, text, ("schools", i))
        sub = (folder / name).resolve()
        if not (sub / "school.toml").is_file():
            problems.append(f"{at}：找不到学校文件夹“{name}”（{sub} 里没有 school.toml）")
            continue
        try:
            school = load_school(sub)
        except SchoolConfigError as e:
            problems.extend(f"{name}/{p}" for p in e.problems)
            continue
        if school.id in first_line:
            problems.append(f"{at}：学校 id “{school.id}” 重复（{first_line[school.id]} 已用），每所学校的 id 要不同")
            continue
        first_line[school.id] = f"{name}/school.toml"
        schools.append(school)
    ids = {s.id for s in schools}

    room_owner: dict[str, str] = {}
    for school in schools:
        toml = (school.folder / "school.toml").read_text(encoding="utf-8")
        for n, room in enumerate(school.rooms):
            if room.id is None:
                continue
            if room.id in room_owner and room_owner[room.id] != school.id:
                problems.append(
                    f"{school.folder.name}/{where('school.toml', toml, ('rooms', n, 'id'))}："
                    f"群 id “{room.id}” 已属于学校 {room_owner[room.id]}，一个群只能属于一所学校"
                )
            room_owner.setdefault(room.id, school.id)

    staff: list[CrossStaff] = []
    for i, entry in enumerate(cfg.staff):
        if entry.schools == [ALL_SCHOOLS]:
            over = tuple(s.id for s in schools)
        else:
            unknown = [w for w in entry.schools if w not in ids]
            if unknown:
                problems.append(
                    f"{where(DEPLOYMENT_FILE, text, ('staff', i, 'schools'))}：{entry.name} 的 schools 里有不认识的学校 id："
                    f'{"、".join(unknown)}（可用：{"、".join(sorted(ids))}，或 ["*"] 表示全部）'
                )
            over = tuple(w for w in entry.schools if w in ids)
        staff.append(CrossStaff(entry.name, entry.wechat_id, tuple(entry.roles), over, entry.title))

    if problems:
        raise SchoolConfigError(problems)
    return Deployment(name=cfg.name or schools[0].name, folder=folder, schools=schools, staff=staff)


def check_deployment(dep: Deployment) -> tuple[list[str], list[str]]:
    """Every school's folder with its roster (``schoolbot check``): (problems, warnings),
    each prefixed with the school's folder when there are several."""
    from bot.school.config import check_school

    problems: list[str] = []
    warnings: list[str] = []
    for school in dep.schools:
        prefix = f"{school.folder.name}/" if len(dep.schools) > 1 else ""
        p, w = check_school(school)
        problems += [prefix + x for x in p]
        warnings += [prefix + x for x in w]
    return problems, warnings
