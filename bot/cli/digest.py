"""schoolbot digest [--date D] [--print]: the principal's daily digest on demand."""

from __future__ import annotations

import datetime as dt

import typer

from bot.cli import app, boot, fail, settings


@app.command("digest")
def digest_cmd(
    date: str | None = typer.Option(None, "--date", help="day YYYY-MM-DD (default: today in the school's time zone)"),
    print_only: bool = typer.Option(False, "--print", help="only print it; send nothing"),
) -> None:
    """Render the daily absence digest; without --print also queue it to the principals and leaders room."""
    from sqlmodel import Session

    from bot.chat.transports.memory import MemoryTransport
    from bot.reports.digest import queue_digest, render_digest
    from bot.runtime import build_app, make_clock

    b = boot()
    clock = make_clock(settings(), b.school)
    try:
        day = dt.date.fromisoformat(date) if date else clock.today()
    except ValueError:
        fail(f"日期格式不对：{date}（应为 YYYY-MM-DD）/ bad date: {date}")
    # Rendering needs no transport; queueing writes the outbox, which `schoolbot run` sends.
    the_app = build_app(b, MemoryTransport(clock), clock)
    with Session(b.engine) as s:
        typer.echo(render_digest(s, the_app, day))
    if not print_only:
        queue_digest(the_app, day)
        typer.echo("\n（已放入发件箱，运行中的 schoolbot run 会发给校长和行政群；同一天不会重复发送）", err=True)
