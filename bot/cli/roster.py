"""schoolbot roster import FILE / show / template / transfer"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from sqlalchemy import select
from sqlmodel import Session, col

from bot.cli import app, boot, fail, settings

if TYPE_CHECKING:
    from bot.runtime import Bootstrap
    from bot.school.config import SchoolConfig
    from storage.roster_import import ImportReport

roster_app = typer.Typer(help="学生名单 roster", no_args_is_help=True)
app.add_typer(roster_app, name="roster")

SHOWN = 20  # students listed by name per heading; the rest are counted

# What the roster commands print, in one place.
MSG = {
    "which_school": "请用 --for 指明学校（{ids}）/ name the school with --for",
    "total": "共 {n} 人 total",
    "bad_file": "名单有误，没有导入任何内容（数据库没有改动）/ roster not imported:",
    "warnings": "请留意 / warnings:",
    "no_class": "名单里没有“{cls}”的学生（名单里的班：{have}）",
    "bad_class": "认不出班级“{cls}”，请写成“三年级二班”",
    "only_class": "只导入 {cls}（名单里其他班的行不动）",
    "added": "新增 added: {n}",
    "updated": "更新 updated: {n}",
    "rejoined": "（其中重新入学 rejoined {n}）",
    "unchanged": "未变 unchanged: {n}",
    "missing": "不在这份名单里 not in this file: {n}",
    "left": "标记离校（未删除，记录都保留）marked as left: {n}",
    "kept": "没有标记离校：他们仍在册。确实离校了请加 --mark-missing-left 再导入一次 / kept on the roll",
    "ask_left": "把这 {n} 名不在名单里的学生标记为离校吗？（记录都保留）",
    "transferred": "转入 transferred in: {n}（转出学校 from: {froms}）",
    "new_classes": "新的班级 new classes: {names}",
    "dry_run": "试运行，没有写入 / dry run: nothing written",
    "more": "  ……还有 {n} 人",
    "template_written": "已写出名单模板 {path}：第1行是表头，第2行是示例（请删掉示例再填）",
    "transfer_both": "请只写 --to 学校id 或 --out 之一",
    "transfer_none": "请写 --to 学校id（转到本系统里的另一所学校）或 --out（转出本系统，可加 --dest 学校名）",
    "transfer_not_here": "学籍号 {sid} 不在 {school} 的名单上",
    "transferred_out": "已办转出：{name}（{sid}）{day} 从 {frm} 转到 {dest}；记录都保留",
    "transferred_to": "已办转学：{name}（{sid}）{day} 从 {frm} 转到 {dest}；记录都保留在原学校",
    "bad_date": "日期“{date}”看不懂，请写成 2026-11-23",
    "closed": "已关闭的预警 closed alerts: {n}（已通知校长和专干）",
}
FIELD_TITLES = {"active": "重新入学"}


def _interactive() -> bool:
    """Asked only on a terminal: a script or cron job never blocks on a question."""
    return sys.stdin.isatty()


def _school(b: Bootstrap, school_id: str | None) -> SchoolConfig:
    school = b.school_by_id(school_id)
    if school is None:
        fail(MSG["which_school"].format(ids="、".join(b.dep.ids)))
    return school


def _listed(b: Bootstrap, s: Session, ids: list[str], note: dict[str, str] | None = None) -> None:
    from storage.models import Student

    found: list[Student] = list(s.execute(select(Student).where(col(Student.id).in_(ids[:SHOWN]))).scalars())
    rows = {r.id: r for r in found}
    for sid in ids[:SHOWN]:
        r = rows.get(sid)
        who = f"{r.class_name} {r.name}" if r else ""
        typer.echo(f"  {sid} {who}{('：' + note[sid]) if note and sid in note else ''}")
    if len(ids) > SHOWN:
        typer.echo(MSG["more"].format(n=len(ids) - SHOWN))


def _print_report(b: Bootstrap, s: Session, report: ImportReport) -> None:
    from bot.school.roster_file import BY_FIELD

    typer.echo(MSG["added"].format(n=len(report.added)))
    rejoined = MSG["rejoined"].format(n=len(report.rejoined)) if report.rejoined else ""
    typer.echo(MSG["updated"].format(n=len(report.updated)) + rejoined)
    changed = {
        sid: "、".join(FIELD_TITLES.get(f) or BY_FIELD[f].title for f in fields)
        for sid, fields in report.changes.items()
    }
    _listed(b, s, report.updated, changed)
    typer.echo(MSG["unchanged"].format(n=len(report.unchanged)))
    typer.echo(MSG["missing"].format(n=len(report.missing)))
    _listed(b, s, report.missing)
    if report.transferred:
        froms = "、".join(sorted({f for _, f in report.transferred}))
        typer.echo(MSG["transferred"].format(n=len(report.transferred), froms=froms))
    if report.new_classes:
        typer.echo(MSG["new_classes"].format(names="、".join(report.new_classes)))


def _announce(b: Bootstrap, school: SchoolConfig, s: Session, closed: list[tuple[int, str]]) -> None:
    """Told through the outbox, which a running ``schoolbot run`` sends."""
    if not closed:
        return
    from bot.chat.transports.memory import MemoryTransport
    from bot.reports.alert_notices import queue_transfer_closings
    from bot.runtime import build_app, make_clock

    clock = make_clock(settings(), school)
    queue_transfer_closings(build_app(b, MemoryTransport(clock), clock), s, closed)


@roster_app.command("import")
def import_cmd(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="roster .csv, .xlsx or .xls (a 学籍 export)"),
    school_id: str | None = typer.Option(None, "--for", help="which school's roll (needed in a deployment)"),
    class_: str | None = typer.Option(None, "--class", help="import only this class, e.g. 三年级二班 or 三(2)班"),
    mark_missing_left: bool = typer.Option(
        False, "--mark-missing-left", help="mark students on the roll but not in this file as left"
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="print what would change, write nothing"),
) -> None:
    """Upsert students by 学籍号 and print what changed. A column the file does not have
    keeps what the database holds; students not in the file stay on the roll unless
    --mark-missing-left (or confirmed when asked); a 学籍号 on another school's roll is a
    transfer. Nothing is written unless the whole file is valid."""
    from bot.clock import RealClock
    from bot.school.classnames import parse_class_name
    from bot.school.config import roster_problems
    from bot.school.roster_file import RosterError, read_roster_file
    from storage.queries import import_roster
    from storage.roster_import import mark_left

    b = boot(seed_roster=False)
    school = _school(b, school_id)
    shown = {"bar": False}

    def progress(done: int, total: int) -> None:
        if total >= 20000:
            shown["bar"] = True
            typer.echo(f"\r{done}/{total}", nl=False, err=True)

    try:
        roster = read_roster_file(file, progress)
    except RosterError as e:
        fail(MSG["bad_file"] + "\n" + "\n".join(f"- {p}" for p in e.problems))
    if shown["bar"]:
        typer.echo("", err=True)
    only: str | None = None
    if class_:
        ref = parse_class_name(class_)
        if ref is None:
            fail(MSG["bad_class"].format(cls=class_))
        only = ref.canonical()
        if only not in roster.classes:
            fail(MSG["no_class"].format(cls=only, have="、".join(roster.classes)))
        # The file's other classes are not imported: nothing to say about them.
        roster = replace(roster, entries=[e for e in roster.entries if e.class_name == only])
    problems, warnings = roster_problems(school, roster, whole=False)
    if problems:
        fail(MSG["bad_file"] + "\n" + "\n".join(f"- {p}" for p in problems))
    if warnings := [*roster.warnings, *warnings]:
        typer.echo(MSG["warnings"] + "\n" + "\n".join(f"- {w}" for w in warnings), err=True)
    if only is not None:
        typer.echo(MSG["only_class"].format(cls=only))
    today = RealClock(school.timezone).today()
    with Session(b.engine, expire_on_commit=False) as s:
        report = import_roster(
            s,
            school.id,
            roster.entries,
            today=today,
            progress=progress,
            columns=roster.columns,
            mark_missing_left=mark_missing_left,
            only_class=only,
            dry_run=dry_run,
        )
        if shown["bar"]:
            typer.echo("", err=True)
        _print_report(b, s, report)
        if dry_run:
            typer.echo(MSG["dry_run"])
            return
        if report.missing and not mark_missing_left and _interactive():
            if typer.confirm(MSG["ask_left"].format(n=len(report.missing)), default=False):
                mark_left(s, school.id, report.missing, today)
                report.left = list(report.missing)
        if report.left:
            typer.echo(MSG["left"].format(n=len(report.left)))
        elif report.missing:
            typer.echo(MSG["kept"])
        s.flush()
        _announce(b, school, s, report.closed_alerts)
        s.commit()


@roster_app.command("show")
def show_cmd(
    class_: str | None = typer.Option(None, "--class", help="e.g. 三年级二班 or 三(2)班"),
    all_: bool = typer.Option(False, "--all", help="include students marked as left"),
    school_id: str | None = typer.Option(None, "--for", help="which school (needed in a deployment)"),
) -> None:
    """List students (by class)."""
    from bot.school.classnames import find_classes
    from storage.models import Student

    b = boot()
    q = select(Student).where(col(Student.school_id) == _school(b, school_id).id)
    if class_:
        found = find_classes(class_)
        if not found:
            fail(MSG["bad_class"].format(cls=class_))
        q = q.where(col(Student.class_name) == found[0].ref.canonical())
    if not all_:
        q = q.where(col(Student.active) == True)  # noqa: E712
    with Session(b.engine) as s:
        rows: list[Student] = list(s.execute(q.order_by(col(Student.class_name), col(Student.id))).scalars())
    for r in rows:
        flags = "".join(
            f
            for f, on in (
                ("【脱贫】", r.poverty),
                ("【留守】", r.left_behind),
                ("【寄宿】", r.boarding),
                ("【已离校】", not r.active),
            )
            if on
        )
        typer.echo(f"{r.id}\t{r.class_name}\t{r.name}\t{r.gender}\t{r.guardian}\t{r.phone}\t{flags}")
    typer.echo(MSG["total"].format(n=len(rows)), err=True)


@roster_app.command("template")
def template_cmd(
    out: Path = typer.Option(Path("名单模板.xlsx"), "--out", help="where to write the Excel template"),
) -> None:
    """Write an Excel roster template: the header this bot reads and one example row."""
    from openpyxl import Workbook

    from bot.school.roster_file import COLUMNS, template_rows

    wb = Workbook()
    ws = wb.active
    ws.title = "学生名单"
    for row in template_rows():
        ws.append(row)
    for i, c in enumerate(COLUMNS, start=1):
        letter = ws.cell(row=1, column=i).column_letter
        ws.column_dimensions[letter].width = max(10, len(c.example) + 4)
        if c.field in ("student_id", "phone", "id_card"):
            # Text cells: Excel would turn a long number into 1.38123E+10 and lose digits.
            for r in range(2, 2001):
                ws.cell(row=r, column=i).number_format = "@"
    wb.save(out)
    typer.echo(MSG["template_written"].format(path=out))


@roster_app.command("transfer")
def transfer_cmd(
    student_id: str = typer.Argument(..., help="学籍号"),
    to: str | None = typer.Option(None, "--to", help="the school id it moves to, in this deployment"),
    out: bool = typer.Option(False, "--out", help="moves out of this deployment"),
    dest: str = typer.Option("", "--dest", help="with --out: the school it moves to, e.g. 县城二小"),
    class_: str | None = typer.Option(None, "--class", help="with --to: its class there (default: the same)"),
    date: str | None = typer.Option(None, "--date", help="YYYY-MM-DD; default today"),
    school_id: str | None = typer.Option(None, "--for", help="the school it leaves (needed in a deployment)"),
) -> None:
    """A transfer (转学): the student leaves on --date; an open absence ends the day before,
    an open case closes as 转学 and whoever was told of it hears; every record stays."""
    from bot.clock import RealClock
    from bot.school.classnames import parse_class_name
    from storage.models import Student
    from storage.roster_import import TransferError, transfer_student

    if to and out:
        fail(MSG["transfer_both"])
    if not to and not out:
        fail(MSG["transfer_none"])
    b = boot()
    school = _school(b, school_id)
    try:
        day = dt.date.fromisoformat(date) if date else RealClock(school.timezone).today()
    except ValueError:
        fail(MSG["bad_date"].format(date=date))
    cls = None
    if class_:
        ref = parse_class_name(class_)
        if ref is None:
            fail(MSG["bad_class"].format(cls=class_))
        cls = ref.canonical()
    with Session(b.engine, expire_on_commit=False) as s:
        student = s.get(Student, student_id)
        if student is None or student.school_id != school.id:
            fail(MSG["transfer_not_here"].format(sid=student_id, school=school.name))
        try:
            r = transfer_student(s, student_id, day, to_school=to, destination=dest, class_name=cls)
        except TransferError as e:
            fail(str(e))
        _announce(b, school, s, r.closed_alerts)
        s.commit()
    dest_school = b.dep.school(to) if to else None
    target = dest_school.name if dest_school else (to or dest or "外校")
    key = "transferred_to" if to else "transferred_out"
    typer.echo(MSG[key].format(name=r.name, sid=r.student_id, day=day, frm=school.name, dest=target))
    if r.closed_alerts:
        typer.echo(MSG["closed"].format(n=len(r.closed_alerts)))
