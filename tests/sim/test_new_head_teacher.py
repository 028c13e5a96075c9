"""A head teacher replaced mid-term, through `schoolbot simulate` (tests/scenarios/new_head_teacher.yaml)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import _register, app

_register()
SCENARIO = Path(__file__).parent.parent / "scenarios" / "new_head_teacher.yaml"
PRINCIPAL, WANGFANG, LI = "wxid_demo_chenguohua", "wxid_demo_wangfang", "wxid_lixiaohong"


@pytest.fixture(scope="module")
def played(tmp_path_factory):
    db = tmp_path_factory.mktemp("newteacher") / "x.db"
    result = CliRunner().invoke(app, ["--db", f"sqlite:///{db}", "simulate", str(SCENARIO)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    return lines[:-1], lines[-1]["state"]


def test_the_new_teacher_binds_after_one_wrong_code_and_reports(played):
    sent, state = played
    to_li = [m["text"] for m in sent if m["to"] == LI]
    assert "绑定码不对" in to_li[0] and "绑定成功" in to_li[1] and "三年级二班班主任" in to_li[1]
    assert any(t.startswith("已记录") and "吴一诺" in t and "病假" in t for t in to_li)
    # the 08:00 question about 王小明 goes to the class's head teacher now: her
    assert any("王小明" in t and "今天到校了吗" in t for t in to_li)
    assert state["absences_today"] == 2


def test_the_principal_hears_of_the_binding_and_the_old_id_is_nobody(played):
    sent, _ = played
    assert any(m["to"] == PRINCIPAL and m["text"].startswith("【新老师绑定】李晓红") for m in sent)
    tuesday_to_wang = [m["text"] for m in sent if m["to"] == WANGFANG and m["at"].startswith("2026-11-24")]
    assert tuesday_to_wang and not any(t.startswith("已记录") for t in tuesday_to_wang)
    # she is still in the leaders group: nothing about students goes there, the principal is told
    assert any(m["to"] == PRINCIPAL and "不是本校教职工的成员（wxid_demo_wangfang）" in m["text"] for m in sent)
