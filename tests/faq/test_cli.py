"""schoolbot faq ask / list / check (the command-line contract)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from bot.cli import _register, app

_register()
runner = CliRunner()


def run(*args, input=None):
    return runner.invoke(app, list(args), input=input)


def test_ask_json_contract():
    r = run("faq", "ask", "营养餐多少钱", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert set(out) == {"topic", "score", "answer", "candidates"}  # exactly the contract (SPEC.md)
    assert out["topic"] == "nutrition_meal" and "5 元" in out["answer"] and out["candidates"][0] == "nutrition_meal"
    assert isinstance(out["score"], float)


def test_ask_null_for_chit_chat():
    out = json.loads(run("faq", "ask", "收到", "--json").stdout)
    assert out["topic"] is None and out["answer"] is None and out["candidates"] == []


def test_ask_parent_room_uses_the_unprompted_threshold():
    text = "孩子最近心理压力大"  # a statement: answered when addressed, not unprompted
    dm = json.loads(run("faq", "ask", text, "--json").stdout)
    group = json.loads(run("faq", "ask", text, "--room", "三年级二班家长群", "--json").stdout)
    mentioned = json.loads(run("faq", "ask", text, "--room", "三年级二班家长群", "--mention", "--json").stdout)
    assert dm["topic"] == "psych_support" and group["topic"] is None and mentioned["topic"] == "psych_support"
    staff = json.loads(run("faq", "ask", text, "--room", "青石镇中心小学教师群", "--json").stdout)
    assert staff["topic"] == "psych_support"


def test_ask_batch():
    lines = (
        "\n".join(
            json.dumps(x, ensure_ascii=False)
            for x in ({"id": "a", "text": "雨露计划咋个申请"}, {"id": "b", "text": "谢谢老师"})
        )
        + "\nnot json\n"
    )
    r = run("faq", "ask", "--batch", input=lines)
    assert r.exit_code == 0
    outs = [json.loads(line) for line in r.stdout.splitlines()]
    assert [o["id"] for o in outs] == ["a", "b", None]
    assert outs[0]["topic"] == "yulu_plan" and outs[1]["topic"] is None and "error" in outs[2]


def test_ask_readable():
    r = run("faq", "ask", "请假要找谁呀")
    assert r.exit_code == 0 and "leave_procedure" in r.stdout and "班主任" in r.stdout


def test_list():
    r = run("faq", "list")
    assert r.exit_code == 0 and len(r.stdout.strip().splitlines()) == 25 and "nutrition_meal" in r.stdout


def test_check_passes():
    r = run("faq", "check")
    assert r.exit_code == 0, r.stdout
