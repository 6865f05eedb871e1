"""Where to send people after an action, without becoming an open redirect."""

from __future__ import annotations

import unicodedata

from flask import request, url_for


def is_local_path(target: str) -> bool:
    """A path on this site, as a browser reads it.

    Browsers drop tabs and newlines from a URL and read a backslash as a slash, so
    "/<tab>/evil.example" would leave the site: every control character and backslash is
    refused (a newline would also break the Location header).
    """
    if not target.startswith("/") or target.startswith("//"):
        return False
    return not any(char == "\\" or unicodedata.category(char)[0] == "C" for char in target)


def safe_next(default_endpoint: str = "consultations.home", **values) -> str:
    target = request.values.get("next", "")
    return target if is_local_path(target) else url_for(default_endpoint, **values)
