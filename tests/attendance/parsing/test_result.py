"""ParseResult: the JSON contract and what the handlers get beyond it."""

from __future__ import annotations

import datetime as dt
import json
import time

from bot.attendance.parsing import ParseResult


def test_json_keys_in_contract_order(parse):
    j = parse("三(2)班 应到37 实到35，高兴病假两天，蒋天佑没来").to_json()
    assert list(j) == ["intent", "class", "absences", "returns", "rollcall", "unresolved", "query"]
    assert list(j["absences"][0]) == ["student_id", "name", "class", "kind", "start", "end"]
    assert list(j["rollcall"]) == ["expected", "present"]
    j = parse("蔡军昨天就已经返校了", sender="wxid_demo_chenweidong").to_json()
    assert list(j["returns"][0]) == ["student_id", "name", "class", "date"]
    j = parse("王小明没来", sender="wxid_demo_chenguohua").to_json()
    assert list(j["unresolved"][0]) == ["text", "candidates"]
    assert list(j["unresolved"][0]["candidates"][0]) == ["student_id", "name", "class"]
    json.dumps(j, ensure_ascii=False)


def test_students_and_reasons(parse):
    r = parse("三(2)班 应到37 实到35，高兴病假两天，蒋天佑没来，电话打不通")
    assert [s.name for s in r.students] == ["高兴", "蒋天佑"]
    assert [a.reason for a in r.absences] == [None, "电话打不通"]
    assert r.rollcall.all_present is False


def test_name_correction(parse):
    r = parse("更正一下，刚才报的李静应该是李婧", sender="wxid_demo_fengxiaoyan")
    c = r.name_correction
    assert (c.old.name, c.new.name, c.old_text, c.new_text) == ("李静", "李婧", "李静", "李婧")
    assert [a.student.name for a in r.absences] == ["李婧"]
    assert parse("不是李静，是李婧", sender="wxid_demo_fengxiaoyan").name_correction.new.name == "李婧"


def test_kind_correction(parse):
    r = parse("不是旷课，是病假")
    assert r.intent == "absence" and r.absences == []
    assert (r.kind_correction.new_kind, r.kind_correction.old_kind, r.kind_correction.student) == (
        "sick",
        "unexcused",
        None,
    )
    r = parse("王小明不是旷课是病假")
    assert r.kind_correction.student.class_name == "三年级二班" and r.absences[0].kind == "sick"


def test_cancel(parse):
    assert parse("撤销").cancel and parse("刚才发错了").intent == "cancel"
    r = parse("撤销蒋天佑的请假")
    assert r.intent == "cancel" and [s.name for s in r.cancel_students] == ["蒋天佑"]


def test_queries(parse):
    boss = "wxid_demo_chenguohua"
    assert parse("预警", sender=boss).query.what == "at_risk"
    assert parse("未返校名单", sender=boss).query.what == "at_risk"
    assert parse("今日缺勤", sender=boss).query.what == "absent"
    assert parse("未回答问题", sender=boss).query.what == "unanswered"
    r = parse("王小明的记录")
    assert (r.intent, r.query.what, r.query_student.class_name) == ("query", "student_record", "三年级二班")
    j = parse("三(2)班这周病假几个", sender=boss).to_json()["query"]
    assert j == {
        "what": "sick",
        "scope": {"kind": "class", "name": "三年级二班"},
        "period": {"kind": "this_week", "start": "2026-11-23", "end": "2026-11-25"},
    }
    assert parse("预警", sender=None).query is None  # only staff ask the ledger


def test_rollcall_everyone_present(parse):
    r = parse("全勤")
    assert (
        r.intent == "rollcall"
        and r.rollcall.all_present
        and r.to_json()["rollcall"] == {"expected": None, "present": None}
    )
    assert parse("应到38 实到38").rollcall.all_present
    assert parse("王小明没来，其他都到了").others_present


def test_questions_are_not_reports(parse):
    assert parse("王小明今天来了吗？").intent == "query"
    assert parse("谁没来？").intent == "query"
    assert parse("蒋天佑为什么没来？").absences == []
    assert parse("今天没有人请假").intent == "none"


def test_parent_without_a_name(parse):
    r = parse("孩子今天不舒服，请假一天", sender=None, room="三年级二班")
    assert r.intent == "absence" and "no_student_named" in r.notes


def test_big_paste_is_capped_and_fast(parse):
    text = ("三(2)班 应到37 实到35，高兴病假两天，蒋天佑没来。" * 2000)[:51200]
    t0 = time.perf_counter()
    r = parse(text)
    assert time.perf_counter() - t0 < 2.0
    assert isinstance(r, ParseResult) and "truncated" in r.notes
    for junk in ("王" * 51200, "(" * 51200, "1/2 " * 12800, "@" * 51200, "\n" * 51200):
        t0 = time.perf_counter()
        parse(junk)
        assert time.perf_counter() - t0 < 2.0


def test_empty_and_emoji(parse):
    assert parse("").intent == "none"
    assert parse("   ").to_json()["class"] is None
    assert parse("👍👍").intent == "none"


def test_start_defaults_to_message_date(parse):
    r = parse("蒋天佑没来", day="2026-12-02")
    assert r.absences[0].start == dt.date(2026, 12, 2) and r.absences[0].end is None
