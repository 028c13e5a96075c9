"""Streaks read from the last weeks' rows are the streaks read from the whole term."""

from __future__ import annotations

import datetime as dt
import random

from sqlmodel import select

from bot.attendance import ledger
from bot.attendance.alerts import current_streaks
from bot.attendance.streak import streaks
from storage.models import Absence, Student
from tests.conftest import at


async def test_window_agrees_with_the_whole_term(make_bot):
    bot = await make_bot(start=at("2026-12-20", "07:00"))
    school = bot.app.school
    rnd = random.Random(3)
    term = [d for d in school.calendar.school_days(dt.date(2026, 9, 1), dt.date(2026, 12, 18))]
    with bot.session() as s:
        ids = [st.id for st in s.exec(select(Student).where(Student.school_id == school.id))][:120]
        n = 0
        for sid in ids:
            i = rnd.randrange(len(term))
            while i < len(term):
                length = rnd.choice((1, 2, 3, 5, 8, 30, 60))  # some runs longer than the window
                end = i + length - 1
                s.add(
                    Absence(
                        school_id=school.id,
                        student_id=sid,
                        kind=rnd.choice(("unexcused", "unexcused", "sick", "personal")),
                        start=term[i],
                        end=None if end >= len(term) - 1 and rnd.random() < 0.5 else term[min(end, len(term) - 1)],
                        reported_by="wxid_demo_wangfang",
                        created_at=at("2026-12-20"),
                    )
                )
                n += 1
                i = end + 1 + rnd.randrange(0, 15)
        s.commit()
        assert n > 300
        for day in (term[10], term[40], term[-1], dt.date(2026, 12, 19), dt.date(2026, 12, 20)):
            full = streaks(ledger.spans(s, school_id=school.id), school.calendar, day)
            assert current_streaks(s, school, day) == full, day
            some = ids[:30]
            want = {k: v for k, v in full.items() if k in some}
            assert current_streaks(s, school, day, some) == want, day
        assert any(st.days > 15 for st in full.values())  # a streak longer than the window was read in full
