"""schoolbot rooms list / rooms bind ROOM_ID --as TOPIC: which group is which school's.

The bot knows a group by the transport's room id, never by its name. ``list`` shows the
groups it has seen (id, current name, members) and what each is bound to; ``bind`` makes
a seen (or known) room id one school's configured group.
"""

from __future__ import annotations

import datetime as dt

import typer
from sqlmodel import Session, col, select

from bot.cli import app, boot, fail

rooms_app = typer.Typer(help="微信群 rooms: which group is which school's", no_args_is_help=True)
app.add_typer(rooms_app, name="rooms")


WRITERS_SHOWN = 50  # per room: enough for a staff group


@rooms_app.command("list")
def list_cmd() -> None:
    """Rooms the bot has seen, with their ids, names now and members; and every binding.
    Under each room, and under 私聊 (direct messages), who has written to the bot there:
    their chat ids and names, for school.toml's wechat_id."""
    from storage.models import InboundMessage, Room, SeenRoom

    b = boot(topics_as_ids=False)
    with Session(b.engine) as s:
        seen = {r.room_id: r for r in s.exec(select(SeenRoom).order_by(col(SeenRoom.last_seen_at).desc()))}
        bound = list(s.exec(select(Room).order_by(col(Room.school_id), col(Room.id))))
        writers: dict[str | None, dict[str, str]] = {}
        q = select(InboundMessage.room_id, InboundMessage.sender_id, InboundMessage.sender_name).order_by(
            col(InboundMessage.id)
        )
        for room_id, sender_id, sender_name in s.exec(q):
            writers.setdefault(room_id, {})[sender_id] = sender_name or "?"  # the latest name wins
    known = {m.wechat_id for school in b.dep.with_cross_staff() for m in school.staff}

    def people(room_id: str | None) -> None:
        for sid, name in list(writers.get(room_id, {}).items())[:WRITERS_SHOWN]:
            typer.echo(f"      {sid} · {name}{'' if sid in known else ' · 不在 school.toml 里 not in school.toml'}")

    by_id = {r.room_id: r for r in bound if r.room_id}
    typer.echo("见过的群 rooms seen (id · 现在的群名 · 人数 · 绑定为):")
    for rid, r in seen.items():
        binding = by_id.get(rid)
        what = f"{binding.school_id} / {binding.topic}（{binding.kind}）" if binding else "未绑定 not bound"
        typer.echo(f"  {rid} · {r.topic or '?'} · {r.members or '?'} · {what}")
        people(rid)
    if not seen:
        typer.echo("  （还没有：机器人在群里收到第一条消息后会出现在这里）")
    if None in writers:
        typer.echo("私聊过机器人的人 people who wrote to the bot directly (id · 名字):")
        people(None)
    typer.echo("学校配置的群 configured rooms (学校 · 群名 · id):")
    for room in bound:
        typer.echo(f"  {room.school_id} · {room.topic}（{room.kind}）· {room.room_id or '未绑定 not bound'}")


@rooms_app.command("bind")
def bind_cmd(
    room_id: str = typer.Argument(..., help="the room id, as `rooms list` shows it"),
    topic: str = typer.Option(..., "--as", help="the school's name for it, as in school.toml [[rooms]] topic"),
    school_id: str | None = typer.Option(None, "--school-id", help="which school (needed when several have it)"),
) -> None:
    """Bind a room id to a school's configured room; a later rename in WeChat keeps it."""
    from bot.chat import rooms
    from storage.models import Room

    b = boot(topics_as_ids=False)
    with Session(b.engine) as s:
        q = select(Room).where(Room.topic == topic)
        if school_id:
            q = q.where(Room.school_id == school_id)
        candidates = list(s.exec(q))
        if not candidates:
            fail(f"没有叫“{topic}”的群配置（school.toml 的 [[rooms]] topic）/ no configured room {topic!r}")
        if len(candidates) > 1:
            ids = "、".join(r.school_id for r in candidates)
            fail(f"几所学校都有“{topic}”（{ids}），请加 --school-id / several schools have this room")
        row = rooms.bind(
            s, school_id=candidates[0].school_id, topic=topic, room_id=room_id, by=None, now=dt.datetime.now(dt.UTC)
        )
        s.commit()
        typer.echo(f"已绑定 bound: {room_id} → {row.school_id} / {row.topic}（{row.kind}）")
