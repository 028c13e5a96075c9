"""Reading a 学籍 roster export (CSV, XLSX or XLS) into ``RosterEntry`` records (pure, file in).

Real exports put a title row or two above the header, name the same column several
ways, and leave out columns; a school secretary fixes a file once, so every problem of
the file is listed at once with its row number. A column the file does not have is
recorded as absent (``RosterFile.columns``), so an import never erases what the
database already holds for it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.school.classnames import ClassRef, parse_class_name
from bot.school.sheets import RosterError, read_sheet


@dataclass(frozen=True)
class Column:
    field: str  # RosterEntry attribute
    title: str  # the header we write (template, messages)
    synonyms: tuple[str, ...]  # headers of real exports, compared after normalising
    required: bool = False
    flag: bool = False  # 是 / 否
    example: str = ""


# Every header this project understands, in the order the template writes them.
COLUMNS: tuple[Column, ...] = (
    Column("student_id", "学籍号", ("学籍号", "全国学籍号", "学籍辅号", "学生学籍号"), True, example="G53032019000001"),
    Column("name", "姓名", ("姓名", "学生姓名"), True, example="王小明"),
    Column("gender", "性别", ("性别",), example="男"),
    Column("grade", "年级", ("年级",), example="三年级"),
    Column("class_name", "班级", ("班级", "班级名称", "所在班级"), True, example="三年级二班"),
    Column("guardian", "监护人", ("监护人", "监护人姓名", "家长姓名"), example="王建国"),
    Column("phone", "联系电话", ("联系电话", "监护人电话", "家长电话", "手机号", "手机号码"), example="13812345678"),
    Column("boarding", "是否寄宿", ("是否寄宿", "是否寄宿生", "寄宿"), flag=True, example="否"),
    Column(
        "poverty", "是否脱贫家庭", ("是否脱贫家庭", "是否脱贫户", "建档立卡", "是否建档立卡"), flag=True, example="否"
    ),
    Column("left_behind", "是否留守儿童", ("是否留守儿童", "留守儿童"), flag=True, example="是"),
    Column("id_card", "身份证号", ("身份证号", "身份证件号", "身份证号码"), example=""),
    Column("birth_date", "出生日期", ("出生日期",), example="2018-03-05"),
    Column("address", "家庭住址", ("家庭住址", "现住址", "住址"), example="青石镇石门村3组"),
)
BY_FIELD = {c.field: c for c in COLUMNS}
REQUIRED = tuple(c.title for c in COLUMNS if c.required)
# Columns a missing one of which the secretary should hear about: the alerts name them.
WORTH_A_WARNING = ("guardian", "phone", "poverty", "left_behind")
HEADER_SEARCH_ROWS = 20

_YES = {"是", "y", "yes", "true", "1", "√", "✓", "有"}
_NO = {"否", "n", "no", "false", "0", "", "×", "无"}
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}")
_SCIENTIFIC = re.compile(r"\d(?:\.\d+)?[eE]\+?\d+")
_PHONE_SPLIT = re.compile(r"[、/,，;；\s]+")


def _key(header: str) -> str:
    """Headers compared without spaces, BOM, full-width forms or a trailing note like 是否寄宿（是/否）."""
    h = unicodedata.normalize("NFKC", header).replace("\ufeff", "")
    h = re.sub(r"\s+", "", h)
    return re.sub(r"\(.*\)$", "", h)


_HEADER_OF = {_key(s): c for c in COLUMNS for s in c.synonyms}


@dataclass(frozen=True, slots=True)
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
    id_card: str = ""  # 身份证号: kept, never shown in chat
    birth_date: str = ""
    address: str = ""


# What a roster file can set on a student; import_roster compares and writes these.
STUDENT_FIELDS = tuple(c.field for c in COLUMNS if c.field != "student_id")


@dataclass
class RosterFile:
    name: str  # the file name, for messages
    entries: list[RosterEntry]
    columns: frozenset[str]  # RosterEntry fields the file has a column for
    header_row: int = 1
    warnings: list[str] = field(default_factory=list)

    @property
    def classes(self) -> list[str]:
        return sorted({e.class_name for e in self.entries}, key=class_order)


def class_order(class_name: str) -> tuple[int, int, str]:
    ref = parse_class_name(class_name)
    return (ref.grade, ref.number, "") if ref else (99, 99, class_name)


# -- the rules (pure) ----------------------------------------------------------------


def _flag(value: str, column: Column, where: str, problems: list[str]) -> bool:
    v = value.strip().lower()
    if v in _YES:
        return True
    if v not in _NO:
        problems.append(f"{where}：“{column.title}”一栏应填“是”或“否”，现在是“{value}”")
    return False


def check_phone(value: str) -> str | None:
    """What is wrong with a phone cell, or None (empty is allowed: not every family has one)."""
    if _SCIENTIFIC.fullmatch(value.strip()):
        return f"联系电话“{value}”被 Excel 写成了科学计数法，后几位已经丢了：请把这一栏设成“文本”格式，重新填上完整号码"
    for part in _PHONE_SPLIT.split(unicodedata.normalize("NFKC", value).strip()):
        digits = part.replace("-", "") if _MOBILE.fullmatch(part.replace("-", "")) else part
        if part and not (_MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(part)):
            return f"联系电话“{value}”不像电话号码：手机写 11 位（13812345678），座机带区号（0871-1234567）"
    return None


def check_name(name: str) -> str | None:
    if re.search(r"[\s\u3000]", name):
        return f"姓名“{name}”中间有空格，请删掉空格（名单上的名字要和老师在群里写的一样）"
    wide = [ch for ch in name if unicodedata.east_asian_width(ch) == "F"]
    if wide:
        return f"姓名“{name}”里有全角字符“{''.join(wide)}”，请改成普通的字"
    if re.search(r"[0-9A-Za-z]", name):
        return f"姓名“{name}”里有数字或字母，请只写名字"
    return None


def _find_header(rows: Sequence[Sequence[str]]) -> int | None:
    """The first row (0-based) with every required column: title rows above it are skipped."""
    needed = {c.field for c in COLUMNS if c.required}
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        fields = {_HEADER_OF[k].field for cell in row if (k := _key(cell)) in _HEADER_OF}
        if needed <= fields:
            return i
    return None


def _no_header(rows: Sequence[Sequence[str]], fname: str) -> str:
    """Why no header row was found, pointing at the row that came closest."""
    best = max(range(min(len(rows), HEADER_SEARCH_ROWS)), key=lambda i: _known_in(rows[i]))
    expected = ",".join(c.title for c in COLUMNS[:10])
    if _known_in(rows[best]) >= 2:
        have = {_HEADER_OF[k].field for cell in rows[best] if (k := _key(cell)) in _HEADER_OF}
        missing = [c for c in COLUMNS if c.required and c.field not in have]
        also = "、".join("/".join(c.synonyms[:2]) for c in missing)
        return f"{fname} 第{best + 1}行（表头）：缺少列 {'、'.join(c.title for c in missing)}（也可以写成 {also}）；表头例如 {expected}"
    first = next((r for r in rows if any(c.strip() for c in r)), rows[0])
    return (
        f"{fname}：前{HEADER_SEARCH_ROWS}行里找不到表头（要有“学籍号”“姓名”“班级”三列的一行；表头上面的标题行没关系）。"
        f"第一行是“{' '.join(c for c in first if c)[:40]}”；表头例如 {expected}"
    )


def _known_in(row: Sequence[str]) -> int:
    return sum(1 for cell in row if _key(cell) in _HEADER_OF)


def read_roster(path: str | Path, progress: Callable[[int, int], None] | None = None) -> list[RosterEntry]:
    """The students of a roster file; raises RosterError listing every bad line."""
    return read_roster_file(path, progress).entries


def read_roster_file(path: str | Path, progress: Callable[[int, int], None] | None = None) -> RosterFile:
    path = Path(path)
    sheet = read_sheet(path)
    rows, sheet.rows = sheet.rows, []  # handed over: parse_roster_rows lets each row go once read
    return parse_roster_rows(rows, path.name, progress, merged=sheet.merged)


def parse_roster_rows(
    rows: Iterable[Sequence[str]],
    fname: str,
    progress: Callable[[int, int], None] | None = None,
    merged: Sequence[tuple[int, int, int, int]] = (),
) -> RosterFile:
    # The caller's rows are ours to consume (a sheet read for this call): each row is let go
    # once its student is read, so the cells and the students are not all held at once.
    rows = rows if isinstance(rows, list) else [list(r) for r in rows]
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if not rows:
        raise RosterError([f"{fname}：文件是空的，没有表头也没有学生"])
    h = _find_header(rows)
    if h is None:
        raise RosterError([_no_header(rows, fname)])
    problems: list[str] = []
    warnings: list[str] = []
    header_line = h + 1
    where_h = f"{fname} 第{header_line}行（表头）"
    idx: dict[str, int] = {}
    unknown: list[str] = []
    for col, cell in enumerate(rows[h]):
        k = _key(cell)
        if not k:
            continue
        c = _HEADER_OF.get(k)
        if c is None:
            unknown.append(cell)
        elif c.field in idx:
            problems.append(
                f"{where_h}：第{idx[c.field] + 1}列“{rows[h][idx[c.field]]}”和第{col + 1}列“{cell}”都是{c.title}，请只留一列"
            )
        else:
            idx[c.field] = col
    if unknown:
        warnings.append(f"{where_h}：这些列不认识，没有导入：{'、'.join(unknown)}")
    for f in WORTH_A_WARNING:
        if f not in idx:
            c = BY_FIELD[f]
            warnings.append(
                f"{where_h}：没有“{c.title}”一栏：已有学生的{c.title}保持数据库里的不变，新学生记为"
                + ("“否”" if c.flag else "空")
            )
    body_start = h + 1
    if body_start < len(rows) and _known_in(rows[body_start]) >= 2:
        problems.append(
            f"{fname} 第{body_start + 1}行：又是一行表头（两行表头），请删掉多余的一行，只留一行表头（第{header_line}行）"
        )
        body_start += 1
    titles = {i: BY_FIELD[f].title for f, i in idx.items()}
    for min_col, min_row, max_col, max_row in merged:
        if max_row <= header_line:
            continue  # merged title cells above the header are harmless
        cols = [titles.get(c - 1, f"第{c}列") for c in range(min_col, max_col + 1)]
        span = f"第{min_row}行" if min_row == max_row else f"第{min_row}–{max_row}行"
        problems.append(f"{fname} {span}：“{'、'.join(cols)}”是合并单元格，请取消合并，并在每一行都填上自己的内容")
    if not any(any(c.strip() for c in r) for r in rows[body_start:]):
        problems.append(f"{fname}：只有表头，没有学生（第{header_line}行以下是空的）")
        raise RosterError(problems)

    entries: list[RosterEntry] = []
    first_seen: dict[str, tuple[int, str]] = {}
    total = len(rows) - body_start
    get_sid, get_name, get_cls = (idx.get(f) for f in ("student_id", "name", "class_name"))
    optional = [(f, i) for f, i in idx.items() if f not in ("student_id", "name", "class_name")]
    # A roster has a few dozen class names in 150,000 rows: parse each once.
    classes: dict[str, ClassRef | None] = {}
    for n in range(total):
        row, rows[body_start + n] = rows[body_start + n], ()
        lineno = body_start + n + 1
        if progress and n % 5000 == 0:
            progress(n, total)
        if not any(row):
            continue
        width = len(row)

        def get(i: int | None, row: Sequence[str] = row, width: int = width) -> str:
            return row[i].strip() if i is not None and i < width else ""  # str.strip takes the full-width space too

        where = f"{fname} 第{lineno}行"
        sid, name, cls = get(get_sid), get(get_name), get(get_cls)
        bad = len(problems)
        if not sid:
            problems.append(f"{where}：学籍号是空的")
            continue
        if not name:
            problems.append(f"{where}：学籍号 {sid} 的姓名是空的")
        elif (why := check_name(name)) is not None:
            problems.append(f"{where}：{why}")
        ref = classes[cls] if cls in classes else classes.setdefault(cls, parse_class_name(cls))
        if ref is None:
            problems.append(
                f"{where}：班级“{cls}”认不出来，请写成“三年级二班”这样的格式" if cls else f"{where}：班级是空的"
            )
            canonical = cls
        else:
            canonical = ref.canonical()
        if sid in first_seen:
            at, was = first_seen[sid]
            if was != canonical:
                problems.append(f"{where}：学籍号 {sid} 在第{at}行是{was}，这里又是{canonical}：一个学生只能在一个班")
            else:
                problems.append(f"{where}：学籍号 {sid} 重复（第{at}行已有）")
            continue
        first_seen[sid] = (lineno, canonical)
        values: dict[str, object] = {}
        for f, i in optional:
            v = get(i)
            c = BY_FIELD[f]
            if c.flag:
                values[f] = _flag(v, c, where, problems)
            else:
                values[f] = v
        grade = str(values.get("grade", ""))
        if grade and ref is not None:
            g1 = grade + "一班"
            gref = (
                (classes[g1] if g1 in classes else classes.setdefault(g1, parse_class_name(g1)))
                if grade.endswith("年级")
                else None
            )
            if gref is None or gref.grade != ref.grade:
                problems.append(f"{where}：班级“{cls}”和年级“{grade}”对不上")
        phone = str(values.get("phone", ""))
        if phone and (why := check_phone(phone)) is not None:
            problems.append(f"{where}：{why}")
        if len(problems) == bad:
            entries.append(RosterEntry(student_id=sid, name=name, class_name=canonical, **values))  # type: ignore[arg-type]
    if progress:
        progress(total, total)
    if problems:
        raise RosterError(problems)
    return RosterFile(fname, entries, frozenset(idx), header_line, warnings)


def template_rows() -> list[list[str]]:
    """The header and one example row, for ``schoolbot roster template``."""
    return [[c.title for c in COLUMNS], [c.example for c in COLUMNS]]
