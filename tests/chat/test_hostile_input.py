"""Hostile input (issue 14): input hygiene at the boundary, and property tests feeding the
parser, the FAQ matcher and the whole app arbitrary Unicode — unassigned and rare CJK
code points, control characters, lone surrogates, 100 KB pastes, template syntax, SQL.

Nothing may raise, nothing may be evaluated, and what was said is stored as said (after
hygiene), on SQLite and on PostgreSQL (``SCHOOLBOT_TEST_DB=postgres``)."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.attendance.parsing import parse_report
from bot.chat import hygiene
from bot.chat.transports.base import IncomingMessage
from bot.faq.matcher import default as default_matcher
from bot.faq.pinyin import pinyin
from storage.models import Absence, InboundMessage
from tests.conftest import STAFF_ROOM, WANGFANG, at

FRAGMENTS = [
    "王小明今天没来",
    "三年级二班 应到38 实到36",
    "营养餐一天补多少钱",
    "@保学小助手\u2005",
    "{{ 7*191 }}",
    "{{ school.name }}",
    "{% for x in range(99999999) %}啊{% endfor %}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "'; DROP TABLE absence; --",
    "\" OR 1=1; DELETE FROM inbound_message WHERE '1'='1",
    "%s%s%n",
    "\x00",
    "\u202e\u200b\ufeff",
    "㐃𠀀𪚥\U0002a6df\U0003134a",  # rare CJK; 㐃 used to raise IndexError in the FAQ matcher
    "\U000e0001\U0010ffff\ufdd0",  # tag, noncharacters
    "１２３ＡＢＣ，：（）！",
    "\r\n\t",
]
# Any code point at all: unassigned, private use, controls, surrogates.
ANY_CHAR = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())
RARE_CJK = st.characters(min_codepoint=0x3400, max_codepoint=0x4DBF) | st.characters(
    min_codepoint=0x20000, max_codepoint=0x3134F
)
HOSTILE = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(ANY_CHAR, max_size=20), st.text(RARE_CJK, max_size=10)),
    max_size=12,
).map("".join)
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def test_hygiene_removes_controls_keeps_lines_and_chinese_punctuation():
    assert hygiene.clean_text("王小明今天没来\x00") == "王小明今天没来"
    assert hygiene.clean_text("应到38\r\n实到36\t王小明\x07病假") == "应到38\n实到36 王小明病假"
    assert hygiene.clean_text("王小明，今天没来：发烧（请假）！") == "王小明，今天没来：发烧（请假）！"
    assert hygiene.clean_text("应到３８ 实到３６，ＡＢ") == "应到38 实到36，AB"
    assert hygiene.clean_text("@保学小助手\u2005王小明\u202e没来\ufeff") == "@保学小助手\u2005王小明没来"
    assert hygiene.clean_text("\ud800王小明") == "王小明"  # a lone surrogate (PostgreSQL cannot store it)


def test_a_message_over_the_limit_is_cut_and_flagged_and_an_id_is_made_when_missing():
    msg = IncomingMessage("", None, "wxid_x", "x", "啊" * 6000, False, at("2026-11-24", "10:00"))
    cleaned = hygiene.clean_message(msg)
    assert cleaned.truncated and len(cleaned.msg.text) == hygiene.MAX_CHARS and cleaned.original_length == 6000
    assert cleaned.msg.message_id.startswith("h-")
    assert hygiene.clean_message(msg).msg.message_id == cleaned.msg.message_id  # a re-delivery is recognised
    other = IncomingMessage("", None, "wxid_x", "x", "啊" * 6000, False, at("2026-11-24", "10:01"))
    assert hygiene.clean_message(other).msg.message_id != cleaned.msg.message_id


def test_pinyin_skips_what_pypinyin_cannot_read():
    assert pinyin("㐃营养餐") == pinyin("营养餐")


@settings(max_examples=1000, deadline=None)
@given(HOSTILE)
def test_the_faq_matcher_takes_anything(text):
    m = default_matcher().match(text)
    assert m.topic is None or isinstance(m.topic, str)
    default_matcher().match(text, unprompted=True)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=HOSTILE)
def test_the_parser_takes_anything(school, text):
    from bot.school.context import SchoolContext

    ctx = SchoolContext.of(school)
    roster = _roster(school)
    result = parse_report(
        text,
        roster=roster,
        calendar=ctx.calendar,
        today=dt.date(2026, 11, 24),
        sender=ctx.staff_by_wechat(WANGFANG),
        room_class="三年级二班",
        staff_names=[s.name for s in ctx.staff],
    )
    assert result is not None


def _roster(school):
    from bot.school.roster import Roster
    from bot.school.roster_file import read_roster

    return Roster(read_roster(school.folder / "roster.csv"))


class _Fuzz:
    """One bot for a whole property test; every example is a new message to it."""

    def __init__(self, make_bot) -> None:
        self.loop = asyncio.new_event_loop()
        self.bot = self.loop.run_until_complete(make_bot(start=at("2026-11-24", "08:00")))
        self.ids = itertools.count()
        self.handled = 0

    def say(self, text: str, *, room: str | None, sender: str, mentioned: bool):
        message_id = f"fuzz-{next(self.ids)}"
        # half a minute between messages: the group's flood budget refills (tests/chat/test_flood.py)
        self.bot.clock.advance(dt.timedelta(seconds=30))
        name = self.loop.run_until_complete(
            self.bot.transport.deliver(
                text=text, sender_id=sender, room=room, mentioned=mentioned, message_id=message_id
            )
        )
        self.handled += 1
        return message_id, name, self.bot.transport.take()

    def stored(self, message_id: str) -> InboundMessage:
        with self.bot.session() as s:
            return s.execute(select(InboundMessage).where(InboundMessage.message_id == message_id)).scalar_one()


@pytest.fixture
def fuzz(make_bot):
    f = _Fuzz(make_bot)
    yield f
    print(f"\nfuzzed messages through the app: {f.handled}")
    f.loop.close()


PLACES = st.sampled_from(
    [(STAFF_ROOM, WANGFANG), (None, WANGFANG), ("三年级二班家长群", "wxid_parent_fuzz"), (None, "wxid_stranger_fuzz")]
)


@FUZZ
@given(text=HOSTILE, place=PLACES, mentioned=st.booleans())
def test_the_whole_app_takes_anything(fuzz, text, place, mentioned):
    room, sender = place
    message_id, name, sent = fuzz.say(text, room=room, sender=sender, mentioned=mentioned)
    assert name != "error"  # no handler raised
    row = fuzz.stored(message_id)
    assert row.text == hygiene.clean_text(text)[: hygiene.MAX_CHARS]  # stored as said, SQL and all
    assert row.status == "handled"
    for m in sent:  # nothing the sender wrote was evaluated as a template
        assert "1337" not in m.text or "1337" in text
        assert "<class" not in m.text


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=HOSTILE, place=PLACES)
def test_100_kb_messages_are_stored_cut_and_flagged(fuzz, seed, place):
    room, sender = place
    unit = "王小明今天没来。" + seed + "'; DROP TABLE absence; --\n"
    text = (unit * (100_000 // len(unit) + 1))[:100_000]
    message_id, name, sent = fuzz.say(text, room=room, sender=sender, mentioned=True)
    assert name != "error"
    row = fuzz.stored(message_id)
    cleaned = hygiene.clean_text(text)
    assert row.truncated == (len(cleaned) > hygiene.MAX_CHARS)
    assert row.text == cleaned[: hygiene.MAX_CHARS]
    assert sent  # addressed: answered, whether by a handler or by the polite too-long note


async def test_a_nul_byte_no_longer_loses_the_report(make_bot):
    bot = await make_bot()
    sent = await bot.say("王小明今天没来\x00", when=at("2026-11-23", "08:10"))
    assert sent and sent[0].text.startswith("已记录：三年级二班 王小明")
    with bot.session() as s:
        (row,) = s.execute(select(InboundMessage)).scalars().all()
        assert row.text == "王小明今天没来" and row.status == "handled"
        assert len(s.execute(select(Absence)).scalars().all()) == 1


async def test_sql_is_stored_verbatim(make_bot):
    bot = await make_bot()
    text = "王小明'); DROP TABLE absence; -- 今天没来 \" OR 1=1"
    await bot.say(text, room=None, when=at("2026-11-23", "08:10"))
    with bot.session() as s:
        (row,) = s.execute(select(InboundMessage)).scalars().all()
        assert row.text == text
        s.execute(select(Absence)).all()  # the table is still there


async def test_console_ids_do_not_repeat_across_restarts(school, make_bot):
    """Two runs of the console at the same second used to give the same ids, and the
    second run's reports were dropped as re-deliveries, unanswered."""
    import io

    from bot.chat.transports.console import ConsoleTransport
    from bot.clock import VirtualClock

    bot = await make_bot()
    answered = []
    for _run in range(2):
        out = io.StringIO()
        clock = VirtualClock(at("2026-11-23", "08:10"))
        line = f"@{STAFF_ROOM} 王芳: 王小明今天没来\n" if not answered else f"@{STAFF_ROOM} 王芳: 高兴今天没来\n"
        console = ConsoleTransport(school, clock, stdin=io.StringIO(line), stdout=out)
        bot.app.transport = bot.app.outbox.transport = console
        await console.start(bot.app.handle)
        answered.append(out.getvalue())
    assert "王小明" in answered[0] and "高兴" in answered[1]
    with bot.session() as s:
        ids = s.execute(select(InboundMessage.message_id)).scalars().all()
    assert len(ids) == 2 and len(set(ids)) == 2


async def test_a_paste_over_5000_characters_nobody_answers_gets_the_polite_note(make_bot):
    bot = await make_bot()
    sent = await bot.say("收到" * 3000, when=at("2026-11-23", "08:10"))  # a teacher, in the staff group
    assert len(sent) == 1 and sent[0].room == STAFF_ROOM
    assert "6000 个字" in sent[0].text and "最多 5000 个字" in sent[0].text
    with bot.session() as s:
        (row,) = s.execute(select(InboundMessage)).scalars().all()
        assert row.truncated and len(row.text) == 5000
