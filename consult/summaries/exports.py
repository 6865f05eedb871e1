"""The input document (DOCX, PDF, Markdown) and the open data (CSV, JSON) of a consultation.

Every renderer takes a :class:`~consult.summaries.services.SummaryView`, whose texts are the
published texts of responses that are approved and visible now; nothing else is ever read.
python-docx, WeasyPrint and Pillow are imported inside the functions that use them.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, render_template
from flask_babel import force_locale, ngettext, pgettext
from flask_babel import gettext as _

from ..auth.services import AGE_BAND_LABELS
from ..consultations.endorsements import consultation_endorsement_counts
from ..i18n import percent
from ..models import Consultation
from .charts import age_band_name, chart_png, chart_svg, text_alternative
from .regions import REGIONS, region_label, region_of
from .services import LICENCE, LICENCE_NOTE, LICENCE_URL, PublicResponse, SummaryView, attribution, public_responses
from .stats import AGE_BAND_CODES, SMALL, WITHHELD, published_language_codes, share

DOCUMENT_FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8",
}
DATA_FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
# Characters XML 1.0 (and so DOCX) cannot hold.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


# --- shared pieces -------------------------------------------------------------------------


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[str]]


def fmt(value) -> str:
    return str(value)


def _pct(part, total) -> str:
    value = share(part, total)
    return "" if value is None else percent(value)


def language_label(code: str) -> str:
    from ..i18n import language_name

    return pgettext("language group", "Other") if code == "other" else language_name(code)


def statistics_tables(view: SummaryView) -> list[Table]:
    stats = view.statistics
    moderation = Table(
        _("Responses and moderation"),
        [
            _("Question"),
            _("Received"),
            pgettext("count column", "Published"),
            pgettext("count column", "Rejected"),
            _("Other (waiting, under review or taken down)"),
        ],
        [
            [
                _("Question %(n)d", n=q.position),
                *(fmt(q.statistics.get(k, "")) for k in ("received", "published", "rejected", "other")),
            ]
            for q in view.questions
        ]
        + [[_("All questions"), *(fmt(stats[k]) for k in ("received", "published", "rejected", "other"))]],
    )
    cross = stats["by_region_and_age_band"]
    participants = Table(
        _("Participants by ITU region and age band"),
        [_("Region"), *(age_band_name(b) for b in AGE_BAND_CODES), _("Total")],
        [[region_label(r), *(fmt(cross[r][b]) for b in AGE_BAND_CODES), fmt(stats["by_region"][r])] for r in REGIONS]
        + [[_("Total"), *(fmt(stats["by_age_band"][b]) for b in AGE_BAND_CODES), fmt(stats["participants"])]],
    )
    languages = Table(
        _("Published responses by language"),
        [_("Language"), _("Responses"), _("Share")],
        [
            [
                language_label(lang),
                fmt(stats["by_language"][lang]),
                _pct(stats["by_language"][lang], stats["published"]),
            ]
            for lang in published_language_codes()
        ]
        + [[_("Total"), fmt(stats["published"]), ""]],
    )
    return [moderation, participants, languages]


def suppression_note() -> str:
    return _(
        "Counts from 1 to 9 are shown as “%(small)s”; counts shown as “%(withheld)s” are withheld so that no "
        "small count can be worked out from a total. Percentages are given only where both counts are shown.",
        small=SMALL,
        withheld=WITHHELD,
    )


def _date(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _moment(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


def header_block(view: SummaryView) -> list[tuple[str, str]]:
    consultation = view.consultation
    meeting = consultation.meeting
    meeting_text = f"{meeting.title}, {_date(meeting.starts_at)}" if meeting else _("Not set")
    if meeting and meeting.venue:
        meeting_text += f", {meeting.venue}"
    when = view.summary.published_at or view.summary.created_at
    return [
        (_("Meeting"), meeting_text),
        (_("Document"), view.document_number or _("to be assigned")),
        (_("Date"), _date(when)),
        (_("Source"), _("Online youth consultation")),
        (_("Title"), document_title(view)),
    ]


def document_title(view: SummaryView) -> str:
    return _("Summary of the online youth consultation “%(title)s”", title=view.consultation.title)


def abstract(view: SummaryView) -> str:
    if view.intro:
        return view.intro
    stats = view.statistics
    return ngettext(
        "Young people answered %(num)d question in an online consultation held before the meeting. ",
        "Young people answered %(num)d questions in an online consultation held before the meeting. ",
        len(view.questions),
    ) + _(
        "This contribution summarises the %(published)s responses that moderators published, from %(participants)s "
        "participants, grouped into themes with representative quotes, and gives participation statistics.",
        published=fmt(stats["published"]),
        participants=fmt(stats["participants"]),
    )


def method(view: SummaryView) -> list[str]:
    consultation, stats, parameters = view.consultation, view.statistics, view.summary.parameters
    return [
        _(
            "The consultation was open from %(opens)s to %(closes)s. %(participants)s participants sent "
            "%(received)s responses; moderators published %(published)s and rejected %(rejected)s, and %(other)s "
            "were not published (still waiting, under review or taken down).",
            opens=_moment(consultation.opens_at),
            closes=_moment(consultation.closes_at),
            participants=fmt(stats["participants"]),
            received=fmt(stats["received"]),
            published=fmt(stats["published"]),
            rejected=fmt(stats["rejected"]),
            other=fmt(stats["other"]),
        ),
        _(
            "Every response was checked by a moderator before publication; only published responses, in their "
            "published (redacted) form, are used here. Themes were found offline: each published response was turned "
            "into a multilingual sentence vector (%(model)s), so that the same idea in different languages lands "
            "together, and the responses to each question were grouped with %(method)s (seed %(seed)s). Keywords "
            "are the terms most typical of a theme. The secretariat reviewed the themes and quotes.",
            model=parameters.get("model", ""),
            method=parameters.get("clustering", ""),
            seed=parameters.get("seed", ""),
        ),
        suppression_note(),
    ]


def key_messages(view: SummaryView) -> list[str]:
    if view.key_messages:
        return view.key_messages
    messages = []
    for question in view.questions:
        for theme in question.themes[:3]:
            messages.append(
                _(
                    "Question %(n)d: %(label)s (%(share)s of its published responses).",
                    n=question.position,
                    label=theme.label,
                    share=percent(theme.share),
                )
            )
    return messages


def document_context(view: SummaryView) -> dict:
    return {
        "view": view,
        "suppression_note": suppression_note(),
        "annex": _by_question(view),
        "header": header_block(view),
        "title": document_title(view),
        "abstract": abstract(view),
        "method": method(view),
        "key_messages": key_messages(view),
        "tables": statistics_tables(view),
        "chart_svg": chart_svg(view.statistics),
        "chart_alt": text_alternative(view.statistics),
        "licence_note": str(LICENCE_NOTE),
    }


def _by_question(view: SummaryView) -> list[tuple[int, str, list[PublicResponse]]]:
    grouped: dict[int, list[PublicResponse]] = {}
    for response in view.annex or []:
        grouped.setdefault(response.question_id, []).append(response)
    return [(q.position, q.prompt, grouped.get(q.id, [])) for q in view.questions]


# --- Markdown ------------------------------------------------------------------------------

# "&" too: otherwise "&lt;" or "&#0;" as typed would show as the character they name.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~&])")


def md_escape(text: str) -> str:
    """Text shown as text by any Markdown renderer: no markup, no HTML, one paragraph."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _md_table(table: Table) -> list[str]:
    lines = [f"**{md_escape(table.title)}**", "", "| " + " | ".join(md_escape(h) for h in table.header) + " |"]
    lines.append("|" + "---|" * len(table.header))
    lines.extend("| " + " | ".join(md_escape(cell) for cell in row) + " |" for row in table.rows)
    return [*lines, ""]


def render_markdown(view: SummaryView) -> str:
    context = document_context(view)
    out = [f"# {md_escape(_('Council Working Group on Child Online Protection'))}", ""]
    out.extend(f"- **{md_escape(label)}:** {md_escape(value)}" for label, value in context["header"])
    out += ["", f"## {md_escape(_('Abstract'))}", "", md_escape(context["abstract"]), ""]
    out += [f"## {md_escape(_('Method'))}", ""]
    for paragraph in context["method"]:
        out += [md_escape(paragraph), ""]
    out += [f"## {md_escape(_('Key messages'))}", ""]
    out += [f"- {md_escape(message)}" for message in context["key_messages"]] + [""]
    out += [f"## {md_escape(_('Themes'))}", ""]
    for question in view.questions:
        out += [f"### {md_escape(_('Question %(n)d', n=question.position))}: {md_escape(question.prompt)}", ""]
        if not question.themes:
            out += [md_escape(_("No published responses.")), ""]
        for theme in question.themes:
            out += [
                f"#### {md_escape(theme.label)}",
                "",
                md_escape(
                    _(
                        "%(size)d responses (%(share)s). Keywords: %(keywords)s.",
                        size=theme.size,
                        share=percent(theme.share),
                        keywords=", ".join(theme.keywords),
                    )
                ),
                "",
            ]
            out += [f"> {md_escape(quote.text)} (R{quote.id})\n" for quote in theme.quotes]
    out += [f"## {md_escape(_('Statistics'))}", "", md_escape(suppression_note()), ""]
    for table in context["tables"]:
        out += _md_table(table)
    out += [f"**{md_escape(_('Chart'))}:** {md_escape(context['chart_alt'])}", ""]
    out += [f"## {md_escape(_('Annex: all published responses'))}", ""]
    for position, prompt, responses in _by_question(view):
        out += [f"### {md_escape(_('Question %(n)d', n=position))}: {md_escape(prompt)}", ""]
        out += [f"- R{r.id} ({r.language}): {md_escape(r.text)}" for r in responses] + [""]
    out += [f"## {md_escape(_('Licence and attribution'))}", "", md_escape(context["licence_note"]), ""]
    if view.attribution:
        out += [md_escape(view.attribution), ""]
    return "\n".join(out)


# --- HTML and PDF --------------------------------------------------------------------------


def render_html(view: SummaryView) -> str:
    return render_template("summaries/document.html", **document_context(view))


# WeasyPrint's line breaking fails on a paragraph separator after a space (an AssertionError, so a 500):
# in HTML both separators are mere white space anyway.
_SEPARATORS_AS_SPACES = str.maketrans({"\u2028": " ", "\u2029": " "})


def render_pdf(view: SummaryView) -> bytes:
    from weasyprint import HTML

    html = render_html(view).translate(_SEPARATORS_AS_SPACES)
    document = HTML(string=html, base_url=str(current_app.root_path)).render()
    when = (view.summary.published_at or view.summary.created_at).strftime("%Y-%m-%dT%H:%M:%SZ")
    document.metadata.created = when
    document.metadata.modified = when
    return document.write_pdf()


# --- DOCX ----------------------------------------------------------------------------------


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


_RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff]")


def _append_plain_paragraphs(document, texts: Iterable[str]) -> None:
    """Many plain paragraphs at the end of the body, fast.

    ``Document.add_paragraph`` looks for the section properties among all the body's children every
    time, which makes a 10,000-response annex quadratic; here the anchor is found once.
    """
    from docx.oxml.ns import qn
    from lxml import etree

    anchor = document.element.body.sectPr
    p_tag, r_tag, t_tag, ppr_tag, bidi_tag = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:pPr"), qn("w:bidi")
    space = qn("xml:space")
    for text in texts:
        text = " ".join(_xml_safe(text).split())
        paragraph = etree.Element(p_tag)
        if _RIGHT_TO_LEFT.search(text):
            etree.SubElement(etree.SubElement(paragraph, ppr_tag), bidi_tag)
        run_text = etree.SubElement(etree.SubElement(paragraph, r_tag), t_tag)
        run_text.set(space, "preserve")
        run_text.text = text
        anchor.addprevious(paragraph)


def _paragraph(document, text: str, style: str | None = None):
    """A paragraph, right-to-left when its text is Arabic (or Hebrew) so Word lays it out properly."""
    from docx.oxml import OxmlElement

    paragraph = document.add_paragraph(_xml_safe(text), style=style)
    if _RIGHT_TO_LEFT.search(text):
        paragraph._p.get_or_add_pPr().append(OxmlElement("w:bidi"))
    return paragraph


def render_docx(view: SummaryView) -> bytes:
    from docx import Document
    from docx.shared import Inches, Pt

    context = document_context(view)
    document = Document()
    when = view.summary.published_at or view.summary.created_at
    core = document.core_properties
    core.title = _xml_safe(context["title"])[:250]
    core.author = _("ITU CWG-COP secretariat")
    core.last_modified_by = ""
    core.created = core.modified = when.replace(tzinfo=None)
    core.revision = view.summary.version
    document.styles["Normal"].font.size = Pt(10.5)

    document.add_paragraph(_("Council Working Group on Child Online Protection"), style="Title")
    header = document.add_table(rows=0, cols=2, style="Table Grid")
    for label, value in context["header"]:
        cells = header.add_row().cells
        cells[0].text, cells[1].text = label, _xml_safe(value)
    document.add_heading(_("Abstract"), level=1)
    _paragraph(document, context["abstract"])
    document.add_heading(_("Method"), level=1)
    for paragraph in context["method"]:
        document.add_paragraph(_xml_safe(paragraph))
    document.add_heading(_("Key messages"), level=1)
    for message in context["key_messages"]:
        _paragraph(document, message, style="List Bullet")

    document.add_heading(_("Themes"), level=1)
    for question in view.questions:
        document.add_heading(_xml_safe(f"{_('Question %(n)d', n=question.position)}: {question.prompt}"), level=2)
        if not question.themes:
            document.add_paragraph(_("No published responses."))
        for theme in question.themes:
            document.add_heading(_xml_safe(theme.label), level=3)
            document.add_paragraph(
                _xml_safe(
                    _(
                        "%(size)d responses (%(share)s). Keywords: %(keywords)s.",
                        size=theme.size,
                        share=percent(theme.share),
                        keywords=", ".join(theme.keywords),
                    )
                )
            )
            for quote in theme.quotes:
                _paragraph(document, f"“{quote.text}” (R{quote.id})", style="Quote")

    document.add_heading(_("Statistics"), level=1)
    document.add_paragraph(suppression_note())
    for table in context["tables"]:
        document.add_paragraph(table.title, style="Caption")
        grid = document.add_table(rows=1, cols=len(table.header), style="Table Grid")
        for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
            cell.text = text
        for row in table.rows:
            for cell, text in zip(grid.add_row().cells, row, strict=True):
                cell.text = text
    document.add_paragraph(_("Chart: participants by ITU region and age band"), style="Caption")
    document.add_picture(io.BytesIO(chart_png(view.statistics)), width=Inches(6.3))
    picture = document.inline_shapes[-1]._inline.docPr
    picture.set("descr", _xml_safe(context["chart_alt"]))
    picture.set("title", _("Participants by ITU region and age band"))
    document.add_paragraph(_xml_safe(context["chart_alt"]))

    document.add_heading(_("Annex: all published responses"), level=1)
    for position, prompt, responses in _by_question(view):
        document.add_heading(_xml_safe(f"{_('Question %(n)d', n=position)}: {prompt}"), level=2)
        _append_plain_paragraphs(document, (f"R{r.id} ({r.language}): {r.text}" for r in responses))

    document.add_heading(_("Licence and attribution"), level=1)
    document.add_paragraph(context["licence_note"])
    if view.attribution:
        document.add_paragraph(view.attribution)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_document(view: SummaryView, file_format: str, language: str = "en") -> bytes:
    with force_locale(language):
        if file_format == "docx":
            return render_docx(view)
        if file_format == "pdf":
            return render_pdf(view)
        if file_format == "md":
            return render_markdown(view).encode("utf-8")
    raise ValueError(file_format)


# --- open data -----------------------------------------------------------------------------

OPEN_DATA_COLUMNS = (
    "response_id", "question", "question_text", "language", "age_band", "region", "published_text",
    "endorsements", "submitted_at", "published_at",
)  # fmt: skip


def neutralise(value: str) -> str:
    """A cell a spreadsheet shows as text: a leading formula character gets an apostrophe before it.

    Behind any white space too (ideographic or em spaces as well as " "), which some spreadsheets trim.
    """
    if value.lstrip().startswith(_FORMULA_START) or value.startswith(_FORMULA_START):
        return "'" + value
    return value


def open_data_rows(consultation: Consultation, responses: Iterable[PublicResponse]) -> Iterable[dict]:
    prompts = {q.position: q.prompt for q in consultation.questions}
    endorsements = consultation_endorsement_counts(consultation)
    for response in responses:
        yield {
            "response_id": response.id,
            "question": response.question_position,
            "question_text": prompts.get(response.question_position, ""),
            "language": response.language,
            "age_band": response.age_band if response.age_band in AGE_BAND_LABELS else None,
            "region": region_of(response.country) if response.country else None,
            "published_text": response.text,
            "endorsements": endorsements.get(response.id, 0),
            "submitted_at": response.created_at.isoformat(),
            "published_at": response.decided_at.isoformat() if response.decided_at else None,
        }


def licence_text(consultation: Consultation) -> str:
    notes = [str(LICENCE_NOTE)]
    source = attribution(consultation)
    if source:
        notes.append(source)
    return " ".join(notes)


def render_csv(consultation: Consultation) -> bytes:
    buffer = io.StringIO()
    # The licence first, on a line of its own that CSV readers can skip as a comment.
    buffer.write("# " + " ".join(licence_text(consultation).split()) + "\n")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(OPEN_DATA_COLUMNS)
    for row in open_data_rows(consultation, public_responses(consultation)):
        writer.writerow([neutralise(v) if isinstance(v, str) else ("" if v is None else v) for v in row.values()])
    return buffer.getvalue().encode("utf-8")


def render_json(consultation: Consultation) -> bytes:
    data = {
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "licence_note": licence_text(consultation),
        "consultation": {
            "slug": consultation.slug,
            "title": consultation.title,
            "opens_at": consultation.opens_at.isoformat(),
            "closes_at": consultation.closes_at.isoformat(),
            "questions": [{"position": q.position, "prompt": q.prompt} for q in consultation.questions],
        },
        "regions": list(REGIONS),
        "responses": list(open_data_rows(consultation, public_responses(consultation))),
    }
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def render_data(consultation: Consultation, file_format: str) -> bytes:
    if file_format == "csv":
        return render_csv(consultation)
    if file_format == "json":
        return render_json(consultation)
    raise ValueError(file_format)
