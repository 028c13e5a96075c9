"""Normalising, pinyin repair, the guard: the language a parent types."""

from __future__ import annotations

import pytest

from bot.faq import guard, segment
from bot.faq.normalize import clean, is_question, normalize, to_simplified
from bot.faq.pinyin import fuzzy, pinyin


@pytest.mark.parametrize(
    "raw, want",
    [
        ("請假要找誰", "请假要找谁"),
        ("兩免一補是什麼", "两免一补是什么"),
        ("營養餐多少錢？", "营养餐多少钱?"),
    ],
)
def test_traditional_and_full_width(raw, want):
    assert clean(raw).replace(" ", "") == want


def test_clean_drops_mentions_emoji_punctuation_and_caps_length():
    assert clean("@保学小助手\u2005营养餐，多少钱！！[微笑]😀") == "营养餐 多少钱"
    assert clean("ＡＢＣ１２３") == "abc123"
    assert len(clean("营养餐" * 10_000)) <= 400


@pytest.mark.parametrize(
    "raw, want",
    [
        ("喂老师我问一下那个营养餐是啥子", "营养餐是什么"),
        ("娃娃咋个请假", "孩子怎么请假"),
        ("补贴好多钱", "补助多少钱"),
        ("补助好久发", "补助什么时候发"),
        ("娃在读职高", "孩子在读中职"),
        ("请问资助找哪个老师", "资助找谁"),
    ],
)
def test_fillers_and_dialect(raw, want):
    assert normalize(raw).replace(" ", "") == want


def test_to_simplified_leaves_simplified_alone():
    assert to_simplified("营养餐") == "营养餐"


@pytest.mark.parametrize(
    "text", ["营养餐多少钱", "要交钱不", "免不免学费", "发了没有", "是学校办还是村里办", "娃娃多大必须上学"]
)
def test_questions(text):
    assert is_question(clean(text))


@pytest.mark.parametrize("text", ["营养餐的通知我看了", "补助表已经交给班主任了", "今天不来了 跟老师说一声"])
def test_statements(text):
    assert not is_question(clean(text))


def test_fuzzy_pinyin_merges_dialect_sounds():
    assert pinyin("营养参") == pinyin("营养餐")
    assert fuzzy("zhong") == fuzzy("zong") and fuzzy("nan") == fuzzy("lan")


@pytest.mark.parametrize(
    "typed, repaired",
    [
        ("营养参的钱", "营养餐的钱"),  # homophone
        ("两兔一补", "两免一补"),  # one wrong character in a four-character term
        ("雨路计划", "雨露计划"),
        ("送叫上门", "送教上门"),
        ("请家要找谁", "请假要找谁"),  # two single characters that sound like a term
        ("生活补住多少", "生活补助多少"),
    ],
)
def test_repair_puts_terms_back(matcher, typed, repaired):
    assert segment.repair(typed) == repaired


@pytest.mark.parametrize("text", ["孩子住校", "医保缴费截止是哪天", "种植补贴", "国家奖学金多少", "孩子中值"])
def test_repair_leaves_real_words_alone(matcher, text):
    assert segment.repair(text) == text


def test_user_dictionary_keeps_policy_terms_whole(matcher):
    words = segment.words("两免一补和营养改善计划还有雨露计划", search=False)
    assert {"两免一补", "营养改善计划", "雨露计划"} <= set(words)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("", "empty"),
        ("😀😀", "empty"),
        ("收到", "chit_chat"),
        ("好的谢谢老师辛苦了", "chit_chat"),
        ("我家孩子今天到校没有", "child_specific"),
        ("王小明在学校乖不乖", "child_specific"),
        ("我家孩子评上补助没有", "child_specific"),
        ("今年种植补贴发了没有", "off_topic"),
        ("营养餐今天吃的什么", "off_topic"),
    ],
)
def test_guard(matcher, text, reason):
    assert matcher.match(text).reason == reason
    assert matcher.match(text).topic is None


def test_guard_lets_aid_questions_about_a_child_through():
    assert (
        guard.classify(
            "孩子不能到校 在家能上课吗",
            ["孩子", "不能", "到校", "在家", "上课"],
            has_aid_term=True,
            has_topic_term=True,
        )
        is None
    )
