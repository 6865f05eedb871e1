"""Every answer carries the headers that keep scripts, frames and caches out."""

import pytest
from conftest import test_config as config_for

from consult import create_app
from consult.extensions import db as _db
from consult.models import Role


def test_public_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'",
                      "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"):  # fmt: skip
        assert directive in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # development is plain HTTP


def test_error_pages_carry_the_headers_too(client):
    assert "frame-ancestors 'none'" in client.get("/no-such-page").headers["Content-Security-Policy"]


def test_templates_need_no_inline_script_or_style(client, login, make_user, make_consultation):
    make_consultation(open=True)
    login(make_user())
    page = client.get("/").get_data(as_text=True)
    assert "<script>" not in page and " style=" not in page and "onclick" not in page


def test_signed_in_pages_are_never_cached(client, login, make_user):
    assert client.get("/").headers.get("Cache-Control") != "no-store"
    login(make_user(Role.MODERATOR))
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert client.get("/moderation/").headers["Cache-Control"] == "no-store"


@pytest.fixture
def production_app(database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("CONSULT_SECRET_KEY", "a-real-secret-from-the-environment")
    config = config_for(database_url, tmp_path) | {"ENV": "production"}
    config.pop("SECRET_KEY")
    app = create_app(config)
    yield app
    with app.app_context():
        _db.engine.dispose()


def test_production_uses_hsts_and_a_host_only_secure_session_cookie(production_app, make_user):
    user = make_user()
    client = production_app.test_client()
    response = client.post("/login", data={"username": user.pseudonym, "password": user.password},
                           base_url="https://localhost")  # fmt: skip
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("__Host-session="))
    for attribute in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert attribute in cookie
    assert "Domain=" not in cookie
