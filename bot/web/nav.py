"""The links at the top of each page, by what the person may see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.reports.overview import class_ids
from bot.school.context import SchoolContext

if TYPE_CHECKING:
    from bot.web.app import Visit


def nav_for(v: Visit, school: SchoolContext | None) -> list[tuple[str, str]]:
    viewer = v.viewer
    links: list[tuple[str, str]] = []
    if viewer.over_several:
        links += [("全部学校", "/all/today"), ("各校趋势", "/all/trend"), ("各校月报", "/all/monthly")]
    sid = school.id if school is not None else None
    if sid is None and len(viewer.views) == 1:
        sid = next(iter(viewer.views))
    if sid is not None and viewer.sees_school(sid):
        links += [
            ("今日", f"/s/{sid}/today"),
            ("趋势", f"/s/{sid}/trend"),
            ("预警与劝返", f"/s/{sid}/cases"),
            ("月报", f"/s/{sid}/monthly"),
            ("台账", f"/s/{sid}/ledger"),
        ]
    elif sid is not None and (view := viewer.view(sid)) is not None and view.class_name:
        cid = class_ids(v.db, sid).get(view.class_name)
        if cid is not None:
            links += [
                ("本班今日", f"/s/{sid}/c/{cid}/today"),
                ("本班趋势", f"/s/{sid}/c/{cid}/trend"),
                ("本班预警", f"/s/{sid}/c/{cid}/cases"),
                ("本班月报", f"/s/{sid}/c/{cid}/monthly"),
            ]
    return links
