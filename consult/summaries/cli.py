"""``flask summarise``, ``flask export`` and ``flask summaries vectorise``."""

from __future__ import annotations

import json
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from .. import languages
from ..audit_log import security_event
from ..extensions import db
from ..models import Consultation
from .documents import document_content, render_data
from .formats import FORMATS, Kind
from .generation import count_missing_vectors, generate_summary, missing_vectors, vectorise
from .reading import summary_json
from .versions import consultation_by_slug, latest_published, version

summaries = AppGroup("summaries", help="Summaries: vectors of approved responses.")


def _consultation(slug: str) -> Consultation:
    consultation = consultation_by_slug(slug)
    if consultation is None:
        raise click.ClickException(f"no consultation {slug!r}")
    return consultation


@contextmanager
def _progress(total: int, label: str):
    """A progress bar on a terminal, nothing when output goes to a file or a pipe."""
    if total and sys.stderr.isatty():
        with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
            yield bar.update
    else:
        yield lambda n: None


@summaries.command("vectorise")
@click.argument("slugs", nargs=-1)
def vectorise_command(slugs: tuple[str, ...]):
    """Compute the vectors approved responses lack (of SLUGS, or of every consultation)."""
    consultations = [_consultation(s) for s in slugs] or list(
        db.session.scalars(select(Consultation).order_by(Consultation.id))
    )
    for consultation in consultations:
        started = time.perf_counter()
        missing = missing_vectors(consultation)
        with _progress(len(missing), f"{consultation.slug}: vectors") as update:
            done = vectorise(consultation, update, missing)
        db.session.commit()
        elapsed = time.perf_counter() - started
        click.echo(f"{consultation.slug}: {done} vectors computed ({elapsed:.1f} s).")


@click.command("summarise")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--themes", type=click.IntRange(1, 30), default=None, help="Themes per question (default: automatic).")
def summarise_command(slug: str, as_json: bool, themes: int | None):
    """Compute a new draft version of SLUG's summary from its approved responses."""
    consultation = _consultation(slug)
    started = time.perf_counter()
    with _progress(count_missing_vectors(consultation), f"{slug}: vectors") as update:
        counts = {q.id: themes for q in consultation.questions} if themes else None
        summary = generate_summary(consultation, None, counts, update)
    db.session.commit()
    elapsed = time.perf_counter() - started
    if as_json:
        click.echo(json.dumps(summary_json(summary), ensure_ascii=False, indent=1))
    else:
        chosen = ", ".join(f"{k}" for k in summary.parameters["themes_chosen"].values())
        click.echo(
            f"{slug}: version {summary.version} (draft), {summary.parameters['responses_used']} approved responses, "
            f"themes per question: {chosen or 'none'} ({elapsed:.1f} s)."
        )


class _RegisteredFormat(click.Choice):
    """The registry's format names when the command runs, not when this module was imported."""

    def __init__(self) -> None:
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(FORMATS)

    @choices.setter
    def choices(self, value) -> None:  # Choice.__init__ sets its own; the registry is the one list
        pass


@click.command("export")
@click.argument("slug")
@click.option("--format", "file_format", type=_RegisteredFormat(), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--version", "number", type=int, default=None, help="Summary version (default: the latest published).")
@click.option("--language", default="en", show_default=True, help="Language of the document's headings.")
def export_command(slug: str, file_format: str, output: Path, number: int | None, language: str):
    """Write SLUG's input document (a document format) or open data (a data format) to OUTPUT."""
    if not languages.supported(language):
        raise click.BadParameter(f"one of {', '.join(languages.codes())}", param_hint="--language")
    consultation = _consultation(slug)
    started = time.perf_counter()
    chosen = FORMATS[file_format]
    if chosen.kind is Kind.DATA:
        content = render_data(consultation, chosen.name)
    else:
        summary = version(consultation, number) if number else latest_published(consultation)
        if summary is None:
            raise click.ClickException(
                f"{slug} has no {'version ' + str(number) if number else 'published summary'}; "
                "run `flask summarise` and publish a version first (or give --version)"
            )
        content = document_content(summary, chosen, language, keep=summary.is_published)  # the archive serves it
        db.session.commit()
    output.write_bytes(content)
    security_event("export", via="cli", kind=file_format, consultation_id=consultation.id, language=language)
    click.echo(f"{output}: {len(content):,} bytes ({time.perf_counter() - started:.1f} s).")


def register(app: Flask) -> None:
    app.cli.add_command(summaries)
    app.cli.add_command(summarise_command)
    app.cli.add_command(export_command)
