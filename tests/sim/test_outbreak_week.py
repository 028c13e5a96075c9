"""因病缺课 through `schoolbot simulate` (tests/scenarios/outbreak_week.yaml)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import _register, app

_register()
SCENARIO = Path(__file__).parent.parent / "scenarios" / "outbreak_week.yaml"
PRINCIPAL, WANGFANG = "wxid_demo_chenguohua", "wxid_demo_wangfang"


@pytest.fixture(scope="module")
def sent(tmp_path_factory):
    db = tmp_path_factory.mktemp("outbreak") / "x.db"
    result = CliRunner().invoke(app, ["--db", f"sqlite:///{db}", "simulate", str(SCENARIO)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()][:-1]


def test_three_fevers_are_one_warning_and_later_cases_updates(sent):
    to_principal = [m for m in sent if m["to"] == PRINCIPAL and m["text"].startswith("【因病缺课预警")]
    opened = [m for m in to_principal if m["text"].startswith("【因病缺课预警】") and "三年级二班 11月" in m["text"]]
    assert [m["at"][:16] for m in opened] == ["2026-11-23T07:50"]
    assert "24小时内" in opened[0]["text"] and all(n in opened[0]["text"] for n in ("高兴", "吴倩", "蒋天佑"))
    updates = [m for m in to_principal if m["text"].startswith("【因病缺课预警·补充】")]
    # 周子轩's fever; then 谢明亮, the 5th in three days: the same class's outbreak, not a new alert
    assert [("周子轩" in m["text"], "现共5人" in m["text"]) for m in updates] == [(True, False), (False, True)]


def test_an_injury_and_a_toothache_are_no_outbreak(sent):
    assert not [
        m for m in sent if m["text"].startswith("【因病缺课预警") and ("蔡军" in m["text"] or "王小明" in m["text"])
    ]


def test_chickenpox_is_reported_at_once_and_the_return_asks_for_the_proof(sent):
    pox = [
        m for m in sent if m["to"] == PRINCIPAL and "患水痘" in m["text"] and m["text"].startswith("【因病缺课预警】")
    ]
    assert [m["at"][:16] for m in pox] == ["2026-11-24T08:00"]
    asked = [m for m in sent if m["to"] == WANGFANG and "复课证明" in m["text"] and "谢明亮" in m["text"]]
    assert asked and asked[0]["at"].startswith("2026-11-26T07:55")
    assert any("复课证明已查验" in m["text"] for m in sent if m["at"].startswith("2026-11-26T08:10"))


def test_the_digest_counts_the_sick(sent):
    monday = [m for m in sent if m["at"].startswith("2026-11-23T16:30") and m["to"] == PRINCIPAL]
    assert "因病缺课 5 人（发热 3，受伤 1，其他 1）" in monday[0]["text"]  # 3 fevers, a broken arm, a toothache
    assert "因病缺课预警 1 起：三年级二班（发热）3人" in monday[0]["text"]
