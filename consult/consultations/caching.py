"""Conditional GET for anonymous readers of the public pages.

A reader without an account sees what every other reader in their language sees: no form, no CSRF
token, no cookie (reporting and endorsing need an account). So the page gets an ETag computed from the
public version (consult/public_version.py: every change a public page can show counts in it, and the
phases of the published consultations), the reader's language and the address, never from the rendered
page: a revalidation is answered 304 without rendering. consult/security.py marks such pages
``Cache-Control: public`` with a short ``max-age``, and consult/page_cache.py keeps them in memory in
front of the app. Anyone signed in, or with a message waiting in their session, gets a page rendered
afresh, ``no-store``.

``PUBLIC_CACHE_SECONDS`` is part of the ETag as a period, so that a change made outside the app's
sessions still reaches readers within it.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version

from flask import Response, current_app, make_response, request
from flask.typing import ResponseReturnValue

from ..i18n import current_language
from ..page_cache import PUBLIC_CACHE_SECONDS
from ..security import anonymous_reader

try:
    APP_VERSION = version("consult")
except PackageNotFoundError:  # pragma: no cover - running from a checkout that was never installed
    APP_VERSION = "checkout"


def seconds_now() -> float:
    """The wall clock the ETag's period is counted on. Not ``clock.utcnow``: tests freeze that one to stand at a
    consultation's window, while this one is pinned for every test (tests/conftest.py), since a revalidation
    that straddles the end of a period gets a 200 for its 304."""
    return time.time()


def _etag(by_language: bool) -> str:
    period = int(seconds_now() // current_app.config.get("PUBLIC_CACHE_SECONDS", PUBLIC_CACHE_SECONDS))
    state = current_app.extensions["consult_public_state"].current()
    parts = (APP_VERSION, state, period, current_language() if by_language else None, request.host_url,
             request.full_path)  # fmt: skip
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def public_page(render: Callable[[], ResponseReturnValue], by_language: bool = True) -> Response:
    """Answer an anonymous reader's revalidation with a 304, or render; anyone else gets render().

    ``by_language=False`` for what reads the same in every language (the open-data API), so that one
    ETag serves every reader of it.
    """
    if not anonymous_reader():
        return make_response(render())
    etag = _etag(by_language)
    response = Response(status=304) if request.if_none_match.contains(etag) else make_response(render())
    if response.status_code in (200, 304):
        response.set_etag(etag)
    return response
