"""The 因病缺课 reporting rules a school follows (``[rules.illness]`` in school.toml).

Defaults from 《学校和托幼机构传染病疫情报告工作规范（试行）》 (卫生部办公厅 2006): a school
reports within 24 hours when one class has 3 or more cases with similar symptoms in one
day, or 5 or more within 3 consecutive days; when many students are suddenly off sick
(here: 10 in the school in one day); and any case of a notifiable disease.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.attendance.illness.lexicon import NOTIFIABLE_DEFAULT


@dataclass(frozen=True)
class IllnessRules:
    class_same_day: int = 3  # in one class, one school day, sharing a symptom or disease
    class_window: int = 5  # in one class within ``window_days`` consecutive school days
    window_days: int = 3
    school_same_day: int = 10  # in the whole school on one day, any symptom
    notifiable: tuple[str, ...] = field(default_factory=lambda: tuple(NOTIFIABLE_DEFAULT))
