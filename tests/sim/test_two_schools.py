"""Two schools on one bot for a week (tests/scenarios/two_schools_week.yaml), played by
``schoolbot simulate`` in a subprocess and by ``Simulation`` in-process.

青石镇中心小学 (qingshi) and 石门村完全小学 (shimen) have staff groups with the same name,
the same class names and each a 三年级二班 王小明: only the room id tells them apart.
Nothing of one school may reach the other's people or groups.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, col, select

from bot.reports.export import ABSENCES, ALERTS, DAILY, build_ledger
from bot.reports.workbook import TITLE_ROWS
from bot.school.deployment import load_deployment
from bot.sim.simulate import Simulation, load_scenario
from storage.models import Absence, Alert, Enrolment, InboundMessage, SeenRoom, Student

HERE = Path(__file__).resolve().parent
SCENARIO = HERE.parent / "scenarios" / "two_schools_week.yaml"
DEPLOYMENT = HERE.parent / "fixtures" / "two_schools"
WEEK = [dt.date(2026, 11, 23) + dt.timedelta(days=i) for i in range(5)]
THURSDAY = "2026-11-26"

# The two 王小明 of 三年级二班, and what only their own school may see of them.
XIAOMING = {
    "qingshi": {"id": "G53032017000193", "guardian": "徐秀兰", "phone": "13631963950", "teacher": "王芳"},
    "shimen": {"id": "G53032017900011", "guardian": "王家长11", "phone": "13900000011", "teacher": "田秀芝"},
}
LINJIAQI = "G53032017000150"  # qingshi 三年级一班, away since 11-18; moves to shimen on Wednesday
NAMES = {"qingshi": "青石镇中心小学", "shimen": "石门村完全小学"}
LEADERS_ROOM = {"qingshi": "青石镇中心小学行政群", "shimen": "R:shimen-leaders"}
STAFF_ROOM = {"qingshi": "青石镇中心小学教师群", "shimen": "R:shimen-staff"}
HUANG = "wxid_zx_huangzhiqiang"  # 中心校校长, principal over "*"
HE = "wxid_county_hechunyan"  # 县控辍保学专干 over both
NEW_GROUP = "R:new-group-0001"  # a new group calling itself 青石镇中心小学行政群; nobody bound it
RENAMED = "R:shimen-3-2"  # shimen's 三年级二班家长群, renamed to 青石镇中心小学教师群
PHONE = re.compile(r"1[3-9]\d{9}")


def _staff() -> dict[str, dict[str, Any]]:
    """Each school's people (with the cross-school two) by chat id."""
    schools = load_deployment(DEPLOYMENT).with_cross_staff()
    return {s.id: {m.wechat_id: m for m in s.staff} for s in schools}


STAFF = _staff()
OWN = {sid: set(people) - {HUANG, HE} for sid, people in STAFF.items()}  # the school's own staff


def _cli_run(tmp: Path) -> list[dict[str, Any]]:
    exe = Path(sys.executable).with_name("schoolbot")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCHOOLBOT_")}
    done = subprocess.run(
        [str(exe), "simulate", str(SCENARIO)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=tmp,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert list(tmp.iterdir()) == []  # simulate plays on a database of its own
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.fixture(scope="module")
def played(tmp_path_factory) -> dict[str, Any]:
    """The week played both ways: the CLI's lines, and the in-process lines + Simulation."""
    sim = Simulation(load_scenario(SCENARIO))
    lines: list[dict[str, Any]] = []
    asyncio.run(sim.play(lambda _step, sent: lines.extend(sim.sent_json(m) for m in sent)))
    lines.append({"state": sim.state()})
    return {"cli": _cli_run(tmp_path_factory.mktemp("cli")), "inprocess": lines, "sim": sim}


@pytest.fixture(params=["cli", "inprocess"])
def out(request, played) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    lines = played[request.param]
    assert "state" in lines[-1] and all("state" not in m for m in lines[:-1])
    return lines[:-1], lines[-1]["state"]


def school_of_text(text: str) -> set[str]:
    """Which school's private data a text carries (its 王小明's guardian or phone)."""
    return {sid for sid, x in XIAOMING.items() if x["phone"] in text or x["guardian"] in text}


def test_the_cli_and_the_simulation_tell_the_same_week(played):
    assert played["cli"] == played["inprocess"]


def test_each_wang_xiaoming_alerts_his_own_school_on_the_fourth_school_day(out):
    sent, _ = out
    alerts = [m for m in sent if m["text"].startswith("【控辍保学预警】") and "三年级二班 王小明" in m["text"]]
    assert alerts, "no alert for either 王小明"
    expected = {
        "qingshi": {"wxid_demo_wangfang", "wxid_demo_chenguohua", "wxid_demo_liujianjun", HUANG, HE},
        "shimen": {"wxid_sm_tianxiuzhi", "wxid_sm_luodeming", HUANG, HE},
    }
    for sid, x in XIAOMING.items():
        other = XIAOMING["shimen" if sid == "qingshi" else "qingshi"]
        mine = [m for m in alerts if x["phone"] in m["text"]]
        assert sorted(m["to"] for m in mine) == sorted(expected[sid])  # once each, nobody else
        for m in mine:
            assert m["room"] is None and m["room_id"] is None  # by direct message only
            assert m["at"][:10] == THURSDAY  # Mon, Tue, Wed, Thu: the 4th school day
            assert f"监护人：{x['guardian']}" in m["text"] and f"班主任：{x['teacher']}" in m["text"]
            assert other["phone"] not in m["text"] and other["guardian"] not in m["text"]
    # every alert is about one school's child and goes to that school's people only
    for m in (m for m in sent if m["text"].startswith("【控辍保学预警】")):
        (sid,) = school_of_text(m["text"]) or {"qingshi"}  # 林佳琪's is qingshi's
        assert m["to"] in STAFF[sid]


def test_private_data_of_one_school_never_reaches_the_other(out):
    sent, _ = out
    for m in sent:
        for sid in school_of_text(m["text"]):
            # a 王小明's guardian or phone: his own school's staff by DM, or its staff/leaders room
            assert m["to"] in STAFF[sid] or m["room_id"] in (STAFF_ROOM[sid], LEADERS_ROOM[sid]), m
        if m["to"] in OWN["shimen"]:
            assert "徐秀兰" not in m["text"] and "13631963950" not in m["text"]
            assert NAMES["qingshi"] + " 缺勤日报" not in m["text"]
        if m["to"] in OWN["qingshi"]:
            assert "王家长11" not in m["text"] and "13900000011" not in m["text"]
            assert NAMES["shimen"] + " 缺勤日报" not in m["text"]


def _digests(sent: list[dict[str, Any]], sid: str) -> list[dict[str, Any]]:
    return [m for m in sent if m["text"].startswith(f"【{NAMES[sid]} 缺勤日报】")]


def test_each_digest_goes_to_its_own_principals_and_leaders_room(out):
    sent, _ = out
    assert len([m for m in sent if "缺勤日报】" in m["text"]]) == 2 * 3 * len(WEEK)
    who = {
        "qingshi": [("wxid_demo_chenguohua", None), (HUANG, None), (None, "青石镇中心小学行政群")],
        "shimen": [("wxid_sm_luodeming", None), (HUANG, None), (None, "R:shimen-leaders")],
    }
    topic = {"qingshi": "青石镇中心小学行政群", "shimen": "石门村完小行政群"}
    for sid in NAMES:
        digests = _digests(sent, sid)
        for day in WEEK:
            today = [m for m in digests if m["at"][:10] == day.isoformat()]
            assert sorted(((m["to"], m["room_id"]) for m in today), key=str) == sorted(who[sid], key=str), (sid, day)
            assert {m["at"][11:16] for m in today} == {"16:30"}
            assert len({m["text"] for m in today}) == 1  # the same digest for all of them
            room = next(m for m in today if m["room_id"])
            assert room["room"] == topic[sid]  # the school's name for its leaders group
    # the county officer is no principal: she gets the roll-up, not the schools' digests
    assert not [m for m in sent if m["to"] == HE and "缺勤日报】" in m["text"]]


def test_each_digest_counts_only_its_own_school(out):
    sent, _ = out

    def counts(sid: str) -> list[tuple[int, int]]:
        found = []
        for m in _digests(sent, sid):
            if m["to"] == HUANG:
                enrolled, absent = re.search(r"在籍 (\d+) 人，今日缺勤 (\d+) 人", m["text"]).groups()
                found.append((int(enrolled), int(absent)))
        return found

    # qingshi: its 王小明 all week, 林佳琪 until she leaves on Wednesday; shimen: its 王小明
    assert counts("qingshi") == [(451, 2), (451, 2), (450, 1), (450, 1), (450, 1)]
    assert counts("shimen") == [(20, 1), (20, 1), (21, 1), (21, 1), (21, 1)]
    for m in _digests(sent, "shimen"):
        assert "林佳琪" not in m["text"]  # present every day she was shimen's
        assert "一年级" not in m["text"] and "六年级" not in m["text"]  # qingshi's classes
    for m in _digests(sent, "qingshi"):
        if m["at"][:10] >= "2026-11-25":
            assert "林佳琪" not in m["text"]  # no longer qingshi's
    thursday = [m["text"] for m in sent if m["at"][:10] == THURSDAY and m["to"] == HUANG and "缺勤日报】" in m["text"]]
    assert all("未返校预警 1 人" in t and "三年级二班 王小明 连续4天（11月23日起）" in t for t in thursday)


def test_rollcall_reminders_go_to_each_schools_own_head_teachers(out):
    sent, _ = out
    reminders = [m for m in sent if "还没有报考勤" in m["text"]]
    head_of = {sid: {w: s.head_of for w, s in people.items() if s.head_of} for sid, people in STAFF.items()}
    qingshi_all = set(head_of["qingshi"])
    expected = {
        # Monday: 王芳 and 郑秀英 reported absences, shimen's two classes reported
        "2026-11-23": qingshi_all - {"wxid_demo_wangfang", "wxid_demo_zhengxiuying"},
        # Tuesday: shimen's 三年级一班 reported at 08:15; qingshi's 三年级一班 did not
        "2026-11-24": qingshi_all | {"wxid_sm_tianxiuzhi"},
        # Wednesday: 郑秀英's report about 林佳琪 (gone to shimen) recorded nothing
        "2026-11-25": qingshi_all | {"wxid_sm_tianxiuzhi"},
        "2026-11-26": qingshi_all | {"wxid_sm_tianxiuzhi", "wxid_sm_wuguoqiang"},
        "2026-11-27": qingshi_all | {"wxid_sm_tianxiuzhi", "wxid_sm_wuguoqiang"},
    }
    for day, people in expected.items():
        today = [m for m in reminders if m["at"][:10] == day]
        assert sorted(m["to"] for m in today) == sorted(people), day
        assert {m["at"][11:16] for m in today} == {"09:30"}
    for m in reminders:
        assert m["room_id"] is None
        (sid,) = [s for s in head_of if m["to"] in head_of[s]]
        staff = STAFF[sid][m["to"]]
        assert m["text"].startswith(f"{staff.name}老师好，{staff.head_of}今天")
    # the case the same class name could break: shimen's 三年级一班 roll-call on Tuesday
    tuesday = {m["to"] for m in reminders if m["at"][:10] == "2026-11-24"}
    assert "wxid_demo_zhengxiuying" in tuesday and "wxid_sm_wuguoqiang" not in tuesday


def test_the_leaders_over_both_schools_get_one_rollup_a_day(out):
    sent, _ = out
    for person in (HUANG, HE):
        rollups = [m for m in sent if m["to"] == person and "【青石镇中心校 缺勤汇总】" in m["text"]]
        assert [m["at"][:10] for m in rollups] == [d.isoformat() for d in WEEK]
        for m in rollups:
            assert m["room_id"] is None and m["at"][11:16] == "16:35"
            assert "· 青石镇中心小学：" in m["text"] and "· 石门村完全小学：" in m["text"]
    assert not [m for m in sent if "缺勤汇总】" in m["text"] and m["to"] not in (HUANG, HE)]
    thursday = next(m["text"] for m in sent if m["to"] == HUANG and "缺勤汇总】" in m["text"] and THURSDAY in m["at"])
    assert "· 青石镇中心小学 三年级二班 王小明：连续4个上学日（11月23日起）" in thursday
    assert "· 石门村完全小学 三年级二班 王小明：连续4个上学日（11月23日起）" in thursday


def test_a_transfer_moves_the_student_and_closes_her_qingshi_case(out):
    sent, state = out
    # Wednesday 08:10, qingshi's 郑秀英 still reports her: not recorded as qingshi's
    answer = next(m for m in sent if m["at"].startswith("2026-11-25T08:10"))
    assert answer["room_id"] == "青石镇中心小学教师群" and not answer["text"].startswith("已记录")
    # those who were told of her qingshi case hear, by DM, that the transfer closed it
    closings = [m for m in sent if "林佳琪" in m["text"] and "已转学（转入 石门村完全小学），预警关闭" in m["text"]]
    assert closings and all(m["room_id"] is None for m in closings)
    assert {m["to"] for m in closings} == {"wxid_demo_chenguohua", "wxid_demo_liujianjun", HUANG, HE}
    assert all(m["text"].startswith("青石镇中心小学 三年级一班 林佳琪") for m in closings)
    # qingshi asks about her no more, and nothing else about her goes anywhere after the move
    after = [
        m
        for m in sent
        if m["at"][:10] >= "2026-11-25" and "林佳琪" in m["text"] and m is not answer and m not in closings
    ]
    assert [m["room_id"] for m in after] == ["R:shimen-staff", "R:shimen-staff"]  # shimen's roll-call, her record
    assert after[0]["text"].startswith("已记录：三年级一班 林佳琪 没有未结束的缺勤")
    # at shimen her record is shimen's: qingshi's absences and case stay qingshi's
    assert after[1]["text"].endswith("本学期没有缺勤记录。")
    assert (
        "家长联系不上" not in after[1]["text"] and "预警" not in after[1]["text"] and "郑秀英" not in after[1]["text"]
    )
    # the final state: both 王小明 still away, each his own school's case; no 林佳琪
    assert [
        (a["school"], a["student_id"], a["name"], a["class"], a["streak"], a["since"]) for a in state["open_alerts"]
    ] == [
        ("qingshi", XIAOMING["qingshi"]["id"], "王小明", "三年级二班", 5, "2026-11-23"),
        ("shimen", XIAOMING["shimen"]["id"], "王小明", "三年级二班", 5, "2026-11-23"),
    ]
    assert state["absences_today"] == 2


def test_the_transfer_in_the_database(played):
    sim = played["sim"]
    moved = dt.date(2026, 11, 25)
    with Session(sim.app.engine) as s:
        st = s.get(Student, LINJIAQI)
        assert st is not None and (st.school_id, st.class_name, st.active) == ("shimen", "三年级一班", True)
        enrolments = s.exec(select(Enrolment).where(Enrolment.student_id == LINJIAQI).order_by(col(Enrolment.id)))
        assert [(e.school_id, e.joined_on, e.left_on, e.left_why) for e in enrolments] == [
            ("qingshi", None, moved, "转学"),
            ("shimen", moved, None, ""),
        ]
        absences = s.exec(select(Absence).where(Absence.student_id == LINJIAQI, Absence.status == "active"))
        # away from qingshi from last Wednesday up to the day before the move; nothing since
        assert [(a.school_id, a.start, a.end) for a in absences] == [
            ("qingshi", dt.date(2026, 11, 18), moved - dt.timedelta(days=1))
        ]
        alerts = list(s.exec(select(Alert).where(Alert.student_id == LINJIAQI)))
        assert [(a.school_id, a.status, a.closed_on) for a in alerts] == [("qingshi", "closed", moved)]
        # 郑秀英's Wednesday message is on record as received, and recorded nothing
        msg = s.exec(select(InboundMessage).where(col(InboundMessage.text).contains("林佳琪今天还是没来"))).one()
        assert msg.school_id == "qingshi"
        assert not s.exec(select(Absence).where(Absence.inbound_id == msg.id)).all()


def test_the_ledger_export_keeps_each_schools_own_history(played):
    sim = played["sim"]
    sheets = {}
    for sid in NAMES:
        school = sim.app.schools[sid]
        with Session(sim.app.engine) as s:
            export = build_ledger(s, school.config, school.calendar, dt.date(2026, 11, 16), WEEK[-1], today=WEEK[-1])
        first_row = TITLE_ROWS + 2  # under the title block and the header
        sheets[sid] = {
            ws.title: list(ws.iter_rows(min_row=first_row, values_only=True)) for ws in export.workbook.worksheets
        }
    qingshi, shimen = sheets["qingshi"], sheets["shimen"]
    # 林佳琪 left for shimen on Wednesday: her days away and her case stay in qingshi's 台账
    days = [(r[4], r[5], r[7]) for r in qingshi[ABSENCES] if r[0] == LINJIAQI]
    assert days == [(dt.date(2026, 11, d), "无故缺勤", n) for n, d in enumerate((18, 19, 20, 23, 24), start=1)]
    (case,) = [r for r in qingshi[ALERTS] if r[0] == LINJIAQI]
    assert (case[14], case[15], case[16]) == (
        "已关闭",
        dt.date(2026, 11, 25),
        "已转学（转入 石门村完全小学），预警关闭",
    )
    assert not [r for r in shimen[ABSENCES] + shimen[ALERTS] if r[0] == LINJIAQI]
    # each 王小明 in his own school's ledger only
    for sid, other in (("qingshi", "shimen"), ("shimen", "qingshi")):
        assert {r[0] for r in sheets[sid][ABSENCES] if r[1] == "王小明"} == {XIAOMING[sid]["id"]}
        assert XIAOMING[other]["phone"] not in str(sheets[sid])
    # 三年级一班 on Tuesday: shimen's class reported, qingshi's did not
    reported = {sid: {(r[0], r[1]): r[8] for r in sheets[sid][DAILY]} for sid in NAMES}
    assert reported["shimen"][(WEEK[1], "三年级一班")] == "是"
    assert reported["qingshi"][(WEEK[1], "三年级一班")] == "否"
    assert reported["qingshi"][(WEEK[0], "三年级一班")] == "是"  # 郑秀英 reported 林佳琪 on Monday
    # on qingshi's roll until she left
    on_roll = {r[0]: r[2] for r in qingshi[DAILY] if r[1] == "三年级一班"}
    assert (on_roll[WEEK[1]], on_roll[WEEK[2]]) == (39, 38)


def test_parents_in_an_unbound_group_and_a_renamed_group_get_nothing_private(out):
    sent, _ = out
    # a new group that calls itself 青石镇中心小学行政群: nobody bound it, the bot says nothing
    assert not [m for m in sent if m["room_id"] == NEW_GROUP]
    # its 今日缺勤 did not go to the real leaders group or anyone privately either
    noon = [m for m in sent if m["at"].startswith("2026-11-26T12:0")]
    assert noon == []
    # shimen's 三年级二班家长群 renamed to 青石镇中心小学教师群: still the parent group
    renamed = [m for m in sent if m["room_id"] == RENAMED]
    assert renamed and {m["room"] for m in renamed} == {"三年级二班家长群"}
    names = {e.name for s in load_deployment(DEPLOYMENT).schools for e in s.students}
    for m in renamed:
        assert m["to"] is None
        assert not PHONE.search(m["text"]), m["text"]
        assert not [n for n in names if n in m["text"]], m["text"]
        for private in ("缺勤日报", "缺勤汇总", "控辍保学预警", "已记录", "未到校", "发烧", "监护人", "请假："):
            assert private not in m["text"], (private, m["text"])
    # the parent's leave request went to shimen's head teacher of 三年级二班, privately
    forwarded = [m for m in sent if "请假：" in m["text"] and "王小明" in m["text"] and "回复“同意”" in m["text"]]
    assert [(m["to"], m["room_id"]) for m in forwarded] == [("wxid_sm_tianxiuzhi", None)]
    # groups that got anything at all: the two schools' own staff and leaders groups, and the renamed one
    assert {m["room_id"] for m in sent if m["room_id"]} == {*STAFF_ROOM.values(), *LEADERS_ROOM.values(), RENAMED}


def test_the_unbound_group_is_seen_but_not_any_schools(played):
    sim = played["sim"]
    with Session(sim.app.engine) as s:
        seen = s.get(SeenRoom, NEW_GROUP)
        assert seen is not None and seen.topic == "青石镇中心小学行政群"
        rows = list(s.exec(select(InboundMessage).where(InboundMessage.room_id == NEW_GROUP)))
        assert len(rows) == 2 and {(r.school_id, r.handler) for r in rows} == {(None, "unbound_room")}
