"""Reading the cells of a roster export: CSV (UTF-8 with or without BOM, GB18030),
XLSX (python-calamine, row by row) and XLS (xlrd), with the merged ranges (file in)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path


class RosterError(Exception):
    """Everything wrong with a roster file: ``problems`` is a list of readable lines."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class Sheet:
    rows: list[list[str]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (min_col, min_row, max_col, max_row)


SHARED_LEN = 6  # 是/否, 男/女, 三年级二班: the same few words in every row, kept once


def _shared(cache: dict[str, str], text: str) -> str:
    # A county's sheet is 150,000 rows of a dozen cells; most cells are one of a few
    # short words. One object per distinct word instead of one per cell is tens of MB.
    return cache.setdefault(text, text) if len(text) <= SHARED_LEN else text


def _cell(value: object, cache: dict[str, str]) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # A phone or 学籍号 typed into a number cell: Excel keeps every digit, only shows 1.38E+10.
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if not (value.hour or value.minute) else value.isoformat()
    return _shared(cache, str(value).strip())


def _read_csv(path: Path) -> Sheet:
    raw = path.read_bytes()
    # Excel/WPS save UTF-8 with a BOM, older 学籍 systems export GB18030.
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterError([f"{path.name}：无法识别文件编码，请在 Excel 里“另存为”UTF-8 的 CSV 或 .xlsx"])
    cache: dict[str, str] = {}
    rows = [[_shared(cache, c.strip()) for c in row] for row in csv.reader(io.StringIO(text))]
    del text, raw
    return Sheet(rows)


def _xlsx_merged(archive: object, sheet_path: str) -> list[tuple[int, int, int, int]]:
    """Merged ranges of a sheet, read from its XML (openpyxl's read-only mode skips them)."""
    from openpyxl.utils.cell import range_boundaries

    refs: set[bytes] = set()
    pattern = re.compile(rb'<(?:\w+:)?mergeCell ref="([A-Z]+\d+:[A-Z]+\d+)"')
    # Streamed in blocks: a county's sheet XML is tens of MB; the overlap catches a tag cut in two.
    with archive.open(sheet_path) as f:  # type: ignore[attr-defined]
        carry = b""
        while chunk := f.read(1 << 20):
            block = carry + chunk
            refs.update(pattern.findall(block))
            carry = block[-80:]
    return sorted(range_boundaries(r.decode()) for r in refs)


def _read_xlsx(path: Path) -> Sheet:
    # python-calamine (a Rust reader) reads a county's 150,000-row export several times
    # faster than openpyxl, which still writes the workbooks; merged ranges come from the
    # sheet's XML either way.
    import zipfile

    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        sheet = book.get_sheet_by_index(0)
        # Row by row (a county's sheet held whole costs hundreds of MB), padded back to A1
        # so that every problem names the row Excel shows.
        top, left = sheet.start or (0, 0)
        rows: list[list[str]] = [[] for _ in range(top)]
        cache: dict[str, str] = {}
        rows += [[""] * left + [_cell(c, cache) for c in row] for row in sheet.iter_rows()]
        del sheet, book
        with zipfile.ZipFile(path) as archive:
            merged = _xlsx_merged(archive, _first_sheet_path(archive))
    except (CalamineError, zipfile.BadZipFile, KeyError, ValueError) as e:
        raise RosterError(
            [f"{path.name}：打不开这个 Excel 文件（{type(e).__name__}），请在 Excel 里另存为 .xlsx 再试"]
        ) from e
    return Sheet(rows, merged)


def _first_sheet_path(archive: object) -> str:
    """The XML part of the workbook's first sheet (as Excel lists them, not by file name)."""
    workbook = archive.read("xl/workbook.xml").decode("utf-8")  # type: ignore[attr-defined]
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8")  # type: ignore[attr-defined]
    first = re.search(r'<(?:\w+:)?sheet\b[^>]*?r:id="([^"]+)"', workbook)
    if first is None:
        raise ValueError("no sheet")
    target = re.search(r'<Relationship\b[^>]*?Id="' + re.escape(first.group(1)) + r'"[^>]*?Target="([^"]+)"', rels)
    if target is None:
        target = re.search(r'<Relationship\b[^>]*?Target="([^"]+)"[^>]*?Id="' + re.escape(first.group(1)) + '"', rels)
    if target is None:
        raise ValueError("no sheet part")
    part = target.group(1).lstrip("/")
    return part if part.startswith("xl/") else f"xl/{part}"


def _read_xls(path: Path) -> Sheet:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True)
    except xlrd.XLRDError as e:
        raise RosterError([f"{path.name}：打不开这个 .xls 文件（{e}），请在 Excel 里另存为 .xlsx 再试"]) from e
    sh = book.sheet_by_index(0)
    rows = []
    cache: dict[str, str] = {}
    for r in range(sh.nrows):
        row = []
        for c in range(sh.ncols):
            cell = sh.cell(r, c)
            if cell.ctype == xlrd.XL_CELL_DATE:
                row.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode).date().isoformat())
            else:
                row.append(_cell(cell.value, cache))
        rows.append(row)
    # xlrd gives (row_lo, row_hi, col_lo, col_hi), half-open and 0-based.
    merged = [(c0 + 1, r0 + 1, c1, r1) for r0, r1, c0, c1 in sh.merged_cells]
    return Sheet(rows, merged)


def read_sheet(path: Path) -> Sheet:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix == ".xls":
        return _read_xls(path)
    return _read_csv(path)
