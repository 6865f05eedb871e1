"""Who a rate limit counts: client addresses, accounts and signed-in users, only as keyed hashes.

The hashes come from consult.client_address, whose key changes every day; the limiter itself is
created in consult.extensions (keyed by client address) and told to log breaches by the app factory.
"""

from __future__ import annotations

from flask import request
from flask_login import current_user

from .audit_log import security_event
from .client_address import client_address_key, keyed_hash
from .text import clean_single_line, pseudonym_key


def account_key() -> str:
    """The account a login is aimed at, so guessing one account's password is slow from anywhere."""
    return account_key_for(request.form.get("username", ""))


def account_key_for(pseudonym: str) -> str:
    """The login limit's key for the account called ``pseudonym`` (re-authentication counts there too)."""
    return keyed_hash("acct", pseudonym_key(clean_single_line(pseudonym)))


def signed_in_user_key() -> str:
    if current_user.is_authenticated:
        return keyed_hash("user", str(current_user.id))
    return client_address_key()


def log_breach(limit) -> None:
    security_event("rate_limited", endpoint=request.endpoint, limit=str(limit.limit))
