"""The ``schoolbot`` command line (typer). Subcommands live in modules beside this one."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer

from bot.settings import Settings

if TYPE_CHECKING:
    from bot.runtime import Bootstrap

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="保学小助手 schoolbot: attendance ledger, dropout alerts and aid FAQ for a school's WeChat groups.",
)


class State:
    settings: Settings


state = State()


@app.callback()
def main_options(
    school: Path | None = typer.Option(
        None,
        "--school",
        envvar="SCHOOLBOT_SCHOOL",
        help="school folder (school.toml + roster.csv), or a folder with deployment.toml; default: built-in demo",
    ),
    db: str | None = typer.Option(
        None, "--db", envvar="SCHOOLBOT_DB", help="database URL or SQLite path; default: sqlite:///schoolbot.db"
    ),
) -> None:
    overrides: dict[str, Any] = {k: v for k, v in (("school", school), ("db", db)) if v is not None}
    state.settings = Settings(**overrides)


def settings() -> Settings:
    return state.settings


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def boot(*, seed_roster: bool = True, topics_as_ids: bool = True) -> Bootstrap:
    """Bootstrap with the global options; a bad school folder is a readable error, not a traceback."""
    from bot.runtime import bootstrap
    from bot.school.config import SchoolConfigError

    try:
        return bootstrap(settings(), seed_roster=seed_roster, topics_as_ids=topics_as_ids)
    except SchoolConfigError as e:
        fail(str(e))


def _register() -> None:
    import importlib

    # Each module adds its commands to ``app`` when imported.
    for name in (
        "check",
        "db",
        "roster",
        "rooms",
        "run",
        "parse",
        "faq",
        "sim",
        "digest",
        "export",
        "report",
        "audit",
        "staff",
        "web",
    ):
        importlib.import_module(f"bot.cli.{name}")


def main() -> None:
    _register()
    app()
