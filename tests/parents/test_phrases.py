"""A parent's message as the bot reads it: binding claims, own-child questions, hellos."""

from __future__ import annotations

import pytest

from bot.parents.phrases import Ask, Occasion, binding_claim, greeting, occasion, own_child_question, phone_digits


@pytest.mark.parametrize(
    ("text", "name", "relation", "cls"),
    [
        ("我是周子轩的妈妈", "周子轩", "妈妈", None),
        ("老师好，我是周子轩妈妈", "周子轩", "妈妈", None),
        ("@保学小助手 我是三(2)班周子轩的爷爷", "周子轩", "爷爷", "三年级二班"),
        ("周子轩的外婆", "周子轩", "外婆", None),
        ("我是欧阳明月的姥爷，想绑定一下", "欧阳明月", "外公", None),
        ("我是王小明家长", "王小明", "监护人", None),
        ("我系王小明的老爸", "王小明", "爸爸", None),
    ],
)
def test_binding_claims(text, name, relation, cls):
    c = binding_claim(text)
    assert c is not None and (c.name, c.relation, c.class_text) == (name, relation, cls)


@pytest.mark.parametrize(
    "text", ["我是孩子的妈妈", "王小明的妈妈今天来学校了吗", "我是三年级二班的班主任", "王小明发烧了", "我是他妈"]
)
def test_not_binding_claims(text):
    assert binding_claim(text) is None


def test_phone_digits():
    assert phone_digits("5558") == "5558" and phone_digits("后四位是 5558。") == "5558"
    assert phone_digits("55581") is None and phone_digits("我家5558") is None


@pytest.mark.parametrize(
    ("text", "ask"),
    [
        ("今天到校了吗", Ask.TODAY),
        ("我家姜军今天到学校没有", Ask.TODAY),
        ("娃今天去学校了没", Ask.TODAY),
        ("这个月缺了几天", Ask.MONTH),
        ("孩子这学期请了多少天假", Ask.MONTH),
        ("本月旷课几次", Ask.MONTH),
        ("请假批了没", Ask.LEAVE),
        ("老师同意了吗", Ask.LEAVE),
        ("昨天请的假怎么样了", Ask.LEAVE),
    ],
)
def test_own_child_questions(text, ask):
    assert own_child_question(text) == ask


@pytest.mark.parametrize("text", ["请假要什么手续", "缺课多少天会被劝返", "今天到校了", "营养餐多少钱", "孩子到校了"])
def test_not_own_child_questions(text):
    assert own_child_question(text) is None


def test_greetings():
    assert all(greeting(t) for t in ("@保学小助手 你好", "在吗", "你好呀", "小助手在不在？", "@保学小助手 在吗？"))
    assert not any(greeting(t) for t in ("你好，营养餐多少钱", "在吗 我想请假", "帮助"))


def test_occasions():
    assert occasion("personal", "家里吃喜酒") == Occasion.WEDDING
    assert occasion("personal", "外公过世了回去奔丧") == Occasion.FUNERAL
    assert occasion("sick", "发烧") == Occasion.ILLNESS
    assert occasion("personal", "家里有事") == Occasion.OTHER
