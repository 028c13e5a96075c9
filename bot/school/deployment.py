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

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.school.config import ROLES, SchoolConfig, SchoolConfigError, StaffMember, line_of, load_school, toml_error

DEPLOYMENT_FILE = "deployment.toml"
ALL_SCHOOLS = "*"


@dataclass(frozen=True)
class CrossStaff:
    """Someone whose roles span several schools: a 中心校 principal, a county officer."""

    name: str
    wechat_id: str
    roles: tuple[str, ...]
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


def load_deployment(folder: str | Path | None = None) -> Deployment:
    """One school folder, or a deployment folder; raises SchoolConfigError listing every problem."""
    if folder is None or not is_deployment(Path(folder)):
        school = load_school(folder)
        return Deployment(name=school.name, folder=school.folder, schools=[school])
    folder = Path(folder)
    path = folder / DEPLOYMENT_FILE
    text = path.read_text(encoding="utf-8")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise SchoolConfigError([toml_error(DEPLOYMENT_FILE, e)]) from e

    def where(needle: str) -> str:
        line = line_of(text, needle)
        return f"{DEPLOYMENT_FILE} 第{line}行" if line else DEPLOYMENT_FILE

    problems: list[str] = []
    names = raw.get("schools")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        problems.append(f'{where("schools")}：schools 要列出学校文件夹，例如 schools = ["qingshi", "shimen"]')
        names = []
    schools: list[SchoolConfig] = []
    first_line: dict[str, str] = {}
    for name in names:
        at = where('"' + name + '"')
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
        for room in school.rooms:
            if room.id is None:
                continue
            if room.id in room_owner and room_owner[room.id] != school.id:
                problems.append(
                    f"{school.folder.name}/school.toml 第{line_of((school.folder / 'school.toml').read_text(encoding='utf-8'), room.id) or '?'}行："
                    f"群 id “{room.id}” 已属于学校 {room_owner[room.id]}，一个群只能属于一所学校"
                )
            room_owner.setdefault(room.id, school.id)

    staff: list[CrossStaff] = []
    for entry in raw.get("staff", []):
        name, wid = entry.get("name", ""), entry.get("wechat_id", "")
        at = where(f'"{wid}"' if wid else f'"{name}"')
        if not name or not wid:
            problems.append(f"{at}：[[staff]] 每个人都要有 name 和 wechat_id")
            continue
        roles = tuple(entry.get("roles", []))
        for role in roles:
            if role not in ROLES:
                problems.append(f"{at}：{name} 的角色“{role}”不认识，可用：{', '.join(ROLES)}")
        wanted = entry.get("schools", [])
        if wanted == ALL_SCHOOLS or wanted == [ALL_SCHOOLS]:
            over = tuple(s.id for s in schools)
        elif isinstance(wanted, list) and wanted:
            unknown = [w for w in wanted if w not in ids]
            if unknown:
                problems.append(
                    f'{at}：{name} 的 schools 里有不认识的学校 id：{"、".join(unknown)}（可用：{"、".join(sorted(ids))}，或 "*" 表示全部）'
                )
            over = tuple(w for w in wanted if w in ids)
        else:
            problems.append(f'{at}：{name} 要写 schools（学校 id 的列表，或 ["*"] 表示全部学校）')
            over = ()
        staff.append(CrossStaff(name=name, wechat_id=wid, roles=roles, schools=over, title=entry.get("title", "")))

    if problems:
        raise SchoolConfigError(problems)
    return Deployment(name=raw.get("name") or schools[0].name, folder=folder, schools=schools, staff=staff)
