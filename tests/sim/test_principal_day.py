"""A principal's day through `schoolbot simulate` (tests/scenarios/principal_day.yaml): questions
in his own words answered by DM, the reminder sent once, the digest with 应到/实到."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import _register, app

_register()

SCENARIO = Path(__file__).parent.parent / "scenarios" / "principal_day.yaml"
PRINCIPAL = "wxid_demo_chenguohua"


def test_a_principals_day(tmp_path):
    out = CliRunner().invoke(app, ["--db", f"sqlite:///{tmp_path / 'x.db'}", "simulate", str(SCENARIO)])
    assert out.exit_code == 0, out.output
    lines = [json.loads(x) for x in out.output.splitlines() if x.strip()]
    to_him = [x["text"] for x in lines if x.get("to") == PRINCIPAL]
    assert any(t.startswith("全校 今天：缺勤 3 人") for t in to_him)
    assert any("已私聊提醒 10 位班主任" in t for t in to_him)
    reminded = [x for x in lines if x.get("to") == "wxid_demo_sunjianping" and "还没有报考勤" in (x.get("text") or "")]
    assert len(reminded) == 1  # asked at 08:31; the 09:30 reminder is the same message, not sent again
    assert any("辍学率 0.00%，在目标 0.5% 以内" in t for t in to_him)
    assert any("食堂的账本谁管着" in t and "templates/" not in t for t in to_him)
    digests = [t for t in to_him if "缺勤日报" in t]
    assert len(digests) == 2 and "已报告 3 个班：应到 113，实到 110，出勤率 97.3%" in digests[-1]
    assert not any("报缺勤请写学生姓名" in t for t in to_him)
