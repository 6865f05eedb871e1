"""The input document as DOCX, laid out for the CWG-COP's contributions.

python-docx and lxml are imported inside the functions that use them: web workers only load them to render.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

from flask_babel import gettext as _

from ..i18n import percent
from .charts import chart_png
from .context import by_question, document_context, suppression_note
from .reading import SummaryView

# Characters XML 1.0 (and so DOCX) cannot hold.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


_RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff]")


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


def _paragraph(document, text: str, style: str | None = None):
    """A paragraph, right-to-left when its text is Arabic (or Hebrew) so Word lays it out properly."""
    from docx.oxml import OxmlElement  # heavy: python-docx loads only to render a document

    paragraph = document.add_paragraph(_xml_safe(text), style=style)
    if _RIGHT_TO_LEFT.search(text):
        paragraph._p.get_or_add_pPr().append(OxmlElement("w:bidi"))
    return paragraph


def render_docx(view: SummaryView) -> bytes:
    from docx import Document  # heavy: python-docx loads only to render a document
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
    if context["notice"]:
        document.add_paragraph().add_run(context["notice"]).bold = True
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
