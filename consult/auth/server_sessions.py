"""Sessions the server knows: logging out, a password change, deactivation or "log out everywhere else"
delete them, and a cookie copied before that opens nothing afterwards.

The signed cookie carries a random token; the table keeps its SHA-256 (see ``UserSession``). One primary
key lookup per signed-in request, the same row on every app server, so nothing is per process.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import request, session
from sqlalchemy import delete, select

from .. import clock
from ..extensions import db
from ..models import User, UserSession

TOKEN = "_sid"  # noqa: S105  # nosec B105 - the session key's name, not a secret
SEEN_EVERY = timedelta(minutes=1)  # last-seen precision: spares a write on every request

_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Safari/", "Safari"))  # fmt: skip
_SYSTEMS = (("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("CrOS", "ChromeOS"),
            ("Windows", "Windows"), ("Mac OS", "macOS"), ("Linux", "Linux"))  # fmt: skip


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def device_label(user_agent: str) -> str:
    """A coarse name for a browser ("Firefox on Linux"): enough to tell one's sessions apart, no more."""
    browser = next((name for marker, name in _BROWSERS if marker in user_agent), "")
    system = next((name for marker, name in _SYSTEMS if marker in user_agent), "")
    return " / ".join(part for part in (browser, system) if part)[:60]


def start(user: User) -> None:
    """A new server-side session for the browser that just logged in (the cookie was cleared before)."""
    token = secrets.token_urlsafe(32)
    device = device_label(request.headers.get("User-Agent", "")) if user.is_staff else None
    db.session.add(UserSession(token_hash=_hash(token), user_id=user.id, device=device))
    db.session.flush()
    session[TOKEN] = token


def current() -> UserSession | None:
    token = session.get(TOKEN)
    if not isinstance(token, str) or not token:
        return None
    return db.session.scalar(select(UserSession).where(UserSession.token_hash == _hash(token)))


def is_live(user: User) -> bool:
    """Whether this browser's session still exists on the server for ``user`` (and note that it was seen)."""
    row = current()
    if row is None or row.user_id != user.id:
        return False
    now = clock.utcnow()
    if now - row.last_seen_at > SEEN_EVERY:
        row.last_seen_at = now
    return True


def end_current() -> None:
    row = current()
    if row is not None:
        db.session.delete(row)
        db.session.flush()


def end_all(user: User, keep: UserSession | None = None) -> int:
    """End every session of ``user`` (but ``keep``); the number ended."""
    statement = delete(UserSession).where(UserSession.user_id == user.id)
    if keep is not None:
        statement = statement.where(UserSession.id != keep.id)
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount


def end_one(user: User, session_id: int) -> bool:
    """End one of ``user``'s own sessions; False when it is not theirs or already ended."""
    statement = delete(UserSession).where(UserSession.id == session_id, UserSession.user_id == user.id)
    return bool(db.session.execute(statement.execution_options(synchronize_session=False)).rowcount)


def sessions_of(user: User) -> list[UserSession]:
    return list(
        db.session.scalars(
            select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.last_seen_at.desc())
        )
    )
