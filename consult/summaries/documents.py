"""A format's bytes: open data rendered now; a published version's documents rendered once per language and kept.

The kept rendering is served again while the texts it contains are unchanged, so that its address
serves the same bytes; a response taken down since changes the fingerprint, and the document is drawn again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..extensions import db
from ..models import Consultation
from .formats import FORMATS, Kind, OutputFormat
from .generation import ALGORITHM_VERSION
from .models import Summary, SummaryDocument
from .reading import SummaryView, summary_view


def render_document(view: SummaryView, name: str, language: str = "en") -> bytes:
    output = FORMATS[name]
    if output.kind is not Kind.DOCUMENT:
        raise ValueError(name)
    with force_locale(language):
        return output.render(view)


def render_data(consultation: Consultation, name: str) -> bytes:
    output = FORMATS[name]
    if output.kind is not Kind.DATA:
        raise ValueError(name)
    return output.render(consultation)


def document_fingerprint(view: SummaryView) -> str:
    """Changes whenever the texts a document would contain change (a response taken down, say), and on publishing."""
    # A draft's preview says "Draft" on every page: it must never be served as the version once published.
    # (A published version's fingerprint is the one it always had, so what is kept of it stays valid.)
    draft = "" if view.summary.is_published else ":draft"
    digest = hashlib.sha256(f"{view.summary.id}:{ALGORITHM_VERSION}{draft}".encode())
    for response in view.annex or []:
        digest.update(f"{response.id}:{response.text}\0".encode())
    return digest.hexdigest()


def kept_document(summary: Summary, file_format: str, language: str, fingerprint: str) -> bytes | None:
    return db.session.scalar(
        select(SummaryDocument.content).where(
            SummaryDocument.summary_id == summary.id,
            SummaryDocument.format == file_format,
            SummaryDocument.language == language,
            SummaryDocument.fingerprint == fingerprint,
        )
    )


def keep_document(summary: Summary, file_format: str, language: str, fingerprint: str, content: bytes) -> None:
    db.session.add(
        SummaryDocument(
            summary_id=summary.id,
            format=file_format,
            language=language,
            fingerprint=fingerprint,
            content=content,
            created_at=clock.utcnow(),
        )
    )
    db.session.flush()


def document_content(summary: Summary, output: OutputFormat, language: str, keep: bool = True) -> bytes:
    """The document of ``summary`` in ``output`` and ``language``: the kept rendering, or a fresh one (kept if asked).

    Keeping flushes inside a savepoint and never commits: the caller's one commit keeps it.
    """
    view = summary_view(summary, with_annex=True)
    return _kept_or_rendered(view, document_fingerprint(view), output, language, keep)


def _kept_or_rendered(view: SummaryView, fingerprint: str, output: OutputFormat, language: str, keep: bool) -> bytes:
    content = kept_document(view.summary, output.name, language, fingerprint)
    if content is not None:
        return content
    content = render_document(view, output.name, language)
    if keep:
        try:
            with db.session.begin_nested():
                keep_document(view.summary, output.name, language, fingerprint, content)
        except IntegrityError:  # another job kept the same rendering first; this one is as good
            pass
    return content


def kept_content(summary: Summary, output: OutputFormat, language: str) -> bytes | None:
    """The kept rendering of the texts the version holds now, or None: never renders (a web request's way)."""
    return kept_document(summary, output.name, language, document_fingerprint(summary_view(summary, with_annex=True)))


def keep_documents(summary: Summary, outputs: Sequence[OutputFormat], languages: Sequence[str],
                   progress: Callable[[int], None] | None = None) -> int:  # fmt: skip
    """Render and keep each document not kept yet (one reading of the version for them all); flushes."""
    view = summary_view(summary, with_annex=True)
    fingerprint = document_fingerprint(view)
    done = 0
    for output in outputs:
        for language in languages:
            _kept_or_rendered(view, fingerprint, output, language, keep=True)
            done += 1
            if progress:
                progress(done)
    return done
