"""Trusted devices: guessing an account's password is slowed without locking its owner out.

The per-account login limit stops someone guessing one account's password from many addresses; on
its own it would also let anyone lock that account by typing wrong passwords. As OWASP recommends, a
browser where the owner once logged in carries a signed "device cookie" for that account: its logins
are counted in a bucket of their own (the same limit, per device), not in the account's bucket the
attacker fills. The cookie is signed with the secret key, sent to /login only, and lasts 90 days.
"""

from __future__ import annotations

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..client_address import keyed_hash
from ..text import clean_single_line, pseudonym_key

COOKIE = "consult_device"
PATH = "/login"  # sent with logins (and password confirmations) only: public pages stay cookie-free
MAX_AGE = 90 * 24 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="consult-trusted-device")


def remember(response, pseudonym: str) -> None:
    """After a successful login: this browser is one of the account's own devices."""
    value = _serializer().dumps({"a": pseudonym_key(clean_single_line(pseudonym))})
    response.set_cookie(COOKIE, value, max_age=MAX_AGE, path=PATH, httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])  # fmt: skip


def _cookie_account() -> str | None:
    value = request.cookies.get(COOKIE)
    if not value:
        return None
    try:
        data = _serializer().loads(value, max_age=MAX_AGE)
    except BadSignature:
        return None
    return data.get("a") if isinstance(data, dict) else None


def trusted_for_this_login() -> bool:
    """Whether this login comes from a device where the account it names was logged in before."""
    account = _cookie_account()
    posted = request.form.get("username", "")
    return account is not None and account == pseudonym_key(clean_single_line(posted))


def device_key() -> str:
    """The limiter's bucket for this device's logins (trusted devices only)."""
    return keyed_hash("device", request.cookies.get(COOKIE, ""))
