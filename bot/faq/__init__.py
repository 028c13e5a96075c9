"""The policy FAQ: a catalogue of templated answers and a matcher that knows when to stay quiet."""

from bot.faq.matcher import ANSWER, UNPROMPTED, Match, match

__all__ = ["ANSWER", "UNPROMPTED", "Match", "match"]
