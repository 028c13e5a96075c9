"""The school's aid settings (policy.toml) over national defaults (pure).

Every figure a province may change is a setting. A key the school did not write takes
the national default below (source: shared/policy_facts.md); a figure with no national
value (a phone number, a provincial amount, anything the facts mark UNVERIFIED) defaults
to empty, and the answer then says to ask the head teacher instead of stating one.
"""

from __future__ import annotations

import copy

# 0 or "" means "not set": templates word the answer without a figure.
NATIONAL_DEFAULTS: dict = {
    "living_subsidy": {  # 新华社 2024-05-07（财政部），2024 年春季学期起
        "primary_boarder_year": 1250,
        "middle_boarder_year": 1500,
        "primary_day_year": 625,  # 非寄宿生按寄宿生 50%
        "middle_day_year": 750,
    },
    "nutrition": {  # 财政部、教育部 2021-10
        "per_day": 5,  # 国家试点县；地方试点县由中央按 4 元奖补
        "days_per_year": 200,
    },
    "preschool": {  # 国办发〔2025〕27号
        "final_year_free": True,  # 2025 年秋季学期起大班保育教育费全免（公办园）
        "needy_child_aid": "",  # 困难幼儿资助标准：省定，无全国数
    },
    "high_school": {  # 奖助学金调整通知 2024；人民网 2024-08-30
        "grant_avg_year": 2300,
        "grant_min_year": 1200,
        "grant_max_year": 3500,
    },
    "vocational": {  # 同上；财科教〔2016〕35号
        "grant_avg_year": 2300,
        "scholarship_year": 6000,
    },
    "yulu": {  # 全国统一金额 UNVERIFIED：以省为准
        "per_year": 0,
        "per_term": 0,
    },
    "college": {
        "loan_max_year": 20000,  # 本专科每年最高（2024 秋起，部分核实）
        "new_student_in_province": 0,  # 新生入学资助 500 元：现行与否 UNVERIFIED
        "new_student_out_province": 0,  # 1000 元：UNVERIFIED
    },
    "application": {
        "months": "",  # 本校申请时间：无全国统一
        "payment_method": "",  # 发到哪张卡：由省/县定
        "payment_months": "",
    },
    "contact": {
        "aid_officer": "",  # 学校资助专干（姓名或职务）
        "aid_office_phone": "",  # 不填则答“请问班主任”，绝不编号码
        "office_hours": "",
        "office_place": "",
        "county_center_name": "县学生资助管理中心",
        "county_center_phone": "",
    },
    "complaints": {  # 教育部统一监督举报
        "moe_phones": ["010-66092315", "010-66093315"],
        "moe_email": "12391@moe.edu.cn",
        "local_hotline": "",
    },
    "left_behind": {
        "local_measures": "",  # 亲情电话、留守儿童之家：地方做法
    },
    "home_teaching": {
        "frequency": "",  # 送教上门频次：省定
    },
    "donations": {
        "fund_name": "",  # 本地教育扶贫基金名称
    },
    "sick_return": {
        # 因病缺课返校: where a 复课证明 is issued and what the school asks; local, no national figure
        "clinic": "",  # 例："镇卫生院（儿科门诊）"
        "school_rule": "",  # 例："患传染病的学生凭复课证明返校，交班主任"
    },
}


def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in (over or {}).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def effective(school_policy: dict | None) -> dict:
    """National defaults with the school's own settings on top."""
    return _merge(NATIONAL_DEFAULTS, school_policy or {})


def unknown_keys(school_policy: dict, base: dict = NATIONAL_DEFAULTS, prefix: str = "") -> list[str]:
    """Keys in policy.toml that no template reads (likely typos)."""
    out = []
    for key, value in (school_policy or {}).items():
        if key == "meta":
            continue
        path = f"{prefix}{key}"
        if key not in base:
            out.append(path)
        elif isinstance(value, dict) and isinstance(base[key], dict):
            out.extend(unknown_keys(value, base[key], path + "."))
    return out
