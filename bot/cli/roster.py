"""schoolbot roster import FILE / roster show"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from sqlalchemy import select
from sqlmodel import Session, col

from bot.cli import app, boot, fail, settings

if TYPE_CHECKING:
    from bot.runtime import Bootstrap
    from bot.school.config import SchoolConfig

roster_app = typer.Typer(help="学生名单 roster", no_args_is_help=True)
app.add_typer(roster_app, name="roster")


@roster_app.command("import")
def import_cmd(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="roster .csv or .xlsx"),
    school_id: str | None = typer.Option(None, "--for", help="which school's roll (needed in a deployment)"),
) -> None:
    """Upsert students by 学籍号; students no longer listed are marked as left, never deleted;
    a 学籍号 on another school's roll is a transfer."""
    from bot.clock import RealClock
    from bot.school.roster_file import RosterError, read_roster
    from storage.queries import import_roster

    b = boot(seed_roster=False)
    school = _school(b, school_id)
    bar = {"shown": False}

    def progress(done: int, total: int) -> None:
        if total >= 2000:
            bar["shown"] = True
            typer.echo(f"\r读取中 reading {done}/{total}", nl=False, err=True)

    try:
        students = read_roster(file, progress)
    except RosterError as e:
        fail("名单有误，未导入 roster not imported:\n" + "\n".join(f"- {p}" for p in e.problems))
    if bar["shown"]:
        typer.echo("", err=True)
    with Session(b.engine, expire_on_commit=False) as s:
        report = import_roster(s, school.id, students, today=RealClock(school.timezone).today(), progress=progress)
        s.flush()
        if report.closed_alerts:
            # Told through the outbox, which a running `schoolbot run` sends.
            from bot.chat.transports.memory import MemoryTransport
            from bot.reports.alert_notices import queue_transfer_closings
            from bot.runtime import build_app, make_clock

            clock = make_clock(settings(), school)
            queue_transfer_closings(build_app(b, MemoryTransport(clock), clock), s, report.closed_alerts)
        s.commit()
    typer.echo(f"新增 added: {len(report.added)}")
    typer.echo(
        f"更新 updated: {len(report.updated)}"
        + (f"（其中重新入学 rejoined {len(report.rejoined)}）" if report.rejoined else "")
    )
    typer.echo(f"未变 unchanged: {len(report.unchanged)}")
    typer.echo(f"不在名单（标记离校，未删除）no longer listed (marked as left): {len(report.left)}")
    if report.transferred:
        froms = "、".join(sorted({f for _, f in report.transferred}))
        typer.echo(f"转入 transferred in: {len(report.transferred)}（转出学校 from: {froms}）")


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
            fail(f"认不出班级“{class_}”，请写成“三年级二班”")
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
    typer.echo(f"共 {len(rows)} 人 total", err=True)


def _school(b: Bootstrap, school_id: str | None) -> SchoolConfig:
    school = b.school_by_id(school_id)
    if school is None:
        fail(f"请用 --for 指明学校（{'、'.join(b.dep.ids)}）/ name the school with --for")
    return school
