import pytest

from bot.school.classnames import cn_number, find_classes


@pytest.mark.parametrize(
    "text",
    [
        "三年级二班",
        "三(2)班",
        "三（2）班",
        "3年2班",
        "3.2班",
        "302班",
        "三2班",
        "3年级2班",
        "三年级（2）班",
        "三年二班",
        "3-2班",
    ],
)
def test_every_written_form_is_three_two(text):
    assert [m.ref.canonical() for m in find_classes(f"{text} 应到38 实到36")] == ["三年级二班"]


def test_numbers_and_names_are_not_classes():
    assert find_classes("张三今天没来，病假3天，11.25回来") == []
    assert cn_number("十二") == 12 and cn_number("两") == 2
