"""schoolbot web [--host] [--port]  |  schoolbot web link --as WECHAT_ID [--minutes 10]"""

from __future__ import annotations

import typer
from sqlmodel import Session

from bot.cli import app, boot, fail, settings

web_app = typer.Typer(
    help="网页 the web page for principals, head teachers and the county", invoke_without_command=True
)
app.add_typer(web_app, name="web")


@web_app.callback()
def web_cmd(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="address to listen on (behind a reverse proxy: 127.0.0.1)"),
    port: int = typer.Option(8080, "--port", help="port"),
) -> None:
    """Serve the web page (今日、趋势、预警与劝返、学生、台账); staff log in with a link from WeChat."""
    if ctx.invoked_subcommand is not None:
        return
    from bot.runtime import configure_logging, make_clock, run_forever
    from bot.web.serve import deps_for, server

    s = settings()
    configure_logging(s.log_level)
    b = boot()
    typer.echo(
        f"保学小助手网页：{b.dep.name}，监听 http://{host}:{port}（登录链接用 {s.web_url}）/ "
        f"serving the web page on {host}:{port}; staff get a login link by sending 网页 to the bot",
        err=True,
    )
    run_forever(server(deps_for(b, make_clock(s, b.school)), host, port).serve())


@web_app.command("link")
def link_cmd(
    as_: str = typer.Option(..., "--as", help="the staff member's WeChat id (school.toml wechat_id)"),
    minutes: int = typer.Option(10, "--minutes", min=1, max=24 * 60, help="how long the link is valid"),
) -> None:
    """Print a one-time login link for a staff member (for the administrator and tests)."""
    from bot.runtime import make_clock
    from bot.school.context import SchoolContext
    from bot.web.auth import issue_link, link_url
    from bot.web.scope import viewer_of

    b = boot()
    schools = {s.id: SchoolContext.of(s) for s in b.dep.with_cross_staff()}
    viewer = viewer_of(schools, as_)
    if viewer is None:
        fail(
            f"“{as_}”不是能看网页的教职工（校领导、控辍保学专干、班主任），请核对 school.toml 的 wechat_id / "
            "not staff with a view of any school"
        )
    now = make_clock(b.settings, b.school).now()
    with Session(b.engine) as s:
        token = issue_link(s, as_, now, minutes)
        s.commit()
    what = "、".join(
        f"{schools[sid].name}{'' if v.class_name is None else ' ' + v.class_name}" for sid, v in viewer.views.items()
    )
    typer.echo(f"{viewer.name}（{what}）的登录链接，{minutes} 分钟内有效，只能用一次：", err=True)
    typer.echo(link_url(b.settings.web_url, token))
