"""Login without passwords: a one-time link from WeChat, then a session cookie.

A link (``网页`` by DM, or ``schoolbot web link``) carries a random token valid for a few
minutes and usable once; a redeemed link opens a session whose secret lives only in the
browser's cookie. The database keeps SHA-256 hashes of both, so a copy of it logs nobody
in. Times come from the caller (the bot's clock).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session, select

from storage.models import WebLoginToken, WebSession

TOKEN_BYTES = 32


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite hands datetimes back naive (stored in UTC).
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def issue_link(session: Session, wechat_id: str, now: dt.datetime, minutes: int) -> str:
    """A new login token for this person; the caller commits and turns it into a URL."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(
        WebLoginToken(
            token_hash=digest(token),
            wechat_id=wechat_id,
            created_at=now,
            expires_at=now + dt.timedelta(minutes=minutes),
        )
    )
    return token


def link_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/login/{token}"


class Refusal(StrEnum):
    UNKNOWN = "unknown"  # never issued (or mistyped, or forged)
    USED = "used"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Opened:
    cookie: str  # the session secret for the browser
    session: WebSession


def redeem(session: Session, token: str, now: dt.datetime, hours: int) -> Opened | Refusal:
    """Spend a login token: a new session, or why not. The caller commits."""
    row = session.exec(select(WebLoginToken).where(WebLoginToken.token_hash == digest(token))).first()
    if row is None:
        return Refusal.UNKNOWN
    if row.used_at is not None:
        return Refusal.USED
    if _aware(row.expires_at) <= now:
        return Refusal.EXPIRED
    row.used_at = now
    session.add(row)
    secret = secrets.token_urlsafe(TOKEN_BYTES)
    ws = WebSession(
        session_hash=digest(secret),
        wechat_id=row.wechat_id,
        csrf=secrets.token_urlsafe(24),
        created_at=now,
        expires_at=now + dt.timedelta(hours=hours),
    )
    session.add(ws)
    session.flush()
    return Opened(secret, ws)


def session_of(session: Session, cookie: str | None, now: dt.datetime) -> WebSession | None:
    """The live session this cookie opens, if any."""
    if not cookie:
        return None
    ws = session.exec(select(WebSession).where(WebSession.session_hash == digest(cookie))).first()
    if ws is None or ws.ended_at is not None or _aware(ws.expires_at) <= now:
        return None
    return ws


def end(session: Session, ws: WebSession, now: dt.datetime) -> None:
    ws.ended_at = now
    session.add(ws)


def csrf_ok(ws: WebSession, sent: str | None) -> bool:
    return sent is not None and hmac.compare_digest(ws.csrf, sent)
