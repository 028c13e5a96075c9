"""schoolbot export ledger --from D --to D [--out FILE.xlsx]"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import typer
from sqlmodel import Session

from bot.cli import app, boot, fail

export_app = typer.Typer(help="导出 export", no_args_is_help=True)
app.add_typer(export_app, name="export")


def _date(value: str, what: str, flag: str) -> dt.date:
    # fromisoformat alone would also take 20261123 or 2026-W48-1; the office writes 2026-11-23.
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    fail(f"{what}“{value}”不是有效日期，请写成 2026-11-23 这样的格式 / {flag} must be YYYY-MM-DD")


@export_app.command("ledger")
def ledger_cmd(
    from_: str = typer.Option(..., "--from", help="开始日期 first day, YYYY-MM-DD"),
    to: str = typer.Option(..., "--to", help="结束日期 last day, YYYY-MM-DD"),
    out: Path | None = typer.Option(None, "--out", help="输出文件 .xlsx；默认 台账_{from}_{to}.xlsx"),
    by: str = typer.Option("", "--by", help="制表人 who prepared it (the title block of every sheet)"),
) -> None:
    """导出台账 Excel：缺勤台账、预警与劝返、劝返记录、班级每日统计、因病缺课登记 (attendance ledger workbook)."""
    from bot.reports.export import ABSENCES, ALERTS, DAILY, ILLNESS, VISITS, write_ledger
    from bot.runtime import make_clock
    from bot.school.calendar import SchoolCalendar
    from bot.school.staff import audit, cli_actor
    from storage.enums import AuditAction

    start, end = _date(from_, "开始日期", "--from"), _date(to, "结束日期", "--to")
    if start > end:
        fail(f"开始日期 {start} 晚于结束日期 {end}，请检查 --from 和 --to / --from is after --to")
    out = out or Path(f"台账_{start}_{end}.xlsx")
    if out.suffix.lower() != ".xlsx":
        fail(f"输出文件“{out}”要以 .xlsx 结尾（Excel/WPS 表格） / --out must end in .xlsx")
    if out.is_dir():
        fail(f"“{out}”是一个文件夹，请给出文件名，例如 {out / '台账.xlsx'}")
    if not out.parent.is_dir():
        fail(f"找不到文件夹“{out.parent}”，请先建好 / folder does not exist: {out.parent}")

    b = boot()
    calendar = SchoolCalendar(b.school.term)
    today = make_clock(b.settings, b.school).today()
    try:
        with Session(b.engine) as s:
            result = write_ledger(out, s, b.school, calendar, start, end, today=today, prepared_by=by)
            audit(
                s,
                school_id=b.school.id,
                now=make_clock(b.settings, b.school).now(),
                actor=cli_actor(),
                action=AuditAction.EXPORTED,
                subject=out.name,
                detail=f"{start}–{end}",
            )
            s.commit()
    except PermissionError:
        fail(f"无法写入“{out}”：文件可能正在 Excel/WPS 中打开，请先关闭 / cannot write {out} (open elsewhere?)")
    except OSError as e:
        fail(f"无法写入“{out}”：{e.strerror or e} / cannot write {out}")

    notes = []
    if result.school_days == 0:
        notes.append("范围内没有上学日 no school days in range")
    if result.open_until is not None:
        notes.append(f"未结束的缺勤只计到 {result.open_until} open absences counted up to today")
    if years := calendar.incomplete_years(start, end):
        notes.append(f"{'、'.join(map(str, years))}年节假日未知，按周一至周五计 holidays unknown, Mon-Fri assumed")
    typer.echo(
        f"已导出 exported {out}：{ABSENCES} {result.rows[ABSENCES]} 行, {ALERTS} {result.rows[ALERTS]} 行, "
        f"{VISITS} {result.rows[VISITS]} 行, "
        f"{DAILY} {result.rows[DAILY]} 行, {ILLNESS} {result.rows[ILLNESS]} 行 rows"
        + (f"（{'；'.join(notes)}）" if notes else "")
    )
