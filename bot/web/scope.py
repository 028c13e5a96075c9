"""Who is looking and what they may see (the role matrix of bot/school/access.py, per school).

A principal, vice-principal, officer or 疫情报告人 sees their whole school; a head teacher
their own class (the school with ``rules.head_teachers_see_all``); a cross-school leader
each of their schools. Anyone else gets no page. Checked on every request from the
deployment as it is now, so a person removed from school.toml loses the page at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.school.access import Scope, View, view_of
from bot.school.context import SchoolContext


@dataclass(frozen=True)
class Viewer:
    wechat_id: str
    name: str
    views: dict[str, View]  # school id → what this person sees there (never Scope.NONE)

    def view(self, school_id: str) -> View | None:
        return self.views.get(school_id)

    def sees_school(self, school_id: str) -> bool:
        v = self.views.get(school_id)
        return v is not None and v.scope == Scope.SCHOOL

    def sees_class(self, school_id: str, class_name: str) -> bool:
        v = self.views.get(school_id)
        return v is not None and v.sees(class_name)

    @property
    def leader_schools(self) -> list[str]:
        return [sid for sid, v in self.views.items() if v.scope == Scope.SCHOOL]

    @property
    def over_several(self) -> bool:
        """A 中心校 or county leader: the page opens on every school in one table."""
        return len(self.leader_schools) > 1


def viewer_of(schools: dict[str, SchoolContext], wechat_id: str) -> Viewer | None:
    views: dict[str, View] = {}
    name = ""
    for sid, school in schools.items():
        staff = school.staff_by_wechat(wechat_id)
        view = view_of(staff, head_teachers_see_all=school.rules.head_teachers_see_all)
        if staff is not None and view.scope != Scope.NONE:
            views[sid] = view
            name = name or staff.name
    return Viewer(wechat_id, name, views) if views else None
