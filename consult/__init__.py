"""consult: one-day online youth consultations for ITU's Child Online Protection work."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, flash, request
from flask_login.utils import login_url
from markupsafe import Markup
from sqlalchemy import event
from sqlalchemy.engine import Engine

from . import access, cli, errors, i18n, jobs, page_cache, proxies, ratelimits, routing, security, transactions
from .api.views import bp as api_bp
from .auth import sessions
from .auth.services import load_user
from .auth.views import bp as auth_bp
from .config import PROJECT_DIR, load_config
from .consultations import content
from .consultations.views import bp as consultations_bp
from .extensions import babel, csrf, db, limiter, login_manager, migrate
from .jobs import cli as jobs_cli
from .models import AGE_BAND_LABELS
from .moderation import cli as moderation_cli
from .moderation import models as moderation_models  # noqa: F401 - registers its tables
from .moderation import safeguarding_cli
from .moderation.safeguarding_views import bp as safeguarding_bp
from .moderation.views import bp as moderation_bp
from .navigation import is_local_path
from .outcomes import models as outcome_models  # noqa: F401 - registers its tables
from .outcomes.views import bp as outcomes_bp
from .secretariat.views import bp as secretariat_bp
from .secretariat.views import public_bp as reach_bp
from .sqlite_writer import WriterConnection
from .summaries import cli as summaries_cli
from .summaries import models as summaries_models  # noqa: F401 - registers its tables
from .summaries.views import bp as summaries_bp
from .text import description_markup
from .workshops.views import bp as workshops_bp


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(PROJECT_DIR / "templates"),
        static_folder=str(PROJECT_DIR / "static"),
        instance_path=str(PROJECT_DIR / "instance"),
    )
    load_config(app, config)
    register_extensions(app)
    register_security(app)
    routing.register(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    register_transactions(app)  # last: its after_request hook then runs before every other one
    page_cache.register(app)  # in front of it all: anonymous readers' pages answered before Flask works
    # Outermost: every layer, the cache included, sees the client as our own proxies report it.
    app.wsgi_app = proxies.wrap(app.wsgi_app, app.config["TRUSTED_PROXIES"])
    return app


def register_extensions(app: Flask) -> None:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        _prepare_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
        if app.config["SQLITE_WRITER_LOCK"]:
            options = app.config["SQLALCHEMY_ENGINE_OPTIONS"] = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
            options["connect_args"] = {**options.get("connect_args", {}), "factory": WriterConnection}
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_ON_BREACH_CALLBACK", ratelimits.log_breach)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = i18n.LOGIN_MESSAGE
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(_ask_to_log_in)
    jobs.init_app(app)


def _ask_to_log_in():
    """Anonymous or timed-out visitors log in, and come back to the page they were on."""
    if request.method == "GET":
        target = request.full_path
    else:  # the page the form was on, never the POST-only address itself
        referrer = urlsplit(request.referrer or "")
        same_site = referrer.netloc == request.host
        target = referrer.path + (f"?{referrer.query}" if referrer.query else "") if same_site else ""
    flash(i18n.LOGIN_MESSAGE, "info")
    return errors.signed_out(login_url("auth.login", next_url=target if is_local_path(target) else None))


def _prepare_sqlite_file(uri: str) -> None:
    path = uri.removeprefix("sqlite:///")
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record) -> None:
    """WAL for concurrent readers, foreign keys enforced, and patience under write load."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def register_security(app: Flask) -> None:
    security.register(app)
    sessions.register(app)  # before the access check, so an expired session counts as signed out
    access.register(app)


def register_blueprints(app: Flask) -> None:
    app.register_blueprint(consultations_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(moderation_bp, url_prefix="/moderation")
    app.register_blueprint(safeguarding_bp, url_prefix="/safeguarding")
    app.register_blueprint(secretariat_bp, url_prefix="/secretariat")
    app.register_blueprint(reach_bp)
    app.register_blueprint(summaries_bp)
    app.register_blueprint(outcomes_bp)
    app.register_blueprint(workshops_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")


def register_errorhandlers(app: Flask) -> None:
    errors.register(app)


def register_transactions(app: Flask) -> None:
    transactions.register(app)


def register_template_helpers(app: Flask) -> None:
    i18n.register_template_helpers(app)
    # A consultation's own words in the reader's language (see consult.consultations.content).
    app.jinja_env.globals["consultation_content"] = content.consultation_content
    app.jinja_env.globals["consultation_titles"] = content.consultation_titles
    app.jinja_env.globals["language_name_in"] = content.language_name_in
    app.jinja_env.globals["meeting_titles"] = content.meeting_titles
    app.jinja_env.filters["description"] = description_markup
    app.jinja_env.filters["bdi"] = _isolated
    # Isolated: after an Arabic word, "16–17" would otherwise read as Arabic numbers and show reversed ("17–16").
    app.jinja_env.globals["age_band_label"] = lambda code: _isolated(AGE_BAND_LABELS.get(code, code))


def _isolated(value) -> Markup:
    """Text shown among words of another direction (names, ranges, numbers), kept from turning its neighbours around."""
    return Markup("<bdi>{}</bdi>").format(value)


def register_commands(app: Flask) -> None:
    cli.register(app)
    moderation_cli.register(app)
    safeguarding_cli.register(app)
    summaries_cli.register(app)
    jobs_cli.register(app)
