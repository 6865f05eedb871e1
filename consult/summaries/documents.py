"""Kept renderings: a published version's documents are rendered once per language and served again."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from .. import clock
from ..extensions import db
from .generation import ALGORITHM_VERSION
from .models import Summary, SummaryDocument
from .reading import SummaryView


def document_fingerprint(view: SummaryView) -> str:
    """Changes whenever the texts a document would contain change (a response taken down, say)."""
    digest = hashlib.sha256(f"{view.summary.id}:{ALGORITHM_VERSION}".encode())
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
