"""schoolbot faq ask TEXT [--room TOPIC] [--mention] --json | --batch;  faq list;  faq check"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import typer

from bot.cli import app, fail, settings

if TYPE_CHECKING:
    from bot.school.config import SchoolConfig

faq_app = typer.Typer(help="资助政策问答 policy FAQ", no_args_is_help=True)
app.add_typer(faq_app, name="faq")


def _school() -> SchoolConfig:
    from bot.school.config import SchoolConfigError, load_school

    try:
        return load_school(settings().school)
    except SchoolConfigError as e:
        fail(str(e))


def _unprompted(school: SchoolConfig, room: str | None, mention: bool) -> bool:
    """A parent group message without a mention gets the higher threshold."""
    if room is None or mention:
        return False
    cfg = school.room(room)
    return cfg is not None and cfg.kind == "parents"


def ask_one(school: SchoolConfig, text: str, room: str | None = None, mention: bool = False) -> dict:
    """What the bot would answer: {"topic", "score", "answer", "candidates", "reason"}.

    ``topic`` is null when the bot would not answer; for a close call it is the best
    guess and ``answer`` is the 您想问的是 question the bot would ask.
    """
    from bot.chat.render import render
    from bot.faq import catalogue
    from bot.faq.matcher import default

    m = default().match(text, unprompted=_unprompted(school, room, mention))
    answer = None
    if m.reason == "answered" and m.topic is not None:
        answer = catalogue.answer(m.topic, school)
    elif m.reason == "ambiguous" and m.topic:
        by_id = catalogue.by_id()
        answer = render("faq_chat/choice.j2", school=school, titles=[by_id[t].title for t in m.candidates])
    topic = m.topic if m.reason in ("answered", "ambiguous") else None
    return {
        "topic": topic,
        "score": round(m.score, 3),
        "answer": answer,
        "candidates": list(m.candidates),
        "reason": m.reason,
    }


def _contract(out: dict) -> dict:
    """Exactly the keys SPEC.md promises; the reason is for people (the text output)."""
    return {k: v for k, v in out.items() if k != "reason"}


@faq_app.command("ask")
def ask_cmd(
    text: str | None = typer.Argument(None, help="the question"),
    room: str | None = typer.Option(None, "--room", help="room topic (omit for a direct message)"),
    mention: bool = typer.Option(False, "--mention", help="the message @-mentions the bot"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
    batch: bool = typer.Option(False, "--batch", help="read JSON lines {id,text[,room,mention]} from stdin"),
) -> None:
    """Which FAQ topic answers a message, and the answer, without storing anything."""
    school = _school()
    if batch:
        for line in sys.stdin:
            if not line.strip():
                continue
            item: dict = {}
            try:
                item = json.loads(line)
                if not isinstance(item, dict):
                    raise ValueError("not an object")
                out = ask_one(school, str(item.get("text") or ""), item.get("room"), bool(item.get("mention")))
            except (ValueError, TypeError) as e:
                out = {"error": f"bad input line: {e}"}
                item = item if isinstance(item, dict) else {}
            sys.stdout.write(json.dumps({"id": item.get("id"), **_contract(out)}, ensure_ascii=False) + "\n")
        return
    if text is None:
        fail("需要问题文字 / TEXT is required (or --batch)")
    out = ask_one(school, text, room, mention)
    if as_json:
        sys.stdout.write(json.dumps(_contract(out), ensure_ascii=False) + "\n")
        return
    from bot.faq import catalogue

    title = catalogue.by_id()[out["topic"]].title if out["topic"] else "（不回答）"
    typer.echo(f"话题 topic: {out['topic'] or 'null'}  {title}")
    typer.echo(
        f"分数 score: {out['score']}  原因 reason: {out['reason']}  候选 candidates: "
        f"{', '.join(out['candidates']) or '-'}"
    )
    if out["answer"]:
        typer.echo("—— 回答 answer ——")
        typer.echo(out["answer"])


@faq_app.command("list")
def list_cmd() -> None:
    """Topics: id, title, number of example questions."""
    from bot.faq import catalogue

    for number, topic in enumerate(catalogue.topics(), start=1):
        typer.echo(f"{number:>2}. {topic.id:<28} {topic.title}  ({len(topic.examples)} 例句)")


@faq_app.command("check")
def check_cmd() -> None:
    """Every template renders with this school's policy, and with none; each topic's own
    example questions match the topic itself. Exit 1 on any failure."""
    from bot.faq.check import check

    failures, notes = check(_school())
    for line in notes:
        typer.echo(line)
    for line in failures:
        typer.echo(f"✗ {line}")
    if failures:
        typer.echo(f"{len(failures)} 项不通过 / failures")
        raise typer.Exit(1)
    typer.echo("全部通过 / all good")
