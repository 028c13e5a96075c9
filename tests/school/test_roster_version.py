"""A running bot sees a roster import (made by another process) at its next message."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from bot.school.roster_file import RosterEntry
from storage.models import School
from storage.queries import load_roster
from storage.roster_import import import_roster, transfer_student
from tests.conftest import at

NEW = RosterEntry(student_id="G53032019009999", name="欧阳雪", class_name="三年级二班", gender="女")


def import_elsewhere(bot, entries, **kw):
    """As ``schoolbot roster import`` does it: its own engine session, committed."""
    with Session(bot.app.engine) as s:
        report = import_roster(s, "qingshi", entries, today=dt.date(2026, 11, 23), **kw)
        s.commit()
    return report


async def test_a_student_imported_while_the_bot_runs_is_known_at_the_next_message(make_bot):
    bot = await make_bot()
    before = await bot.say("欧阳雪今天没来", when=at("2026-11-23", "08:10"))
    assert not any("已记录" in m.text for m in before)
    import_elsewhere(bot, [NEW], columns={"name", "class_name", "gender"})
    sent = await bot.say("欧阳雪今天没来", when=at("2026-11-23", "08:12"))
    assert [m.text for m in sent] == ["已记录：三年级二班 欧阳雪 11月23日起 未到校（原因不明）。"]


async def test_a_transfer_out_is_seen_at_the_next_message(make_bot):
    bot = await make_bot()
    wang = bot.app.roster.named("王小明", "三年级二班")[0]
    with Session(bot.app.engine) as s:
        transfer_student(s, wang.student_id, dt.date(2026, 11, 23), destination="县城二小")
        s.commit()
    assert bot.app.roster.named("王小明", "三年级二班") == []


def test_the_version_moves_only_when_something_changed(db_url, school):
    from bot.runtime import open_database
    from storage.queries import sync_school

    engine = open_database(db_url)
    with Session(engine) as s:
        sync_school(s, school)
        v0 = s.get(School, "qingshi").roster_version
        same = list(load_roster(s, "qingshi").students)
        report = import_roster(s, "qingshi", same, today=None)
        assert not report.changed_anything and s.get(School, "qingshi").roster_version == v0
        import_roster(s, "qingshi", [*same, NEW], today=None)
        s.commit()
        assert s.get(School, "qingshi").roster_version == v0 + 1
        assert load_roster(s, "qingshi").version == v0 + 1
    engine.dispose()
