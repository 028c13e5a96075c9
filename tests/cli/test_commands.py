"""The command-line contract: simulate, demo and digest, run as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import _register, app

HERE = Path(__file__).parent
_register()


def run(*args, db: Path) -> str:
    result = CliRunner().invoke(app, ["--db", f"sqlite:///{db}", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_simulate_reproduces_the_alert_on_the_fourth_school_day(tmp_path):
    out = run("simulate", str(HERE.parent / "scenarios" / "alert_fourth_day.yaml"), db=tmp_path / "x.db")
    lines = [json.loads(line) for line in out.splitlines()]
    sent, state = lines[:-1], lines[-1]["state"]
    alerts = [m for m in sent if "【控辍保学预警】" in m["text"]]
    assert {m["to"] for m in alerts} == {"wxid_demo_wangfang", "wxid_demo_chenguohua", "wxid_demo_liujianjun"}
    assert {m["at"][:10] for m in alerts} == {"2026-11-24"}
    assert all(m["room"] is None for m in alerts)
    # the re-delivered message is confirmed once; the parent's "收到" gets nothing
    assert len([m for m in sent if m["text"].startswith("已记录：三年级二班 王小明")]) == 1
    assert not [m for m in sent if m["room"] == "三年级二班家长群"]
    assert [(a["name"], a["class"], a["streak"], a["since"]) for a in state["open_alerts"]] == [
        ("王小明", "三年级二班", 4, "2026-11-19")
    ]
    assert state["absences_today"] == 2  # 王小明, and 高兴 on his third sick day


def test_demo_tells_the_week(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = run("demo", db=tmp_path / "demo.db")
    assert "王小明今天没来，电话打不通" in out and "已更正：四年级一班 李婧" in out
    assert "还没有报考勤" in out and "【控辍保学预警】" in out and "劝返记录（第1条）" in out
    assert "缺勤日报" in out and "本周考勤小结" in out
    thursday = out.split("11月26日 周四")[1].split("11月27日")[0]
    assert "【控辍保学预警】" in thursday and "已连续4个上学日" in thursday
    assert list(tmp_path.iterdir()) == []  # the demo plays on a throw-away database


def test_digest_prints_on_demand_and_rejects_a_bad_date(tmp_path):
    out = run("digest", "--date", "2026-11-23", "--print", db=tmp_path / "d.db")
    assert "缺勤日报】11月23日周一" in out and "在籍 451 人" in out
    result = CliRunner().invoke(app, ["--db", f"sqlite:///{tmp_path / 'd.db'}", "digest", "--date", "11/23"])
    assert result.exit_code == 2 and "日期格式不对" in result.output


def test_parse_batch_answers_every_line_and_never_borrows_an_id(tmp_path):
    lines = [
        '{"id": "a", "text": "王小明今天没来", "from": "wxid_demo_wangfang", "date": "2026-11-23"}',
        "这一行不是JSON",
        "[1, 2]",
        '{"id": "d", "text": "三(2)班全勤", "from": "wxid_demo_wangfang", "date": "2026-11-24"}',
    ]
    result = CliRunner().invoke(
        app, ["--db", f"sqlite:///{tmp_path / 'p.db'}", "parse", "--batch"], input="\n".join(lines) + "\n"
    )
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", None, None, "d"]
    assert out[0]["intent"] == "absence" and out[3]["intent"] == "rollcall"
    assert "bad input line" in out[1]["error"] and "JSON object" in out[2]["error"]
