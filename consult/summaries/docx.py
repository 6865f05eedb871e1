"""The input document as DOCX, in ITU's form: A4, header block, Source, Title, Summary, Action required,
References, then the body and the annex; a running header (number, "Draft", "Interim update") and a
footer with real PAGE and NUMPAGES fields.

python-docx and lxml are imported inside the functions that use them: web workers only load them to render.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

from flask_babel import gettext as _
from flask_babel import pgettext

from ..i18n import percent
from .charts import chart_png
from .context import Table, by_question, document_context, suppression_note
from .reading import SummaryView

# Characters XML 1.0 (and so DOCX) cannot hold.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff]")
# The fonts Word is asked for, per kind of script (the same families the PDF embeds).
LATIN_FONT, EAST_ASIAN_FONT, COMPLEX_FONT = "Noto Sans", "Noto Sans CJK SC", "Noto Naskh Arabic"
TEXT_WIDTH_CM = 17.0  # A4 (21 cm) less two 2 cm margins
# A 9 pt character is about 0.19 cm wide on average, a bold one a little more: enough to size columns by words.
CHAR_CM, PADDING_CM = 0.2, 0.45


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


def _append_plain_paragraphs(document, texts: Iterable[str]) -> None:
    """Many plain paragraphs at the end of the body, fast.

    ``Document.add_paragraph`` looks for the section properties among all the body's children every
    time, which makes a 10,000-response annex quadratic; here the anchor is found once.
    """
    from docx.oxml.ns import qn  # heavy: python-docx and lxml load only to render a document
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


def _paragraph(container, text: str, style: str | None = None, language: str | None = None):
    """A paragraph, right-to-left when its text is Arabic (or Hebrew) so Word lays it out properly, and
    tagged with its language when known (Word then picks the proofing tools and the right font)."""
    from docx.oxml import OxmlElement  # heavy: python-docx loads only to render a document
    from docx.oxml.ns import qn

    paragraph = container.add_paragraph(_xml_safe(text), style=style)
    if _RIGHT_TO_LEFT.search(text):
        paragraph._p.get_or_add_pPr().append(OxmlElement("w:bidi"))
    if language:
        for run in paragraph.runs:
            tag = OxmlElement("w:lang")
            tag.set(qn("w:bidi" if language == "ar" else "w:eastAsia" if language == "zh" else "w:val"), language)
            run._r.get_or_add_rPr().append(tag)
    return paragraph


def _labelled(document, label: str, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{label}: ").bold = True
    paragraph.add_run(_xml_safe(text))


def _hyperlink(paragraph, url: str, text: str) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE  # heavy: python-docx loads only to render a document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True))
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    properties.append(style)
    run.append(properties)
    run_text = OxmlElement("w:t")
    run_text.text = text
    run.append(run_text)
    link.append(run)
    paragraph._p.append(link)


def _field(paragraph, instruction: str) -> None:
    """A real Word field (PAGE, NUMPAGES): Word and LibreOffice fill it in on every page."""
    from docx.oxml import OxmlElement  # heavy: python-docx loads only to render a document
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    run_text = OxmlElement("w:t")
    run_text.text = "1"
    run.append(run_text)
    field.append(run)
    paragraph._p.append(field)


def _page_setup(document, context: dict) -> None:
    """A4 with ITU's margins; the running header and the "page X of Y" footer."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH  # heavy: python-docx loads only to render a document
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(2.2)
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.font.name = LATIN_FONT
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    fonts.set(qn("w:cs"), COMPLEX_FONT)

    header = section.header.paragraphs[0]
    header.add_run(_xml_safe(context["number"])).font.size = Pt(8.5)
    if context["marks"]:
        mark = header.add_run("\t\t" + " · ".join(context["marks"]))
        mark.bold, mark.font.size, mark.font.color.rgb = True, Pt(8.5), RGBColor(0xAA, 0, 0)
    before, between, after = context["page_of"]
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(before)
    _field(footer, "PAGE")
    footer.add_run(between)
    _field(footer, "NUMPAGES")
    footer.add_run(after)


def column_widths(table: Table) -> list[float]:
    """Column widths (cm) that hold each column's longest word, the rest shared by how much each column says."""
    columns = list(zip(table.header, *table.rows, strict=True))
    least = [max(len(word) for cell in column for word in (cell.split() or [""])) * CHAR_CM + PADDING_CM
             for column in columns]  # fmt: skip
    spare = max(TEXT_WIDTH_CM - sum(least), 0)
    wants = [max(len(cell) for cell in column) * CHAR_CM + PADDING_CM - minimum
             for column, minimum in zip(columns, least, strict=True)]  # fmt: skip
    total_wants = sum(wants) or 1
    return [minimum + spare * min(want / total_wants, 1) for minimum, want in zip(least, wants, strict=True)]


def _table(document, table: Table) -> None:
    from docx.shared import Cm, Pt  # heavy: python-docx loads only to render a document

    document.add_paragraph(table.title, style="Caption")
    grid = document.add_table(rows=1, cols=len(table.header), style="Table Grid")
    grid.autofit = False
    for row_cells, texts, bold in [(grid.rows[0].cells, table.header, True)] + [
        (grid.add_row().cells, row, False) for row in table.rows
    ]:
        for cell, text in zip(row_cells, texts, strict=True):
            run = cell.paragraphs[0].add_run(_xml_safe(text))
            run.font.size, run.bold = Pt(9), bold or None
    for column, width in zip(grid.columns, column_widths(table), strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def _front_matter(document, context: dict) -> None:
    """ITU's opening: group and meeting beside the number, date and original language; then Source, Title."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH  # heavy: python-docx loads only to render a document
    from docx.shared import Pt, RGBColor

    masthead = document.add_table(rows=1, cols=2)
    left, right = masthead.rows[0].cells
    left.paragraphs[0].add_run(context["group"]).bold = True
    _paragraph(left, context["meeting"])
    for n, line in enumerate(context["header"]):
        paragraph = right.paragraphs[0] if n == 0 else right.add_paragraph()
        paragraph.add_run(_xml_safe(line)).bold = n == 0
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if context["marks"]:
        run = document.add_paragraph().add_run(" · ".join(context["marks"]))
        run.bold, run.font.size, run.font.color.rgb = True, Pt(12), RGBColor(0xAA, 0, 0)
    if context["notice"]:  # an answer was removed after publication
        run = document.add_paragraph().add_run(context["notice"])
        run.bold, run.font.color.rgb = True, RGBColor(0xAA, 0, 0)
    _labelled(document, _("Source"), context["source"])
    _labelled(document, _("Title"), context["title"])
    _paragraph(document, context["title"], style="Title")
    document.add_heading(pgettext("document section", "Summary"), level=1)
    _paragraph(document, context["abstract"])
    document.add_heading(_("Action required"), level=1)
    document.add_paragraph(context["action"])
    document.add_heading(_("References"), level=1)
    for reference in context["references"]:
        _paragraph(document, reference)


def _themes(document, view: SummaryView, context: dict) -> None:
    document.add_heading(_("Themes"), level=1)
    for question in view.questions:
        document.add_heading(_xml_safe(f"{_('Question %(n)d', n=question.position)}: {question.prompt}"), level=2)
        if not question.themes:
            document.add_paragraph(_("No published responses."))
        for theme in question.themes:
            document.add_heading(_xml_safe(theme.title), level=3)
            if theme.withheld:
                document.add_paragraph(context["withheld_note"])
            else:
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
                _paragraph(document, quote.text, style="Quote", language=quote.language)
                if quote.english:
                    _paragraph(document, quote.english, style="Quote", language="en")
                url = context["quote_url"](quote.id)
                reference = document.add_paragraph(style="Quote")
                _hyperlink(reference, url, f"R{quote.id}")
                reference.add_run(f" {url}")


def render_docx(view: SummaryView) -> bytes:
    from docx import Document  # heavy: python-docx loads only to render a document
    from docx.shared import Cm

    context = document_context(view)
    document = Document()
    when = view.summary.published_at or view.summary.created_at
    core = document.core_properties
    core.title = _xml_safe(context["title"])[:250]
    core.author = _("ITU CWG-COP secretariat")
    core.last_modified_by = ""
    core.created = core.modified = when.replace(tzinfo=None)
    core.revision = view.summary.version
    _page_setup(document, context)
    _front_matter(document, context)

    document.add_heading(_("Method"), level=1)
    for paragraph in context["method"]:
        document.add_paragraph(_xml_safe(paragraph))
    document.add_heading(_("Statistics"), level=1)
    document.add_paragraph(suppression_note())
    for table in context["tables"]:
        _table(document, table)
    document.add_paragraph(_("Chart: participants by ITU region and age band"), style="Caption")
    document.add_picture(io.BytesIO(chart_png(view.statistics)), width=Cm(16))
    picture = document.inline_shapes[-1]._inline.docPr
    picture.set("descr", _xml_safe(context["chart_alt"]))
    picture.set("title", _("Participants by ITU region and age band"))
    document.add_paragraph(_xml_safe(context["chart_alt"]))
    _themes(document, view, context)
    document.add_heading(_("Key messages"), level=1)
    for message in context["key_messages"]:
        _paragraph(document, message, style="List Bullet")

    document.add_heading(_("Annex: all published responses"), level=1)
    for position, prompt, responses in by_question(view):
        document.add_heading(_xml_safe(f"{_('Question %(n)d', n=position)}: {prompt}"), level=2)
        _append_plain_paragraphs(document, (f"R{r.id} ({r.language}): {r.text}" for r in responses))

    document.add_heading(_("Licence and attribution"), level=1)
    document.add_paragraph(context["licence_note"])
    if view.attribution:
        document.add_paragraph(view.attribution)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
