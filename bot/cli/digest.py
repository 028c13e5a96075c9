"""schoolbot digest [--date D] [--print]: the principal's daily digest on demand."""

from __future__ import annotations

import datetime as dt

import typer

from bot.cli import app, boot, fail, settings


@app.command("digest")
def digest_cmd(
    date: str | None = typer.Option(None, "--date", help="day YYYY-MM-DD (default: today in the school's time zone)"),
    print_only: bool = typer.Option(False, "--print", help="only print it; send nothing"),
    school_id: str | None = typer.Option(None, "--for", help="school id in a deployment (default: every school)"),
) -> None:
    """Render the daily absence digest; without --print also queue it to the principals and leaders room."""
    from sqlmodel import Session

    from bot.chat.transports.memory import MemoryTransport
    from bot.reports.jobs import daily_digest, render_daily_digest
    from bot.runtime import build_app, make_clock
    from bot.school.context import SchoolContext

    b = boot()
    clock = make_clock(settings(), b.school)
    try:
        day = dt.date.fromisoformat(date) if date else clock.today()
    except ValueError:
        fail(f"日期格式不对：{date}（应为 YYYY-MM-DD）/ bad date: {date}")
    # Rendering needs only the school and the database; queueing writes the outbox
    # (through an App, as the 16:30 job does), which `schoolbot run` sends.
    schools = [SchoolContext.of(s) for s in b.dep.with_cross_staff() if school_id in (None, s.id)]
    if not schools:
        fail(f"没有这所学校：{school_id}（可用：{'、'.join(b.dep.ids)}）/ no such school")
    with Session(b.engine) as s:
        typer.echo("\n\n".join(render_daily_digest(s, school, day) for school in schools))
    if not print_only:
        the_app = build_app(b, MemoryTransport(clock), clock)
        for school in schools:
            daily_digest(the_app, the_app.schools[school.id], day)
        typer.echo("\n（已放入发件箱，运行中的 schoolbot run 会发给校长和行政群；同一天不会重复发送）", err=True)
