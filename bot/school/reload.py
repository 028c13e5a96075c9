"""Noticing that the school folder was edited while the bot runs.

A secretary fixes a head teacher's chat id or adds a parent group in school.toml and
expects the bot to follow without a restart. The files are looked at (a ``stat`` each)
at most every few seconds, on the next message or job; when one changed, the whole
folder is loaded again and checked as at start. A folder that no longer loads keeps the
bot on what it had, and says what is wrong once per edit, in the log and to whoever
runs ``schoolbot check``.
"""

from __future__ import annotations

import time
from pathlib import Path

from bot.school.deployment import DEPLOYMENT_FILE, Deployment

CHECK_EVERY_S = 5.0
FILES = ("school.toml", "policy.toml")


def watched_files(dep: Deployment) -> list[Path]:
    files = [dep.folder / DEPLOYMENT_FILE] if (dep.folder / DEPLOYMENT_FILE).is_file() else []
    return files + [s.folder / name for s in dep.schools for name in FILES]


def _stamp(files: list[Path]) -> tuple[tuple[int, int] | None, ...]:
    out: list[tuple[int, int] | None] = []
    for f in files:
        try:
            st = f.stat()
            out.append((st.st_mtime_ns, st.st_size))
        except OSError:
            out.append(None)  # gone (policy.toml is optional): a change too, if it was there
    return tuple(out)


class ConfigWatch:
    def __init__(self, dep: Deployment, every_s: float = CHECK_EVERY_S) -> None:
        self.folder = dep.folder
        self.every_s = every_s
        self._files = watched_files(dep)
        self._seen = _stamp(self._files)
        self._looked = time.monotonic()
        self.refused: tuple[tuple[int, int] | None, ...] | None = None  # the edit last refused

    def changed(self) -> bool:
        """Whether a watched file changed since the last load (looked at most every ``every_s``)."""
        if time.monotonic() - self._looked < self.every_s:
            return False
        self._looked = time.monotonic()
        now = _stamp(self._files)
        return now != self._seen and now != self.refused

    def loaded(self, dep: Deployment) -> None:
        """The folder was loaded again: watch what it names now (a school may have been added)."""
        self._files = watched_files(dep)
        self._seen, self.refused = _stamp(self._files), None

    def refuse(self) -> None:
        """The edit does not load: do not try it again until the files change again."""
        self.refused = _stamp(self._files)
