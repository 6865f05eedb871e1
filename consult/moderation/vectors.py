"""Storing answers' sentence vectors: screening writes them as answers arrive, summaries when a text changed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .. import clock
from ..extensions import db
from ..sentence_encoder import MODEL_NAME, text_hash
from .models import ResponseVector


@dataclass(frozen=True)
class Encoded:
    submission_id: int
    text: str
    language: str  # as detected
    vector: object  # a float32 row of 512, L2-normalised


def replace_vectors(encoded: Sequence[Encoded]) -> None:
    """Store (flush) these vectors, replacing any made from an older text of the same answers."""
    if not encoded:
        return
    ids = [item.submission_id for item in encoded]
    for start in range(0, len(ids), 5000):
        db.session.execute(
            ResponseVector.__table__.delete().where(
                ResponseVector.model == MODEL_NAME, ResponseVector.submission_id.in_(ids[start : start + 5000])
            )
        )
    now = clock.utcnow()
    db.session.execute(
        ResponseVector.__table__.insert(),
        [
            {
                "submission_id": item.submission_id,
                "model": MODEL_NAME,
                "text_hash": text_hash(item.text),
                "language": item.language,
                "vector": item.vector.astype("float16").tobytes(),
                "created_at": now,
            }
            for item in encoded
        ],
    )
