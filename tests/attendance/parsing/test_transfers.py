"""Transfers as teachers write them: who leaves, where to and when; who arrives, with
which 学籍号 (bot/attendance/parsing/transfers.py, pure)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.attendance.parsing.transfers import transfer_in, transfer_out

WED = dt.date(2026, 11, 25)
SID = "G53032018009999"


@pytest.mark.parametrize(
    "text,dest,day",
    [
        ("王小明转学了，转到县城二小", "县城二小", None),
        ("王小明转走了 去广东读书了", "广东", None),
        ("王小明已经转学到城关小学", "城关小学", None),
        ("王小明办了转学手续", None, None),
        ("王小明转学了", None, None),
        ("王小明已转学", None, None),
        ("王小明不来了，转学了", None, None),
        ("王小明转到浙江上学了", "浙江", None),
        ("我班王小明转学了 转入县城二小", "县城二小", None),
        ("王小明转回老家读书了", "老家", None),
        ("王小明跟他爸去广东了，转学了", "广东", None),
        ("王小明转学手续已经办好了，去县一小", "县一小", None),
        ("王小明昨天转学去县城二小了", "县城二小", "2026-11-24"),
        ("王小明11月20号就转走了，去他妈妈那边读书了", "他妈妈那边", "2026-11-20"),
        ("报告：王小明于11月23日转出，转入城关镇中心小学", "城关镇中心小学", "2026-11-23"),
        ("王老师，王小明家里给他办了转学，转到昆明去了", "昆明", None),
        ("三年级二班王小明 转学到县实验小学", "县实验小学", None),
        ("王小明周一已经转走了", None, "2026-11-23"),
        ("@保学小助手 王小明转学了，转到县城二小", "县城二小", None),
        ("王小明转出去了，转到外婆家那边的小学", "外婆家那边的小学", None),
    ],
)
def test_a_child_leaving(text, dest, day):
    out = transfer_out(text, WED, ["王小明"])
    assert out is not None, text
    assert out.name == "王小明"
    assert out.destination == dest
    assert out.day == (dt.date.fromisoformat(day) if day else None)


def test_a_child_leaving_named_by_student_id():
    out = transfer_out("G53032017000193转学了，转到县城二小", WED)
    assert out is not None and out.student_id == "G53032017000193" and out.destination == "县城二小"


@pytest.mark.parametrize(
    "text",
    [
        "转学的政策是什么",
        "转学需要什么手续",
        "王小明要转学了",
        "王小明想转学",
        "王小明转学了吗",
        "王小明是不是转学了",
        "王小明没有转学",
        "王小明家长说打算转学，还没定",
        "听说王小明准备转走",
        "王小明今天没来",
        "李小花是新转来的，学籍号G53032018009999",
    ],
)
def test_not_a_child_leaving(text):
    assert transfer_out(text, WED, ["王小明"]) is None


@pytest.mark.parametrize(
    "text,name,sid,gender",
    [
        (f"李小花是新转来的，学籍号{SID}", "李小花", SID, None),
        (f"新转来一个学生李小花 学籍号{SID}  女", "李小花", SID, "女"),
        (f"我班新转来一名女生，叫李小花，学籍号{SID}", "李小花", SID, "女"),
        (f"转入学生：李小花，学籍号：{SID}，性别：女", "李小花", SID, "女"),
        ("李小花今天转来我们班，学籍号L530302201801011234", "李小花", "L530302201801011234", None),
        (f"今天转来个新生李小花 {SID} 男", "李小花", SID, "男"),
        (f"转学生李小花，学籍号{SID}，女", "李小花", SID, "女"),
        (f"李小花转过来了，学籍号{SID}", "李小花", SID, None),
        (f"姓名李小花 学籍号{SID} 性别女 新转入", "李小花", SID, "女"),
        (f"新转来一个男生张浩然，学籍号g{SID[1:]}", "张浩然", SID, "男"),
        (f"三年级二班新转入一名学生：李小花（女），学籍号{SID}", "李小花", SID, "女"),
        ("李小花是新转来的", "李小花", None, None),
    ],
)
def test_a_child_arriving(text, name, sid, gender):
    came = transfer_in(text)
    assert came is not None, text
    assert (came.name, came.student_id, came.gender) == (name, sid, gender)


@pytest.mark.parametrize(
    "text",
    [
        "转学的政策是什么",
        "转学生的学籍怎么转？",
        "下周会有一个学生转来",
        "李小花是上学期转来的，最近成绩不错？",
        "王小明今天没来，电话打不通",
        "听说要转来一个学生",
    ],
)
def test_not_a_child_arriving(text):
    assert transfer_in(text) is None


def test_a_phone_number_is_not_a_student_id():
    came = transfer_in("新转来一个学生李小花，家长电话13812345678")
    assert came is not None and came.student_id is None
