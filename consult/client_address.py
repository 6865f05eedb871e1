"""The client address, as far as consult ever keeps it: a keyed hash whose key changes every day.

The address itself is never stored: the rate limiter's counters (in memory, or in Redis when several
workers or machines serve) and the security log hold an HMAC of it, keyed with the secret key and
today's date.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request

from . import clock


def keyed_hash(kind: str, value: str) -> str:
    day = clock.utcnow().strftime("%Y-%m-%d")
    key = f"{current_app.config['SECRET_KEY']}|{day}".encode()
    return f"{kind}:" + hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def client_address_key() -> str:
    return keyed_hash("addr", request.remote_addr or "unknown")
