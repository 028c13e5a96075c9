"""Each school-folder error names the file and line and says what to fix."""

from __future__ import annotations

import shutil

import pytest

from bot.school.config import SchoolConfigError, check_folder, demo_school_dir, load_school


@pytest.fixture
def folder(tmp_path):
    dst = tmp_path / "school"
    shutil.copytree(demo_school_dir(), dst)
    return dst


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(folder) -> str:
    """What ``schoolbot check`` lists: school.toml and the roster together."""
    found, _ = check_folder(folder)
    assert found, "expected problems"
    return "\n".join(found)


def load_problems(folder) -> str:
    """What loading school.toml alone refuses (every command does this)."""
    with pytest.raises(SchoolConfigError) as e:
        load_school(folder)
    return "\n".join(e.value.problems)


def test_demo_school_loads():
    s = load_school()
    assert s.name == "青石镇中心小学" and len(s.students) == 451 and len(s.classes) == 12
    assert s.head_teacher_of("三年级二班").name == "王芳"
    assert [m.name for m in s.with_role("principal")] == ["陈国华"]


def test_unknown_class_in_roster(folder):
    edit(
        folder / "roster.csv",
        "G53032019000002,蔡晓雪,男,一年级,一年级一班",
        "G53032019000002,蔡晓雪,男,一年级,一年纪一般",
    )
    assert "roster.csv 第3行：班级“一年纪一般”认不出来" in problems(folder)


def test_class_not_matching_grade(folder):
    edit(
        folder / "roster.csv",
        "G53032019000002,蔡晓雪,男,一年级,一年级一班",
        "G53032019000002,蔡晓雪,男,二年级,一年级一班",
    )
    assert "roster.csv 第3行：班级“一年级一班”和年级“二年级”对不上" in problems(folder)


def test_duplicate_student_id(folder):
    edit(folder / "roster.csv", "G53032019000002,蔡晓雪", "G53032019000001,蔡晓雪")
    assert "roster.csv 第3行：学籍号 G53032019000001 重复（第2行已有）" in problems(folder)


def test_head_of_naming_no_class(folder):
    edit(folder / "school.toml", 'head_of = "三年级二班"', 'head_of = "三年级九班"')
    msg = problems(folder)
    assert "王芳 的 head_of “三年级九班” 不是名单里的班级" in msg
    line = next(
        i for i, text in enumerate((folder / "school.toml").read_text().splitlines(), 1) if "三年级九班" in text
    )
    assert f"school.toml 第{line}行" in msg


def test_room_for_unknown_class(folder):
    edit(folder / "school.toml", 'class = "六年级二班"', 'class = "七年级二班"')
    assert "群“六年级二班家长群”对应的班级“七年级二班”不是名单里的班级" in problems(folder)


def test_malformed_date(folder):
    edit(folder / "school.toml", "start = 2026-09-01", "start = 2026-13-01")
    msg = problems(folder)
    line = next(
        i for i, text in enumerate((folder / "school.toml").read_text().splitlines(), 1) if "2026-13-01" in text
    )
    assert f"school.toml 第{line}行" in msg and "格式错误" in msg and "2026-09-01" in msg


def test_malformed_date_as_string(folder):
    edit(folder / "school.toml", "start = 2026-09-01", 'start = "2026年9月1日"')
    assert "学期开始日期“2026年9月1日”不是有效日期" in problems(folder)


def test_missing_column(folder):
    edit(folder / "roster.csv", "学籍号,姓名,性别,年级,班级", "学籍号,名字,性别,年级,班级")
    assert "roster.csv 第1行（表头）：缺少列 姓名" in problems(folder)


def test_all_problems_reported_at_once(folder):
    edit(folder / "roster.csv", "G53032019000002,蔡晓雪", "G53032019000001,蔡晓雪")
    edit(folder / "school.toml", 'kind = "leaders"', 'kind = "boss"')
    msg = problems(folder)
    assert "重复" in msg and "kind “boss” 不认识" in msg


def test_a_rule_that_is_not_a_number_of_days_is_listed_not_a_crash(folder):
    edit(folder / "school.toml", "unexcused_streak_alert_days = 3", 'unexcused_streak_alert_days = "三天"')
    edit(folder / "school.toml", "escalate_after_days = 5", "escalate_after_days = 0")
    msg = problems(folder)
    assert "unexcused_streak_alert_days 应为 1 到 60 之间的整数" in msg and "“三天”" in msg
    assert "escalate_after_days 应为 1 到 60 之间的整数" in msg


def test_a_misspelt_key_is_named_on_its_own_line(folder):
    edit(folder / "school.toml", 'head_of = "三年级二班"', 'head_off = "三年级二班"')
    msg = load_problems(folder)
    line = next(i for i, t in enumerate((folder / "school.toml").read_text().splitlines(), 1) if "head_off" in t)
    assert f"school.toml 第{line}行：不认识的设置 head_off，是不是写错了？" in msg


def test_a_repeated_wechat_id_is_reported_on_the_repeating_line(folder):
    text = (folder / "school.toml").read_text(encoding="utf-8")
    edit(folder / "school.toml", 'wechat_id = "wxid_demo_yangming"', 'wechat_id = "wxid_demo_chenguohua"')
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "wxid_demo_yangming" in t)
    assert f"school.toml 第{line}行：wechat_id “wxid_demo_chenguohua” 重复（陈国华 已用）" in load_problems(folder)


def test_head_of_in_any_class_form_is_stored_canonically(folder):
    edit(folder / "school.toml", 'head_of = "三年级二班"', 'head_of = "3年2班"')
    assert load_school(folder).head_teacher_of("三年级二班").name == "王芳"


def test_a_head_of_that_is_no_class_at_all(folder):
    edit(folder / "school.toml", 'head_of = "三年级二班"', 'head_of = "王芳的班"')
    assert "班级“王芳的班”认不出来，请写成“三年级二班”或“三(2)班”" in load_problems(folder)


def test_loading_a_school_does_not_read_its_roster(folder):
    (folder / "roster.csv").write_text("学籍号,姓名\nbroken", encoding="utf-8")
    school = load_school(folder)  # faq, parse, run with a roster in the database: no roster file read
    assert school.name == "青石镇中心小学"
    with pytest.raises(SchoolConfigError):
        _ = school.roster_file


def test_a_time_that_is_no_time(folder):
    edit(folder / "school.toml", 'digest_time = "16:30"', 'digest_time = "下午四点半"')
    line = next(i for i, t in enumerate((folder / "school.toml").read_text().splitlines(), 1) if "下午四点半" in t)
    assert f"school.toml 第{line}行：每日汇总的时间“下午四点半”不是有效时间，请写成 16:30 这样的格式" in load_problems(
        folder
    )


def test_a_full_width_colon_is_a_time(folder):
    edit(folder / "school.toml", 'digest_time = "16:30"', 'digest_time = "17：05"')
    assert str(load_school(folder).rules.digest_time) == "17:05:00"


def test_illness_rules_are_read_and_bad_ones_named(folder):
    toml = folder / "school.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text + '\n[rules.illness]\nclass_same_day = 2\nnotifiable = ["水痘", "猩红热"]\n', encoding="utf-8")
    rules = load_school(folder).rules.illness
    assert (rules.class_same_day, rules.class_window, rules.notifiable) == (2, 5, ("水痘", "猩红热"))
    toml.write_text(text + '\n[rules.illness]\nclass_same_day = "三个"\n', encoding="utf-8")
    assert "class_same_day" in load_problems(folder)
