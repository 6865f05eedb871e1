"""Sessions end by themselves: after a quiet spell, and in any case after a fixed time.

Staff hold children's words, so their sessions are shorter. Times are the server's and kept in
the signed session cookie, so any number of app servers agree without shared state.
"""

from __future__ import annotations

from flask import Flask, current_app, flash, session
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from .. import clock
from . import server_sessions

STARTED, SEEN = "_started", "_seen"
# When the password was last typed, at login or to confirm a sensitive action (consult/auth/fresh.py).
# Not "_fresh": Flask-Login keeps that key for its remember-cookie logins.
AUTHENTICATED_AT = "_authenticated_at"


def mark_session_start() -> None:
    now = clock.utcnow().timestamp()
    session[STARTED] = session[SEEN] = session[AUTHENTICATED_AT] = now


def mark_password_entered() -> None:
    session[AUTHENTICATED_AT] = clock.utcnow().timestamp()


def seconds_since_password() -> float:
    """How long ago the password was last typed; a session from before this was recorded is old."""
    return clock.utcnow().timestamp() - session.get(AUTHENTICATED_AT, 0.0)


def _limits(staff: bool) -> tuple[float, float]:
    config = current_app.config
    if staff:
        return config["STAFF_SESSION_IDLE_MINUTES"] * 60, config["STAFF_SESSION_ABSOLUTE_HOURS"] * 3600
    return config["SESSION_IDLE_MINUTES"] * 60, config["SESSION_ABSOLUTE_HOURS"] * 3600


def register(app: Flask) -> None:
    @app.before_request
    def end_expired_sessions() -> None:
        if not current_user.is_authenticated:
            return
        if not server_sessions.is_live(current_user):
            # Logged out elsewhere, or a cookie copied before logging out: it opens nothing now.
            logout_user()
            session.clear()
            return
        now = clock.utcnow().timestamp()
        idle, absolute = _limits(current_user.is_staff)
        started, seen = session.get(STARTED, 0.0), session.get(SEEN, 0.0)
        if now - seen > idle or now - started > absolute:
            logout_user()
            session.clear()
            flash(_("For your safety you were logged out after a while. Please log in again."), "info")
            return
        if now - seen > 60:  # a minute's precision is plenty, and spares re-signing the cookie on every request
            session[SEEN] = now
