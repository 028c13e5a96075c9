"""The trend pages' chart data: plain JSON that static/charts.js hands to ECharts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from bot.chat.render import kind_label
from bot.reports.trend import KINDS, Series, Trend


def trend_chart(lines: list[tuple[str, Series]], trends: list[Trend]) -> dict[str, Any]:
    """Rate lines (the school, then each class; or each school) and absences by kind, stacked.

    ``lines`` pair a name with a series over the days of the trend it came from; several
    schools may have different school days, so every series is laid on the union."""
    days: list[dt.date] = sorted({d for t in trends for d in t.days})
    pos = {d: i for i, d in enumerate(days)}
    owner = {id(t.school): t for t in trends} | {id(c): t for t in trends for c in t.classes}
    rates = []
    for name, series in lines:
        row: list[float | None] = [None] * len(days)
        t = owner.get(id(series), trends[0])
        for d, r in zip(t.days, series.rates, strict=True):
            row[pos[d]] = r
        rates.append({"name": name, "data": row})
    totals: list[Counter[str]] = [Counter() for _ in days]
    for t in trends:
        for d, c in zip(t.days, t.school.absent, strict=True):
            totals[pos[d]].update(c)
    kinds = [{"name": kind_label(k), "data": [c.get(k, 0) for c in totals]} for k in KINDS]
    return {"days": [f"{d.month}/{d.day}" for d in days], "rates": rates, "kinds": kinds}
