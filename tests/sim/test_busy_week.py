"""A head teacher's week through `schoolbot simulate` (tests/scenarios/busy_week.yaml): the
ledger's rules as the CLI plays them, message by message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import _register, app

_register()

SCENARIO = Path(__file__).parent.parent / "scenarios" / "busy_week.yaml"
WANGFANG, PRINCIPAL, OFFICER, FENG = (
    "wxid_demo_wangfang",
    "wxid_demo_chenguohua",
    "wxid_demo_liujianjun",
    "wxid_demo_fengxiaoyan",
)


@pytest.fixture(scope="module")
def week(tmp_path_factory):
    db = tmp_path_factory.mktemp("busy") / "x.db"
    result = CliRunner().invoke(app, ["--db", f"sqlite:///{db}", "simulate", str(SCENARIO)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    return lines[:-1], lines[-1]["state"]


def said(sent, day: str, to=None):
    return [m["text"] for m in sent if m["at"].startswith(day) and (to is None or m["to"] == to)]


def test_counts_that_match_the_ledger_confirm_and_end_nothing(week):
    sent, _ = week
    (reply,) = [t for t in said(sent, "2026-11-23T08:20") if "应到37" in t]
    assert "与记录一致：今天缺勤2人" in reply


def test_a_late_arrival_is_confirmed_as_one(week):
    sent, _ = week
    assert any("谢明亮 11月23日 迟到" in t for t in said(sent, "2026-11-23T09:40"))


def test_the_other_class_is_told_and_told_again_when_taken_back(week):
    sent, _ = week
    to_feng = said(sent, "2026-11-23T10:0", FENG)
    assert len(to_feng) == 2 and "王芳报告了您班" in to_feng[0] and "撤回" in to_feng[1]


def test_a_count_only_rollcall_on_friday_closes_nothing(week):
    sent, _ = week
    friday = said(sent, "2026-11-27T08:30")
    assert any("是谁到校了" in t or "还有谁没来" in t for t in friday)
    assert not [t for t in friday if "预警关闭" in t]


def test_undoing_the_return_reopens_the_case_for_all_three(week):
    sent, _ = week
    reopened = [m["to"] for m in sent if m["at"].startswith("2026-11-30T07:55") and "重新打开" in m["text"]]
    assert set(reopened) >= {WANGFANG, PRINCIPAL, OFFICER}


def test_the_home_visit_is_a_followup_not_an_absence(week):
    sent, _ = week
    assert any("劝返记录（第1条）" in t for t in said(sent, "2026-11-26T17:30"))


def test_a_named_rollcall_that_agrees_ends_the_unnamed_but_keeps_the_leave(week):
    sent, state = week
    monday = " ".join(said(sent, "2026-11-30T08:40"))
    assert "徐永强 今天已到校" in monday and "预警关闭" in monday and "吴倩" not in monday.split("已记录")[0]
    assert state["open_alerts"] == []
    assert state["absences_today"] == 1  # 吴倩, still in hospital
