"""schoolbot db upgrade"""

from __future__ import annotations

import typer

from bot.cli import app, settings

db_app = typer.Typer(help="数据库 database", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def upgrade_cmd() -> None:
    """Upgrade the database schema to the latest migration."""
    from storage.engine import make_engine
    from storage.migrate import current, upgrade

    engine = make_engine(settings().db)
    before = current(engine)
    upgrade(engine)
    typer.echo(f"数据库已升级 database upgraded: {before or '(empty)'} → {current(engine)}")
