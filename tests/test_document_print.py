"""The input document as it prints: every glyph of every script, ITU's form, numbers written once, quotes
anyone can trace. The PDF is read back with Poppler (pdftotext, pdffonts), the DOCX with python-docx.

Screenshots (two PDF pages, English and Arabic, and the DOCX's first page) are written to test-artifacts/.
"""

from __future__ import annotations

import copy
import io
import re
import shutil
import subprocess
import zipfile
from html import escape
from pathlib import Path

import pytest
from conftest import DATA, PROJECT
from sqlalchemy import select
from summaries_fixtures import add_response

from consult import languages
from consult.models import Consultation, Role, Submission, SubmissionStatus
from consult.summaries.documents import render_document
from consult.summaries.generation import generate_summary
from consult.summaries.models import Purpose
from consult.summaries.reading import summary_view
from consult.summaries.versions import publish_summary

ARTIFACTS = PROJECT / "test-artifacts"
# Young people's typography: curly quotes and apostrophes, words a font would draw with "fi"/"ffl" ligatures,
# and emoji (with a skin tone, and a joined sequence).
TYPOGRAPHY = "My “final” office’s Wi‑Fi is efficient — « oui » 😊👍🏽 👩‍💻 „ja“ – done."
# Marks that Poppler adds around right-to-left runs, and that no reader sees.
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _squeezed(text: str) -> str:
    """Text compared without white space, which Poppler adds where lines break (in Chinese, between any two
    characters), and without hyphens, which it takes away at the end of a line ("feeling -" / "incentives")."""
    return "".join(_BIDI_CONTROLS.sub("", text).replace("-", "").split())


_ARABIC = re.compile("[\u0600-\u06ff]")
_HARAKAT = re.compile("[\u064b-\u065f\u0670]")
# Poppler (not the PDF) misplaces a vowel mark set on a lam-alef ligature, with the ligature, when it reads
# text back: "سهلاً" comes out as "سهً … لا". The PDF draws it right (see test-artifacts/); such words are
# checked letter by letter, every other Arabic word exactly (without its marks), and other texts whole.
_NEUTRAL = ".,;:!?()«»\"'“”،؛؟-–—"
_MARKED_LAM_ALEF = re.compile("ل[اأإآ][\u064b-\u065f]")


def _assert_read_back(text: str, printed: str, where, right_to_left: bool = False) -> None:
    """``text`` in ``printed`` (squeezed); in a right-to-left document, or for Arabic, word by word."""
    if not _ARABIC.search(text) and not right_to_left:
        assert _squeezed(text) in printed, (where, text)
        return
    bare = _HARAKAT.sub("", printed)
    # Poppler moves neutral punctuation at the end of a right-to-left line to either side of it.
    for word in filter(None, (word.strip(_NEUTRAL) for word in text.split())):
        if _MARKED_LAM_ALEF.search(word):
            assert all(letter in bare for letter in _HARAKAT.sub("", word)), (where, word)
        else:
            assert _squeezed(_HARAKAT.sub("", word)) in bare, (where, word, text)


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} (poppler-utils) is needed to read the PDF back"
    return path


def _pdf(content: bytes, tmp_path: Path, name: str = "document.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _pdf_text(path: Path, *pages: int) -> str:
    window = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    return subprocess.run([_tool("pdftotext"), *window, str(path), "-"], check=True, capture_output=True,
                          text=True).stdout  # fmt: skip


def _page_count(path: Path) -> int:
    info = subprocess.run([_tool("pdfinfo"), str(path)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


@pytest.fixture
def staff(make_user):
    return make_user(Role.SECRETARIAT, pseudonym="Sam Secretariat")


def _with_number(summary, number: str):
    summary.content = {**summary.content, "document_number": number}
    return summary


@pytest.fixture
def demo_summary(app, db, staff):
    """The demo's closed consultation, with one more answer full of typography, summarised and published."""
    from consult.demo import CLOSED_SLUG, seed_demo

    seed_demo()
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == CLOSED_SLUG))
    add_response(db, consultation.questions[0], staff, TYPOGRAPHY, SubmissionStatus.APPROVED)
    summary = _with_number(generate_summary(consultation, staff), "CWG-COP-24/INF/7")
    summary = publish_summary(summary, staff)
    db.session.commit()
    return summary


@pytest.fixture
def imported_summary(app, db, staff):
    from consult.consultations.importers import import_polis
    from consult.secretariat.services import publish_consultation

    result = import_polis(DATA / "polis" / "london.youth.policing.comments.csv", slug="london")
    publish_consultation(result.consultation)
    db.session.commit()
    summary = publish_summary(_with_number(generate_summary(result.consultation, staff), "CWG-COP-24/8"), staff)
    db.session.commit()
    return summary


def _headings(view) -> list[str]:
    headings = [q.prompt for q in view.questions]
    headings += [theme.label for q in view.questions for theme in q.themes]
    return headings


def _assert_prints(app, summary, language: str, tmp_path: Path) -> Path:
    view = summary_view(summary, with_annex=True)
    with app.test_request_context():
        path = _pdf(render_document(view, "pdf", language), tmp_path, f"{language}.pdf")
        markdown = render_document(view, "md", language).decode()
    printed = _squeezed(_pdf_text(path))
    # Poppler moves neutral punctuation around left-to-right runs inside right-to-left lines.
    rtl = languages.language(language).direction == "rtl"
    for quote in (q for question in view.questions for theme in question.themes for q in theme.quotes):
        _assert_read_back(quote.text, printed, (language, quote.id), rtl)
    for heading in _headings(view):
        _assert_read_back(heading, printed, (language, "heading"), rtl)
    for response in view.annex:
        _assert_read_back(response.text, printed, (language, response.id), rtl)
    for heading in re.findall(r"^#+ (.+)$", markdown, re.MULTILINE):
        _assert_read_back(heading.replace("\\", ""), printed, (language, "heading"), rtl)
    fonts = subprocess.run([_tool("pdffonts"), str(path)], check=True, capture_output=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), fonts  # every font embedded (the "emb" column)
    assert ".notdef" not in fonts
    # Only fonts that hold the six languages' scripts (and emoji): none chosen by fallback for want of a glyph.
    assert {re.sub(r"^[A-Z]{6}\+", "", row.split()[0]) for row in rows} <= {
        "Noto-Sans", "Noto-Sans-Bold", "Noto-Naskh-Arabic", "Noto-Naskh-Arabic-Bold", "Noto-Sans-CJK-SC",
        "Noto-Sans-CJK-SC-Bold", "Noto-Color-Emoji",
    }, fonts  # fmt: skip
    return path


@pytest.mark.parametrize("language", ["en", "ar", "zh", "fr", "ru", "es"])
def test_the_demo_summary_prints_every_glyph_in_each_language(app, db, demo_summary, language, tmp_path):
    assert set(languages.codes()) >= {"en", "ar", "zh", "fr", "ru", "es"}
    path = _assert_prints(app, demo_summary, language, tmp_path)
    printed = _pdf_text(path)
    assert "“final”" in printed and "office’s" in printed and "efficient" in printed  # no stray ligature glyph
    assert "😊" in printed
    if language in ("en", "ar"):
        ARTIFACTS.mkdir(exist_ok=True)
        page = 3
        subprocess.run([_tool("pdftoppm"), "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(path),
                        str(ARTIFACTS / f"input-document-{language}-page-1")], check=True)  # fmt: skip
        subprocess.run([_tool("pdftoppm"), "-png", "-r", "80", "-f", str(page), "-l", str(page), "-singlefile",
                        str(path), str(ARTIFACTS / f"input-document-{language}-page-{page}")], check=True)  # fmt: skip
        assert (ARTIFACTS / f"input-document-{language}-page-1.png").stat().st_size > 10_000


@pytest.mark.parametrize("language", ["en", "ar", "zh", "fr", "ru", "es"])
def test_an_imported_summary_prints_every_glyph_in_each_language(app, db, imported_summary, language, tmp_path):
    _assert_prints(app, imported_summary, language, tmp_path)


def test_table_headers_never_break_inside_a_word(app, db, demo_summary, tmp_path):
    with app.test_request_context():
        path = _pdf(render_document(summary_view(demo_summary, with_annex=True), "pdf"), tmp_path)
    words = _pdf_text(path).split()
    for header in ("Received", "Published", "Rejected", "Region", "Language", "Responses", "Share"):
        assert header in words, header


def test_the_itu_form_in_the_pdf_with_a_running_header_and_page_x_of_y(app, db, demo_summary, tmp_path):
    with app.test_request_context():
        path = _pdf(render_document(summary_view(demo_summary, with_annex=True), "pdf"), tmp_path)
    text = " ".join(_pdf_text(path).split())
    for expected in ("Document CWG-COP-24/INF/7", "Original: English", "Source", "Title", "Summary",
                     "CWG-COP secretariat, online youth consultation", "Action required",
                     "The Group is invited to note this document.", "References", "Resolution 179 (Rev. Busan, 2014)",
                     "CWG-COP, previous meeting (demo)", "Method", "Statistics", "Themes", "Key messages",
                     "Annex: all published responses"):  # fmt: skip
        assert expected in text, expected
    lines = [line.strip() for line in _pdf_text(path).splitlines()]
    order = [lines.index(s) for s in ("Source", "Action required", "References", "Method", "Statistics", "Themes",
                                      "Key messages", "Annex: all published responses")]  # fmt: skip
    assert order == sorted(order)
    pages = _page_count(path)
    assert pages > 1
    for page in range(1, pages + 1):
        on_page = " ".join(_pdf_text(path, page).split())
        assert "CWG-COP-24/INF/7" in on_page and f"Page {page} of {pages}" in on_page, page
        assert "Draft" not in on_page and "Interim update" not in on_page


def _docx(content: bytes):
    from docx import Document

    return Document(io.BytesIO(content))


def test_the_docx_is_a4_with_a_running_header_and_real_page_fields(app, db, demo_summary):
    from docx.shared import Cm

    with app.test_request_context():
        content = render_document(summary_view(demo_summary, with_annex=True), "docx")
    document = _docx(content)
    section = document.sections[0]
    assert (round(section.page_width / Cm(1), 1), round(section.page_height / Cm(1), 1)) == (21.0, 29.7)
    assert "CWG-COP-24/INF/7" in section.header.paragraphs[0].text
    footer = section.footer.paragraphs[0]._p.xml
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer
    assert "Page" in section.footer.paragraphs[0].text and " of " in section.footer.paragraphs[0].text
    texts = [p.text for p in document.paragraphs]
    for expected in ("Action required", "References", "The Group is invited to note this document.",
                     "Resolution 179 (Rev. Busan, 2014)"):  # fmt: skip
        assert expected in texts, expected
    header_block = " ".join(cell.text for cell in document.tables[0].rows[0].cells)
    assert "Document CWG-COP-24/INF/7" in header_block and "Original: English" in header_block


def test_docx_table_columns_hold_their_longest_word(app, db, demo_summary):
    from consult.summaries.docx import CHAR_CM

    with app.test_request_context():
        document = _docx(render_document(summary_view(demo_summary, with_annex=True), "docx"))
    for table in document.tables[1:]:
        for column in table.columns:
            longest = max(len(word) for cell in column.cells for word in (cell.text.split() or [""]))
            assert column.width.cm >= longest * CHAR_CM, [c.text for c in column.cells]


def _draft(db, summary_source, staff, purpose=Purpose.INPUT):
    summary = generate_summary(summary_source, staff)
    summary.purpose = purpose
    db.session.commit()
    return summary


def test_a_draft_is_marked_draft_on_every_page_of_every_format(app, db, demo_summary, staff, tmp_path):
    draft = _draft(db, demo_summary.consultation, staff)
    view = summary_view(draft, with_annex=True)
    with app.test_request_context():
        pdf = _pdf(render_document(view, "pdf"), tmp_path)
        document = _docx(render_document(view, "docx"))
        markdown = render_document(view, "md").decode()
        arabic = _pdf(render_document(view, "pdf", "ar"), tmp_path, "ar.pdf")
    for page in range(1, _page_count(pdf) + 1):
        assert "Draft" in _pdf_text(pdf, page), page
    for page in range(1, _page_count(arabic) + 1):
        assert "مسودة" in _pdf_text(arabic, page), page
    assert "Draft" in document.sections[0].header.paragraphs[0].text  # Word repeats the header on every page
    assert markdown.startswith("**Draft**") and markdown.rstrip().endswith("**Draft**")


def test_an_interim_update_says_so_in_every_format_and_on_the_page(app, db, client, login, demo_summary, staff,
                                                                    tmp_path):  # fmt: skip
    interim = publish_summary(_draft(db, demo_summary.consultation, staff, Purpose.INTERIM), staff)
    db.session.commit()
    view = summary_view(interim, with_annex=True)
    with app.test_request_context():
        pdf = _pdf(render_document(view, "pdf"), tmp_path)
        document = _docx(render_document(view, "docx"))
        markdown = render_document(view, "md").decode()
    for page in range(1, _page_count(pdf) + 1):
        assert "Interim update" in _pdf_text(pdf, page), page
    assert "Interim update" in document.sections[0].header.paragraphs[0].text
    assert "**Interim update**" in markdown
    page = client.get(f"/archive/{interim.consultation.slug}/v{interim.version}").get_data(as_text=True)
    assert "Interim update" in page


def test_the_input_document_waits_for_the_consultation_to_close(app, db, client, login, make_consultation, staff):
    consultation = make_consultation(open=True, questions=1)
    db.session.commit()
    login(staff)
    form = client.get(f"/summaries/{consultation.slug}/").get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*value="interim"', form), "an open consultation offers an interim update"
    refused = client.post(f"/summaries/{consultation.slug}/generate", data={"purpose": "input"})
    assert refused.status_code == 409
    assert "only once the consultation has closed" in refused.get_data(as_text=True)
    accepted = client.post(f"/summaries/{consultation.slug}/generate", data={"purpose": "interim"})
    assert accepted.status_code == 303


_NOISE = re.compile(r"\d\.\d{4,}")


def test_no_float_noise_in_any_output_format(app, db, client, demo_summary, staff, tmp_path):
    """57.10000000000001% was printed: every share goes through one formatter (Babel, half-even, one decimal)."""
    noisy = _draft(db, demo_summary.consultation, staff)
    content = copy.deepcopy(noisy.content)
    for question in content["questions"]:
        for theme in question["themes"]:
            theme["share"] = theme["share"] + 1e-13  # what float arithmetic leaves behind
    noisy.content = dict(content)
    noisy = publish_summary(noisy, staff)
    db.session.commit()
    view = summary_view(noisy, with_annex=True)
    outputs = {}
    with app.test_request_context():
        for language in ("en", "fr", "ar"):
            outputs[f"md-{language}"] = render_document(view, "md", language).decode()
            document = _docx(render_document(view, "docx", language))
            outputs[f"docx-{language}"] = "\n".join(p.text for p in document.paragraphs) + "\n".join(
                cell.text for table in document.tables for row in table.rows for cell in row.cells
            )
        outputs["pdf"] = _pdf_text(_pdf(render_document(view, "pdf"), tmp_path))
    page = client.get(f"/archive/{noisy.consultation.slug}/v{noisy.version}").get_data(as_text=True)
    outputs["page"] = re.sub(r"<[^>]*>", " ", page.split("<body", 1)[1])  # what a reader sees, not the markup
    for name, text in outputs.items():
        assert not _NOISE.search(text), (name, _NOISE.search(text))
    assert re.search(r"\d+\.\d%", outputs["md-en"]) or "%" in outputs["md-en"]


def test_shares_round_half_even_to_one_decimal_for_the_locale(app):
    from flask_babel import force_locale

    from consult.i18n import count, percent

    with app.test_request_context(), force_locale("en"):
        assert [percent(v) for v in (57.10000000000001, 12.25, 12.35, 0.05, 50.0)] == [
            "57.1%", "12.2%", "12.4%", "0%", "50%"]  # fmt: skip
        assert (count(10000), count("<10"), count(None)) == ("10,000", "<10", "")
    with app.test_request_context(), force_locale("fr"):
        assert percent(57.10000000000001).startswith("57,1") and count(10000) == "10\u202f000"


def _quoted(view):
    return [(q.id, q.text) for question in view.questions for theme in question.themes for q in theme.quotes]


def test_every_quote_points_to_the_approved_answer_it_is_taken_from(app, db, client, demo_summary, tmp_path):
    view = summary_view(demo_summary, with_annex=True)
    quotes = _quoted(view)
    assert quotes
    with app.test_request_context():
        markdown = render_document(view, "md").decode()
        document = _docx(render_document(view, "docx"))
        printed = _pdf_text(_pdf(render_document(view, "pdf"), tmp_path))
    slug = demo_summary.consultation.slug
    md_quotes = re.findall(r"^> (?!\[R)(.+)\n>\n> \[R(\d+)\]\((\S+)\)", markdown, re.MULTILINE)
    docx_text = " ".join(p.text for p in document.paragraphs)
    docx_links = set(re.findall(r"/consultations/[\w-]+/responses/(\d+)", docx_text))
    rels = [r.target_ref for r in document.part.rels.values() if r.reltype.endswith("/hyperlink")]
    assert len(md_quotes) == len(quotes)
    for text, number, url in md_quotes:
        submission = db.session.get(Submission, int(number))
        assert submission.status is SubmissionStatus.APPROVED and submission.hidden_at is None
        assert re.sub(r"\\(.)", r"\1", text) in submission.published_text
        assert url.endswith(f"/consultations/{slug}/responses/{number}")
        assert number in docx_links and url in rels
        assert url in printed.replace("\n", "")
        page = client.get(url.replace("http://localhost", ""))
        assert page.status_code == 200 and escape(submission.published_text, quote=False) in page.get_data(as_text=True)
    for response_id, text in quotes:
        assert text in db.session.get(Submission, response_id).published_text


def test_an_english_rendering_shows_beside_the_original_in_every_format(app, db, demo_summary, staff, tmp_path):
    draft = _draft(db, demo_summary.consultation, staff)
    content = copy.deepcopy(draft.content)
    theme = next(t for q in content["questions"] for t in q["themes"] if t["quotes"])
    quote_id = theme["quotes"][0]
    theme["english"] = {str(quote_id): "An English rendering, by a person"}
    draft.content = dict(content)
    db.session.commit()
    view = summary_view(draft, with_annex=True)
    with app.test_request_context():
        from consult.summaries.pdf import render_html

        html = render_html(view)
        markdown = render_document(view, "md", "fr").decode()
        content_docx = render_document(view, "docx", "fr")
        printed = _pdf_text(_pdf(render_document(view, "pdf", "ar"), tmp_path))
    assert '<p class="english" lang="en" dir="ltr">An English rendering, by a person</p>' in html
    assert '<span lang="en">An English rendering, by a person</span>' in markdown
    with zipfile.ZipFile(io.BytesIO(content_docx)) as archive:
        body = archive.read("word/document.xml").decode()
    assert re.search(r'<w:lang w:val="en"/></w:rPr><w:t>An English rendering, by a person</w:t>', body)
    assert "An English rendering, by a person" in " ".join(printed.split())


def test_the_chart_shows_suppressed_counts_as_fewer_than_ten(app, db, make_consultation, make_user, staff):
    from consult.summaries.charts import chart_svg

    consultation = make_consultation(open=False, questions=1)
    for n, country in enumerate(["KE", "FR", "BR"]):
        author = make_user(pseudonym=f"Few {n}", country=country, age_band="16-17")
        add_response(db, consultation.questions[0], author, f"Few answers here {n}", SubmissionStatus.APPROVED)
    db.session.commit()
    summary = generate_summary(consultation, staff)
    with app.test_request_context():
        svg = chart_svg(summary_view(summary).statistics)
    assert svg.count("&lt;10") >= 3 and svg.count('stroke-dasharray="3 2"') >= 3


def test_the_docx_renders_to_a_page_image(app, db, demo_summary, tmp_path):
    """No word processor here (LibreOffice is not installed): the DOCX's own structure (A4 page size, running
    header, styles, tables, footer fields) is laid out as HTML and drawn, so the image shows what the file
    holds, not how Word would set it."""
    from docx.shared import Cm
    from weasyprint import HTML

    with app.test_request_context():
        document = _docx(render_document(summary_view(demo_summary, with_annex=True), "docx"))
    section = document.sections[0]
    parts = [f"<p class=run>{escape(section.header.paragraphs[0].text)}</p>"]
    tables = iter(document.tables)
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[1]
        if tag == "tbl":
            table = next(tables)
            rows = "".join("<tr>" + "".join(f"<td>{escape(c.text)}</td>" for c in row.cells) + "</tr>"
                           for row in table.rows)  # fmt: skip
            parts.append(f"<table>{rows}</table>")
        elif tag == "p":
            paragraph = next(p for p in document.paragraphs if p._p is block)
            style = paragraph.style.name
            element = {"Title": "h1", "Heading 1": "h2", "Heading 2": "h3", "Heading 3": "h4"}.get(style, "p")
            parts.append(f"<{element} class='{escape(style)}'>{escape(paragraph.text)}</{element}>")
    width, height = section.page_width / Cm(1), section.page_height / Cm(1)
    html = (f"<html><style>@page {{ size: {width}cm {height}cm; margin: 2cm; @bottom-center {{ content: "
            f"'Page ' counter(page) ' of ' counter(pages) }} }} body {{ font-family: 'Noto Sans', 'Noto Naskh "
            f"Arabic', 'Noto Sans CJK SC'; font-size: 10.5pt }} .Quote {{ margin-inline-start: 1cm; color: #404040 }}"
            f" td {{ border: 1px solid #999; padding: 2pt; white-space: pre-line }}"
            f" table {{ border-collapse: collapse }} .run {{ font-size: 8pt }}</style>"
            f"<body>{''.join(parts)}</body></html>")  # fmt: skip
    pdf = tmp_path / "docx-layout.pdf"
    HTML(string=html).write_pdf(pdf)
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run([_tool("pdftoppm"), "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(ARTIFACTS / "input-document-docx-page-1")], check=True)  # fmt: skip
    assert (ARTIFACTS / "input-document-docx-page-1.png").stat().st_size > 10_000


def test_a_quote_permalink_shows_one_approved_answer_and_nothing_else(client, db, make_consultation, make_user):
    consultation = make_consultation(open=False, questions=1)
    author = make_user(pseudonym="Permalink Author")
    question = consultation.questions[0]
    shown = add_response(db, question, author, "Teach online safety in every school.", SubmissionStatus.APPROVED)
    pending = add_response(db, question, author, "SECRET pending words", SubmissionStatus.PENDING)
    hidden = add_response(db, question, author, "SECRET hidden words", SubmissionStatus.APPROVED, hidden=True)
    other = make_consultation(open=False, questions=1)
    db.session.commit()

    page = client.get(f"/consultations/{consultation.slug}/responses/{shown.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Teach online safety in every school." in text and f"R{shown.id}" in text
    assert question.prompt in text and consultation.title in text and "Permalink Author" not in text
    assert page.headers.get("ETag")  # cacheable like the other public pages: a revalidation gets a 304
    again = client.get(page.request.path, headers={"If-None-Match": page.headers["ETag"]})
    assert again.status_code == 304
    for missing in (f"/consultations/{consultation.slug}/responses/{pending.id}",
                    f"/consultations/{consultation.slug}/responses/{hidden.id}",
                    f"/consultations/{other.slug}/responses/{shown.id}",
                    f"/consultations/{consultation.slug}/responses/999999"):  # fmt: skip
        response = client.get(missing)
        assert response.status_code == 404 and "SECRET" not in response.get_data(as_text=True), missing


def test_a_typed_document_number_cannot_break_out_of_the_running_header():
    from consult.summaries.pdf import css_string

    typed = 'CWG/1"; } body { display: none } </style><script>alert(1)</script> \\'
    written = str(css_string(typed))
    assert written.startswith('"') and written.endswith('"')
    assert not any(c in written[1:-1] for c in "\"<>;{}'") and "\n" not in written
    decoded = re.sub(r"\\([0-9a-f]{6})", lambda m: chr(int(m.group(1), 16)), written[1:-1])
    assert decoded == typed
