"""Writing a sheet of the 台账 workbook the way a county office opens it (openpyxl)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.school.classnames import parse_class_name

DATE_FORMAT = "yyyy-mm-dd"
MAX_WIDTH = 60


def yes(flag: bool) -> str:
    return "是" if flag else "否"


def _width(value: object) -> int:
    if isinstance(value, dt.date):
        return 10
    lines = str(value).split("\n") if value is not None else [""]
    # CJK characters take two columns in Excel and WPS.
    return max(sum(2 if ord(ch) > 0x2E80 else 1 for ch in line) for line in lines)


def write_sheet(
    wb: Workbook, title: str, headers: tuple[str, ...], rows: list[tuple[Any, ...]], wrap_headers: set[str]
) -> int:
    """One sheet as a county office reads it: bold header, dates as dates, widths to fit, filter, frozen header."""
    ws = wb.create_sheet(title)
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
    widths = [_width(h) for h in headers]
    wrap = {i for i, h in enumerate(headers) if h in wrap_headers}
    for row in rows:
        ws.append(row)
        for i, value in enumerate(row):
            widths[i] = max(widths[i], _width(value))
    for column in ws.iter_cols(min_row=2, max_row=ws.max_row):
        for cell in column:
            if isinstance(cell.value, dt.date):
                cell.number_format = DATE_FORMAT
            if cell.column - 1 in wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(MAX_WIDTH, w + 2)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(1, len(rows) + 1)}"
    return len(rows)


TITLE_ROWS = 3  # the title block above every sheet's header row


def class_key(name: str) -> tuple[int, int, int, str]:
    """Classes in school order: 一年级一班 before 一年级二班 before 二年级一班."""
    ref = parse_class_name(name)
    return (0, ref.grade, ref.number, name) if ref else (1, 0, 0, name)


def add_title(ws: Worksheet, lines: list[str]) -> None:
    """The title block a county office files above the table (school, period, who made it, when)."""
    width = max(1, ws.max_column)
    ws.insert_rows(1, len(lines))
    for i, line in enumerate(lines, start=1):
        ws.cell(row=i, column=1, value=line).font = Font(bold=True, size=14 if i == 1 else 11)
        if width > 1:
            ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=width)
    header = len(lines) + 1
    ws.freeze_panes = f"A{header + 1}"
    ws.auto_filter.ref = f"A{header}:{get_column_letter(width)}{max(header, ws.max_row)}"
