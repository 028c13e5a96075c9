"""One school as the services see it: who it is, its school days, its time zone, its
rules and its roster. Services take ``(session, school)`` and return data, so a digest or
a streak scan runs the same from a handler, a job, the CLI or a web request."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.school.calendar import SchoolCalendar
from bot.school.config import RoomConfig, Rules, SchoolConfig, StaffMember
from bot.school.roster import Roster


@dataclass
class SchoolContext:
    config: SchoolConfig
    calendar: SchoolCalendar
    tz: ZoneInfo
    _roster: Roster | None = field(default=None, repr=False)
    # school.toml as loaded; ``config`` is it with the staff bound or removed in the
    # database (bot.school.staff), as of ``staff_version``.
    base: SchoolConfig | None = field(default=None, repr=False)
    staff_version: int | None = field(default=None, repr=False)

    @classmethod
    def of(cls, config: SchoolConfig) -> SchoolContext:
        return cls(config, SchoolCalendar(config.term), ZoneInfo(config.timezone), base=config)

    def reconfigure(self, config: SchoolConfig) -> None:
        """school.toml changed on disk: the new file, with the database's staff on top at the next refresh."""
        self.base = self.config = config
        self.calendar, self.tz = SchoolCalendar(config.term), ZoneInfo(config.timezone)
        self.staff_version = None

    def refresh_staff(self, session: Session, version: int) -> None:
        """Re-read the staff bound by code or removed, when their version moved."""
        if version == self.staff_version:
            return
        from bot.school.staff import db_rows, effective

        self.config = effective(self.base or self.config, db_rows(session, self.id))
        self.staff_version = version

    @property
    def id(self) -> str:
        return self.config.id

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def rules(self) -> Rules:
        return self.config.rules

    # The school's people, classes and rooms, as configured.
    @property
    def staff(self) -> list[StaffMember]:
        return self.config.staff

    @property
    def classes(self) -> list[str]:
        return self.config.classes

    def staff_by_wechat(self, wechat_id: str) -> StaffMember | None:
        return self.config.staff_by_wechat(wechat_id)

    def with_role(self, role: str) -> list[StaffMember]:
        return self.config.with_role(role)

    def head_teacher_of(self, class_name: str) -> StaffMember | None:
        return self.config.head_teacher_of(class_name)

    def rooms_of_kind(self, kind: str) -> list[RoomConfig]:
        return self.config.rooms_of_kind(kind)

    def parent_room_of(self, class_name: str) -> RoomConfig | None:
        return self.config.parent_room_of(class_name)

    def roster(self, session: Session) -> Roster:
        """The students on the roll now, from the database.

        Kept between messages and read again when the school's roster version is not the
        one it was read at: a ``roster import`` or a transfer by another process (the CLI
        while the bot runs) is seen at the next message, for the price of one small query.
        """
        from storage.queries import load_roster
        from storage.roster_import import roster_version

        if self._roster is None or self._roster.version != roster_version(session, self.id):
            self._roster = load_roster(session, self.id)
        return self._roster

    def invalidate_roster(self) -> None:
        self._roster = None

    def local_day(self, at: dt.datetime) -> dt.date:
        return at.astimezone(self.tz).date()
