"""Input hygiene: what every incoming message goes through before it is parsed or stored.

One place, at the inbound boundary (``App.handle``), so no parser, matcher or table
ever sees a NUL byte (PostgreSQL refuses it, and the message was lost), a bidi override,
a lone surrogate, or a 100 KB paste.

- Control characters go (line breaks stay: a roll-call is written one name a line; a tab
  becomes a space). Lone surrogates and invisible format characters go too.
- NFKC where it is safe for Chinese: full-width digits and letters (１２３, ＡＢ) and
  compatibility ideographs become the ordinary ones, but the full-width punctuation
  Chinese is written with (，：（）！？) stays as it is, since NFKC would make it ASCII.
- A text longer than ``MAX_CHARS`` is kept cut to that length, flagged, and answered
  politely instead of being read.
- A transport that gives no message id gets one: a hash of sender, room, time and text,
  so the same delivery is still recognised as a re-delivery.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata

from bot.chat.transports.base import IncomingMessage

MAX_CHARS = 5000

# Invisible characters that only ever hide or reorder text: zero-width spaces and marks,
# bidi embeddings/overrides/isolates, word joiners, the byte-order mark.
_INVISIBLE = (
    "\u200b\u200c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
)
# Full-width punctuation and symbols (U+FF01–FF0F, FF1A–FF20, FF3B–FF40, FF5B–FF65):
# what Chinese text is punctuated with, left as written; and the wide spaces, among them
# the one WeChat puts after an @-mention (U+2005), which the parser looks for.
_KEEP_WIDE = re.compile(r"[\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u00a0\u2000-\u200a\u3000]+")


def _strip(text: str) -> str:
    out = []
    for ch in text:
        if ch == "\n":
            out.append(ch)
        elif ch == "\t":
            out.append(" ")
        elif ch in _INVISIBLE or unicodedata.category(ch) in ("Cc", "Cs"):
            continue
        else:
            out.append(ch)
    return "".join(out)


def _nfkc(text: str) -> str:
    pieces, last = [], 0
    for m in _KEEP_WIDE.finditer(text):
        pieces.append(unicodedata.normalize("NFKC", text[last : m.start()]))
        pieces.append(m.group())
        last = m.end()
    pieces.append(unicodedata.normalize("NFKC", text[last:]))
    return "".join(pieces)


def clean_text(text: str) -> str:
    """Control characters out, NFKC where safe; line ends made ``\\n``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Stripping again after NFKC: a compatibility character may decompose into a space
    # or a control-like sequence, never into something to keep.
    return _strip(_nfkc(_strip(text)))


def content_id(msg: IncomingMessage) -> str:
    """An id for a message its transport gave none: the same delivery, the same id."""
    raw = "\x1f".join([msg.sender_id, msg.room_id or msg.room or "", msg.at.isoformat(), msg.text])
    return "h-" + hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:32]


@dataclasses.dataclass(frozen=True)
class Cleaned:
    msg: IncomingMessage
    truncated: bool  # the text was longer than MAX_CHARS and is kept cut
    original_length: int


def clean_message(msg: IncomingMessage) -> Cleaned:
    message_id = msg.message_id or content_id(msg)
    text = clean_text(msg.text)
    length = len(text)
    truncated = length > MAX_CHARS
    if truncated:
        text = text[:MAX_CHARS]
    # Ids and topics are matched against school.toml as written: controls out, nothing
    # normalised. Text and the display name are also NFKC'd.
    cleaned = dataclasses.replace(
        msg,
        message_id=_strip(message_id)[:255] or content_id(msg),
        text=text,
        sender_id=_strip(msg.sender_id),
        sender_name=clean_text(msg.sender_name)[:255],
        room=None if msg.room is None else _strip(msg.room)[:255],
        room_id=None if msg.room_id is None else _strip(msg.room_id),
    )
    return Cleaned(cleaned, truncated, length)
