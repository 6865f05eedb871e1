"""HTTP security headers: the browser's share of keeping children's words safe.

No inline script or style exists in the templates, so the Content-Security-Policy needs no
nonce: everything comes from this origin, nothing is framed, nothing is sent elsewhere.
"""

from __future__ import annotations

from flask import Flask, Response, session
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
        return response
