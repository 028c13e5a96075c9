"""schoolbot parse TEXT --from ID [--room TOPIC] [--date D] --json  |  --batch"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import TYPE_CHECKING

import typer

from bot.cli import app, boot, fail

if TYPE_CHECKING:
    from bot.runtime import Bootstrap
    from bot.school.roster import Roster


def _parse_one(
    b: Bootstrap,
    rosters: dict[str, Roster],
    text: str,
    sender_id: str,
    room: str | None,
    day: dt.date,
) -> dict:
    """As the bot would read it: the room (by its id, here its configured id or topic)
    gives the school; else the sender's own school."""
    from sqlmodel import Session

    from bot.attendance.parsing import parse_report
    from bot.chat.rooms import RoomDirectory
    from bot.chat.router import identify
    from bot.chat.transports.base import IncomingMessage
    from bot.school.calendar import SchoolCalendar

    schools = {s.id: s for s in b.dep.with_cross_staff()}
    msg = IncomingMessage("cli", room, sender_id, "", text, False, dt.datetime.combine(day, dt.time(8)), room_id=room)
    with Session(b.engine) as s:
        binding = RoomDirectory().get(s, room)
    sender, where = identify(msg, binding, schools)
    school = schools.get(where.school_id or sender.school_id or "", b.school)
    result = parse_report(
        text,
        roster=rosters[school.id],
        calendar=SchoolCalendar(school.term),
        today=day,
        sender=sender.staff,
        room_class=where.class_name,
        staff_names=[m.name for m in school.staff],
    )
    return result.to_json()


@app.command("parse")
def parse_cmd(
    text: str | None = typer.Argument(None, help="the message"),
    from_: str | None = typer.Option(None, "--from", help="sender's chat id"),
    room: str | None = typer.Option(None, "--room", help="room topic (omit for a direct message)"),
    date: str | None = typer.Option(None, "--date", help="message date YYYY-MM-DD (default: today)"),
    as_json: bool = typer.Option(False, "--json", help="print JSON (the only output format)"),
    batch: bool = typer.Option(False, "--batch", help="read JSON lines {id,text,from,room,date} from stdin"),
) -> None:
    """What the bot understands of one message, without storing it."""
    from sqlmodel import Session

    from bot.clock import RealClock
    from storage.queries import load_roster

    b = boot()
    with Session(b.engine) as s:
        rosters = {school.id: load_roster(s, school.id) for school in b.dep.schools}
    today = RealClock(b.school.timezone).today()

    def day_of(value: str | None) -> dt.date:
        return dt.date.fromisoformat(value) if value else today

    if batch:
        for line in sys.stdin:
            if not line.strip():
                continue
            item: dict = {}  # a bad line never carries the previous line's id
            try:
                loaded = json.loads(line)
                if not isinstance(loaded, dict):
                    raise TypeError("each line must be a JSON object {id, text, from, room, date}")
                item = loaded
                out = _parse_one(
                    b,
                    rosters,
                    str(item.get("text", "")),
                    str(item.get("from", "")),
                    item.get("room"),
                    day_of(item.get("date")),
                )
            except (ValueError, TypeError) as e:
                out = {"error": f"bad input line: {e}"}
            sys.stdout.write(json.dumps({"id": item.get("id"), **out}, ensure_ascii=False) + "\n")
        return
    if text is None or from_ is None:
        fail("需要消息文字和 --from 发送人 / TEXT and --from are required (or --batch)")
    try:
        day = day_of(date)
    except ValueError:
        fail(f"--date 应为 YYYY-MM-DD，现在是 {date}")
    sys.stdout.write(json.dumps(_parse_one(b, rosters, text, from_, room, day), ensure_ascii=False) + "\n")
