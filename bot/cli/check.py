"""schoolbot check: the school folder (or deployment) and its roster, every problem at once."""

from __future__ import annotations

import typer

from bot.cli import app, fail, settings

MSG = {
    "ok": "检查通过：{schools}，{students} 名学生，{classes} 个班 / the folder is fine",
    "problems": "发现 {n} 个问题，请改好再启动 / problems:",
    "warnings": "请留意 / warnings:",
}


@app.command("check")
def check_cmd() -> None:
    """Check school.toml (deployment.toml) and the roster file together, without a database."""
    from bot.school.config import SchoolConfigError, check_folder
    from bot.school.deployment import check_deployment, is_deployment, load_deployment

    folder = settings().school
    if folder is not None and is_deployment(folder):
        try:
            dep = load_deployment(folder)
        except SchoolConfigError as e:
            problems, warnings = e.problems, list[str]()
        else:
            problems, warnings = check_deployment(dep)
    else:
        problems, warnings = check_folder(folder)
    if warnings:
        typer.echo(MSG["warnings"] + "\n" + "\n".join(f"- {w}" for w in warnings))
    if problems:
        fail(MSG["problems"].format(n=len(problems)) + "\n" + "\n".join(f"- {p}" for p in problems), code=1)
    dep = load_deployment(folder)
    students = sum(len(s.students) for s in dep.schools)
    classes = sum(len({e.class_name for e in s.students}) for s in dep.schools)
    typer.echo(MSG["ok"].format(schools="、".join(s.name for s in dep.schools), students=students, classes=classes))
