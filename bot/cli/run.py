"""schoolbot run: the bot itself, on Wechaty when configured, else a console chat."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from bot.cli import app, boot, settings

if TYPE_CHECKING:
    from bot.chat.transports.base import Transport
    from bot.runtime import Bootstrap


@app.command("run")
def run_cmd(
    web: bool = typer.Option(False, "--web", help="serve the web page beside the bot (same process, same event loop)"),
    host: str = typer.Option("127.0.0.1", "--host", help="the web page's address (with --web)"),
    port: int = typer.Option(8080, "--port", help="the web page's port (with --web)"),
) -> None:
    """Run the bot: Wechaty when an endpoint/token is configured, else a local console chat."""
    from bot.runtime import build_app, configure_logging, make_clock, run_forever, run_live

    s = settings()
    configure_logging(s.log_level)
    on_wechat = bool(s.wechaty_endpoint or s.wechaty_token)
    # On WeChat a group is known by its room id only; a topic is a name anyone can give.
    b = boot(topics_as_ids=not on_wechat)
    clock = make_clock(s, b.school)
    transport: Transport
    if s.wechaty_endpoint or s.wechaty_token:
        import datetime as dt

        from bot.chat.transports.wechaty import WechatyTransport

        if not s.wechaty_endpoint:
            typer.echo(
                "只设置了 token 没有 endpoint：请设置 SCHOOLBOT_WECHATY_ENDPOINT=host:port / "
                "a token without an endpoint makes python-wechaty look it up on the internet",
                err=True,
            )
            raise typer.Exit(2)
        typer.echo(
            f"保学小助手启动：{b.dep.name}，通过 Wechaty 连接 {s.wechaty_endpoint} / "
            f"starting on Wechaty at {s.wechaty_endpoint}",
            err=True,
        )
        _say_unbound(b)
        try:
            transport = WechatyTransport(
                s.wechaty_endpoint,
                s.wechaty_token or "",
                tls=s.wechaty_tls,
                max_message_age=dt.timedelta(seconds=s.max_message_age_s),
                clock=clock,
            )
        except ValueError as e:  # a bad endpoint, or TLS, which python-wechaty 0.10 cannot speak
            typer.echo(str(e), err=True)
            raise typer.Exit(2) from e
    else:
        from bot.chat.transports.console import ConsoleTransport

        typer.echo(
            f"保学小助手启动：{b.dep.name}（本地控制台聊天，未配置 Wechaty）/ "
            "no Wechaty endpoint configured: local console chat on this school.\n"
            "输入格式：@群名 发送人: 消息   或   发送人: 消息（私聊）。例如：\n"
            "  @青石镇中心小学教师群 王芳: 王小明今天没来\n  王芳: 帮助\nCtrl-D 退出。",
            err=True,
        )
        transport = ConsoleTransport(b.dep.with_cross_staff(), clock)
    bot = build_app(b, transport, clock, watch_config=True)
    if not web:
        run_forever(run_live(bot))
        return
    from bot.web.serve import beside, deps_for, server

    typer.echo(f"网页 web page: http://{host}:{port}（登录链接用 {s.web_url}）", err=True)
    run_forever(beside(run_live(bot), server(deps_for(b, clock, bot.schools), host, port)))


def _say_unbound(b: Bootstrap) -> None:
    """Configured groups with no room id yet get nothing until someone binds them: say so."""
    from sqlmodel import Session, col, select

    from storage.models import Room

    with Session(b.engine) as s:
        unbound = list(s.exec(select(Room).where(col(Room.room_id).is_(None)).order_by(col(Room.id))))
    if unbound:
        names = "、".join(f"{r.topic}（{r.school_id}）" for r in unbound[:8]) + (" 等" if len(unbound) > 8 else "")
        typer.echo(
            f"还没有绑定的群 {len(unbound)} 个：{names}。机器人在这些群里不会发送任何内容。"
            "请教职工在群里发“@保学小助手 绑定 群名”，或用 schoolbot rooms list / rooms bind。/ "
            f"{len(unbound)} configured rooms are not bound to a room id yet",
            err=True,
        )
