"""Fixtures: an app per test on a clean database, SQLite always and PostgreSQL when configured.

``app`` and ``client`` serve requests. ``db`` gives the test its own view of the same
database through a twin app, so that nothing the test holds (session, ``g``, the
logged-in user) leaks into the requests it makes, as in production.
"""

from __future__ import annotations

import itertools
import json
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import request_finished
from sqlalchemy import text

from consult import clock, create_app
from consult.auth.services import create_user
from consult.config import Defaults
from consult.extensions import db as _db
from consult.models import (
    Consultation,
    ConsultationStatus,
    Meeting,
    Priority,
    Question,
    Role,
    Submission,
    SubmissionStatus,
)

PROJECT = Path(__file__).resolve().parents[1]


def _shared_dir() -> Path:
    """``../shared`` beside the checkout, as on every workplace machine and in CI."""
    candidates = [os.environ.get("CONSULT_SHARED_DIR"), PROJECT.parent / "shared", "/work/shared"]
    for candidate in filter(None, candidates):
        if (Path(candidate) / "data").is_dir():
            return Path(candidate)
    raise RuntimeError("../shared/data not found: set CONSULT_SHARED_DIR to the shared folder")


DATA = _shared_dir() / "data"
POSTGRES_URL = os.environ.get("CONSULT_TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


def pytest_configure(config):
    if os.environ.get("CI") == "true" and not POSTGRES_URL:
        raise pytest.UsageError(
            "CI=true but CONSULT_TEST_DATABASE_URL is unset: the PostgreSQL run may not be skipped."
        )


def pytest_report_header(config):
    if POSTGRES_URL:
        return "databases: SQLite and PostgreSQL"
    return "databases: SQLite only (set CONSULT_TEST_DATABASE_URL to run every test on PostgreSQL too)"


def test_config(database_url: str, tmp_dir: Path | None = None) -> dict:
    return {
        # Nothing a test does may write into the checkout's instance folder.
        "DEMO_LOGINS_FILE": str((tmp_dir or Path(os.environ.get("TMPDIR", "/tmp"))) / "consult-test-demo-logins.txt"),
        "ENV": "testing",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 8,
        "ARGON2_PARALLELISM": 1,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Loops of hundreds of sign-ups from one test client; the limits have tests of their own.
        "RATELIMIT_ENABLED": False,
        # Tests travel in time; the session timeouts have tests of their own with the real limits.
        "SESSION_IDLE_MINUTES": 10**7,
        "SESSION_ABSOLUTE_HOURS": 10**6,
        "STAFF_SESSION_IDLE_MINUTES": 10**7,
        "STAFF_SESSION_ABSOLUTE_HOURS": 10**6,
        # Eighteen documents per published version (a PDF takes seconds): only the tests of it render ahead.
        "DOCUMENTS_AHEAD": False,
    }


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory) -> str:
    """A freshly migrated database for the whole run, per backend."""
    from flask_migrate import upgrade

    url = POSTGRES_URL if request.param == "postgresql" else f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"

    app = create_app(test_config(url))
    with app.app_context():
        if request.param == "postgresql":
            with _db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade()
        _db.engine.dispose()
    return url


def _empty_tables(app) -> None:
    """Empty every table between tests, lifting the audit trail's append-only guard for a moment."""
    with app.app_context():
        _db.session.remove()
        tables = list(reversed(_db.metadata.sorted_tables))
        with _db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                names = ", ".join(t.name for t in tables)
                connection.execute(text("ALTER TABLE moderation_events DISABLE TRIGGER USER"))
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
                connection.execute(text("ALTER TABLE moderation_events ENABLE TRIGGER USER"))
            else:
                guards = connection.execute(
                    text(
                        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'moderation_events'"
                    )
                ).all()
                for name, _sql in guards:
                    connection.execute(text(f"DROP TRIGGER {name}"))
                for table in tables:
                    connection.execute(table.delete())
                for _name, sql in guards:
                    connection.execute(text(sql))
        _db.engine.dispose()


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(test_config(database_url, tmp_path))
    yield app
    _empty_tables(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app, database_url):
    """The database as the test sees it; every query reads what requests have committed.

    While it is active, CLI commands run through ``runner`` see this twin app, so a test
    that changes configuration for a command changes it on both apps.
    """
    twin = create_app(test_config(database_url))
    twin.config.update({k: v for k, v in app.config.items() if k.isupper()})
    with twin.app_context():
        test_session = _db.session()

        def forget_what_requests_changed(sender, **extra):
            test_session.expire_all()

        request_finished.connect(forget_what_requests_changed, app)
        yield _db
        request_finished.disconnect(forget_what_requests_changed, app)
        _db.session.remove()
        _db.engine.dispose()


class FrozenClock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, now: datetime) -> None:
        self.now = now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def frozen_clock(monkeypatch) -> FrozenClock:
    frozen = FrozenClock(datetime(2026, 11, 28, 12, 0, tzinfo=UTC))
    monkeypatch.setattr(clock, "utcnow", frozen)
    return frozen


@pytest.fixture(autouse=True)
def _etag_period_pinned(monkeypatch):
    """An anonymous page's ETag changes every PUBLIC_CACHE_SECONDS; a test that revalidates must not
    straddle the end of a period (CI once got a 200 for a 304 that way). tests/test_public_caching.py
    moves it on purpose."""
    from consult.consultations import caching

    pinned = time.time()
    monkeypatch.setattr(caching, "seconds_now", lambda: pinned)


_counter = itertools.count(1)


@pytest.fixture
def make_user(db):
    def make(
        role: Role = Role.PARTICIPANT, pseudonym: str | None = None, password: str = "correct horse 42", **profile
    ):
        if role is Role.PARTICIPANT:
            profile.setdefault("age_band", "16-17")
            profile.setdefault("country", "KE")
            profile.setdefault("consent_version", Defaults.PRIVACY_NOTICE_VERSION)  # agreed to the current notice
        user = create_user(pseudonym or f"{role.value.title()} {next(_counter)}", password, role, **profile)
        db.session.commit()
        user.password = password  # for logging in; never stored
        return user

    return make


@pytest.fixture
def make_meeting(db):
    def make(starts_at: datetime | None = None, title: str = "CWG-COP meeting") -> Meeting:
        meeting = Meeting(title=title, starts_at=starts_at or clock.utcnow() + timedelta(days=7), venue="Geneva")
        db.session.add(meeting)
        db.session.commit()
        return meeting

    return make


@pytest.fixture
def make_consultation(db):
    """``make_consultation(open=True)``: published, open now for 24 hours, with three questions."""

    def make(
        open: bool = True,
        *,
        slug: str | None = None,
        opens_at: datetime | None = None,
        closes_at: datetime | None = None,
        status: ConsultationStatus = ConsultationStatus.PUBLISHED,
        questions: int = 3,
        max_length: int = 1000,
        meeting: Meeting | None = None,
        title: str = "Online safety consultation",
    ) -> Consultation:
        now = clock.utcnow()
        if opens_at is None:
            opens_at = now - timedelta(hours=1) if open else now - timedelta(days=3)
        closes_at = closes_at or opens_at + timedelta(hours=24)
        consultation = Consultation(
            slug=slug or f"consultation-{next(_counter)}",
            title=title,
            description="<p>Tell us what you think.</p>",
            opens_at=opens_at,
            closes_at=closes_at,
            status=status,
            meeting=meeting,
        )
        consultation.questions = [
            Question(position=n, prompt=f"Question number {n}?", max_length=max_length) for n in range(1, questions + 1)
        ]
        db.session.add(consultation)
        db.session.commit()
        return consultation

    return make


@pytest.fixture
def make_submission(db):
    def make(question: Question, author=None, body: str = "Keep us safe online.", status=SubmissionStatus.PENDING,
             language: str = "en", screened: bool = True) -> Submission:  # fmt: skip
        submission = Submission(
            question_id=question.id,
            author_id=author.id if author else None,
            body=body,
            published_text=body if status is SubmissionStatus.APPROVED else None,
            language=language,
            status=status,
            age_band=author.age_band if author else None,
            country=author.country if author else None,
            # As if the job worker had been through it; unscreened ones wait for it, last in the queue.
            screened_at=clock.utcnow() if screened else None,
            priority=Priority.CLEAR if screened else Priority.UNSCREENED,
        )
        db.session.add(submission)
        db.session.commit()
        return submission

    return make


@dataclass
class Login:
    client: object

    def __call__(self, user) -> None:
        self.client.post("/logout")  # whoever was signed in before leaves first
        response = self.client.post("/login", data={"username": user.pseudonym, "password": user.password})
        assert response.status_code == 302, response.get_data(as_text=True)


@pytest.fixture
def login(client) -> Login:
    return Login(client)


@pytest.fixture(scope="session")
def naughty_strings() -> list[str]:
    return json.loads((DATA / "naughty-strings" / "blns.json").read_text(encoding="utf-8"))


@pytest.fixture
def limited_app_with(db, database_url, tmp_path):
    """``limited_app_with(**settings)``: a fresh app with its rate limits on (memory storage), settings on top."""
    apps = []

    def make(**settings):
        config = test_config(database_url, tmp_path) | {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}
        apps.append(create_app(config | settings))
        return apps[-1]

    yield make
    for app in apps:
        with app.app_context():
            _db.engine.dispose()
