"""Make python-wechaty 0.10.7 (its last release, 2022) importable on Python 3.11+.

Import this module before the first ``import wechaty``: every fix below works by
preparing things that python-wechaty reads at import time. Nothing in site-packages
is edited and nothing of wechaty's behaviour is replaced here; the transport
(``bot/transports/wechaty.py``) owns the behavioural workarounds (reconnect loop,
plugin scheduler) and calls ``quiet_loggers()`` once wechaty is imported.

    import bot.chat.transports.wechaty_shim  # noqa: F401  (before wechaty)
    import wechaty
"""

from __future__ import annotations

import os
import sys
import tempfile
import warnings
from pathlib import Path

__all__ = ["apply", "default_cache_dir", "quiet_loggers"]

_applied = False


def default_cache_dir() -> Path:
    """Where python-wechaty may keep its files: the user's cache, never the repo."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    candidate = Path(base) / "schoolbot" / "wechaty"
    try:
        candidate.mkdir(parents=True, exist_ok=True)
        if os.access(candidate, os.W_OK):
            return candidate
    except OSError:
        pass
    # A locked-down service account may have no writable home.
    fallback = Path(tempfile.gettempdir()) / f"schoolbot-wechaty-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
    fallback.mkdir(parents=True, exist_ok=True)
    return fallback


def _cache_dir() -> None:
    # wechaty.schema and wechaty.plugin evaluate ``config.cache_dir`` in class bodies,
    # i.e. at import, and that property creates the folder (default ``./.wechaty``, in
    # whatever directory the bot was started from). Only an environment variable set
    # before the import moves it. An operator's own CACHE_DIR wins.
    os.environ.setdefault("CACHE_DIR", str(default_cache_dir()))


def _telnetlib() -> None:
    # wechaty.plugin and wechaty_puppet_service.utils do ``from telnetlib import Telnet``
    # only to test whether host:port accepts a TCP connection. telnetlib is deprecated
    # in 3.11 (a DeprecationWarning on every start) and removed in 3.13 (ImportError).
    if sys.modules.get("telnetlib") is not None:
        return
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            import telnetlib  # noqa: F401
        return
    except ImportError:
        pass
    import socket
    import types

    class Telnet:
        """The part of telnetlib.Telnet python-wechaty uses: open() raises OSError if closed."""

        def __init__(self, host: str | None = None, port: int = 0, timeout: float | None = None) -> None:
            self.sock: socket.socket | None = None
            if host is not None:
                self.open(host, port, timeout)

        def open(self, host: str, port: int = 0, timeout: float | None = None) -> None:
            self.close()
            self.sock = socket.create_connection((host, port), timeout)

        def close(self) -> None:
            if self.sock is not None:
                self.sock.close()
                self.sock = None

        def __del__(self) -> None:
            self.close()

    module = types.ModuleType("telnetlib", "schoolbot stand-in for the telnetlib removed in Python 3.13")
    module.Telnet = Telnet  # type: ignore[attr-defined]
    sys.modules["telnetlib"] = module


def _hashable_puppet_options() -> None:
    # wechaty.wechaty declares ``puppet_options: PuppetOptions = PuppetOptions()`` in the
    # WechatyOptions dataclass. Since 3.11, dataclasses reject any default whose class
    # is unhashable (``__hash__ is None``: what @dataclass(eq=True) gives PuppetOptions)
    # with "ValueError: mutable default", so ``import wechaty`` fails. No version of
    # wechaty or wechaty-puppet fixes it. Giving PuppetOptions identity hashing lets the
    # class body run. The default instance is then shared by every WechatyOptions and
    # Wechaty() writes token/endpoint into it, so callers must always pass a fresh
    # ``PuppetOptions()`` (the transport does).
    from wechaty_puppet.schemas.puppet import PuppetOptions

    if PuppetOptions.__hash__ is None:
        PuppetOptions.__hash__ = object.__hash__


_WECHATY_LOGGERS = (
    "Wechaty",
    "PuppetService",
    "Accessory",
    "Contact",
    "ContactSelf",
    "Room",
    "Message",
    "Favorite",
    "FriendShip",
    "Image",
    "MiniProgram",
    "RoomInvitation",
    "Tag",
    "UrlLink",
    "Config",
    "FileBox",
    "WechatyPuppet",
    "WechatyPuppet.Schemas.Event",
    "WechatyPuppet.Schema.Base",
    "WechatyPuppetServiceConfig",
    "wechaty.plugin",
    "Watchdog",
)
# PuppetService warns with the token in clear; Accessory and the plugin manager warn
# about nothing that matters to a bot without plugins.
_ERROR_ONLY = frozenset({"PuppetService", "Accessory", "wechaty.plugin"})


def quiet_loggers() -> None:
    """Route python-wechaty's loggers into the application's logging, at WARNING.

    wechaty_puppet.get_logger gives every logger its own stderr handler at INFO with
    propagation off: the application's log format and level do not apply, every
    message's text is logged, and PuppetService warns with the token in clear. Call it
    after ``import wechaty, wechaty_puppet_service`` (they create the loggers on import).
    An operator's WECHATY_LOG still sets the level.
    """
    import logging

    explicit = {
        "silly": logging.DEBUG,
        "verbose": logging.INFO,
        "info": logging.INFO,
        "warn": logging.WARNING,
        "error": logging.ERROR,
    }.get(os.environ.get("WECHATY_LOG", "").lower())
    for name in _WECHATY_LOGGERS:
        lg = logging.getLogger(name)
        lg.handlers.clear()
        lg.propagate = True
        lg.setLevel(explicit or (logging.ERROR if name in _ERROR_ONLY else logging.WARNING))


def apply() -> None:
    """Idempotent; runs on import of this module."""
    global _applied
    if _applied:
        return
    if "wechaty" in sys.modules:
        # Too late for CACHE_DIR and for the dataclass; say so instead of half-working.
        warnings.warn(
            "bot.chat.transports.wechaty_shim imported after wechaty: import it first", RuntimeWarning, stacklevel=3
        )
    _cache_dir()
    _telnetlib()
    _hashable_puppet_options()
    _applied = True


apply()
