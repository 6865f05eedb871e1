"""The input document and the open data: their content, and nothing unapproved in any of them."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import zipfile

import pytest
from summaries_fixtures import (  # noqa: F401
    REDACTED,
    SECRETS,
    Seeded,
    add_response,
    download,
    secretariat_fixture,
    seeded_fixture,
)

from consult.models import SubmissionStatus
from consult.summaries.documents import render_data, render_document
from consult.summaries.generation import generate_summary
from consult.summaries.markdown import md_escape
from consult.summaries.pdf import render_html
from consult.summaries.reading import summary_view
from consult.summaries.versions import publish_summary
from consult.text import neutralise


@pytest.fixture
def published(db, seeded: Seeded):
    summary = generate_summary(seeded.consultation, seeded.secretariat)
    summary = publish_summary(summary, seeded.secretariat)
    db.session.commit()
    return summary


def _docx_text(content: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext (poppler-utils) is needed to read the PDF back"
    return subprocess.run([pdftotext, str(path), "-"], check=True, capture_output=True, text=True).stdout


def _assert_clean(text: str, where: str) -> None:
    for kind, secret in SECRETS.items():
        assert secret not in text, f"{kind} text found in {where}"
        assert secret.split()[0] not in text, f"{kind} marker found in {where}"


def test_no_unapproved_text_in_any_document_or_data_format(app, db, seeded: Seeded, published, tmp_path):
    view = summary_view(published, with_annex=True)
    with app.test_request_context():
        outputs = {
            "md": render_document(view, "md").decode(),
            "html": render_html(view),
            "docx": _docx_text(render_document(view, "docx")),
            "pdf": _pdf_text(render_document(view, "pdf"), tmp_path),
            "csv": render_data(seeded.consultation, "csv").decode(),
            "json": render_data(seeded.consultation, "json").decode(),
        }
    for where, text in outputs.items():
        _assert_clean(text, where)
    # The redacted response appears, in its published form only; the annex holds every approved response.
    assert "My name is \\[name\\]" in outputs["md"]
    assert REDACTED in outputs["docx"] and REDACTED in outputs["csv"]
    assert "[name]" in outputs["pdf"]
    assert len(json.loads(outputs["json"])["responses"]) == len(seeded.approved)
    assert "Schools should teach children how to stay safe online." in outputs["docx"]


def test_no_unapproved_text_on_pages_api_or_command_line(client, runner, db, seeded: Seeded, published):
    slug = seeded.consultation.slug
    urls = [
        "/archive", f"/archive/{slug}/v1", f"/archive/{slug}/data.csv", f"/archive/{slug}/data.json",
        f"/archive/{slug}/v1/document.md", "/api/v1/consultations", f"/api/v1/consultations/{slug}",
        f"/api/v1/consultations/{slug}/responses?per_page=500", f"/api/v1/consultations/{slug}/summary",
    ]  # fmt: skip
    for url in urls:
        response = download(client, url)
        assert response.status_code == 200, url
        _assert_clean(response.get_data(as_text=True), url)
    docx = download(client, f"/archive/{slug}/v1/document.docx")
    _assert_clean(_docx_text(docx.data), "docx download")
    result = runner.invoke(args=["summarise", slug, "--json"])
    assert result.exit_code == 0, result.output
    _assert_clean(result.output, "flask summarise --json")


def test_a_response_taken_down_after_publication_leaves_every_output(app, client, db, seeded: Seeded, published):
    from consult import clock
    from consult.models import Submission

    slug = seeded.consultation.slug
    quote = published.content["questions"][0]["themes"][0]["quotes"][0]
    text = db.session.get(Submission, quote).published_text
    before = download(client, f"/archive/{slug}/v1/document.md").get_data(as_text=True)
    assert md_escape(text) in before

    db.session.get(Submission, quote).hidden_at = clock.utcnow()
    db.session.commit()

    for url in (f"/archive/{slug}/v1", f"/archive/{slug}/v1/document.md", f"/archive/{slug}/data.csv",
                f"/api/v1/consultations/{slug}/summary", f"/api/v1/consultations/{slug}/responses"):  # fmt: skip
        page = download(client, url).get_data(as_text=True)
        assert text not in page and md_escape(text) not in page, url


def test_the_docx_is_a_cwg_cop_contribution_with_a_chart_and_its_text_alternative(app, db, seeded, published):
    from docx import Document

    with app.test_request_context():
        content = render_document(summary_view(published, with_annex=True), "docx")
    document = Document(io.BytesIO(content))
    text = _docx_text(content)
    for expected in (
        "Council Working Group on Child Online Protection",
        "CWG-COP secretariat, online youth consultation",
        "Summary",
        "Action required",
        "References",
        "Method",
        "Key messages",
        "Themes",
        "Statistics",
        "Annex: all published responses",
        "Participants by ITU region and age band",
        "CC BY 4.0",
        "Document to be assigned",
        "Original: English",
        "Source",
        "Title",
    ):
        assert expected in text, expected  # fmt: skip
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Annex: all published responses" in headings
    assert len(document.inline_shapes) == 1
    doc_pr = document.inline_shapes[0]._inline.docPr
    assert doc_pr.get("descr", "").startswith("Participants by ITU region and age band.")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert any(name.endswith(".png") for name in archive.namelist())


def test_imported_data_carries_its_attribution(app, db, secretariat):
    from conftest import DATA

    from consult.consultations.importers import POLIS_ATTRIBUTION, import_polis
    from consult.secretariat.services import publish_consultation

    result = import_polis(DATA / "polis" / "london.youth.policing.comments.csv", slug="london")
    publish_consultation(result.consultation)  # imports arrive as drafts
    db.session.commit()
    summary = publish_summary(generate_summary(result.consultation, secretariat), secretariat)
    db.session.commit()
    with app.test_request_context():
        view = summary_view(summary, with_annex=True)
        assert POLIS_ATTRIBUTION in render_document(view, "md").decode().replace("\\", "")
        assert POLIS_ATTRIBUTION in _docx_text(render_document(view, "docx"))
        assert POLIS_ATTRIBUTION in render_data(result.consultation, "csv").decode()
        assert POLIS_ATTRIBUTION in json.loads(render_data(result.consultation, "json"))["licence_note"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("  =1", "'  =1"),
        ("＝1+1", "'＝1+1"),
        ("A plain answer = fine", "A plain answer = fine"),
    ],
)
def test_cells_a_spreadsheet_would_run_are_neutralised(text, expected):
    assert neutralise(text) == expected


def test_the_csv_neutralises_formulas_and_starts_with_the_licence(app, db, seeded: Seeded, naughty_strings):
    question = seeded.consultation.questions[1]
    author = seeded.secretariat
    formulas = ["=cmd|' /C calc'!A0", "+SUM(1,2)", "-1+2", "@import"]
    for text in formulas + [s for s in naughty_strings if s.strip()][:60]:
        add_response(db, question, author, text, SubmissionStatus.APPROVED)
    db.session.commit()

    content = render_data(seeded.consultation, "csv").decode()
    first, rest = content.split("\n", 1)
    assert first.startswith("# ") and "CC BY 4.0" in first
    rows = list(csv.DictReader(io.StringIO(rest)))
    assert {"response_id", "published_text", "age_band", "region", "language", "submitted_at"} <= set(rows[0])
    assert not {"author_id", "pseudonym", "body", "country"} & set(rows[0])
    for row in rows:
        for value in row.values():
            assert not value.lstrip(" \u00a0").startswith(("=", "+", "-", "@", "\t", "\r")), value
    published = {row["published_text"] for row in rows}
    assert {"'" + f for f in formulas} <= published


def test_the_json_open_data_has_the_licence_and_no_author(app, db, seeded: Seeded):
    data = json.loads(render_data(seeded.consultation, "json"))
    assert data["licence"] == "CC BY 4.0" and "creativecommons.org/licenses/by/4.0" in data["licence_url"]
    assert {"response_id", "published_text", "question", "language", "age_band", "region"} <= set(data["responses"][0])
    assert not {"author_id", "pseudonym", "body", "country", "external_ref"} & set(data["responses"][0])
    assert {r["region"] for r in data["responses"]} <= {"africa", "arab_states", "americas", "asia_pacific", "cis",
                                                        "europe", None}  # fmt: skip


def test_markdown_shows_text_as_text():
    assert md_escape("<script>alert(1)</script> *bold* [x](y)") == (
        "\\<script\\>alert\\(1\\)\\</script\\> \\*bold\\* \\[x\\]\\(y\\)"
    )


def test_flask_export_writes_every_format(runner, db, seeded: Seeded, published, tmp_path):
    slug = seeded.consultation.slug
    for file_format, magic in (
        ("docx", b"PK"),
        ("pdf", b"%PDF"),
        ("md", b"**Council Working Group"),
        ("csv", b"# "),
        ("json", b"{"),
    ):
        path = tmp_path / f"out.{file_format}"
        result = runner.invoke(args=["export", slug, "--format", file_format, "-o", str(path)])
        assert result.exit_code == 0, result.output
        assert path.read_bytes().startswith(magic)
    result = runner.invoke(args=["export", "nope", "--format", "md", "-o", str(tmp_path / "x.md")])
    assert result.exit_code != 0 and "no consultation" in result.output


def test_flask_export_refuses_without_a_published_summary(runner, seeded: Seeded, tmp_path):
    result = runner.invoke(args=["export", seeded.consultation.slug, "--format", "docx", "-o", str(tmp_path / "x")])
    assert result.exit_code != 0 and "no published summary" in result.output


def test_flask_summarise_prints_the_summary_as_json(runner, db, seeded: Seeded):
    result = runner.invoke(args=["summarise", seeded.consultation.slug, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    question = data["questions"][0]
    assert {"question_id", "stats", "themes"} <= set(question)
    theme = question["themes"][0]
    assert {"label", "keywords", "size", "quotes", "responses"} <= set(theme)
    assert all(set(r) == {"id", "ref"} for r in theme["responses"])
    assert set(theme["quotes"]) <= {r["id"] for r in theme["responses"]}
    assert question["stats"]["published"] in (21, "x")

    plain = runner.invoke(args=["summarise", seeded.consultation.slug, "--themes", "2"])
    assert plain.exit_code == 0 and "version 2 (draft)" in plain.output


def test_flask_summaries_vectorise_computes_each_vector_once(runner, seeded: Seeded):
    first = runner.invoke(args=["summaries", "vectorise", seeded.consultation.slug])
    assert first.exit_code == 0 and f"{len(seeded.approved)} vectors computed" in first.output
    again = runner.invoke(args=["summaries", "vectorise"])
    assert again.exit_code == 0 and "0 vectors computed" in again.output


@pytest.mark.parametrize(
    ("language", "headings"),
    [
        ("fr", ("Résumé", "Méthode")),
        ("es", ("Método",)),
        ("ru", ("Резюме",)),
        ("ar", ("المنهجية",)),
        ("zh", ("方法",)),
    ],
)
def test_the_input_document_speaks_each_un_language(app, db, seeded: Seeded, published, language, headings):
    view = summary_view(published, with_annex=True)
    with app.test_request_context():
        english = render_document(view, "md").decode()
        markdown = render_document(view, "md", language=language).decode()
        docx = _docx_text(render_document(view, "docx", language=language))
    assert "## Method" in english
    assert "## Method" not in markdown and "Method" not in docx.split()
    for heading in headings:
        assert heading in markdown, (language, heading)
        assert heading in docx, (language, heading)


def test_open_data_counts_each_answers_endorsements_and_never_who_endorsed(app, db, seeded: Seeded, make_user):
    from consult.models import Endorsement

    endorsed, other = seeded.approved[:2]
    readers = [make_user(pseudonym=f"Endorsing Reader {n}") for n in range(3)]
    for reader in readers:
        db.session.add(Endorsement(user_id=reader.id, submission_id=endorsed))
    db.session.add(Endorsement(user_id=readers[0].id, submission_id=other))
    db.session.commit()

    rows = list(csv.DictReader(io.StringIO(render_data(seeded.consultation, "csv").decode().split("\n", 1)[1])))
    counts = {int(row["response_id"]): int(row["endorsements"]) for row in rows}
    assert (counts[endorsed], counts[other]) == (3, 1)
    assert sum(counts.values()) == 4
    data = json.loads(render_data(seeded.consultation, "json"))
    assert {r["response_id"]: r["endorsements"] for r in data["responses"]} == counts
    blob = render_data(seeded.consultation, "json").decode()
    assert not any(reader.pseudonym in blob for reader in readers)


def _emoji_font_installed() -> bool:
    fc_list = shutil.which("fc-list")
    listed = subprocess.run([fc_list, ":charset=1f60a"], capture_output=True, text=True).stdout if fc_list else ""
    return "emoji" in listed.lower()


def test_emoji_in_young_peoples_words_print_in_colour_in_the_pdf_not_as_boxes(app, db, seeded: Seeded, tmp_path):
    if not _emoji_font_installed():
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but no emoji font: .ci/run installs fonts-noto-color-emoji")
        pytest.skip("no colour emoji font here (apt-get install fonts-noto-color-emoji); .ci/run installs it")
    words = "Online safety lessons at school 😊👍🏽 please ❤️"
    add_response(db, seeded.consultation.questions[0], seeded.secretariat, words, SubmissionStatus.APPROVED)
    db.session.commit()
    summary = publish_summary(generate_summary(seeded.consultation, seeded.secretariat), seeded.secretariat)
    db.session.commit()

    with app.test_request_context():
        content = render_document(summary_view(summary, with_annex=True), "pdf")
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    fonts = subprocess.run([shutil.which("pdffonts"), str(path)], capture_output=True, text=True, check=True).stdout
    assert "Emoji" in fonts, fonts
    assert "😊" in _pdf_text(content, tmp_path)
