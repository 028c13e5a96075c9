"""Which sick cases together meet a reporting rule (pure).

A *case* is a student off sick (a whole or part day) on a school day, with the tags of
that absence. ``find`` returns, for one day, every cluster the rules see; the service
(``bot.attendance.illness.cases``) matches them to the open clusters in the ledger so a
cluster that grows is one cluster, told once and then updated.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bot.attendance.illness.rules import IllnessRules
from bot.attendance.illness.tags import OTHER, UNKNOWN
from storage.enums import ClusterRule

# Not a sign of something catching: a broken arm, a toothache.
NOT_SHARED = {OTHER, UNKNOWN, "受伤"}


@dataclass(frozen=True)
class Case:
    student_id: str
    class_name: str
    day: dt.date
    symptoms: tuple[str, ...]
    diseases: tuple[str, ...]

    @property
    def labels(self) -> set[str]:
        return (set(self.symptoms) | set(self.diseases)) - NOT_SHARED

    @property
    def catching(self) -> bool:
        """Any sign of an illness that may spread (not only an injury or 其他)."""
        return bool(self.labels)


@dataclass(frozen=True)
class Found:
    rule: ClusterRule
    class_name: str | None  # None: the school
    label: str  # the shared symptom or disease ("" when the rule needs none)
    student_ids: tuple[str, ...]
    first_day: dt.date
    last_day: dt.date

    @property
    def place(self) -> str:
        if self.rule == ClusterRule.NOTIFIABLE:
            return self.student_ids[0]
        return self.class_name or "全校"


def find(cases: Iterable[Case], day: dt.date, window: list[dt.date], rules: IllnessRules) -> list[Found]:
    """Clusters on ``day``; ``window`` is the school days of the multi-day rule, ending on ``day``."""
    cases = list(cases)
    today = [c for c in cases if c.day == day]
    out: list[Found] = []
    by_class: dict[str, list[Case]] = defaultdict(list)
    for c in today:
        by_class[c.class_name].append(c)
    for class_name, here in sorted(by_class.items()):
        by_label: dict[str, set[str]] = defaultdict(set)
        for c in here:
            for label in c.labels:
                by_label[label].add(c.student_id)
        for label, ids in sorted(by_label.items()):
            if len(ids) >= rules.class_same_day:
                out.append(Found(ClusterRule.CLASS_DAY, class_name, label, tuple(sorted(ids)), day, day))
    in_window = [c for c in cases if c.day in window and c.catching]
    by_class_window: dict[str, set[str]] = defaultdict(set)
    for c in in_window:
        by_class_window[c.class_name].add(c.student_id)
    for class_name, ids in sorted(by_class_window.items()):
        if len(ids) >= rules.class_window and any(c.class_name == class_name and c.catching for c in today):
            first = min(c.day for c in in_window if c.class_name == class_name)
            out.append(Found(ClusterRule.CLASS_DAYS, class_name, "", tuple(sorted(ids)), first, day))
    school_ids = {c.student_id for c in today if c.catching}
    if len(school_ids) >= rules.school_same_day:
        out.append(Found(ClusterRule.SCHOOL_DAY, None, "", tuple(sorted(school_ids)), day, day))
    for c in today:
        for disease in c.diseases:
            if disease in rules.notifiable:
                out.append(Found(ClusterRule.NOTIFIABLE, c.class_name, disease, (c.student_id,), day, day))
    return out
