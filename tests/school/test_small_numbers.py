"""Class numbers read without cn2an agree with cn2an on every plain form up to 九十九."""

from __future__ import annotations

import itertools

import cn2an

from bot.school.classnames import _small_number, cn_number


def test_small_numbers_agree_with_cn2an():
    checked = 0
    for k in (1, 2, 3):
        for chars in itertools.product("零一二三四五六七八九十两百", repeat=k):
            token = "".join(chars)
            small = _small_number(token)
            if small is None:
                continue
            assert small == int(cn2an.cn2an(token, "normal")), token
            checked += 1
    assert checked == 99  # 一 … 九十九, each once


def test_other_forms_still_go_to_cn2an():
    assert cn_number("两") == 2
    assert cn_number("一百零二") == 102
    assert cn_number("零") == 0
    assert cn_number("班") is None
