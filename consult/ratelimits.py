"""Who a rate limit counts: client addresses only as keyed hashes whose key changes every day.

The address itself is never stored: the limiter's counters (in memory, or in Redis when several
workers or machines serve) hold an HMAC of it, keyed with the secret key and today's date.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request

from . import clock


def _keyed(kind: str, value: str) -> str:
    day = clock.utcnow().strftime("%Y-%m-%d")
    key = f"{current_app.config['SECRET_KEY']}|{day}".encode()
    return f"{kind}:" + hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def client_address_key() -> str:
    return _keyed("addr", request.remote_addr or "unknown")


def account_key() -> str:
    """The account a login is aimed at, so guessing one account's password is slow from anywhere."""
    return account_key_for(request.form.get("username", ""))


def account_key_for(pseudonym: str) -> str:
    """The login limit's key for the account called ``pseudonym`` (re-authentication counts there too)."""
    from .text import clean_single_line, pseudonym_key

    return _keyed("acct", pseudonym_key(clean_single_line(pseudonym)))


def signed_in_user_key() -> str:
    from flask_login import current_user

    if current_user.is_authenticated:
        return _keyed("user", str(current_user.id))
    return client_address_key()


def log_breach(limit) -> None:
    from .audit_log import security_event

    security_event("rate_limited", endpoint=request.endpoint, limit=str(limit.limit))
