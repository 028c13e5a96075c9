"""因病缺课 through the bot: clusters by the reporting rule, told once and updated, the
复课 check after a notifiable disease, undo (docs/SPEC.md "因病缺课")."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Absence, IllnessCluster
from tests.conftest import PRINCIPAL, WANGFANG, ZHENG, at

MON, TUE, WED, THU = "2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26"


def clusters(bot):
    with bot.session() as s:
        return list(s.execute(select(IllnessCluster).order_by(IllnessCluster.id)).scalars())


def warned(sent, to=PRINCIPAL):
    return [m.text for m in sent if m.contact == to and "因病缺课预警" in m.text]


async def test_three_fevers_in_one_class_one_day_warn_once_and_a_fourth_is_an_update(make_bot):
    bot = await make_bot()
    assert warned(await bot.say("高兴发烧了请假", when=at(MON, "07:50"))) == []
    assert warned(await bot.say("吴倩也发烧，39度", when=at(MON, "07:55"))) == []
    sent = await bot.say("蒋天佑烧起来了 今天请假", when=at(MON, "08:00"))
    (text,) = warned(sent)
    assert "三年级二班" in text and "发热" in text and "24小时内" in text
    assert all(n in text for n in ("高兴", "吴倩", "蒋天佑"))
    sent = await bot.say("周子轩有点烫 家长接回去了", when=at(MON, "08:30"))
    (update,) = warned(sent)
    assert "补充" in update and "周子轩" in update and "现共4人" in update
    assert len(clusters(bot)) == 1


async def test_unrelated_illnesses_and_two_classes_do_not_make_a_cluster(make_bot):
    bot = await make_bot()
    await bot.say("高兴摔断了胳膊", when=at(MON, "07:50"))
    await bot.say("吴倩牙疼去看牙", when=at(MON, "07:51"))
    await bot.say("蒋天佑感冒了", when=at(MON, "07:52"))
    await bot.say("王小明发烧", sender=ZHENG, when=at(MON, "07:53"))
    await bot.say("周子轩发烧", when=at(MON, "07:54"))
    assert clusters(bot) == []


async def test_a_notifiable_disease_warns_at_once_and_the_return_asks_for_the_proof(make_bot):
    bot = await make_bot()
    sent = await bot.say("谢明亮出水痘了 医生让在家隔离", when=at(MON, "07:50"))
    (text,) = warned(sent)
    assert "水痘" in text and "谢明亮" in text
    sent = await bot.say("谢明亮今天回来了", when=at(THU, "07:50"))
    asked = [m for m in sent if m.contact == WANGFANG and "复课证明" in m.text]
    assert asked, [m.text for m in sent]
    assert clusters(bot)[0].status == "proof_pending"
    sent = await bot.say("已查验", room=None, when=at(THU, "08:10"))
    assert "复课证明已查验" in sent[0].text
    assert clusters(bot)[0].status == "closed" and clusters(bot)[0].proof_checked_by == WANGFANG


async def test_the_tags_are_kept_with_the_absence(make_bot):
    bot = await make_bot()
    await bot.say("高兴拉肚子还吐了，去卫生院打针", when=at(MON, "07:50"))
    with bot.session() as s:
        (row,) = s.execute(select(Absence)).scalars().all()
    assert (row.symptoms, row.diseases) == ("腹泻,呕吐", "原因不明")


async def test_undoing_the_report_that_made_a_cluster_withdraws_it(make_bot):
    bot = await make_bot()
    await bot.say("高兴发烧了请假", when=at(MON, "07:50"))
    await bot.say("吴倩也发烧", when=at(MON, "07:55"))
    await bot.say("蒋天佑发烧", when=at(MON, "08:00"))
    await bot.say("撤销", when=at(MON, "08:05"))
    assert [c.status for c in clusters(bot)] == ["undone"]


async def test_the_illness_sheet_and_the_digest_line(make_bot, tmp_path):
    import datetime as dt

    from openpyxl import load_workbook
    from sqlmodel import Session

    from bot.reports.export import ILLNESS, write_ledger
    from bot.reports.jobs import render_daily_digest
    from bot.reports.workbook import TITLE_ROWS

    bot = await make_bot()
    await bot.say("谢明亮出水痘了 去卫生院看了 在家隔离", when=at(MON, "07:50"))
    await bot.say("高兴发烧咳嗽", when=at(MON, "07:55"))
    school = bot.app.school
    with Session(bot.app.engine) as s:
        digest = render_daily_digest(s, school, dt.date.fromisoformat(MON))
    assert "因病缺课 2 人（" in digest and "发热 1" in digest and "因病缺课预警 1 起" in digest
    await bot.say("谢明亮今天回来了", when=at(THU, "07:50"))
    await bot.say("已查验谢明亮", room=None, when=at(THU, "08:00"))
    out = tmp_path / "台账.xlsx"
    with Session(bot.app.engine) as s:
        write_ledger(
            out,
            s,
            school.config,
            school.calendar,
            dt.date(2026, 11, 23),
            dt.date(2026, 11, 27),
            today=dt.date(2026, 11, 26),
        )
    rows = {r[2]: r for r in load_workbook(out)[ILLNESS].iter_rows(min_row=TITLE_ROWS + 2, values_only=True)}
    xie = rows["谢明亮"]
    assert (xie[6], xie[7], xie[8], xie[10]) == ("水痘", "是", 3, "已查验")
    assert xie[9].date() == dt.date(2026, 11, 26)
    assert rows["高兴"][5] == "发热、咳嗽" and rows["高兴"][10] in ("", None)


async def test_from_a_parents_and_principals_trial(make_bot):
    bot = await make_bot()
    # symptoms seen and a guessed disease: a sick report, and the notifiable warning
    sent = await bot.say("刘鹏脸上起了些红点点 不知道是不是水痘 家长带去看了", when=at(MON, "07:50"))
    assert any(m.contact == PRINCIPAL and "水痘" in m.text for m in sent)
    assert any(m.contact == WANGFANG and m.text.startswith("【因病缺课预警】") for m in sent)  # her class
    # "last night" is when it began; the absence begins today
    await bot.say("吴倩昨晚烧起来了家长请假", when=at(TUE, "07:50"))
    with bot.session() as s:
        starts = {r.start.isoformat() for r in s.execute(select(Absence).where(Absence.status == "active")).scalars()}
    assert TUE in starts and "2026-11-22" not in starts
    # the fever is over and the child is back: a return
    sent = await bot.say("吴倩烧退了今天来了", when=at(WED, "07:50"))
    assert any("吴倩 11月25日返校" in m.text for m in sent)


async def test_a_cluster_that_grows_with_other_symptoms_drops_its_label(make_bot):
    bot = await make_bot()
    for name in ("高兴", "吴倩", "蒋天佑"):
        await bot.say(f"{name}发烧请假", when=at(MON, "07:50"))
    await bot.say("周子轩拉肚子", when=at(TUE, "07:50"))
    sent = await bot.say("余宁吐了 请假", when=at(TUE, "07:55"))
    (update,) = [m.text for m in sent if m.contact == PRINCIPAL and "补充" in m.text]
    assert "三年级二班因病缺课新增" in update and "（发热）" not in update
