"""Who may see what: the role matrix (pure; docs/SPEC.md §9 "Who may do what").

Leaders (principal, vice-principal, dropout officer, 疫情报告人) see their whole school;
a head teacher sees their own class (the whole school when the school sets
``rules.head_teachers_see_all``); other staff may report but see no student's data.
Parents and strangers see no staff view; a parent bound to a child (``bot.parents``)
sees that child's own day, month and leave by DM, and may ask that child's leave by DM;
anyone else's leave request counts only in that child's class group.
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


def parent_may_ask_leave(*, bound: bool, room_class: str | None, student_class: str) -> bool:
    """A non-staff sender's leave request is passed on for a child they are bound to
    (anywhere, by DM too), or for a child of the class group it is asked in."""
    return bound or (room_class is not None and room_class == student_class)


def parent_sees(*, bound: bool) -> bool:
    """A parent sees a child's attendance (by DM only) when bound to that child; nobody else's."""
    return bound
