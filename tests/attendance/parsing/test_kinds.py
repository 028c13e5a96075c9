"""Kinds and reasons."""

from __future__ import annotations

import pytest

from bot.attendance.parsing.kinds import Facts, scan


def kind_of(text: str) -> str | None:
    f = Facts(scan(text, 0, len(text)))
    return f.kind if f.absent else None


@pytest.mark.parametrize(
    "text,kind",
    [
        ("病假", "sick"),
        ("发烧", "sick"),
        ("感冒了请假", "sick"),
        ("肚子疼", "sick"),
        ("住院", "sick"),
        ("拉肚子", "sick"),
        ("看病去了", "sick"),
        ("请病假", "sick"),
        ("事假", "personal"),
        ("请假", "personal"),
        ("家里有事", "personal"),
        ("走亲戚", "personal"),
        ("奔丧", "personal"),
        ("去吃酒", "personal"),
        ("家长请假", "personal"),
        ("旷课", "unexcused"),
        ("无故缺勤", "unexcused"),
        ("没来", "unexcused"),
        ("未到校", "unexcused"),
        ("联系不上家长", "unexcused"),
        ("电话打不通", "unexcused"),
        ("原因不明", "unexcused"),
        ("没请假", "unexcused"),
        ("不想上学", "unexcused"),
        ("没来，可能是感冒", "unexcused"),  # a guess is no reason
        ("不是旷课，是病假", "sick"),
        ("旷课改为病假", "sick"),
        ("不是病假是事假", "personal"),
        ("没生病，家里有事", "personal"),
        ("今天天气好", None),
        ("来了", None),
    ],
)
def test_kind(text, kind):
    assert kind_of(text) == kind


def test_weak_return_only_at_predicate():
    assert Facts(scan("今天来了", 0, 4)).returned
    assert Facts(scan("已经来了", 0, 4)).returned
    assert not Facts(scan("打电话来了", 0, 5)).returned
    assert Facts(scan("返校了", 0, 3)).returned


@pytest.mark.parametrize(
    "text,reason",
    [
        ("王小明今天没来，联系不上家长", "联系不上家长"),
        ("高兴病假两天", None),  # the kind is shown already; no reason was given
        ("周子轩肚子疼，家长打电话请的假", "肚子疼，家长打电话请的假"),
        ("蔡雨泽没来 打他妈电话关机", "打他妈电话关机"),
        ("吴倩病假，肚子疼", "肚子疼"),
        ("徐永强去医院打针了，请假一天", "去医院打针"),
        ("李静（发烧）、李婧（家里有事）请假", "发烧"),
        ("蒋天佑今天没来", None),
        ("蒋天佑不是旷课是病假", "病假"),
        # what asks for the leave, or the roll-call after it, is not part of the reason
        ("吴倩有点发烧 想请一天假", "有点发烧"),
        ("吴倩家里有事 要请两天假", "家里有事"),
        ("吴倩感冒了需要请假", "感冒"),
        ("吴倩说肚子疼 其他都到了", "肚子疼"),
        ("吴倩牙疼，其余都到了", "牙疼"),
    ],
)
def test_reason_text(parse, text, reason):
    assert (
        parse(text, sender="wxid_demo_fengxiaoyan" if "李" in text else "wxid_demo_wangfang").absences[0].reason
        == reason
    )


@pytest.mark.parametrize(
    "text,kind",
    [
        ("奶奶生病要照顾", "personal"),
        ("他爸住院了", "personal"),
        ("陪妈妈看病", "personal"),
        ("家里有人生病", "personal"),
        ("妈妈说他生病了", "sick"),
        ("妈妈带他去医院了", "sick"),
        ("去县城看牙", "sick"),
    ],
)
def test_illness_of_a_family_member_is_a_family_matter(text, kind):
    assert Facts(scan(text, 0, len(text))).kind == kind


@pytest.mark.parametrize(
    "text", ["他爸住院了", "她弟弟得了水痘", "奶奶在县医院住院", "他妈妈在昆明做手术", "家里有人生病"]
)
def test_a_relatives_illness_alone_says_no_absence(text):
    # the child may well be in school: only a leave or absence word makes it a report
    assert Facts(scan(text, 0, len(text))).absent is False


def test_ill_at_home_is_still_the_child():
    assert kind_of("他在家里生病了") == "sick"
