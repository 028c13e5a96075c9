"""Chat transports: how messages reach the bot and how its replies leave."""

from bot.chat.transports.base import IncomingMessage, MessageCallback, SendError, Transport

__all__ = ["IncomingMessage", "MessageCallback", "SendError", "Transport"]
