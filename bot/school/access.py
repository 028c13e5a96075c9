"""Who may see what: the role matrix (pure; docs/SPEC.md §9 "Who may do what").

Leaders (principal, vice-principal, dropout officer, 疫情报告人) see their whole school;
a head teacher sees their own class (the whole school when the school sets
``rules.head_teachers_see_all``); other staff may report but see no student's data.
Parents and strangers never reach these checks: the handlers that show data are staff's.
Recording is open to all staff (a report about another class tells its head teacher).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.school.config import StaffMember
from storage.enums import Role

LEADER_ROLES = (Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.DROPOUT_OFFICER, Role.HEALTH_REPORTER)


class Scope(StrEnum):
    SCHOOL = "school"
    CLASS = "class"
    NONE = "none"


@dataclass(frozen=True)
class View:
    scope: Scope
    class_name: str | None = None  # for Scope.CLASS

    def sees(self, class_name: str) -> bool:
        return self.scope == Scope.SCHOOL or (self.scope == Scope.CLASS and class_name == self.class_name)


def view_of(staff: StaffMember | None, *, head_teachers_see_all: bool = False) -> View:
    """What a staff member may see of their school's students."""
    if staff is None:
        return View(Scope.NONE)
    if any(staff.has(r) for r in LEADER_ROLES):
        return View(Scope.SCHOOL)
    if staff.head_of:
        return View(Scope.SCHOOL) if head_teachers_see_all else View(Scope.CLASS, staff.head_of)
    return View(Scope.NONE)
