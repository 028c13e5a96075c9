"""School notices: preview, 发送 once per group, 收到 counted per class, 通知情况."""

from __future__ import annotations

from tests.conftest import PRINCIPAL, WANGFANG, ZHENG, at

PARENTS_3_2 = "三年级二班家长群"
MUM = "wxid_parent_jiangjun_mum"
LETTER = "致家长的一封信：学前教育、义务教育阶段的资助政策，有困难请联系班主任。"


async def test_a_notice_to_every_class_group_is_posted_once(make_bot):
    bot = await make_bot()
    sent = await bot.say(f"通知 各班家长群：{LETTER}", sender=PRINCIPAL, room=None, when=at("2026-11-23", "08:00"))
    assert [m.contact for m in sent] == [PRINCIPAL] and "预览：将发到12个家长群" in sent[0].text
    out = await bot.say("发送", sender=PRINCIPAL, room=None)
    out += await bot.until(at("2026-11-23", "08:10"))
    posted = [m for m in out if m.room and LETTER in m.text]
    assert len(posted) == 12 and len({m.room for m in posted}) == 12
    out = await bot.say("发送", sender=PRINCIPAL, room=None)
    await bot.say(f"通知 各班家长群：{LETTER}", sender=PRINCIPAL, room=None)
    sent = await bot.say("发送", sender=PRINCIPAL, room=None)
    assert "以前已经发过同样的通知" in sent[0].text
    out += sent + await bot.until(at("2026-11-23", "08:20"))
    assert not [m for m in out if m.room and LETTER in m.text]


async def test_acknowledgements_are_counted_and_the_head_teacher_sees_who_has_not(make_bot):
    bot = await make_bot()
    await bot.say("绑定 姜军 妈妈 wxid_parent_jiangjun_mum", room=None)
    await bot.say("绑定 王小明 爸爸 wxid_parent_wangxiaoming_dad", room=None)
    await bot.say(f"通知 三(2)班家长群：{LETTER}", room=None, when=at("2026-11-23", "08:00"))
    await bot.say("发送", room=None)
    for who, text in ((MUM, "收到"), (MUM, "收到，谢谢老师"), ("wxid_parent_other", "好的 收到")):
        assert await bot.say(text, sender=who, room=PARENTS_3_2) == []
    sent = await bot.say("通知情况", room=None)
    assert "三年级二班：2位家长回复收到；已绑定的2户中1户知晓，还没回复：王小明家" in sent[0].text
    sent = await bot.say("通知情况", sender=PRINCIPAL, room=None)
    assert "三年级二班：2位家长回复收到" in sent[0].text and "王小明家" not in sent[0].text


async def test_a_head_teacher_may_notify_only_her_own_class(make_bot):
    bot = await make_bot()
    sent = await bot.say(f"通知 各班家长群：{LETTER}", room=None)
    assert "班主任只能给本班（三年级二班）家长群发通知" in sent[0].text
    sent = await bot.say(f"通知 三年级二班家长群：{LETTER}", sender=ZHENG, room=None)
    assert "班主任只能给本班（三年级一班）" in sent[0].text
    assert not [m for m in bot.transport.sent if m.room]
    _ = WANGFANG
