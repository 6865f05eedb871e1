"""HTTP security headers: the browser's share of keeping children's words safe.

No inline script or style exists in the templates, so the Content-Security-Policy needs no
nonce: everything comes from this origin, nothing is framed, nothing is sent elsewhere.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request, session
from flask_login import current_user

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    )
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
HSTS = "max-age=63072000; includeSubDomains"

# Pages an anonymous reader may share with every other reader of their language: any cache may keep
# them a short while (nginx, a CDN, the browser, consult/page_cache.py), and revalidate them by ETag.
PUBLIC_ENDPOINTS = frozenset({"consultations.home", "consultations.detail", "summaries.archive",
                              "summaries.public_version", "auth.privacy", "outcomes.what_happened"})  # fmt: skip
# Open data (consult/api/) reads the same in every language: a shared cache keeps one copy for all its
# anonymous readers (Cookie: a signed-in reader's copy is never shared, as for the pages).
OPEN_DATA_ENDPOINTS = frozenset({"api.consultations", "api.consultation", "api.responses", "api.summary",
                                 "api.summary_version", "api.outcome"})  # fmt: skip
PUBLIC_MAX_AGE = 30  # seconds; the default, CONSULT_PUBLIC_MAX_AGE overrides it
# The language of a reader without an account comes from their cookie or their browser (consult/i18n.py).
PUBLIC_VARY = "Accept-Language, Cookie"
_LOGIN_BOOKKEEPING = frozenset({"_remember", "_fresh", "_id"})


def anonymous_reader() -> bool:
    """No account, and nothing in the session that makes a page theirs (a message waiting, say): a CSRF
    token minted on an earlier form page is not shown on a public page."""
    if getattr(current_user, "is_authenticated", False) or session.modified:
        return False
    token_field = current_app.config["WTF_CSRF_FIELD_NAME"]
    return all(key in _LOGIN_BOOKKEEPING or key == token_field for key in session)


def _share(response: Response, vary: str) -> None:
    max_age = current_app.config.get("PUBLIC_MAX_AGE", PUBLIC_MAX_AGE)
    response.headers["Cache-Control"] = f"public, max-age={max_age}, s-maxage={max_age}"
    response.headers["Vary"] = vary
    if response.status_code == 200 and not response.get_etag()[0]:
        response.add_etag()  # of the body: these pages are cheap enough to render to revalidate
        response.make_conditional(request)


def register(app: Flask) -> None:
    production = app.config["ENV"] == "production"
    if production:
        # A __Host- cookie is only ever sent over HTTPS, to this host, for the whole site.
        if app.config["SESSION_COOKIE_NAME"] == "session":
            app.config["SESSION_COOKIE_NAME"] = "__Host-session"
        app.config["SESSION_COOKIE_PATH"] = "/"
        app.config["SESSION_COOKIE_DOMAIN"] = None

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        if production:
            headers.setdefault("Strict-Transport-Security", HSTS)
        # Pages for a signed-in person never sit in a shared or back-button cache. The session says
        # so without reading the account again (a commit in the view has expired it).
        if "_user_id" in session or getattr(current_user, "is_authenticated", False):
            headers["Cache-Control"] = "no-store"
            headers.add_header("Vary", "Cookie")
        elif (request.method in ("GET", "HEAD") and response.status_code in (200, 304)
              and (request.endpoint in PUBLIC_ENDPOINTS or request.endpoint in OPEN_DATA_ENDPOINTS)
              and anonymous_reader()):  # fmt: skip
            _share(response, "Cookie" if request.endpoint in OPEN_DATA_ENDPOINTS else PUBLIC_VARY)
        return response
