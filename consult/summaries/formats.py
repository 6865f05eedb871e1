"""The output formats: one entry per format, read by the pages, the download views, the API and ``flask export``.

A *document* (DOCX, PDF, Markdown) is rendered from a published summary version, per language, and kept;
*open data* (CSV, JSON) is rendered from the consultation's approved responses. Adding a format is one
entry here and its renderer module; nothing else names a format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from . import docx, markdown, opendata, pdf


class Kind(StrEnum):
    DOCUMENT = "document"
    DATA = "data"


@dataclass(frozen=True)
class OutputFormat:
    name: str  # in its address (document.<name>, data.<name>), on the command line; a document's is kept: ≤ 8
    label: str  # what readers call it, the same in every language
    media_type: str
    extension: str  # of the file a reader downloads
    kind: Kind
    # A document's renderer takes a SummaryView and is called in the document's locale; open data's a Consultation.
    render: Callable[[Any], bytes]
    data_name: str = "responses"  # open data's file is <slug>-<data_name>.<extension>


FORMATS: dict[str, OutputFormat] = {}


def register(output: OutputFormat) -> OutputFormat:
    FORMATS[output.name] = output
    return output


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
register(OutputFormat("docx", "DOCX", DOCX, "docx", Kind.DOCUMENT, docx.render_docx))
register(OutputFormat("pdf", "PDF", "application/pdf", "pdf", Kind.DOCUMENT, pdf.render_pdf))
register(OutputFormat("md", "Markdown", "text/markdown; charset=utf-8", "md", Kind.DOCUMENT, markdown.render_markdown))
register(OutputFormat("csv", "CSV", "text/csv; charset=utf-8", "csv", Kind.DATA, opendata.render_csv))
register(OutputFormat("json", "JSON", "application/json", "json", Kind.DATA, opendata.render_json))
# Where each quote of the published summaries comes from (answer, permalink, hash of the published text).
register(OutputFormat("provenance", "Provenance CSV", "text/csv; charset=utf-8", "csv", Kind.DATA,
                      opendata.render_provenance_csv, "provenance"))  # fmt: skip


def output_format(name: str, kind: Kind) -> OutputFormat | None:
    found = FORMATS.get(name)
    return found if found is not None and found.kind is kind else None


def document_formats() -> list[OutputFormat]:
    return [output for output in FORMATS.values() if output.kind is Kind.DOCUMENT]


def data_formats() -> list[OutputFormat]:
    return [output for output in FORMATS.values() if output.kind is Kind.DATA]
