"""Configuration defaults.

Overrides come, in this order, from ``instance/config.py``, ``CONSULT_*``
environment variables and the ``config`` mapping given to ``create_app``.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
INSTANCE_DIR = PROJECT_DIR / "instance"

ENVIRONMENTS = ("development", "testing", "production")


class Defaults:
    # Unset means production: the development secret is only ever used when someone asked for it
    # (`make run` sets CONSULT_ENV=development), never because a variable was forgotten.
    ENV = "production"  # one of ENVIRONMENTS
    SECRET_KEY: str | None = None
    DATABASE_URL = f"sqlite:///{INSTANCE_DIR / 'consult.db'}"
    # On SQLite, writers queue on a lock file and are woken as the last one commits, instead of
    # SQLite's sleeping retries (consult/sqlite_writer.py). Off: SQLite's busy handler alone.
    SQLITE_WRITER_LOCK = True

    # Sessions are signed cookies; nothing is remembered beyond the browser session.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE: bool | None = None  # None: True in production, False elsewhere
    REMEMBER_COOKIE_DURATION = 0
    WTF_CSRF_TIME_LIMIT = 6 * 3600  # a one-day consultation can be answered slowly
    MAX_CONTENT_LENGTH = 256 * 1024
    SESSION_IDLE_MINUTES = 120
    SESSION_ABSOLUTE_HOURS = 24
    STAFF_SESSION_IDLE_MINUTES = 30
    STAFF_SESSION_ABSOLUTE_HOURS = 8
    # Sensitive staff actions (consult/auth/fresh.py) ask for the password again once it was last typed
    # longer ago than this (OWASP ASVS 5.0 L2, re-authentication).
    STAFF_FRESH_LOGIN_MINUTES = 15

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_DIR / "translations")

    # Flask-Limiter: memory:// serves one process; set CONSULT_RATELIMIT_STORAGE_URI=redis://… when
    # several workers or machines serve, so they count together.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_KEY_PREFIX = "consult"
    # A whole class may sign up from one school's address, so per-address limits stay generous.
    LOGIN_LIMIT_PER_ADDRESS = "30 per minute; 300 per hour"
    LOGIN_LIMIT_PER_ACCOUNT = "10 per minute; 50 per hour"
    SIGNUP_LIMIT_PER_ADDRESS = "30 per minute; 300 per hour"
    ANSWER_LIMIT_PER_USER = "10 per minute; 60 per hour"
    REPORT_LIMIT_PER_ADDRESS = "30 per hour"
    # Endorsing and taking an endorsement back count together. A whole class endorses from one
    # school's address, so that limit is the generous one.
    ENDORSE_LIMIT_PER_USER = "20 per minute; 60 per hour"
    ENDORSE_LIMIT_PER_ADDRESS = "120 per minute; 600 per hour"

    # Redis, when several workers or machines serve: the job queue, and the rate-limit counters unless
    # CONSULT_RATELIMIT_STORAGE_URI names another store.
    # Proxies in front of the app whose X-Forwarded-For is believed: a count, or "10.0.0.0/8,127.0.0.1".
    # Unset: none, so nobody picks the address their rate limits count against (consult/proxies.py).
    TRUSTED_PROXIES: int | str | None = None
    REDIS_URL: str | None = None
    # Background jobs (consult/jobs): Huey on a SQLite file by default, on Redis with REDIS_URL.
    JOBS_DATABASE = str(INSTANCE_DIR / "jobs.db")
    JOBS_IMMEDIATE: bool | None = None  # None: run jobs at once, in-process, only when testing
    JOBS_WORKERS = 2
    JOBS_WORKER_TYPE = "thread"
    # The job worker lowers its own CPU priority by this much (0 to 19, as `nice`): on a machine it shares
    # with the web server, a request never waits behind a batch of screening; the batch takes the idle
    # cores, and still a little of busy ones. 10 left the worker 0.5-0.65 of two busy cores and posting at
    # 0.33-0.49 of the no-op POST; 19 left it 0.48 and posting at 0.68 (bench/bench_load.py --worker-nice N).
    JOBS_NICENESS = 19
    # Before each screening batch the worker waits while other processes keep more than this share of its
    # machine's cores busy (a web server at full load), until the oldest answer waiting has waited
    # JOBS_YIELD_SECONDS; 0 seconds: never waits. A starved worker holding SQLite's write lock would make every
    # answer posted meanwhile wait for it. 0.75 still left the worker 0.35 of two cores beside PostgreSQL.
    JOBS_BUSY_SHARE = 0.5
    JOBS_YIELD_SECONDS = 10.0
    JOBS_POLL_SECONDS = 0.5  # longest wait between polls of the SQLite queue (Redis blocks instead)
    # A POST leaves its ask for a job to a thread that queues it this much later, once for all the asks
    # made meanwhile (consult/jobs/handover.py); None: queued in the request, after its commit.
    JOBS_HANDOVER_SECONDS: float | None = 0.05
    JOBS_SWEEP_AFTER_SECONDS = 30  # an answer unscreened this long had its job lost: ask again
    SCREENING_BATCH = 200
    # Render every document of a version in every language (a job) once it is published or previewed, so
    # that downloads are instant. Off, each document is rendered (a job) when first asked for.
    DOCUMENTS_AHEAD = True
    # The site's public address: documents print each quote's permalink, and a job renders them outside any
    # request, so it cannot be read from one.
    PUBLIC_URL = "http://localhost:5000"
    UNSCREENED_WARNING_SECONDS = 60  # the moderators' dashboard warns: is the worker down?

    MIN_AGE = 13
    # The consultations are for young people: older visitors read everything without an account.
    MAX_AGE = 24
    # `flask purge`: days after a consultation's meeting (or close, without one) that originals of
    # redacted and rejected answers, safeguarding and decision notes are kept; also how long an
    # inactive participant account lives.
    # Reach panel: a region or age band with fewer than this share of the participants so far is
    # "under-represented now", once at least REACH_MINIMUM_PARTICIPANTS have taken part.
    REACH_UNDER_SHARE = 0.05
    REACH_MINIMUM_PARTICIPANTS = 20
    RETENTION_DAYS = 365
    PRIVACY_NOTICE_VERSION = "2026-12a"  # a possible disclosure is kept for the safeguarding team
    MAX_RESPONSES_PER_QUESTION = 3
    DEFAULT_WINDOW_HOURS = 24
    DEFAULT_MAX_LENGTH = 1000
    RESPONSES_PER_PAGE = 50
    PENDING_PER_PAGE = 50
    MODERATION_CLAIM_MINUTES = 5
    # Helplines shown to the safeguarding team, by country (JSON like consult/moderation/helplines.json).
    HELPLINES_FILE: str | None = None
    AUDIT_EVENTS_PER_PAGE = 100
    # A take-down for review needs reports from this many distinct participant accounts, each at least
    # this old: staff reports and those of newer accounts are kept but not counted, so that one person
    # with a handful of fresh accounts cannot take an answer down (consult/moderation/reports.py).
    REPORT_THRESHOLD = 3
    REPORT_MIN_ACCOUNT_AGE_MINUTES = 10
    REPORTS_PER_ACCOUNT_PER_HOUR = 10

    # OWASP Password Storage Cheat Sheet, first Argon2id option.
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST = 19 * 1024
    ARGON2_PARALLELISM = 1

    # Where `flask seed-demo` appends the demo accounts' passwords (readable by the owner only).
    DEMO_LOGINS_FILE = str(INSTANCE_DIR / "demo-logins.txt")


DEVELOPMENT_SECRET = "dev-only-not-secret"  # noqa: S105  # nosec B105 - refused outside development


def load_config(app, overrides: dict | None) -> None:
    """Fill ``app.config`` and fail fast on an unsafe production setup."""
    app.config.from_object(Defaults)
    app.config.from_pyfile(str(INSTANCE_DIR / "config.py"), silent=True)
    app.config.from_prefixed_env("CONSULT")
    if overrides:
        app.config.update(overrides)

    env = app.config["ENV"]
    if env not in ENVIRONMENTS:
        raise RuntimeError(f"CONSULT_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}.")
    if env == "testing":
        app.config["TESTING"] = True
    if env == "production" and app.config.get("SECRET_KEY") in (None, "", DEVELOPMENT_SECRET):
        raise RuntimeError(
            "CONSULT_SECRET_KEY must be set to a real secret in production "
            '(python -c "import secrets; print(secrets.token_hex(32))"); '
            "for the demo on your own machine set CONSULT_ENV=development (make run does)."
        )
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = DEVELOPMENT_SECRET
    # Flask's own default (False) would otherwise win over a setdefault here.
    if app.config["SESSION_COOKIE_SECURE"] is None:
        app.config["SESSION_COOKIE_SECURE"] = env == "production"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["DATABASE_URL"])
    if app.config["REDIS_URL"] and app.config["RATELIMIT_STORAGE_URI"] == "memory://":
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the operator chose."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
