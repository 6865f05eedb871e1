"""Where to send people after an action, without becoming an open redirect."""

from __future__ import annotations

from flask import request, url_for


def safe_next(default_endpoint: str = "consultations.home", **values) -> str:
    target = request.values.get("next", "")
    if target.startswith("/") and not target.startswith(("//", "/\\")) and "\\" not in target:
        return target
    return url_for(default_endpoint, **values)
