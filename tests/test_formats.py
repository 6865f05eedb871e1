"""Output formats come from one registry: an entry and its renderer are all a new format needs.

A test-only format is registered here (and removed afterwards); the summary and archive pages offer it,
the download views serve it, the API lists it beside the other documents and ``flask export`` writes it.
"""

from __future__ import annotations

import pytest
from flask_babel import get_locale
from sqlalchemy import func, select
from summaries_fixtures import Seeded, download, secretariat_fixture, seeded_fixture  # noqa: F401

from consult.summaries import documents
from consult.summaries.documents import document_content
from consult.summaries.formats import FORMATS, Kind, OutputFormat, register
from consult.summaries.generation import generate_summary
from consult.summaries.models import SummaryDocument
from consult.summaries.versions import publish_summary


def _render_plain_text(view) -> bytes:
    return f"{get_locale()}: {view.consultation.title}, version {view.summary.version}".encode()


def _render_tab_separated(consultation) -> bytes:
    return f"slug\ttitle\n{consultation.slug}\t{consultation.title}\n".encode()


@pytest.fixture
def plain_text():
    entry = register(
        OutputFormat("txt", "Plain text", "text/plain; charset=utf-8", "txt", Kind.DOCUMENT, _render_plain_text)
    )
    yield entry
    del FORMATS[entry.name]


@pytest.fixture
def tab_separated():
    entry = register(OutputFormat("tsv", "TSV", "text/tab-separated-values", "tsv", Kind.DATA, _render_tab_separated))
    yield entry
    del FORMATS[entry.name]


@pytest.fixture
def published(db, seeded: Seeded):
    summary = publish_summary(generate_summary(seeded.consultation, seeded.secretariat), seeded.secretariat)
    db.session.commit()
    return summary


def _kept(db) -> int:
    return db.session.scalar(select(func.count()).select_from(SummaryDocument))


def test_a_registered_document_format_is_offered_served_listed_and_exported(
    client, runner, db, seeded: Seeded, published, plain_text, tmp_path
):
    slug, number = seeded.consultation.slug, published.version
    link = f'href="/archive/{slug}/v{number}/document.txt"'

    summary_page = client.get(f"/archive/{slug}/v{number}").text
    assert link in summary_page and "Input document (Plain text)" in summary_page
    archive = client.get("/archive").text
    assert link in archive and ">Plain text</a>" in archive

    first = download(client, f"/archive/{slug}/v{number}/document.txt?lang=fr")
    assert first.status_code == 200
    assert first.mimetype == "text/plain"
    assert first.headers["Content-Disposition"] == f'attachment; filename="{slug}-summary-v{number}.txt"'
    assert first.text == f"fr: {seeded.consultation.title}, version {number}"  # rendered in the asked language
    assert _kept(db) == 1  # kept like every document, and served again
    assert client.get(f"/archive/{slug}/v{number}/document.txt?lang=fr").data == first.data
    assert client.get(f"/archive/{slug}/data.txt").status_code == 404  # a document, not open data

    documents_listed = client.get(f"/api/v1/consultations/{slug}/summary").json["documents"]
    assert set(documents_listed) == {"docx", "pdf", "md", "txt"}
    assert documents_listed["txt"].endswith(f"/archive/{slug}/v{number}/document.txt")

    path = tmp_path / "summary.txt"
    result = runner.invoke(args=["export", slug, "--format", "txt", "--language", "es", "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_text() == f"es: {seeded.consultation.title}, version {number}"


def test_a_registered_open_data_format_is_offered_served_and_exported(
    client, runner, db, seeded: Seeded, published, tab_separated, tmp_path
):
    slug = seeded.consultation.slug
    link = f'href="/archive/{slug}/data.tsv"'
    summary_page = client.get(f"/archive/{slug}/v{published.version}").text
    assert link in summary_page and "Open data (TSV)" in summary_page
    assert link in client.get("/archive").text

    data = client.get(f"/archive/{slug}/data.tsv")
    assert data.status_code == 200 and data.mimetype == "text/tab-separated-values"
    assert data.headers["Content-Disposition"] == f'attachment; filename="{slug}-responses.tsv"'
    assert data.text.splitlines()[1] == f"{slug}\t{seeded.consultation.title}"
    assert client.get(f"/archive/{slug}/v{published.version}/document.tsv").status_code == 404
    assert "tsv" not in client.get(f"/api/v1/consultations/{slug}/summary").json["documents"]

    path = tmp_path / "responses.tsv"
    result = runner.invoke(args=["export", slug, "--format", "tsv", "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_text().startswith("slug\ttitle\n")


def test_a_format_no_longer_registered_is_neither_offered_nor_accepted(client, runner, seeded, published, tmp_path):
    assert "txt" not in FORMATS and "tsv" not in FORMATS
    slug = seeded.consultation.slug
    assert "document.txt" not in client.get(f"/archive/{slug}/v{published.version}").text
    assert client.get(f"/archive/{slug}/v{published.version}/document.txt").status_code == 404
    result = runner.invoke(args=["export", slug, "--format", "txt", "-o", str(tmp_path / "x.txt")])
    assert result.exit_code != 0 and "Invalid value for '--format'" in result.output


def test_a_rendering_kept_meanwhile_by_another_request_is_served_without_an_error(
    app, db, published, plain_text, monkeypatch
):
    with app.test_request_context():
        first = document_content(published, plain_text, "en")
        db.session.commit()
        # As if another request kept the same rendering between this one's look and its keeping.
        monkeypatch.setattr(documents, "kept_document", lambda *args: None)
        again = document_content(published, plain_text, "en")
        db.session.commit()
    assert again == first
    assert _kept(db) == 1
