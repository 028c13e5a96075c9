"""Who may do what (docs/SPEC.md §9): one table, role × room kind × action.

Each row is asked through the whole bot; "shown" means the student's data (here 三年级二班
王小明's guardian phone, or his absence) reached the asker, "refused" that it did not.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.school.access import Scope, view_of
from storage.models import Absence
from tests.conftest import LEADERS_ROOM, OFFICER, PRINCIPAL, STAFF_ROOM, WANGFANG, ZHENG, at

VICE = "wxid_demo_yangming"
ZHAO = "wxid_demo_zhaolihua"  # head teacher of 一年级一班
PARENT = "wxid_parent_x"
STRANGER = "wxid_stranger_x"
PARENTS_3_2 = "三年级二班家长群"
DM = None

# (who, room, action, expected)
MATRIX = [
    (PRINCIPAL, DM, "record", "shown"),
    (PRINCIPAL, LEADERS_ROOM, "query_student", "shown"),
    (VICE, DM, "query_student", "shown"),
    (OFFICER, DM, "query_alerts", "shown"),
    (WANGFANG, DM, "query_student", "shown"),  # her own class
    (WANGFANG, STAFF_ROOM, "record", "shown"),
    (WANGFANG, PARENTS_3_2, "query_student", "refused"),  # a parent group: never the data
    (ZHAO, DM, "query_student", "refused"),  # another class's child
    (ZHAO, STAFF_ROOM, "query_alerts", "refused"),  # other classes' cases are not hers
    (ZHAO, DM, "record", "shown"),  # she may report; 王芳 is told
    (ZHENG, DM, "query_today", "refused"),  # 三年级一班's teacher: 王小明 of 三(2) is not in her view
    (PARENT, PARENTS_3_2, "record", "refused"),
    (PARENT, PARENTS_3_2, "query_student", "refused"),
    (STRANGER, DM, "record", "refused"),
    (STRANGER, DM, "query_student", "refused"),
]
TEXTS = {
    "record": "三年级二班王小明今天没来",
    "query_student": "三年级二班王小明 记录",
    "query_alerts": "预警",
    "query_today": "今日缺勤",
}


@pytest.mark.parametrize("who,room,action,expected", MATRIX)
async def test_role_room_action(make_bot, who, room, action, expected):
    bot = await make_bot()
    (xiaoming,) = bot.app.roster.named("王小明", "三年级二班")
    # a case on file for the queries to find: four days away, so the alert is open
    for day in ("2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26"):
        await bot.say("三年级二班王小明今天没来", sender=WANGFANG, room=None, when=at(day, "08:00"))
    sent = await bot.say(
        TEXTS[action], sender=who, room=room, mentioned=room == PARENTS_3_2, when=at("2026-11-26", "09:00")
    )
    to_asker = [m for m in sent if m.contact == who or (room and m.room == room)]
    if action == "record":
        with bot.session() as s:
            rows = list(s.execute(select(Absence).where(Absence.status == "active")).scalars())
        recorded = any("已记录：三年级二班 王小明" in m.text for m in to_asker)
        assert recorded == (expected == "shown"), [m.text for m in sent]
        assert all(r.reported_by == WANGFANG for r in rows)  # the refused record nothing, the rest add nothing new
        return
    # his data: the guardian's phone, or the days of his absence and case
    data_shown = any(xiaoming.phone in m.text or "11月23日" in m.text for m in to_asker)
    assert data_shown == (expected == "shown"), [m.text for m in to_asker]
    # nothing private ever lands in a parent group
    assert not [m for m in sent if m.room == PARENTS_3_2 and ("王小明" in m.text or xiaoming.phone in m.text)]


def test_the_view_of_each_role(school):
    by_id = {s.wechat_id: s for s in school.staff}
    assert view_of(by_id[PRINCIPAL]).scope == Scope.SCHOOL
    assert view_of(by_id[WANGFANG]).class_name == "三年级二班"
    assert view_of(by_id[WANGFANG], head_teachers_see_all=True).scope == Scope.SCHOOL
    assert view_of(None).scope == Scope.NONE


async def test_a_head_teacher_asking_about_another_class_is_told_so(make_bot):
    bot = await make_bot()
    sent = await bot.say("三年级一班今日缺勤", sender=WANGFANG, room=None, when=at("2026-11-23", "09:00"))
    assert "班主任只能查本班（三年级二班）" in sent[0].text


def test_a_parents_leave_and_view_follow_the_binding():
    from bot.school.access import parent_may_ask_leave, parent_sees

    assert parent_may_ask_leave(bound=True, room_class=None, student_class="三年级二班")  # by DM, own child
    assert not parent_may_ask_leave(bound=False, room_class=None, student_class="三年级二班")  # by DM, not theirs
    assert parent_may_ask_leave(bound=False, room_class="三年级二班", student_class="三年级二班")
    assert not parent_may_ask_leave(bound=False, room_class="三年级一班", student_class="三年级二班")
    assert parent_sees(bound=True) and not parent_sees(bound=False)
