from __future__ import annotations

import datetime as dt

import pytest

from bot.attendance.parsing import parse_report
from tests.attendance.parsing.corpus import demo


@pytest.fixture(scope="session")
def parse():
    school, roster, calendar = demo()
    staff = [s.name for s in school.staff]

    def _parse(text, sender="wxid_demo_wangfang", room=None, day="2026-11-25"):
        who = school.staff_by_wechat(sender) if sender else None
        return parse_report(
            text,
            roster=roster,
            calendar=calendar,
            today=dt.date.fromisoformat(day),
            sender=who,
            room_class=room,
            staff_names=staff,
        )

    return _parse
