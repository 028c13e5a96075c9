"""The catalogue: the 24 contract topics, their metadata, answers from the school's settings."""

from __future__ import annotations

import dataclasses
import re

import pytest

from bot.faq import catalogue
from bot.faq.check import check
from bot.faq.policy import NATIONAL_DEFAULTS, effective, unknown_keys

SPEC_IDS = [
    "two_exemptions_one_subsidy",
    "school_fees",
    "living_subsidy",
    "nutrition_meal",
    "eligibility",
    "application_process",
    "required_documents",
    "payment_time",
    "preschool_aid",
    "high_school_aid",
    "vocational_aid",
    "yulu_plan",
    "college_aid",
    "poverty_registered_students",
    "study_elsewhere",
    "leave_procedure",
    "dropout_law",
    "home_teaching",
    "left_behind_care",
    "psych_support",
    "disabled_students",
    "donations_fund",
    "complaints",
    "contact",
    "sick_return",
]
MONEY = {
    "two_exemptions_one_subsidy",
    "school_fees",
    "living_subsidy",
    "nutrition_meal",
    "eligibility",
    "application_process",
    "required_documents",
    "payment_time",
    "preschool_aid",
    "high_school_aid",
    "vocational_aid",
    "yulu_plan",
    "college_aid",
    "poverty_registered_students",
    "study_elsewhere",
    "disabled_students",
    "donations_fund",
    "complaints",
    "contact",
}
PHONE = re.compile(r"\d{3,4}-\d{7,8}|1[3-9]\d{9}|12345")


def test_all_contract_topics_exist_with_metadata():
    topics = catalogue.topics()
    assert [t.id for t in topics] == SPEC_IDS
    for t in topics:
        assert t.title and 8 <= len(t.examples) <= 15 and t.keywords


def test_header_parser_reports_missing_metadata():
    with pytest.raises(catalogue.CatalogueError):
        catalogue.parse_header("{# ---\nid: x\ntitle: y\n--- #}\n答案", "x.j2")
    with pytest.raises(catalogue.CatalogueError):
        catalogue.parse_header("没有元数据", "x.j2")


@pytest.mark.parametrize("topic_id", SPEC_IDS)
def test_answers_render_short_with_and_without_policy(school, topic_id):
    for which in (school, dataclasses.replace(school, policy={})):
        text = catalogue.answer(topic_id, which)
        assert 20 < len(text) <= 260
        assert "{{" not in text and "{%" not in text
        if topic_id in MONEY:
            assert "免费申请" in text and "不要给任何人转账" in text


def test_figures_come_from_the_school_policy(school):
    assert "1250" in catalogue.answer("living_subsidy", school)
    changed = dataclasses.replace(
        school, policy={"nutrition": {"per_day": 4}, "living_subsidy": {"primary_boarder_year": 1300}}
    )
    assert "每天补助 4 元" in catalogue.answer("nutrition_meal", changed)
    assert "1300" in catalogue.answer("living_subsidy", changed)
    assert "1500" in catalogue.answer("living_subsidy", changed)  # the rest keeps the default


def test_no_invented_phone_numbers(school):
    """The demo has no aid office phone: answers say to ask the head teacher."""
    text = catalogue.answer("contact", school)
    assert "请问班主任" in text and not PHONE.search(text)
    for topic_id in SPEC_IDS:
        if topic_id != "complaints":  # the Ministry's national lines are public facts
            assert not PHONE.search(catalogue.answer(topic_id, school)), topic_id
    with_phone = dataclasses.replace(school, policy={"contact": {"aid_office_phone": "0871-1234567"}})
    assert "0871-1234567" in catalogue.answer("contact", with_phone)


def test_unverified_figures_are_never_stated(school):
    """policy_facts.md: 雨露计划 3000/1500 and 新生入学资助 500/1000 are UNVERIFIED."""
    for which in (school, dataclasses.replace(school, policy={})):
        yulu = catalogue.answer("yulu_plan", which)
        assert "3000" not in yulu and "1500" not in yulu and "按本省规定" in yulu
        college = catalogue.answer("college_aid", which)
        assert "500" not in college and "1000 元" not in college


def test_policy_defaults_and_unknown_keys():
    assert effective(None) == NATIONAL_DEFAULTS
    merged = effective({"contact": {"aid_office_phone": "1"}})
    assert merged["contact"]["aid_office_phone"] == "1" and merged["contact"]["county_center_name"]
    assert unknown_keys({"contact": {"aid_ofice_phone": "1"}, "meta": {"x": 1}}) == ["contact.aid_ofice_phone"]


def test_demo_policy_toml_is_loaded(school):
    assert school.policy["living_subsidy"]["primary_boarder_year"] == 1250
    assert school.policy["contact"]["aid_office_phone"] == ""
    assert unknown_keys(school.policy) == []


def test_faq_check_passes_on_the_demo(school):
    failures, _notes = check(school)
    assert failures == []


def test_faq_check_fails_on_a_broken_template(school, tmp_path, monkeypatch):
    from bot.faq import check as check_mod

    def broken(topic_id, which):
        raise __import__("jinja2").UndefinedError("'dict object' has no attribute 'nope'")

    monkeypatch.setattr(check_mod.catalogue, "answer", broken)
    failures, _ = check(school)
    assert len(failures) >= 24 and "nope" in failures[0]
