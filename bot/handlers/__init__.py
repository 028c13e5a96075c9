"""Message handlers, registered on the App in order: the first that matches handles."""
from __future__ import annotations

from bot.app import App


def register_all(app: App) -> App:
    from bot.handlers import basics

    basics.register(app)
    basics.register_fallback(app)
    return app
