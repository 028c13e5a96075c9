"""The monthly 控辍保学 report against a month worked out by hand (November 2026, 青石镇中心小学).

What happens (every day a school day unless said; Nov 2026 has no holidays):
- 11-02 Mon 王芳: 蒋天佑今天没来 (三年级二班 reported: 应到37 实到36). Unexcused 11-02…; the
  10:00 check on 11-05 (4th school day) opens case 1.
- 11-09 Mon: 蒋天佑今天返校了 (a return is the class's report: 37/37); case 1 closes 11-09.
- 11-19 Thu: 王小明今天没来 (37/36); 11-20 the principal: 李静转学了，转到县城二小 (四年级一班, off
  the roll from 11-20). 11-24 Tue: 王小明今天还是没来 (37/36): 4th school day, case 2 opens.
- 11-25: 王小明下午去他家了，他爸说带他去广东打工了 (a 劝返 note; the follow-up handler counts
  it as the class's report of the day, 37/36 — first worked out wrongly as no report).
By hand: 在籍 451 → 450; cases opened 2, closed 1; out of school at month end 1 (王小明,
since 11-19, 外出务工或随迁, 1 visit on 11-25); transfers out 1; 应到 5×37 = 185, 实到 36+37+36+36+36
= 181 (97.84 %); 辍学率 1/450 = 0.22 % (≤ 0.5 %: 达标), 巩固率 99.78 %.
"""

from __future__ import annotations

import datetime as dt

from bot.reports.monthly import month_bounds, monthly, reason_category
from tests.conftest import PRINCIPAL, at


async def test_november_by_hand(make_bot):
    bot = await make_bot(start=at("2026-11-02", "07:00"))
    await bot.say("蒋天佑今天没来", when=at("2026-11-02", "08:10"))
    await bot.say("蒋天佑今天返校了", when=at("2026-11-09", "08:10"))
    await bot.say("王小明今天没来", when=at("2026-11-19", "08:10"))
    await bot.say("李静转学了，转到县城二小", sender=PRINCIPAL, room=None, when=at("2026-11-20", "09:00"))
    await bot.say("王小明今天还是没来", when=at("2026-11-24", "08:10"))
    await bot.say("王小明下午去他家了，他爸说带他去广东打工了", when=at("2026-11-25", "17:00"))
    await bot.until(at("2026-11-30", "12:00"))
    school = bot.app.schools["qingshi"]
    with bot.session() as s:
        r = monthly(s, school, *month_bounds("2026-11"))
    m = r.school
    assert (m.roll_start, m.roll_end, m.transfers_in, m.transfers_out) == (451, 450, 0, 1)
    assert (m.cases_opened, m.cases_closed) == (2, 1)
    assert [(o.student.name, o.since, o.reason, o.visits, o.last_visit) for o in m.out_of_school] == [
        ("王小明", dt.date(2026, 11, 19), "外出务工或随迁", 1, dt.date(2026, 11, 25))
    ]
    assert (m.expected, m.present) == (185, 181)
    assert round(100 * m.attendance, 2) == 97.84 and round(100 * m.dropout_rate, 2) == 0.22
    assert round(100 * m.consolidation, 2) == 99.78 and r.school_days == 21
    by_class = {c.name: c for c in r.classes}
    assert (by_class["四年级一班"].roll_start, by_class["四年级一班"].roll_end) == (38, 37)
    assert by_class["四年级一班"].transfers_out == 1
    three_two = by_class["三年级二班"]
    assert (three_two.cases_opened, three_two.cases_closed, len(three_two.out_of_school)) == (2, 1, 1)
    assert by_class["一年级一班"].expected == 0 and by_class["一年级一班"].attendance is None

    sent = await bot.say("本月月报", sender=PRINCIPAL, room=None, when=at("2026-11-30", "12:05"))
    text = sent[0].text
    assert "【青石镇中心小学 控辍保学月报】2026年11月" in text
    assert "在籍：月初 451 人，月末 450 人；转入 0 人，转出 1 人。" in text
    assert "辍学率 0.22%（目标 ≤ 0.5%，达标），巩固率 99.78%" in text
    assert "· 三年级二班 王小明：11月19日起，外出务工或随迁，劝返 1 次（最近 11月25日）" in text
    assert len(text.splitlines()) <= 12

    mine = await bot.say("本月月报", room=None, when=at("2026-11-30", "12:10"))  # 王芳: her class only
    assert "三年级二班" in mine[0].text and "月初 37 人" in mine[0].text


def test_reason_categories():
    assert reason_category(["家长说孩子不想上学了"]) == "厌学"
    assert reason_category(["跟他妈去浙江了"]) == "外出务工或随迁"
    assert reason_category(["电话没人接"]) == "原因未查明"
    assert reason_category(["在家帮忙放牛", "奶奶说在住院"]) == "身体原因"  # the latest note first
