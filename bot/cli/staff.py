"""schoolbot staff invite / list / remove: staff beyond school.toml, by invite code.

``invite`` prints a six-digit code once (only its hash is kept); the teacher sends
``绑定 123456`` to the bot by direct message and is that staff member from then on.
"""

from __future__ import annotations

import typer
from sqlmodel import Session

from bot.cli import app, boot, fail

staff_app = typer.Typer(help="老师 staff: invite codes, the staff list, removal", no_args_is_help=True)
app.add_typer(staff_app, name="staff")


def _school(school_id: str | None):  # type: ignore[no-untyped-def]
    from bot.runtime import make_clock
    from bot.school.context import SchoolContext
    from bot.school.staff import staff_version

    b = boot()
    config = b.school_by_id(school_id)
    if config is None:
        fail(f"请用 --for 指定学校（可用：{'、'.join(b.dep.ids)}）/ say which school with --for")
    school = SchoolContext.of(config)
    with Session(b.engine) as s:
        school.refresh_staff(s, staff_version(s, school.id))  # as the running bot sees them
    return b, school, make_clock(b.settings, config)


SCHOOL_OPTION = typer.Option(None, "--for", "--school-id", help="school id in a deployment (default: the only one)")


@staff_app.command("invite")
def invite_cmd(
    name: str = typer.Argument(..., help="the teacher's name, as staff and parents know it"),
    class_name: str | None = typer.Option(None, "--class", help="the class they are head teacher of: 三年级二班"),
    role: list[str] = typer.Option(
        [], "--role", help="head_teacher | principal | vice_principal | dropout_officer | health_reporter (repeatable)"
    ),
    title: str = typer.Option("", "--title", help="title shown to others, e.g. 教导主任"),
    school_id: str | None = SCHOOL_OPTION,
) -> None:
    """Print a one-time bind code (valid 72 hours) for a new staff member."""
    from bot.chat.render import local
    from bot.school import staff

    b, school, clock = _school(school_id)
    roles = role or (["head_teacher"] if class_name else [])
    with Session(b.engine) as s:
        try:
            inv = staff.invite(
                s,
                school,
                name=name,
                roles=roles,
                head_of=class_name,
                now=clock.now(),
                by=staff.cli_actor(),
                title=title,
            )
        except staff.InviteError as e:
            fail("\n".join(e.problems))
        s.commit()
    until = local(inv.expires_at, school.tz).strftime("%Y-%m-%d %H:%M")
    typer.echo(
        f"{school.name} {inv.name}（{staff.role_words(inv.roles, inv.head_of)}）的绑定码：{inv.code}\n"
        f"有效到 {until}，只能用一次。请当面或电话告诉本人：用自己的微信私聊保学小助手，发送“绑定 {inv.code}”。\n"
        "这个码只显示这一次（数据库里只存它的校验值）。"
    )


@staff_app.command("list")
def list_cmd(school_id: str | None = SCHOOL_OPTION) -> None:
    """Every staff member (school.toml and bound by code), removed ones, and unused codes."""
    from bot.chat.render import local
    from bot.school import staff

    b, school, clock = _school(school_id)
    with Session(b.engine) as s:
        lines = staff.listing(s, school, school.base or school.config, clock.now())
    typer.echo(f"{school.name}（{school.id}）老师名单：")
    for line in lines:
        words = staff.role_words(line.roles, line.head_of)
        if line.expires_at is not None:
            until = local(line.expires_at, school.tz).strftime("%m-%d %H:%M")
            typer.echo(f"  {line.name}  {words}  [待绑定，绑定码有效到 {until}]")
            continue
        mark = "  [已移除]" if line.removed else ""
        typer.echo(f"  {line.name}  {words}  {line.wechat_id}  [{line.source}]{mark}")


@staff_app.command("remove")
def remove_cmd(who: str = typer.Argument(..., help="name or chat id"), school_id: str | None = SCHOOL_OPTION) -> None:
    """Remove a staff member at once (a running bot sees it at its next message); their
    records stay. Also voids their unused codes. Someone listed in school.toml stays
    removed; take them out of school.toml too."""
    from bot.school import staff

    b, school, clock = _school(school_id)
    with Session(b.engine) as s:
        in_file = {m.wechat_id for m in (school.base or school.config).staff}
        try:
            done = staff.remove(s, school, who, now=clock.now(), by=staff.cli_actor())
        except staff.InviteError as e:
            fail("\n".join(e.problems))
        s.commit()
    for line in done:
        typer.echo(line)
    if any(m.wechat_id in in_file for m in school.staff if who in (m.name, m.wechat_id)):
        typer.echo("提示：此人还写在 school.toml 里，请一并删去，免得以后看不明白。")
