"""The input document as HTML (the same content as the DOCX and the Markdown), and as a PDF drawn from it.

WeasyPrint is imported inside the function that uses it: web workers only load it to render a document.
"""

from __future__ import annotations

from flask import current_app, render_template

from .context import document_context
from .reading import SummaryView


def render_html(view: SummaryView) -> str:
    return render_template("summaries/document.html", **document_context(view))


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
