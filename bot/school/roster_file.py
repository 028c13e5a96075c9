"""Reading a 学籍 roster export (CSV or XLSX) into ``RosterEntry`` records (pure, file in)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.school.classnames import parse_class_name

# The header a Chinese 学籍 export carries; order in the file does not matter.
COLUMNS = ("学籍号", "姓名", "性别", "年级", "班级", "监护人", "联系电话", "是否寄宿", "是否脱贫家庭", "是否留守儿童")
REQUIRED = ("学籍号", "姓名", "班级")
_YES = {"是", "y", "yes", "true", "1", "√", "✓"}
_NO = {"否", "n", "no", "false", "0", "", "×"}


class RosterError(Exception):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class RosterEntry:
    student_id: str  # 学籍号
    name: str
    class_name: str
    gender: str = ""
    grade: str = ""
    guardian: str = ""
    phone: str = ""
    boarding: bool = False
    poverty: bool = False  # 脱贫家庭 (formerly 建档立卡)
    left_behind: bool = False  # 留守儿童
    school_id: str = ""  # the school whose roll it is on (set when read from the database)


def _flag(value: str, column: str, where: str, problems: list[str]) -> bool:
    v = (value or "").strip().lower()
    if v in _YES:
        return True
    if v not in _NO:
        problems.append(f"{where}：“{column}”一栏应填“是”或“否”，现在是“{value}”")
    return False


def _rows_from_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    # Excel/WPS save UTF-8 with a BOM, older 学籍 systems export GB18030.
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterError([f"{path.name}：无法识别文件编码，请另存为 UTF-8 的 CSV"])
    return [row for row in csv.reader(io.StringIO(text))]


def _rows_from_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    ws = wb.worksheets[0]
    rows = [["" if c is None else str(c).strip() for c in row] for row in ws.iter_rows(values_only=True)]
    wb.close()
    return rows


def read_roster(path: str | Path, progress: Callable[[int, int], None] | None = None) -> list[RosterEntry]:
    """Read and validate a roster; raises RosterError listing every bad line."""
    path = Path(path)
    rows = _rows_from_xlsx(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _rows_from_csv(path)
    return parse_roster_rows(rows, path.name, progress)


def parse_roster_rows(
    rows: Iterable[list[str]], fname: str, progress: Callable[[int, int], None] | None = None
) -> list[RosterEntry]:
    rows = list(rows)
    problems: list[str] = []
    if not rows:
        raise RosterError([f"{fname}：文件是空的"])
    header = [h.strip().lstrip("\ufeff") for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise RosterError([f"{fname} 第1行（表头）：缺少列 {'、'.join(missing)}；表头应为 {','.join(COLUMNS)}"])
    idx = {name: header.index(name) for name in COLUMNS if name in header}
    students: list[RosterEntry] = []
    first_line: dict[str, int] = {}
    total = len(rows) - 1
    for lineno, row in enumerate(rows[1:], start=2):
        if progress and (lineno - 1) % 500 == 0:
            progress(lineno - 1, total)
        if not any(cell.strip() for cell in row):
            continue

        def get(col: str, row: list[str] = row) -> str:
            return row[idx[col]].strip() if col in idx and idx[col] < len(row) else ""

        where = f"{fname} 第{lineno}行"
        sid, name, cls, grade = get("学籍号"), get("姓名"), get("班级"), get("年级")
        if not sid:
            problems.append(f"{where}：学籍号是空的")
            continue
        if not name:
            problems.append(f"{where}：学籍号 {sid} 的姓名是空的")
            continue
        if sid in first_line:
            problems.append(f"{where}：学籍号 {sid} 重复（第{first_line[sid]}行已有）")
            continue
        first_line[sid] = lineno
        ref = parse_class_name(cls)
        if ref is None:
            problems.append(f"{where}：班级“{cls}”认不出来，请写成“三年级二班”这样的格式")
            continue
        if grade:
            gref = parse_class_name(grade + "一班") if grade.endswith("年级") else None
            if gref is None or gref.grade != ref.grade:
                problems.append(f"{where}：班级“{cls}”和年级“{grade}”对不上")
                continue
        students.append(
            RosterEntry(
                student_id=sid,
                name=name,
                class_name=ref.canonical(),
                gender=get("性别"),
                grade=grade,
                guardian=get("监护人"),
                phone=get("联系电话"),
                boarding=_flag(get("是否寄宿"), "是否寄宿", where, problems),
                poverty=_flag(get("是否脱贫家庭"), "是否脱贫家庭", where, problems),
                left_behind=_flag(get("是否留守儿童"), "是否留守儿童", where, problems),
            )
        )
    if progress:
        progress(total, total)
    if problems:
        raise RosterError(problems)
    return students
