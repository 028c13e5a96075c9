"""Names are found first, exactly, longest first; resolution never guesses."""

from __future__ import annotations

import pytest

from bot.attendance.parsing.names import find_name_like, find_names, is_common_word, name_score, near_candidates
from tests.attendance.parsing.corpus import demo

STAFF = ["王芳", "郑秀英", "冯晓燕", "卫国强", "陈国华"]


def names_in(text):
    _, roster, _ = demo()
    return [(x.text, x.kind) for x in find_names(text, roster, STAFF)]


def test_longest_match_and_exact_characters():
    assert names_in("张洋洋没来") == [("张洋洋", "student")]
    assert names_in("张洋和张洋洋") == [("张洋", "student"), ("张洋洋", "student")]
    assert names_in("李静、李婧") == [("李静", "student"), ("李婧", "student")]
    assert names_in("欧阳明月请假") == [("欧阳明月", "student")]


def test_names_before_numbers_and_dates():
    # names holding numerals or date characters stay whole
    assert names_in("吴一诺请假一天") == [("吴一诺", "student")]
    assert names_in("周子轩周五请假") == [("周子轩", "student")]
    assert names_in("周国庆周一请了两天假") == [("周国庆", "student")]


def test_teachers_are_not_students():
    assert names_in("王芳今天没来") == [("王芳", "staff")]  # in staff_names
    assert names_in("李静老师说") == [("李静", "staff")]  # followed by 老师


@pytest.mark.parametrize(
    "text,found",
    [
        ("高兴病假两天", True),
        ("高兴没来", True),
        ("今天高兴没来", True),
        ("高兴、蒋天佑没来", True),
        ("蒋天佑、高兴", True),
        ("三(2)班高兴请假", True),
        ("高兴同学因病请假", True),
        ("高兴是感冒", True),
        ("大家都很高兴", False),
        ("孩子们都很高兴", False),
        ("高兴地告诉大家", False),
        ("我很高兴", False),
        ("文明请病假了", True),
        ("讲文明懂礼貌", False),
        ("文明班级评比", False),
        ("争做文明学生", False),
    ],
)
def test_word_names_by_context(text, found):
    assert (("高兴", "student") in names_in(text) or ("文明", "student") in names_in(text)) is found


def test_common_words():
    assert is_common_word("高兴") and is_common_word("文明") and is_common_word("谢谢")
    assert not is_common_word("马超") and not is_common_word("张扬")


def test_given_name_in_own_class():
    _, roster, _ = demo()
    found = find_names("我家天佑感冒了", roster, STAFF, ("三年级二班",))
    assert [(x.text, x.students[0].name) for x in found] == [("天佑", "蒋天佑")]
    assert find_names("我家天佑感冒了", roster, STAFF, ()) == []


@pytest.mark.parametrize(
    "text,token",
    [
        ("张扬没来", "张扬"),
        ("蒋天右今天请假", "蒋天右"),
        ("王小明、张扬没来", "张扬"),
        ("欧阳明玥发烧", "欧阳明玥"),
        ("李明(发烧)", "李明"),
    ],
)
def test_name_like_tokens(text, token):
    assert token in [t for _, _, t in find_name_like(text)]


def test_unknown_names_listed_with_spaces_are_all_found():
    assert [t for _, _, t in find_name_like("李敬 郑晓东 今天没来")] == ["李敬", "郑晓东"]
    assert [t for _, _, t in find_name_like("麻烦帮\ue000\ue001\ue001请个假")] == []


@pytest.mark.parametrize("text", ["谢谢老师", "王老师，蒋天佑没来", "方便的话", "何时返校", "孩子没来", "全班都到了"])
def test_not_name_like(text):
    assert find_name_like(text) == []


def test_near_miss_scores():
    assert name_score("张扬", "张洋") == 100  # homophone
    assert name_score("李进", "李静") == 95  # in/ing
    assert name_score("蒋天估", "蒋天佑") == 80  # one-character typo in a 3-character name
    assert name_score("王强", "王磊") == 0  # 2-character names: a different given name
    assert name_score("王明", "王小明") == 70  # a character left out


def test_near_candidates_sender_class_first():
    _, roster, _ = demo()
    got = near_candidates("王晓明", roster, ["三年级二班"])
    assert [s.class_name for s in got] == ["三年级二班", "三年级一班"]
    assert [s.name for s in near_candidates("张扬", roster, ["五年级二班"])] == ["张洋"]


def test_resolution(parse):
    assert parse("王小明没来").absences[0].student.class_name == "三年级二班"  # sender 王芳
    assert parse("王小明没来", sender="wxid_demo_zhengxiuying").absences[0].student.class_name == "三年级一班"
    assert parse("王小明没来", sender=None, room="三年级一班").absences[0].student.class_name == "三年级一班"
    assert parse("三(1)班王小明没来").absences[0].student.class_name == "三年级一班"  # written class wins
    r = parse("王小明没来", sender="wxid_demo_chenguohua")
    assert r.absences == [] and len(r.unresolved[0].candidates) == 2 and not r.unresolved[0].near_miss
    assert parse("李婧没来", sender="wxid_demo_chenguohua").absences[0].student.name == "李婧"  # one bearer


def test_near_miss_is_never_recorded(parse):
    r = parse("张扬没来", sender="wxid_demo_weiguoqiang")
    assert r.absences == [] and r.near_misses[0].text == "张扬"
    u = r.near_misses[0]
    assert (u.role, u.kind, u.start) == ("absence", "unexcused", r.unresolved[0].start)


def test_a_name_staff_and_student_share(parse):
    # 王芳 heads 三(2) and is also a student of 二年级一班
    r = parse("王芳今天没来", sender="wxid_demo_zhoumeiling")
    assert [a.student.class_name for a in r.absences] == ["二年级一班"]
    assert parse("王芳老师今天请假了", sender="wxid_demo_chenguohua").absences == []
    r = parse("王芳说蒋天佑没来", sender="wxid_demo_chenguohua")
    assert [a.student.name for a in r.absences] == ["蒋天佑"]
    assert parse("王芳今天没来", sender="wxid_demo_chenguohua").absences == []  # elsewhere: the colleague
