"""A parent's week through `schoolbot simulate` (tests/scenarios/parent_week.yaml)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import _register, app

_register()

SCENARIO = Path(__file__).parent.parent / "scenarios" / "parent_week.yaml"
MUM, LI, WANGFANG, PRINCIPAL = "wxid_parent_cui_mum", "wxid_parent_li", "wxid_demo_wangfang", "wxid_demo_chenguohua"
PARENT_ROOM = "三年级二班家长群"


@pytest.fixture(scope="module")
def sent(tmp_path_factory):
    db = tmp_path_factory.mktemp("parents") / "x.db"
    result = CliRunner().invoke(app, ["--db", f"sqlite:///{db}", "simulate", str(SCENARIO)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()][:-1]


def to(sent, who):
    return [m["text"] for m in sent if m["to"] == who]


def test_the_group_hears_only_the_hello(sent):
    in_group = [m["text"] for m in sent if m["room"] == PARENT_ROOM]
    assert len(in_group) == 1 and in_group[0].endswith("回复“帮助”看全部。")


def test_binding_then_leave_without_a_name(sent):
    mine = to(sent, MUM)
    assert "还可以再试2次" in mine[1] and mine[2].startswith("已绑定：您是三年级二班 崔若曦的妈妈")
    assert any("已绑定为崔若曦的妈妈" in t and "病假" in t for t in to(sent, WANGFANG))
    assert any("班主任已同意" in t and "早日康复" in t for t in mine)


def test_own_child_answers_by_dm(sent):
    mine = to(sent, MUM)
    assert "崔若曦11月（到11月26日）：缺勤1天（病假1天）。" in mine
    assert any(t.startswith("我只能告诉您自己绑定的孩子") for t in mine)
    assert any("11月23日的病假：班主任已同意" in t for t in mine)


def test_worries_reach_the_head_teacher_and_the_digest(sent):
    teacher = to(sent, WANGFANG)
    assert any(t.startswith("【家长反映】三年级二班 王小明") and "李叔" in t for t in teacher)
    assert any(t.startswith("【家长反映】三年级二班 崔若曦") and "不想上学" in t for t in teacher)
    assert not any("王小明" in t for t in to(sent, LI))
    digest = next(t for t in to(sent, PRINCIPAL) if "11月23日周一" in t)
    assert "家长反映 1 条" in digest
