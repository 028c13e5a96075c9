"""因病缺课: symptoms and diseases of sick absences, clusters by the national rule, 复课."""

from bot.attendance.illness.tags import Tags, tag

__all__ = ["Tags", "tag"]
