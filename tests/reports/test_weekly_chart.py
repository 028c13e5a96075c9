"""The weekly summary's picture: a valid PNG of the expected size, sent as an image after the
text to the same people; without a CJK font, the text alone and one line in the log."""

from __future__ import annotations

import io
import struct

import pytest
from PIL import Image

from bot.reports import weekly_chart
from bot.reports.trend import term_trend
from tests.conftest import LEADERS_ROOM, PRINCIPAL, WANGFANG, at

needs_font = pytest.mark.skipif(weekly_chart.cjk_font() is None, reason="no CJK font (apt-get install fonts-noto-cjk)")


async def _week(make_bot):
    bot = await make_bot(at("2026-11-23", "07:00"))
    await bot.say("王小明今天没来，电话打不通", sender=WANGFANG, when=at("2026-11-23", "08:05"))
    await bot.say("高兴今天病假", sender=WANGFANG, when=at("2026-11-24", "08:05"))
    return bot


@needs_font
async def test_the_weekly_summary_carries_a_png_of_the_week_and_the_term(make_bot):
    bot = await _week(make_bot)
    sent = await bot.until(at("2026-11-27", "17:30"))
    images = [m for m in sent if m.image is not None]
    texts = [m for m in sent if m.image is None and "本周考勤小结" in m.text]
    assert {(m.room, m.contact) for m in images} == {(m.room, m.contact) for m in texts}
    assert {m.contact for m in images if m.contact} == {PRINCIPAL}
    assert [m.room for m in images if m.room] == [LEADERS_ROOM]
    # the text goes first, then its picture, to each recipient
    for m in images:
        mine = [x for x in sent if (x.room, x.contact) == (m.room, m.contact)]
        assert mine.index(m) == mine.index(next(t for t in mine if "本周考勤小结" in t.text)) + 1
    png = images[0].image
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == weekly_chart.SIZE_PX
    with Image.open(io.BytesIO(png)) as im:
        im.verify()  # every chunk's CRC
    with Image.open(io.BytesIO(png)) as im:
        assert im.size == weekly_chart.SIZE_PX
        colours = im.convert("RGB").getcolors(maxcolors=1 << 16)
        assert colours is None or len(colours) > 20  # drawn, not a blank canvas
    assert "出勤趋势" in images[0].text and "王小明" not in images[0].text


@needs_font
async def test_the_chart_is_sent_once_however_often_the_job_runs(make_bot):
    bot = await _week(make_bot)
    sent = await bot.until(at("2026-11-27", "17:30"))
    from bot.reports.jobs import weekly_summary

    weekly_summary(bot.app, bot.app.school, at("2026-11-27").date())
    await bot.app.outbox.flush()
    again = bot.transport.take()
    assert [m for m in sent if m.image] and not [m for m in again if m.image]


async def test_without_a_cjk_font_the_text_goes_alone_and_the_log_says_how(make_bot, monkeypatch, caplog):
    monkeypatch.setattr(weekly_chart, "cjk_font", lambda: None)
    monkeypatch.setattr(weekly_chart, "_told", False)
    bot = await _week(make_bot)
    with caplog.at_level("WARNING", logger="bot.reports.weekly_chart"):
        sent = await bot.until(at("2026-11-27", "17:30"))
    assert any("本周考勤小结" in m.text for m in sent)
    assert not [m for m in sent if m.image is not None]
    hints = [r for r in caplog.records if "fonts-noto-cjk" in r.getMessage()]
    assert len(hints) == 1


@needs_font
async def test_the_png_draws_the_term_as_the_trend_service_counts_it(make_bot):
    bot = await _week(make_bot)
    with bot.session() as s:
        t = term_trend(s, bot.app.school, at("2026-11-27").date(), by_class=False)
    monday = at("2026-11-23").date()
    png = weekly_chart.weekly_png(t, monday, at("2026-11-27").date())
    assert png is not None
    with Image.open(io.BytesIO(png)) as im:
        assert im.format == "PNG" and im.size == weekly_chart.SIZE_PX
    from bot.reports.digest import daily

    with bot.session() as s:
        for i, d in enumerate(t.days):
            if d >= monday:  # the chart's counts are the digest's, day by day
                assert t.school.absent[i] == daily(s, bot.app.school, d).by_kind
    assert [sum(t.school.absent[i].values()) for i, d in enumerate(t.days) if d >= monday] == [1, 2, 2, 2, 2]
