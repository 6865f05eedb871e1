"""The input document as HTML (the same content as the DOCX and the Markdown), and as a PDF drawn from it.

WeasyPrint is imported inside the function that uses it: web workers only load it to render a document.
"""

from __future__ import annotations

import re

from flask import current_app, render_template
from markupsafe import Markup

from .context import document_context
from .reading import SummaryView


def css_string(text: str) -> Markup:
    """A CSS string holding ``text`` exactly: every character but letters and digits as a six-digit hex escape,
    so that nothing typed (a document number, say) can end the string or the style sheet."""
    escaped = "".join(c if c.isalnum() else f"\\{ord(c if c.isprintable() else ' '):06x}" for c in text)
    return Markup(f'"{escaped}"')  # noqa: S704  # nosec B704 - every character that could end it is escaped


_STRONG = re.compile("[A-Za-z\u00c0-\u024f\u0370-\u04ff\u0590-\u08ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def direction(text: str) -> str:
    """The direction of a text by its first strong letter, as ``dir="auto"`` would (WeasyPrint ignores it)."""
    first = _STRONG.search(text)
    return "rtl" if first and "\u0590" <= first.group() <= "\u08ff" else "ltr"


def render_html(view: SummaryView) -> str:
    context = document_context(view)
    before, between, after = context["page_of"]
    running = {
        "number": css_string(context["number"]),
        "marks": css_string(" · ".join(context["marks"])),
        # css_string escapes the texts; the counters are fixed words.
        "page_of": Markup(" ").join(
            [
                css_string(before),
                Markup("counter(page)"),
                css_string(between),
                Markup("counter(pages)"),
                css_string(after),
            ]
        ),
    }
    return render_template("summaries/document.html", running=running, direction=direction, **context)


# WeasyPrint's line breaking fails on a paragraph separator after a space (an AssertionError, so a 500):
# in HTML both separators are mere white space anyway.
_SEPARATORS_AS_SPACES = str.maketrans({"\u2028": " ", "\u2029": " "})


def render_pdf(view: SummaryView) -> bytes:
    from weasyprint import HTML  # heavy: WeasyPrint loads only to render a document

    html = render_html(view).translate(_SEPARATORS_AS_SPACES)
    document = HTML(string=html, base_url=str(current_app.root_path)).render()
    when = (view.summary.published_at or view.summary.created_at).strftime("%Y-%m-%dT%H:%M:%SZ")
    document.metadata.created = when
    document.metadata.modified = when
    return document.write_pdf()
