"""Rules of blind round 1, each as a family of phrasings (none of them a blind message):
embedded questions, symptoms seen in class, a relative's illness, no leave asked, a child
brought in at noon, onsets out of school hours, 一周 as five school days."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.attendance.parsing.corpus import run


def parse(text: str, sender: str = "wxid_demo_wangfang", date: str = "2026-11-25") -> dict:
    return run({"text": text, "from": sender, "room": None, "date": dt.date.fromisoformat(date)})


def absences(r: dict) -> list[tuple[str, str, str, str | None]]:
    return [(a["name"], a["kind"], a["start"], a["end"]) for a in r["absences"]]


@pytest.mark.parametrize(
    "text",
    [
        "蒋天佑今天没来 不知道咋个回事",
        "蒋天佑没来，也不清楚为什么",
        "蒋天佑今天没来上学，不晓得啥子原因",
        "蒋天佑今天没来，问了同学也说不清是咋回事",
        "蒋天佑 周子轩 今天都没来 搞不清怎么回事 电话也打不通",
    ],
)
def test_not_knowing_why_is_a_statement_not_a_question(text):
    r = parse(text)
    assert r["intent"] == "absence"
    assert {a["kind"] for a in r["absences"]} == {"unexcused"}


@pytest.mark.parametrize("text", ["蒋天佑今天来了吗", "不知道蒋天佑今天来了吗", "蒋天佑今天到校没有"])
def test_a_real_question_still_asks(text):
    # From a head teacher, a question about one child is a question to the bot (SPEC §6a):
    # the child's record, nothing written.
    r = parse(text)
    assert r["intent"] == "query" and r["absences"] == r["returns"] == []


@pytest.mark.parametrize(
    "text",
    [
        "蒋天佑上课还在咳嗽",
        "蒋天佑今天在班上一直咳嗽，我让他多喝水",
        "蒋天佑上课说肚子疼，我给他倒了热水",
        "蒋天佑体育课上扭伤了脚",
        "蒋天佑课间说头晕 趴了一会儿",
    ],
)
def test_a_symptom_seen_in_class_is_no_absence(text):
    r = parse(text)
    assert r["intent"] == "none" and r["absences"] == []
    assert r["class"] == "三年级二班"


@pytest.mark.parametrize(
    "text", ["蒋天佑发烧了，不能来上课", "蒋天佑咳嗽得厉害 今天没来上课", "蒋天佑发烧了", "蒋天佑感冒了 请假"]
)
def test_a_symptom_away_from_class_is_a_sick_report(text):
    assert [a[1] for a in absences(parse(text))] == ["sick"]


@pytest.mark.parametrize(
    "text",
    [
        "蒋天佑说他弟弟得了水痘",
        "蒋天佑的妹妹发烧了，我让他回去提醒家长",
        "蒋天佑奶奶病了",
        "蒋天佑他妈妈在县医院住院",
    ],
)
def test_a_relatives_illness_alone_is_no_report(text):
    r = parse(text)
    assert r["intent"] == "none" and r["absences"] == []


@pytest.mark.parametrize(
    "text",
    [
        "蒋天佑 她妈妈在昆明住院 请三天假",
        "蒋天佑奶奶在县医院住院，家里没人，请两天假",
        "蒋天佑他爸在外地受伤了 今天请假",
        "蒋天佑今天没来，他奶奶生病住院了",
    ],
)
def test_a_relatives_illness_with_a_leave_is_personal(text):
    assert [a[1] for a in absences(parse(text))] == ["personal"]


@pytest.mark.parametrize(
    "text,kind",
    [
        ("蒋天佑今天没来 他妈说去吃酒了 没请假", "unexcused"),
        ("蒋天佑今天没来，家里有事，没打招呼", "unexcused"),
        ("蒋天佑跟爸妈走亲戚去了，也没请假", "unexcused"),
        ("蒋天佑回老家了 没跟老师说", "unexcused"),
        ("蒋天佑发烧了，没请假", "sick"),  # an illness is still an illness (因病缺课)
        ("蒋天佑家里有事请假了", "personal"),
    ],
)
def test_no_leave_asked_makes_a_family_business_unexcused(text, kind):
    assert [a[1] for a in absences(parse(text))] == [kind]


@pytest.mark.parametrize(
    "text",
    [
        "蒋天佑他妈说带去县城看牙了 下午送来",
        "蒋天佑看病去了 下午就送到学校",
        "蒋天佑他爸说带去医院复查 下午带过来",
        "蒋天佑肚子疼 上午在家 中午送过来",
    ],
)
def test_brought_in_later_in_the_day_is_a_morning_absence(text):
    assert absences(parse(text)) == [("蒋天佑", "sick", "2026-11-25", "2026-11-25")]


@pytest.mark.parametrize(
    "text,date,start,end",
    [
        ("刘鹏周六在家摔伤了腿，明天请两天假", "2026-11-29", "2026-11-30", "2026-12-01"),
        ("刘鹏周六摔伤了 明天请一天假", "2026-11-29", "2026-11-30", "2026-11-30"),
        ("刘鹏周日发烧了，今天没来", "2026-11-30", "2026-11-30", None),
        ("刘鹏昨晚发烧了 明天请假", "2026-11-29", "2026-11-30", None),
    ],
)
def test_an_onset_out_of_school_hours_starts_the_next_school_day(text, date, start, end):
    assert absences(parse(text, date=date)) == [("刘鹏", "sick", start, end)]


@pytest.mark.parametrize(
    "text,date,end",
    [
        ("丁雨泽请假一周", "2026-11-25", "2026-12-01"),
        ("丁雨泽请假两周", "2026-11-25", "2026-12-08"),
        ("丁雨泽跟爸妈回老家 请一个星期假", "2026-11-25", "2026-12-01"),
        ("丁雨泽请假一周", "2027-01-21", "2027-01-27"),  # past the term end: weekdays go on
    ],
)
def test_a_week_is_five_school_days(text, date, end):
    (a,) = parse(text, sender="wxid_demo_shenjianguo", date=date)["absences"]
    assert (a["start"], a["end"]) == (date, end)


@pytest.mark.parametrize(
    "text,said",
    [
        ("蒋天佑同桌没来", "蒋天佑同桌"),
        ("蒋天佑的同桌今天没来", "蒋天佑的同桌"),
        ("蒋天佑弟弟今天也没来", "蒋天佑弟弟"),
        ("蒋天佑他妈妈没来", "蒋天佑他妈妈"),
        ("蒋天佑家长今天没到", "蒋天佑家长"),
        ("蒋天佑旁边那个今天没来", "蒋天佑旁边那个"),
    ],
)
def test_someone_of_the_childs_before_the_predicate_is_asked_not_guessed(text, said):
    r = parse(text)
    assert r["intent"] == "absence" and r["absences"] == [] and r["class"] == "三年级二班"
    assert [(u["text"], [c["name"] for c in u["candidates"]]) for u in r["unresolved"]] == [(said, ["蒋天佑"])]


@pytest.mark.parametrize(
    "text,kind",
    [
        ("蒋天佑妈妈请假了", "personal"),  # a leave a parent asks is the child's
        ("蒋天佑他妈说他发烧了", "sick"),
        ("蒋天佑妈妈打电话说没来", "unexcused"),
        ("蒋天佑同学今天没来", "unexcused"),  # 同学 after a name is a title
        ("蒋天佑他爸来了，说娃病了", "sick"),
    ],
)
def test_a_relative_speaking_or_asking_leave_is_no_doubt(text, kind):
    r = parse(text)
    assert r["unresolved"] == [] and [a[:2] for a in absences(r)] == [("蒋天佑", kind)]


@pytest.mark.parametrize(
    "text", ["蒋天佑的妈妈没来开家长会", "蒋天佑家长今天没来签字", "蒋天佑他爸没来接他", "蒋天佑奶奶没来交费"]
)
def test_an_adults_errand_after_someone_of_the_child_is_theirs(text):
    r = parse(text)
    assert r["intent"] == "none" and r["absences"] == r["unresolved"] == []
