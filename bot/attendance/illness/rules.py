"""The 因病缺课 reporting rules a school follows: ``[rules.illness]`` in school.toml
(``bot.school.config.IllnessRules``, with the national defaults)."""

from __future__ import annotations

from bot.school.config import IllnessRules

__all__ = ["IllnessRules"]
