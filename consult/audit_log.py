"""The security log: one structured JSON line per security-relevant event.

Who (user id and role), what, when, and from where only as a keyed hash of the client address
that changes every day. Never a password, a token, an address or a young person's words.
"""

from __future__ import annotations

import json
import logging

from flask import has_request_context
from flask_login import current_user

from . import clock
from .client_address import client_address_key

logger = logging.getLogger("consult.security")
_FORBIDDEN = frozenset({"password", "token", "body", "text", "published_text", "note", "ip", "remote_addr"})


def security_event(event: str, *, user=None, **fields) -> None:
    leaked = _FORBIDDEN.intersection(fields)
    if leaked:
        raise ValueError(f"the security log never holds {', '.join(sorted(leaked))}")
    record = {"at": clock.utcnow().isoformat(timespec="seconds"), "event": event}
    who = user if user is not None else (current_user if has_request_context() else None)
    if who is not None and getattr(who, "is_authenticated", False):
        record["user_id"] = who.id
        record["role"] = who.role.value
    if has_request_context():
        record["client"] = client_address_key()[5:17]
    record.update(fields)
    logger.info(json.dumps(record, ensure_ascii=False, sort_keys=True, default=str))
