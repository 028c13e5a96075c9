"""Worry signals: every family in several phrasings (written for this test, dialect
included), and the messages that must not fire."""

from __future__ import annotations

import pytest

from bot.parents.signals import worries
from storage.enums import WorryFamily as F

FAMILIES = {
    F.UNWILLING: [
        "我家娃说什么也不去学校了",
        "这娃娃厌学得很，早上喊起来就哭",
        "老师，孩子讲他再也不读书了",
        "姑娘不愿意上学了，我们也没办法",
        "孙子这两天死活不肯去学校",
        "现在天天睡到中午，叫他上学就发脾气，说不想去了",
    ],
    F.WORK: [
        "他说初中不读了要出去挣钱",
        "娃吵着要跟他表哥去东莞进厂",
        "孩子打算过了年就去学手艺，不念了",
        "我们准备带他去福建打工",
    ],
    F.SCREENS: [
        "一天到晚在屋头耍手机，喊他去学校也不去",
        "打游戏打到半夜，早上不起床，不去学校",
        "孩子天天在家刷抖音，这星期都没去",
        "抱着手机不出门，也不上学",
    ],
    F.BULLIED: [
        "孩子在学校遭人欺负，回来哭了好几次",
        "被高年级的几个娃勒索零花钱",
        "儿子说有人打他，害怕去学校",
        "她被同学孤立了，不想去",
    ],
    F.MONEY: [
        "家里实在供不起了",
        "这学期的生活费还没钱交",
        "屋头没得钱，车费都拿不出",
        "娃娃读书的钱凑不齐",
        "学费实在是交不上了",
    ],
    F.NO_CARE: [
        "我们都在外地，家里没人照顾他",
        "奶奶住院了，屋头没人管娃",
        "早上没人送，他一个人在家不去",
        "爷爷年纪大了管不住他了",
    ],
    F.ILL_NO_MONEY: [
        "娃脚摔伤了好多天，没钱去医院",
        "孩子一直咳，家里没钱看病",
        "生病了拿不出钱治，只能在家躺着",
    ],
    F.MOVING: [
        "下学期可能要转到县城读",
        "过几天就搬家去贵阳了",
        "我们打算回老家，孩子要转学过去",
        "明年得跟他爸去广州读书",
        "过两天我们全家搬去深圳，孩子要跟着去",
    ],
    F.SEEN_OUT: [
        "我看见刘鹏在镇上网吧里，今天也没上学",
        "早上碰到他在河边耍，没去学校",
        "我瞧见那个娃在街上晃，书包都没背",
        "李家孙子天天泡在网吧，也不去上学",
        "我看见你们班那个大个子娃在镇上网吧，大白天的",
    ],
}


@pytest.mark.parametrize(("family", "text"), [(family, text) for family, texts in FAMILIES.items() for text in texts])
def test_each_family_is_heard(family, text):
    found = worries(text)
    assert family in [w.family for w in found], (text, found)


def test_another_child_seen_out_is_about_someone_else():
    (w,) = worries("我看到他在街上耍，今天没去学校")
    assert w.family == F.SEEN_OUT and w.about_other


@pytest.mark.parametrize(
    "text",
    [
        "孩子很喜欢上学，谢谢老师",
        "娃天天闹着要去学校",
        "营养餐一天补多少钱",
        "营养餐今天吃的什么",
        "他爸爸在广东打工，孩子跟奶奶在家",
        "我们两口子都在外面打工",
        "孩子没有被欺负，是自己摔的",
        "要是孩子不想上学，学校会怎么处理",
        "如果家里没钱，能申请什么补助",
        "放学回家写完作业才玩手机",
        "收到",
        "明天几点放学",
        "转学要办什么手续",
        "王小明发烧了，今天请一天假",
        "周末孩子在家玩手机，作业写完了",
        "没人接的孩子可以在学校等吗",
        "明天学校春游，孩子不想去了",
        "他哥哥在外面打工",
        "初中不读了算违法吗",
        "十五岁不上学会被罚款不",
        "孩子要回老家吃酒，请几天假要谁批",
        "考上大学了没钱交学费咋办",
    ],
)
def test_not_a_worry(text):
    assert worries(text) == [], text
