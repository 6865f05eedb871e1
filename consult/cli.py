"""Command-line interface: ``flask --app wsgi <command>``."""

from __future__ import annotations

import json
import os
import subprocess  # nosec B404 - runs pybabel with fixed arguments only
import sys
import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select
from wtforms.validators import ValidationError

from . import clock, languages
from .audit_log import security_event
from .auth import server_sessions
from .auth.forms import PASSWORD_MAX, PASSWORD_MIN, PSEUDONYM_MAX, PSEUDONYM_MIN, validate_pseudonym_characters
from .auth.services import account_named, create_user, password_weakness, pseudonym_taken
from .config import PROJECT_DIR
from .consultations.importers import ImportFailed, import_polis
from .demo import seed_demo
from .extensions import db
from .models import AGE_BAND_LABELS, Consultation, ConsultationStatus, Role
from .retention import purge
from .secretariat.reach import stats_json
from .text import clean_single_line
from .workshops import cli as workshops_cli

users = AppGroup("users", help="Manage accounts.")
consultations = AppGroup("consultations", help="Manage consultations.")
translate = AppGroup("translate", help="Extract, update and compile the message catalogs.")
users.add_command(workshops_cli.facilitator_command)


@users.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice([r.value for r in Role]))
def set_role_command(name: str, role: str):
    """Give the account NAME another ROLE (it applies from the account's next request)."""
    user = account_named(name)
    before = user.role
    if before is Role.PARTICIPANT or Role(role) is Role.PARTICIPANT:
        # A participant carries an age band and country; staff carry none: make a new account instead.
        raise click.ClickException("participants and staff are separate accounts: create a new one instead")
    user.role = Role(role)
    db.session.commit()
    security_event("role_changed", subject_id=user.id, before=before.value, after=user.role.value, via="cli")
    click.echo(f"{user.pseudonym!r} is now {user.role.value} (was {before.value}).")


@users.command("deactivate")
@click.argument("name")
@click.option("--activate", is_flag=True, help="Let the account sign in again.")
def deactivate_command(name: str, activate: bool):
    """Stop NAME from signing in; their open sessions end at once."""
    user = account_named(name)
    user.active = activate
    if not activate:
        server_sessions.end_all(user)
    db.session.commit()
    security_event("account_activated" if activate else "account_deactivated", subject_id=user.id, via="cli")
    click.echo(f"{user.pseudonym!r} can {'now' if activate else 'no longer'} sign in.")


@users.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.PARTICIPANT.value, show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--age-band", default=None, help="Participants only, e.g. 16-17.")
@click.option("--country", default=None, help="Participants only: ISO 3166-1 alpha-2 code.")
def create_user_command(name: str, role: str, password_stdin: bool, age_band: str | None, country: str | None):
    """Create an account called NAME."""
    name = clean_single_line(name)
    if not PSEUDONYM_MIN <= len(name) <= PSEUDONYM_MAX:
        raise click.BadParameter(f"use {PSEUDONYM_MIN} to {PSEUDONYM_MAX} characters", param_hint="NAME")
    try:
        validate_pseudonym_characters(name)
    except ValidationError as error:
        raise click.BadParameter(str(error), param_hint="NAME") from error
    if pseudonym_taken(name):
        raise click.ClickException(f"an account called {name!r} already exists (names are compared ignoring case)")
    if age_band is not None and age_band not in AGE_BAND_LABELS:
        raise click.BadParameter(f"one of {', '.join(AGE_BAND_LABELS)}", param_hint="--age-band")
    country = (country or "").strip().upper() or None
    if country is not None and not (len(country) == 2 and country.isascii() and country.isalpha()):
        raise click.BadParameter("a two-letter ISO 3166-1 code such as KE", param_hint="--country")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise click.ClickException(f"the password must be {PASSWORD_MIN} to {PASSWORD_MAX} characters long")
    weakness = password_weakness(password, name)
    if weakness is not None:
        raise click.ClickException(str(weakness))
    user = create_user(name, password, Role(role), age_band=age_band, country=country)
    db.session.commit()
    security_event("account_created", user=user, via="cli")
    click.echo(f"Created {user.role.value} {user.pseudonym!r} (id {user.id}).")


class _LanguageChoice(click.Choice):
    """The supported languages as they are when the command runs, not when this module was imported."""

    def __init__(self) -> None:
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        return languages.codes()

    @choices.setter
    def choices(self, _value) -> None:
        pass


@consultations.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "file_format", type=click.Choice(["polis", "workshop"]), required=True)
@click.option("--slug", default=None, help="Web address of the consultation (default: from the file name).")
@click.option("--question", "question_position", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--title", default=None)
@click.option("--language", type=_LanguageChoice(), default="en", show_default=True,
              help="Language of the imported statements.")  # fmt: skip
@click.option("--facilitator", default=None, help="Workshop: the facilitator account whose workshop it was.")
@click.option("--attest", is_flag=True, help="Workshop: the young people agreed to take part; no names are included.")
def import_command(file: Path, file_format: str, slug, question_position, title, language, facilitator, attest):
    """Import FILE: a Pol.is comments.csv into a closed consultation, created as a draft; or, with --format
    workshop, a workshop's answers (question,body,language,age_band,country,group_size) into the open SLUG."""
    if file_format == "workshop":
        workshops_cli.import_workshop(file, slug, facilitator, attest)
        return
    started = time.perf_counter()
    try:
        result = import_polis(file, slug=slug, question_position=question_position, title=title, language=language)
    except ImportFailed as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(
        f"{result.consultation.slug}: {result.added} responses added, {result.already_present} already present, "
        f"{result.empty} empty skipped ({time.perf_counter() - started:.2f} s)."
    )
    consultation = result.consultation
    if consultation.status is ConsultationStatus.DRAFT:
        click.echo(
            f"{consultation.slug} is a draft, shown nowhere public: the secretariat publishes it with Publish "
            f"at /secretariat/consultations/{consultation.id}/edit."
        )
    else:
        click.echo(f"{consultation.slug} was already published and stays published.")


@consultations.command("stats")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (the only output form for now).")
@click.option("--public", is_flag=True, help="Suppress small counts as the published statistics do.")
def stats_command(slug: str, as_json: bool, public: bool):
    """Moderation figures and reach of the consultation SLUG so far."""
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None:
        raise click.ClickException(f"No consultation {slug!r}.")
    click.echo(json.dumps(stats_json(consultation, public=public), ensure_ascii=False, indent=None if as_json else 2))


def seed_demo_command():
    """Create the demo meeting, consultations and accounts (idempotent)."""
    result = seed_demo()
    db.session.commit()
    for slug in result.created:
        click.echo(f"Created consultation {slug}")
    if result.logins:
        logins_file = Path(current_app.config["DEMO_LOGINS_FILE"])
        logins_file.parent.mkdir(parents=True, exist_ok=True)
        lines = [f"{role:<12} {name:<18} {password}" for name, role, password in result.logins]
        with os.fdopen(os.open(logins_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "a") as handle:
            handle.write("\n".join(lines) + "\n")
        click.echo(f"Demo logins (shown once; also kept in {logins_file}):")
        click.echo("\n".join("  " + line for line in lines))
    elif not result.created:
        click.echo("The demo data is already there; nothing added.")


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what would be removed; change nothing.")
def purge_command(dry_run: bool):
    """Remove what the retention period (RETENTION_DAYS after the meeting) no longer allows."""
    days = current_app.config["RETENTION_DAYS"]
    counts = purge(clock.utcnow(), days, dry_run=dry_run)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
        security_event("retention_purge", via="cli", **dict(counts.items()))
    click.echo(f"{'Would remove' if dry_run else 'Removed'} (retention {days} days):")
    for name, number in counts.items():
        click.echo(f"  {name.replace('_', ' ')}: {number}")


def _pybabel(*args: str) -> None:
    # Fixed program and arguments from this module, never user input.
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=PROJECT_DIR)  # noqa: S603  # nosec B603


@translate.command("extract")
def translate_extract():
    """Collect the source strings into translations/messages.pot."""
    # Babel's default keywords cover pgettext and npgettext, not the lazy forms.
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_pgettext:1c,2", "--no-location", "--sort-output",
             "-o", "translations/messages.pot", ".")  # fmt: skip


@translate.command("update")
def translate_update():
    """Extract, then merge new strings into every catalog."""
    translate_extract.callback()
    _pybabel("update", "-i", "translations/messages.pot", "-d", "translations",
             "--no-fuzzy-matching", "--ignore-obsolete")  # fmt: skip


@translate.command("init")
@click.argument("language")
def translate_init(language: str):
    """Start a catalog for LANGUAGE."""
    _pybabel("init", "-i", "translations/messages.pot", "-d", "translations", "-l", language)


@translate.command("compile")
def translate_compile():
    """Compile the catalogs to .mo files."""
    if any((PROJECT_DIR / "translations").glob("*/LC_MESSAGES/messages.po")):
        _pybabel("compile", "-d", "translations", "--statistics")


def register(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(consultations)
    app.cli.add_command(translate)
    app.cli.command("seed-demo")(seed_demo_command)
    app.cli.add_command(purge_command)
