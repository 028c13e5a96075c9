"""The weekly summary's picture: this week's days and the term's weeks, as a PNG.

Drawn server-side with matplotlib (Agg, no display; a Figure of its own per call, so it is
safe in any thread) in Noto Sans CJK from Debian's fonts-noto-cjk. Without a CJK font the
labels would be boxes: ``weekly_png`` returns None and says once in the log how to install one,
and the weekly summary goes as text alone.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from functools import lru_cache
from pathlib import Path

from bot.chat.render import weekday
from bot.reports.trend import Trend

log = logging.getLogger(__name__)
SIZE_PX = (960, 640)  # WeChat shows it full width on a phone; legible at that size
DPI = 120
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "Microsoft YaHei")
INSTALL_HINT = "apt-get install fonts-noto-cjk"
FONT_DIR = "/usr/share/fonts"
_told = False


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The first CJK font matplotlib can find, or None."""
    from matplotlib import font_manager

    def first_found() -> str | None:
        for family in CJK_FAMILIES:
            try:
                font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
            except ValueError:
                continue
            return family
        return None

    found = first_found()
    if found is None:
        # matplotlib keeps its font list in a cache built at its first import: a font
        # installed since (apt-get install fonts-noto-cjk) is added here by its file.
        for path in sorted(Path(FONT_DIR).glob("**/NotoSansCJK*")):
            font_manager.fontManager.addfont(str(path))
        found = first_found()
    return found


def _no_font() -> None:
    global _told
    if not _told:
        _told = True
        log.warning(
            "没有中文字体，周报只发文字、不发趋势图；请安装：%s / no CJK font: the weekly chart is not drawn "
            "(install one: %s)",
            INSTALL_HINT,
            INSTALL_HINT,
        )


def weekly_png(trend: Trend, monday: dt.date, day: dt.date) -> bytes | None:
    """This week's daily attendance rate and absences, and the term's week-over-week rate."""
    family = cjk_font()
    if family is None:
        _no_font()
        return None
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    week = [(d, i) for i, d in enumerate(trend.days) if monday <= d <= day]
    weeks = trend.weeks()
    fig = Figure(figsize=(SIZE_PX[0] / DPI, SIZE_PX[1] / DPI), dpi=DPI)
    FigureCanvasAgg(fig)
    fig.set_layout_engine("constrained")
    fig.suptitle(
        f"{trend.name} 出勤趋势（{monday.month}月{monday.day}日起一周 · 本学期）", fontfamily=family, fontsize=13
    )
    left, right = fig.subplots(1, 2, width_ratios=(1, 1.4))

    labels = [f"{weekday(d)}\n{d.month}/{d.day}" for d, _ in week]
    absent = [sum(trend.school.absent[i].values()) for _, i in week]
    rates = [trend.school.rates[i] for _, i in week]
    bars = left.bar(range(len(week)), absent, color="#ef4444", width=0.6)
    left.set_xticks(range(len(week)), labels, fontfamily=family, fontsize=9)
    left.set_ylabel("缺勤人数", fontfamily=family)
    left.set_title("本周每天", fontfamily=family, fontsize=11)
    left.set_ylim(0, max([*absent, 1]) * 1.35)
    left.yaxis.set_major_locator(MaxNLocator(integer=True))
    for bar, r in zip(bars, rates, strict=True):
        if r is not None:
            left.annotate(
                f"{r:.1f}%",
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                ha="center",
                va="bottom",
                fontsize=9,
                xytext=(0, 2),
                textcoords="offset points",
            )

    xs = [f"{w.monday.month}/{w.monday.day}" for w in weeks]
    ys = [w.rate if w.rate is not None else float("nan") for w in weeks]
    right.plot(range(len(weeks)), ys, marker="o", color="#1d6f42", linewidth=2)
    right.set_xticks(range(len(weeks)), xs, fontsize=8, rotation=45 if len(weeks) > 8 else 0)
    right.set_ylabel("平均出勤率 %", fontfamily=family)
    right.set_title("本学期每周", fontfamily=family, fontsize=11)
    low = min([y for y in ys if y == y] or [100.0])
    right.set_ylim(max(0.0, low - max(1.0, (100 - low) * 0.5)), 100.3)
    right.set_yticks([t for t in right.get_yticks() if t <= 100])  # no rate above 100 %
    right.grid(axis="y", alpha=0.3)
    for ax in (left, right):
        ax.spines[["top", "right"]].set_visible(False)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()
