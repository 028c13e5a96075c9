"""An in-memory index of the students a school has now (pure)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from bot.school.roster_file import RosterEntry, class_order


class Roster:
    def __init__(self, students: Iterable[RosterEntry], version: int = 0) -> None:
        self.version = version  # the school's roster_version when read
        self.students: list[RosterEntry] = list(students)
        self.by_id: dict[str, RosterEntry] = {s.student_id: s for s in self.students}
        self.by_name: dict[str, list[RosterEntry]] = defaultdict(list)
        self.by_class: dict[str, list[RosterEntry]] = defaultdict(list)
        for s in self.students:
            self.by_name[s.name].append(s)
            self.by_class[s.class_name].append(s)
        # Longest first, so 张洋洋 is found before 张洋 when scanning text.
        self.names: list[str] = sorted(self.by_name, key=lambda n: (-len(n), n))
        # The lengths the name scan tries at each position: once per roster, not per message.
        self.name_lengths: frozenset[int] = frozenset(len(n) for n in self.by_name)

    @property
    def classes(self) -> list[str]:
        """The classes that have students, in grade then number order."""
        return sorted(self.by_class, key=class_order)

    def __len__(self) -> int:
        return len(self.students)

    def named(self, name: str, class_name: str | None = None) -> list[RosterEntry]:
        found = self.by_name.get(name, [])
        return [s for s in found if class_name is None or s.class_name == class_name]
