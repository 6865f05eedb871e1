"""Configuration: safe defaults, environment overrides, and a refusal to run production unsafely."""

from __future__ import annotations

import re

import pytest
from conftest import PROJECT
from conftest import test_config as config_for
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from consult import create_app
from consult.config import DEVELOPMENT_SECRET
from consult.extensions import db as _db
from consult.models import Question


@pytest.fixture(autouse=True)
def no_operator_settings(monkeypatch):
    """Whatever CONSULT_* the shell running the tests has set is not part of these tests."""
    monkeypatch.delenv("CONSULT_SECRET_KEY", raising=False)
    monkeypatch.delenv("CONSULT_ENV", raising=False)
    monkeypatch.delenv("CONSULT_DATABASE_URL", raising=False)


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'config.db'}"


def _dispose(app) -> None:
    with app.app_context():
        _db.engine.dispose()


def test_production_refuses_to_start_without_a_secret_key(sqlite_url):
    with pytest.raises(RuntimeError, match="CONSULT_SECRET_KEY must be set to a real secret in production"):
        create_app({"ENV": "production", "DATABASE_URL": sqlite_url})


def test_production_refuses_the_development_secret(sqlite_url):
    with pytest.raises(RuntimeError, match="CONSULT_SECRET_KEY"):
        create_app({"ENV": "production", "DATABASE_URL": sqlite_url, "SECRET_KEY": DEVELOPMENT_SECRET})


def test_a_misspelt_environment_is_refused(sqlite_url):
    with pytest.raises(RuntimeError, match="CONSULT_ENV must be one of development, testing, production, not 'prod'"):
        create_app({"ENV": "prod", "DATABASE_URL": sqlite_url})


def test_production_starts_with_the_secret_from_the_environment(monkeypatch, database_url):
    monkeypatch.setenv("CONSULT_SECRET_KEY", "0f5c1d9e-from-the-environment")

    app = create_app({"ENV": "production", "DATABASE_URL": database_url})

    assert app.secret_key == "0f5c1d9e-from-the-environment"
    assert not app.testing
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.test_client().get("/").status_code == 200
    _dispose(app)


def test_no_environment_means_production_and_needs_a_secret(sqlite_url):
    """A forgotten CONSULT_ENV never falls back on the public development secret."""
    with pytest.raises(RuntimeError, match="CONSULT_SECRET_KEY must be set"):
        create_app({"DATABASE_URL": sqlite_url})


def test_development_works_when_asked_for(monkeypatch, sqlite_url):
    monkeypatch.setenv("CONSULT_ENV", "development")
    app = create_app({"DATABASE_URL": sqlite_url})
    assert app.config["ENV"] == "development"
    assert app.secret_key == DEVELOPMENT_SECRET
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_consult_variables_override_the_defaults(monkeypatch, sqlite_url):
    monkeypatch.setenv("CONSULT_ENV", "development")
    monkeypatch.setenv("CONSULT_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("CONSULT_MAX_RESPONSES_PER_QUESTION", "5")
    monkeypatch.setenv("CONSULT_MIN_AGE", "16")
    monkeypatch.setenv("CONSULT_DEMO_LOGINS_FILE", "/srv/consult/demo-logins.txt")

    app = create_app()

    assert app.config["SQLALCHEMY_DATABASE_URI"] == sqlite_url
    assert app.config["MAX_RESPONSES_PER_QUESTION"] == 5
    assert app.config["MIN_AGE"] == 16
    assert app.config["DEMO_LOGINS_FILE"] == "/srv/consult/demo-logins.txt"
    assert app.config["RESPONSES_PER_PAGE"] == 50  # untouched defaults stay
    assert create_app({"MIN_AGE": 14}).config["MIN_AGE"] == 14  # the factory's mapping has the last word


@pytest.mark.parametrize(
    "url",
    [
        "postgres://consult:pw@db.example.org:5432/consult",
        "postgresql://consult:pw@db.example.org:5432/consult",
        "postgresql+psycopg://consult:pw@db.example.org:5432/consult",
    ],
)
def test_every_postgresql_spelling_uses_psycopg_3(monkeypatch, url):
    monkeypatch.setenv("CONSULT_ENV", "development")
    monkeypatch.setenv("CONSULT_DATABASE_URL", url)

    app = create_app()

    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://consult:pw@db.example.org:5432/consult"
    with app.app_context():
        assert _db.engine.dialect.driver == "psycopg"


def test_folders_are_absolute_and_found_from_any_working_directory(monkeypatch, tmp_path, database_url):
    monkeypatch.chdir(tmp_path)

    app = create_app(config_for(database_url))

    folders = {
        "templates": app.template_folder,
        "static": app.static_folder,
        "migrations": app.extensions["migrate"].directory,
        "translations": app.config["BABEL_TRANSLATION_DIRECTORIES"],
    }
    for name, folder in folders.items():
        assert folder == str(PROJECT / name), name
        assert (PROJECT / name).is_dir()
    client = app.test_client()
    with client.get("/static/style.css") as stylesheet:
        assert stylesheet.status_code == 200
    assert client.get("/").status_code == 200
    assert not (tmp_path / "instance").exists()
    _dispose(app)


def test_sqlite_connections_enforce_foreign_keys_use_wal_and_wait_for_locks(sqlite_url):
    app = create_app(config_for(sqlite_url))

    with app.app_context(), _db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    _dispose(app)


def test_a_question_of_a_missing_consultation_is_refused_by_the_database(db):
    db.session.add(Question(consultation_id=987654, position=1, prompt="Orphan?", max_length=100))

    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def _session_cookie(response) -> str:
    names = ("session=", "__Host-session=")
    [cookie] = [value for value in response.headers.getlist("Set-Cookie") if value.startswith(names)]
    return cookie


def test_session_cookie_is_httponly_and_samesite_lax(client, make_user):
    user = make_user()

    response = client.post("/login", data={"username": user.pseudonym, "password": user.password})

    assert response.status_code == 302
    cookie = _session_cookie(response)
    assert "; HttpOnly" in cookie
    assert "; SameSite=Lax" in cookie
    assert "Expires=" not in cookie  # gone when the browser closes


def test_production_login_needs_a_csrf_token_and_sets_a_secure_cookie(monkeypatch, database_url, make_user):
    monkeypatch.setenv("CONSULT_SECRET_KEY", "a-real-secret-for-this-test")
    app = create_app({"ENV": "production", "DATABASE_URL": database_url})
    client = app.test_client()
    user = make_user()
    credentials = {"username": user.pseudonym, "password": user.password}

    assert client.post("/login", data=credentials).status_code == 400

    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    response = client.post("/login", data={**credentials, "csrf_token": token})

    assert response.status_code == 302
    cookie = _session_cookie(response)
    assert cookie.startswith("__Host-session=")
    assert "; Secure" in cookie
    assert "; HttpOnly" in cookie
    assert "; SameSite=Lax" in cookie
    _dispose(app)
