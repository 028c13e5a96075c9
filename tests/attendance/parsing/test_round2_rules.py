"""Rules of blind round 2, each as a family of phrasings of our own: hypotheticals, an
illness denied, 周四五, 除了X with the others apart, a name correction with the kind in
between, a recent span said of the illness."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.attendance.parsing.corpus import run


def parse(text: str, sender: str | None = "wxid_demo_wangfang", date: str = "2026-11-25", room=None) -> dict:
    return run({"text": text, "from": sender, "room": room, "date": dt.date.fromisoformat(date)})


def absences(r: dict) -> list[tuple[str, str, str, str | None]]:
    return [(a["name"], a["kind"], a["start"], a["end"]) for a in r["absences"]]


@pytest.mark.parametrize(
    "text",
    [
        "如果蒋天佑明天还不来，我就去他家看看",
        "蒋天佑要是明天还不来 就去家访",
        "万一蒋天佑下午没来，给我打个电话",
        "蒋天佑明天还不来的话我去他家",
        "假如蒋天佑发烧了就让家长来接",
    ],
)
def test_a_hypothetical_reports_nothing(text):
    r = parse(text)
    assert r["intent"] == "none" and r["absences"] == [] and r["class"] == "三年级二班"


@pytest.mark.parametrize(
    "text,kind",
    [
        ("蒋天佑今天没来，主要是发烧", "sick"),  # 主要是 is no 要是
        ("蒋天佑发烧了，如果明天还不好就再请一天", "sick"),
    ],
)
def test_a_report_beside_a_hypothetical_stands(text, kind):
    assert [a[:2] for a in absences(parse(text))] == [("蒋天佑", kind)]


@pytest.mark.parametrize(
    "text,kind",
    [
        ("蒋天佑说头疼，其实没生病，就是不想上学", "unexcused"),
        ("蒋天佑说肚子疼 其实没病 在家玩手机", "unexcused"),
        ("蒋天佑说是不舒服，其实不是生病，是不想来，家长也没请假", "unexcused"),
        ("蒋天佑今天没来，不是生病，是家里有事", "personal"),
        ("蒋天佑没发烧，就是咳嗽，请一天假", "sick"),  # a symptom denied is not the illness denied
    ],
)
def test_an_illness_denied_makes_the_symptoms_a_pretext(text, kind):
    assert [a[1] for a in absences(parse(text, date="2026-12-03"))] == [kind]


@pytest.mark.parametrize(
    "text,start,end",
    [
        ("蒋天佑这周四五两天请假", "2026-12-03", "2026-12-04"),
        ("蒋天佑星期四五请事假", "2026-12-03", "2026-12-04"),
        ("蒋天佑下周一二请假，回老家", "2026-12-07", "2026-12-08"),
        ("蒋天佑礼拜二三请病假", "2026-12-01", "2026-12-02"),
    ],
)
def test_two_weekdays_under_one_week_word_are_a_list(text, start, end):
    ((_, _, s, e),) = absences(parse(text, date="2026-11-30"))
    assert (s, e) == (start, end)


def test_a_weekday_then_an_hour_is_no_list():
    r = parse("蒋天佑周五六点才走的", date="2026-11-30")
    assert r["absences"] == []


@pytest.mark.parametrize(
    "text,names",
    [
        ("除了蒋天佑，其他都到了", ["蒋天佑"]),
        ("除了蒋天佑 其他的都来了", ["蒋天佑"]),
        ("今天除了蒋天佑和吴倩，其余都到齐了", ["蒋天佑", "吴倩"]),
        ("除了吴倩其他都到了", ["吴倩"]),
    ],
)
def test_all_but_the_named_with_the_others_in_a_clause_apart(text, names):
    r = parse(text)
    assert r["intent"] == "absence" and [a[0] for a in absences(r)] == names
    assert {a[1] for a in absences(r)} == {"unexcused"}


@pytest.mark.parametrize(
    "text,kind",
    [
        ("更正一下，刚才报的李静病假报错了，是李婧", "sick"),
        ("刚才李静没来报错了 是李婧", "unexcused"),
        ("李静的记录报错了，应该是李婧", "unexcused"),
        ("李静报错了，是李婧", "unexcused"),
    ],
)
def test_a_name_correction_with_what_was_said_in_between(text, kind):
    r = parse(text, sender="wxid_demo_fengxiaoyan", date="2026-11-20")
    assert [a[:2] for a in absences(r)] == [("李婧", kind)]


@pytest.mark.parametrize(
    "text,end",
    [
        ("老师 张瑞这两天感冒了，请两天假", "2026-11-23"),
        ("张瑞最近两天发烧 请假三天", "2026-11-24"),
        ("张瑞这两天一直咳嗽，今天请假", None),
    ],
)
def test_a_recent_span_said_of_the_illness_is_not_the_days_away(text, end):
    ((_, kind, start, e),) = absences(parse(text, sender=None, room="三年级二班", date="2026-11-20"))
    assert (kind, start, e) == ("sick", "2026-11-20", end)


def test_a_recent_span_said_of_the_absence_is():
    ((_, _, start, _),) = absences(parse("张瑞这两天没来", date="2026-11-20"))
    assert start == "2026-11-19"


@pytest.mark.parametrize(
    "text",
    [
        "蒋天佑今天又没来嘛",
        "蒋天佑拉肚子拉得厉害，就是先请个假嘛",
        "蒋天佑他妈说发烧了嘛，今天请假",
    ],
)
def test_ma_at_the_end_is_emphasis_not_a_question(text):
    assert parse(text)["intent"] == "absence"


@pytest.mark.parametrize(
    "text",
    [
        "蒋天佑今天早上他妈妈打电话来说拉肚子，先请个假",
        "早上蒋天佑奶奶打电话说他发烧了要请假",
        "蒋天佑的话就是联系不上，没来",  # 的话 after a name is "as for", no condition
    ],
)
def test_a_time_of_day_or_topic_that_is_not_the_absence(text):
    ((_, _, start, end),) = absences(parse(text))
    assert (start, end) == ("2026-11-25", None)
