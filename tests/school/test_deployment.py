"""deployment.toml: several schools and the people over them; every problem listed at once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.school.config import SchoolConfigError, demo_school_dir
from bot.school.deployment import check_deployment, load_deployment

TWO = Path(__file__).resolve().parents[1] / "fixtures" / "two_schools"


def test_a_school_folder_is_a_deployment_of_one():
    d = load_deployment(demo_school_dir())
    assert d.ids == ["qingshi"] and d.staff == []


def test_two_schools_and_the_staff_over_them():
    d = load_deployment(TWO)
    assert d.name == "青石镇中心校" and d.ids == ["qingshi", "shimen"]
    huang = next(c for c in d.staff if c.name == "黄志强")
    assert huang.schools == ("qingshi", "shimen") and huang.roles == ("principal",)  # "*" expanded
    schools = {s.id: s for s in d.with_cross_staff()}
    for sid in ("qingshi", "shimen"):
        assert [s.name for s in schools[sid].with_role("principal")][-1] == "黄志强"
        assert "何春燕" in [s.name for s in schools[sid].with_role("dropout_officer")]
    assert [c.name for c in d.overseers()] == ["黄志强", "何春燕"]
    # The village school's groups have the central school's names, and ids of their own.
    assert schools["shimen"].rooms[0].topic == schools["qingshi"].rooms[0].topic
    assert schools["shimen"].rooms[0].known_id != schools["qingshi"].rooms[0].known_id


def _copy(tmp_path: Path) -> Path:
    dst = tmp_path / "dep"
    shutil.copytree(TWO / "shimen", dst / "shimen")
    shutil.copytree(demo_school_dir(), dst / "qingshi")
    text = (TWO / "deployment.toml").read_text(encoding="utf-8").replace("../../../bot/data/demo_school", "qingshi")
    (dst / "deployment.toml").write_text(text, encoding="utf-8")
    return dst


def test_every_problem_reported_at_once_with_file_and_line(tmp_path):
    dst = _copy(tmp_path)
    # a second folder with the id "shimen", a folder that is not there, a leader over an
    # unknown school, and one room id claimed by two schools
    shutil.copytree(dst / "shimen", dst / "shimen2")
    dep = (dst / "deployment.toml").read_text(encoding="utf-8")
    dep = dep.replace('schools = ["qingshi", "shimen"]', 'schools = ["qingshi", "shimen", "shimen2", "dongling"]', 1)
    dep = dep.replace('schools = ["qingshi", "shimen"]\n', 'schools = ["qingshi", "xiaba"]\n')
    (dst / "deployment.toml").write_text(dep, encoding="utf-8")
    qs = (dst / "qingshi" / "school.toml").read_text(encoding="utf-8")
    qs = qs.replace('topic = "青石镇中心小学行政群"', 'topic = "青石镇中心小学行政群"\nid = "R:shimen-staff"')
    (dst / "qingshi" / "school.toml").write_text(qs, encoding="utf-8")
    with pytest.raises(SchoolConfigError) as e:
        load_deployment(dst)
    text = "\n".join(e.value.problems)
    assert "deployment.toml 第4行：学校 id “shimen” 重复" in text
    assert "deployment.toml 第4行：找不到学校文件夹“dongling”" in text
    assert "何春燕 的 schools 里有不认识的学校 id：xiaba" in text
    assert "shimen/school.toml 第43行：群 id “R:shimen-staff” 已属于学校 qingshi" in text
    assert len(e.value.problems) == 4


def test_a_problem_inside_a_school_names_its_folder(tmp_path):
    dst = _copy(tmp_path)
    path = dst / "shimen" / "school.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('head_of = "三年级一班"', 'head_of = "九年级一班"'))
    problems, _ = check_deployment(load_deployment(dst))  # against the roster: schoolbot check
    assert any(p.startswith("shimen/school.toml 第") and "九年级一班" in p for p in problems)
    path.write_text(path.read_text(encoding="utf-8").replace('roles = ["head_teacher"]', 'roles = ["teacher"]', 1))
    with pytest.raises(SchoolConfigError) as e:  # the shape of school.toml: at load
        load_deployment(dst)
    assert any(p.startswith("shimen/school.toml 第") and "“teacher” 不认识" in p for p in e.value.problems)


def test_a_broken_deployment_file(tmp_path):
    dst = _copy(tmp_path)
    (dst / "deployment.toml").write_text('name = "x"\nschools = [qingshi]\n', encoding="utf-8")
    with pytest.raises(SchoolConfigError) as e:
        load_deployment(dst)
    assert e.value.problems[0].startswith("deployment.toml 第2行")


def test_a_bad_cross_school_entry_and_a_bad_school_are_listed_together(tmp_path):
    dst = _copy(tmp_path)
    text = (dst / "deployment.toml").read_text(encoding="utf-8")
    (dst / "deployment.toml").write_text(text.replace('roles = ["principal"]', 'roles = ["boss"]', 1), encoding="utf-8")
    path = dst / "shimen" / "school.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("escalate_after_days = 5", "escalate_after_days = 0"))
    with pytest.raises(SchoolConfigError) as e:
        load_deployment(dst)
    text = "\n".join(e.value.problems)
    assert (
        "deployment.toml 第10行：roles “boss” 不认识，可用：principal、vice_principal、dropout_officer、head_teacher"
        in text
    )
    assert "shimen/school.toml 第16行：escalate_after_days 应为 1 到 60 之间的整数" in text
