"""Rooms known by id: binding a group with 绑定, silence in a group nobody bound, and the
member check before anything private goes to a staff group."""

from __future__ import annotations

from sqlmodel import Session, col, select

from storage.enums import OutboxStatus, PendingKind, PendingStatus
from storage.models import Absence, ClassReport, OutboundMessage, PendingQuestion, Room
from storage.queries import sync_school
from tests.conftest import PRINCIPAL, STAFF_ROOM, WANGFANG, Bot, at

VICE = "wxid_demo_yangming"
PARENT_XU = "wxid_parent_xu"  # 徐秀兰, 王小明 (三年级二班)'s mother
NEW_ID = "R:wx-7f3a9c"  # the id WeChat gave the class's new parent group
NEW_TOPIC = "三年级二班家长交流群"
HUANG = "wxid_zx_huangzhiqiang"  # 中心校校长 over both schools
TIAN = "wxid_sm_tianxiuzhi"  # shimen 三年级二班 head teacher


def room_id_of(bot: Bot, school_id: str, topic: str) -> str | None:
    with bot.session() as s:
        row = s.exec(select(Room).where(Room.school_id == school_id, Room.topic == topic)).one()
    return row.room_id


def pending_binds(bot: Bot) -> list[PendingQuestion]:
    with bot.session() as s:
        return list(
            s.exec(
                select(PendingQuestion).where(
                    PendingQuestion.kind == PendingKind.ROOM_BIND, PendingQuestion.status == PendingStatus.OPEN
                )
            )
        )


async def ask_to_bind(bot: Bot, topic: str = "三年级二班家长群", sender: str = WANGFANG, **kw):
    return await bot.say(
        f"@保学小助手 绑定 {topic}",
        sender=sender,
        room=kw.pop("room", NEW_TOPIC),
        room_id=kw.pop("room_id", NEW_ID),
        mentioned=True,
        **kw,
    )


async def test_binding_round_trip_and_a_rename_keeps_it(make_bot):
    bot = await make_bot(at("2026-11-23", "07:00"))
    sent = await ask_to_bind(bot, name="王芳", when=at("2026-11-23", "07:40"))
    asked = {m.contact: m.text for m in sent if m.contact}
    # the principal and the vice principal are asked by DM; 王芳, who asked, is not her own check
    assert set(asked) == {PRINCIPAL, VICE}
    for text in asked.values():
        assert text.startswith(f"【绑定确认】王芳请求把微信群“{NEW_TOPIC}”绑定为青石镇中心小学的“三年级二班家长群”")
    # the group hears only that confirmation was asked for
    assert [m.text for m in sent if m.room] == [
        "已收到绑定请求：本群将作为“三年级二班家长群”。请校长或班主任在私聊中回复“同意”确认。"
    ]
    assert {m.room for m in sent if m.room} == {NEW_ID}
    assert len(pending_binds(bot)) == 2 and room_id_of(bot, "qingshi", "三年级二班家长群") == "三年级二班家长群"

    sent = await bot.say("同意", sender=PRINCIPAL, room=None)
    assert {(m.room, m.contact) for m in sent} == {(None, PRINCIPAL), (None, WANGFANG), (NEW_ID, None)}
    assert next(m.text for m in sent if m.room == NEW_ID).startswith("本群已绑定为“三年级二班家长群”")
    assert room_id_of(bot, "qingshi", "三年级二班家长群") == NEW_ID
    assert pending_binds(bot) == []  # one answer settles it for everyone asked
    # the vice principal's late 同意 binds nothing twice
    late = await bot.say("同意", sender=VICE, room=None)
    assert not [m for m in late if "绑定" in m.text]

    # from now on the group is 三年级二班家长群: a parent's leave request goes to 王芳
    sent = await bot.say(
        "王老师，王小明今天发烧了，请一天假", sender=PARENT_XU, room=NEW_TOPIC, room_id=NEW_ID, name="徐秀兰"
    )
    forwarded = [m for m in sent if m.contact == WANGFANG]
    assert len(forwarded) == 1 and "三年级二班 王小明 请假" in forwarded[0].text
    assert not [m for m in sent if m.room]  # nothing about the child in the group

    # renamed in WeChat: the same id, still the same parent group
    sent = await bot.say(
        "营养餐补助每天多少钱？", sender=PARENT_XU, room="三(2)班家长群🌻", room_id=NEW_ID, name="徐秀兰"
    )
    assert [m.room for m in sent] == [NEW_ID] and "营养餐" in sent[0].text
    # and the group with the old id (the name it had in school.toml) is no longer the school's
    assert await bot.say("营养餐补助每天多少钱？", sender=PARENT_XU, room="三年级二班家长群", name="徐秀兰") == []


async def test_refused_binding_leaves_the_group_unknown(make_bot):
    bot = await make_bot(at("2026-11-23", "07:00"))
    await ask_to_bind(bot, topic="青石镇中心小学教师群", room="老师们", room_id="R:wx-teachers-2", name="王芳")
    sent = await bot.say("不同意", sender=PRINCIPAL, room=None)
    assert [(m.contact, m.text) for m in sent] == [(PRINCIPAL, "好的，没有绑定“老师们”。")]
    assert room_id_of(bot, "qingshi", STAFF_ROOM) == STAFF_ROOM  # the real staff group keeps its binding
    assert pending_binds(bot) == []
    # the vice principal's 同意 afterwards binds nothing
    late = await bot.say("同意", sender=VICE, room=None)
    assert not [m for m in late if "已绑定" in m.text] and room_id_of(bot, "qingshi", STAFF_ROOM) == STAFF_ROOM
    # and a report there is still not recorded
    sent = await bot.say("王小明今天没来", room="老师们", room_id="R:wx-teachers-2")
    assert [m.contact for m in sent] == [WANGFANG] and "没有记录" in sent[0].text


async def test_a_parent_asking_to_bind_is_ignored(make_bot):
    bot = await make_bot(at("2026-11-23", "07:00"))
    sent = await ask_to_bind(bot, topic="青石镇中心小学教师群", sender=PARENT_XU, name="徐秀兰")
    assert sent == [] and pending_binds(bot) == []
    assert room_id_of(bot, "qingshi", STAFF_ROOM) == STAFF_ROOM


async def test_a_topic_the_school_does_not_have(make_bot):
    bot = await make_bot(at("2026-11-23", "07:00"))
    sent = await ask_to_bind(bot, topic="三年级五班家长群")
    assert [(m.room, m.text) for m in sent if m.room] == [
        (NEW_ID, "学校配置里没有叫“三年级五班家长群”的群，可以绑定的群名已私聊发给您。")
    ]
    (dm,) = [m for m in sent if m.contact]
    assert dm.contact == WANGFANG and "青石镇中心小学配置的群有：青石镇中心小学教师群、青石镇中心小学行政群" in dm.text
    assert pending_binds(bot) == []


async def test_staff_in_an_unbound_group_silence_and_a_report_not_recorded(make_bot):
    bot = await make_bot(at("2026-11-23", "07:00"))
    assert (
        await bot.say(
            "各位家长好，明天降温，请给孩子多穿点", room=NEW_TOPIC, room_id=NEW_ID, when=at("2026-11-23", "07:50")
        )
        == []
    )
    sent = await bot.say("王小明今天没来，电话打不通", room=NEW_TOPIC, room_id=NEW_ID)
    assert [(m.room, m.contact) for m in sent] == [(None, WANGFANG)]
    assert sent[0].text.startswith(f"您在群“{NEW_TOPIC}”里发的考勤没有记录：这个群还没有绑定到学校。")
    assert "王小明" not in sent[0].text and "电话打不通" not in sent[0].text
    with bot.session() as s:
        assert s.exec(select(Absence)).all() == [] and s.exec(select(ClassReport)).all() == []
    # @-mentioned without 绑定: how to bind, in the group, nothing private
    sent = await bot.say("@保学小助手 今日缺勤", room=NEW_TOPIC, room_id=NEW_ID, mentioned=True)
    assert [m.room for m in sent] == [NEW_ID] and sent[0].text.startswith("这个群还没有绑定到学校")
    assert "缺勤日报" not in sent[0].text
    # a parent there: not a word
    assert await bot.say("王小明今天发烧请假一天", sender=PARENT_XU, room=NEW_TOPIC, room_id=NEW_ID) == []


async def test_a_stranger_in_the_staff_group_holds_private_text_back(make_bot):
    bot = await make_bot(at("2026-11-23", "07:00"))
    # the staff group so far: 王芳 only; her report is confirmed there
    sent = await bot.say("蒋天佑今天没来", when=at("2026-11-23", "08:00"))
    assert [m.room for m in sent] == [STAFF_ROOM]
    # someone who is not staff speaks in it (a parent added by mistake)
    assert (
        await bot.say(
            "大家好，我是蒋天佑的舅舅", sender="wxid_stranger_jiang", name="蒋舅舅", when=at("2026-11-23", "08:20")
        )
        == []
    )
    sent = await bot.say("王小明今天没来，电话打不通", when=at("2026-11-23", "08:30"))
    assert not [m for m in sent if m.room]  # held back: nothing reaches the group
    (notice,) = [m for m in sent if m.contact == PRINCIPAL]
    assert notice.text.startswith(f"【提醒】群“{STAFF_ROOM}”里有不是本校教职工的成员（wxid_stranger_jiang）")
    assert "王小明" not in notice.text and "电话" not in notice.text.split("。")[0]
    # 王芳 still gets her confirmation, privately: nothing she was told is lost
    (copy,) = [m for m in sent if m.contact == WANGFANG]
    assert (
        copy.text.startswith(f"（群“{STAFF_ROOM}”里有不是本校教职工的人") and "已记录：三年级二班 王小明" in copy.text
    )
    assert {m.contact for m in sent} == {PRINCIPAL, WANGFANG}
    with bot.session() as s:
        held = s.exec(
            select(OutboundMessage).where(OutboundMessage.to_room == STAFF_ROOM).order_by(col(OutboundMessage.id))
        ).all()
        assert [r.status for r in held] == [OutboxStatus.SENT, OutboxStatus.FAILED]
        assert "王小明" in held[-1].text and "不是本校教职工" in (held[-1].last_error or "")
        # the report itself is recorded: only the group is not told
        assert len(s.exec(select(Absence).where(Absence.status == "active")).all()) == 2
    # later the same day: held back again, the principal is not told twice; 王芳 gets her copy
    sent = await bot.say("高兴今天病假", when=at("2026-11-23", "09:00"))
    assert [m.contact for m in sent] == [WANGFANG] and "高兴" in sent[0].text


# -- two schools whose groups share names -------------------------------------------------


async def test_a_leader_over_both_schools_names_the_school_when_both_have_the_group(make_two):
    bot = await make_two()
    # 三年级二班家长群 is a group of qingshi and of shimen: the bot must not guess
    sent = await ask_to_bind(bot, sender=HUANG, room="石门三(2)班家长", room_id="R:wx-sm-32", name="黄志强")
    assert [(m.contact, m.room) for m in sent] == [(HUANG, None)]
    assert "青石镇中心小学、石门村完全小学都有" in sent[0].text
    assert "@保学小助手 绑定 石门村完全小学 三年级二班家长群" in sent[0].text
    assert pending_binds(bot) == []
    # with the school named, shimen's leaders and head teacher are asked, nobody of qingshi
    sent = await ask_to_bind(
        bot, topic="石门村完全小学 三年级二班家长群", sender=HUANG, room="石门三(2)班家长", room_id="R:wx-sm-32"
    )
    asked = {m.contact for m in sent if m.contact}
    assert asked == {"wxid_sm_luodeming", TIAN}  # not 黄志强, who asked
    assert all("绑定为石门村完全小学的“三年级二班家长群”" in m.text for m in sent if m.contact)
    await bot.say("同意", sender="wxid_sm_luodeming", room=None)
    assert room_id_of(bot, "shimen", "三年级二班家长群") == "R:wx-sm-32"
    assert room_id_of(bot, "qingshi", "三年级二班家长群") == "三年级二班家长群"  # qingshi's group untouched
    # a shimen parent's leave request there reaches shimen's head teacher, not qingshi's 王芳
    sent = await bot.say(
        "老师，王小明今天发烧了，请一天假", sender="wxid_parent_sm_wang", room="石门三(2)班家长", room_id="R:wx-sm-32"
    )
    assert {m.contact for m in sent} == {"wxid_parent_sm_wang", TIAN}
    assert WANGFANG not in {m.contact for m in sent}


async def test_a_village_teacher_cannot_bind_the_central_schools_group(make_two):
    bot = await make_two()
    sent = await ask_to_bind(bot, topic="青石镇中心小学行政群", sender=TIAN, room="行政群", room_id="R:wx-admin-x")
    assert [m.text for m in sent if m.room] == [
        "学校配置里没有叫“青石镇中心小学行政群”的群，可以绑定的群名已私聊发给您。"
    ]
    (dm,) = [m for m in sent if m.contact]
    assert dm.contact == TIAN and "石门村完全小学配置的群有：" in dm.text
    assert pending_binds(bot) == []
    # her own staff group's name (the same as qingshi's) binds shimen's, asked of shimen's leaders
    sent = await ask_to_bind(bot, topic="青石镇中心小学教师群", sender=TIAN, room="行政群", room_id="R:wx-admin-x")
    assert {m.contact for m in sent if m.contact} == {"wxid_sm_luodeming", HUANG}


async def test_a_binding_made_in_the_chat_survives_a_restart(make_bot, school):
    bot = await make_bot(at("2026-11-23", "07:00"))
    await ask_to_bind(bot, name="王芳", when=at("2026-11-23", "07:40"))
    await bot.say("同意", sender=PRINCIPAL, room=None)
    assert room_id_of(bot, "qingshi", "三年级二班家长群") == NEW_ID
    # the next start mirrors school.toml again: the group with no configured id keeps its binding
    with Session(bot.app.engine) as s:
        sync_school(s, school)
    assert room_id_of(bot, "qingshi", "三年级二班家长群") == NEW_ID


async def test_a_bind_made_by_another_bot_process_is_seen_after_the_directory_expires(make_bot):
    import datetime as dt

    from bot.chat import rooms

    bot = await make_bot(at("2026-11-23", "07:00"))
    other = rooms.RoomDirectory(ttl_s=0)  # another process's directory, on the same database
    with bot.session() as s:
        assert other.get(s, NEW_ID) is None
        rooms.bind(
            s, school_id="qingshi", topic="三年级二班家长群", room_id=NEW_ID, by=PRINCIPAL, now=dt.datetime.now(dt.UTC)
        )
        s.commit()
        seen = other.get(s, NEW_ID)
    assert seen is not None and seen.topic == "三年级二班家长群"
