"""schoolbot report monthly --month YYYY-MM [--for SCHOOL]: the monthly 控辍保学 report."""

from __future__ import annotations

import typer

from bot.cli import app, boot, fail

report_app = typer.Typer(help="县里要的报表 reports the county uses", no_args_is_help=True)
app.add_typer(report_app, name="report")


@report_app.command("monthly")
def monthly_cmd(
    month: str = typer.Option(..., "--month", help="the month, YYYY-MM"),
    school_id: str | None = typer.Option(None, "--for", help="school id in a deployment (default: every school)"),
) -> None:
    """Per school and per class: 在籍, risk cases, out of school, transfers, attendance, 辍学率, 巩固率."""
    from sqlmodel import Session

    from bot.chat.render import render
    from bot.reports.monthly import month_bounds, monthly
    from bot.school.context import SchoolContext

    try:
        first, last = month_bounds(month)
    except ValueError:
        fail(f"月份格式不对：{month}（应为 YYYY-MM，例如 2026-11）/ bad month: {month}")
    b = boot()
    schools = [SchoolContext.of(s) for s in b.dep.with_cross_staff() if school_id in (None, s.id)]
    if not schools:
        fail(f"没有这所学校：{school_id}（可用：{'、'.join(b.dep.ids)}）/ no such school")
    with Session(b.engine) as s:
        texts = [
            render("reports/monthly.j2", school=sc.config, tz=sc.tz, r=monthly(s, sc, first, last), per_class=True)
            for sc in schools
        ]
    typer.echo("\n\n".join(t.strip() for t in texts))
