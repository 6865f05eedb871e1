"""Anonymous readers' pages answered from memory, before Flask does any work.

During the one-day surge most requests are readers without an account loading the same few pages. A
WSGI layer in front of the app keeps each page the app marked shareable (``Cache-Control: public``, no
cookie set) by path and query, the reader's language and the public version (consult/public_version.py),
and answers the next reader of that page from memory, with a 304 when their ETag still matches. A request
that carries a session or remember-me cookie, or is not a GET or HEAD, always goes to the app.

The public version is read at most once every ``PUBLIC_STATE_SECONDS`` in each process, so a decision
reaches readers of a page this process holds that much later; ``PUBLIC_CACHE_SECONDS`` bounds how long a
page is kept whatever happens (a change made outside the app's sessions, say).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from threading import Lock

from flask import Flask
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header, parse_cookie, unquote_etag

from .extensions import db
from .i18n import LANGUAGE_COOKIE, reader_locale
from .public_version import PUBLIC_STATE_SECONDS, PublicState

PUBLIC_CACHE_SECONDS = 60  # the default; CONSULT_PUBLIC_CACHE_SECONDS overrides it
MAX_PAGES = 256  # per process: a few pages per language are all a surge reads
MAX_PAGE_BYTES = 2 * 1024 * 1024
_KEPT_FOR_304 = ("cache-control", "etag", "vary", "content-security-policy", "x-content-type-options",
                 "referrer-policy", "permissions-policy", "cross-origin-opener-policy", "x-frame-options",
                 "strict-transport-security")  # fmt: skip


@dataclass(frozen=True)
class Page:
    headers: list[tuple[str, str]]
    body: bytes
    etag: str | None
    until: float


def _shareable(status: str, headers: list[tuple[str, str]]) -> bool:
    if not status.startswith("200"):
        return False
    names = {name.lower(): value for name, value in headers}
    return "set-cookie" not in names and "public" in names.get("cache-control", "")


class PublicPageCache:
    """The WSGI middleware: ``app.wsgi_app = PublicPageCache(app, app.wsgi_app)``."""

    def __init__(self, app: Flask, wsgi_app) -> None:
        self.app, self.wsgi_app = app, wsgi_app
        self.state = PublicState(self._engine, lambda: self._config("PUBLIC_STATE_SECONDS", PUBLIC_STATE_SECONDS))
        self._pages: OrderedDict[tuple, Page] = OrderedDict()
        self._lock = Lock()
        self._engine_made = None
        app.extensions["consult_public_state"] = self.state

    def _config(self, name: str, default):
        value = self.app.config.get(name)
        if value is None and name == "PUBLIC_STATE_SECONDS" and self.app.config["ENV"] == "testing":
            return 0  # tests see every change at once; a test sets the interval to see it wait
        return default if value is None else value

    def _engine(self):
        if self._engine_made is None:
            with self.app.app_context():
                self._engine_made = db.engine
        return self._engine_made

    def _key(self, environ) -> tuple | None:
        """None: this request is not an anonymous read, and goes to the app untouched."""
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or not self.app.config.get("PUBLIC_PAGE_CACHE", True):
            return None
        cookies = parse_cookie(environ.get("HTTP_COOKIE", "")) if environ.get("HTTP_COOKIE") else {}
        config = self.app.config
        if config["SESSION_COOKIE_NAME"] in cookies or config.get("REMEMBER_COOKIE_NAME", "remember_token") in cookies:
            return None
        accepted = parse_accept_header(environ.get("HTTP_ACCEPT_LANGUAGE"), LanguageAccept)
        locale = reader_locale(cookies.get(LANGUAGE_COOKIE), accepted, config["BABEL_DEFAULT_LOCALE"])
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        # The host and scheme too: open data (consult/api/) writes absolute addresses.
        origin = environ.get("wsgi.url_scheme", "http"), environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        return origin, path, environ.get("QUERY_STRING", ""), locale, self.state.current()

    def __call__(self, environ, start_response) -> Iterable[bytes]:
        key = self._key(environ)
        if key is None:
            return self.wsgi_app(environ, start_response)
        now = time.monotonic()
        with self._lock:
            page = self._pages.get(key)
            if page is not None and page.until > now:
                self._pages.move_to_end(key)
            else:
                page = None
        if page is not None:
            return self._serve(page, environ, start_response)
        return self._render(key, now, environ, start_response)

    def _render(self, key: tuple, now: float, environ, start_response) -> Iterable[bytes]:
        captured: list = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info=None):
            if exc_info is None and environ["REQUEST_METHOD"] == "GET" and _shareable(status, headers):
                captured[:] = [status, headers]
                return lambda data: captured.append(data)
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, capture)
        if not captured:
            return body
        try:
            data = b"".join([*captured[2:], *body])
        finally:
            if hasattr(body, "close"):
                body.close()
        status, headers = captured[:2]
        etag = next((value for name, value in headers if name.lower() == "etag"), None)
        page = Page(headers, data, unquote_etag(etag)[0] if etag else None,
                    now + self._config("PUBLIC_CACHE_SECONDS", PUBLIC_CACHE_SECONDS))  # fmt: skip
        if len(data) <= MAX_PAGE_BYTES:
            with self._lock:
                self._pages[key] = page
                while len(self._pages) > MAX_PAGES:
                    self._pages.popitem(last=False)
        start_response(status, headers)
        return [data]

    def _serve(self, page: Page, environ, start_response) -> Iterable[bytes]:
        if page.etag and page.etag in _etags(environ.get("HTTP_IF_NONE_MATCH", "")):
            start_response("304 Not Modified", [(n, v) for n, v in page.headers if n.lower() in _KEPT_FOR_304])
            return []
        start_response("200 OK", page.headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [page.body]


def _etags(header: str) -> set[str]:
    if not header:
        return set()
    return {unquote_etag(part.strip())[0] for part in header.split(",") if part.strip()}


def register(app: Flask) -> None:
    app.wsgi_app = PublicPageCache(app, app.wsgi_app)
