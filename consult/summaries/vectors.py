"""Per-response sentence vectors: computed once per published text, stored, then only read.

Screening stores each answer's vector as it arrives (``moderation/arrivals.py``), so a summary of answers
approved as written finds them all; this computes only what is missing (a redacted text, older data).
The encoder is ``consult/sentence_encoder.py``; numpy is imported inside functions, never when the web
app starts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..languages import detect
from ..moderation.models import ResponseVector
from ..moderation.vectors import Encoded, replace_vectors
from ..sentence_encoder import BATCH, DIMENSIONS, MODEL_NAME, encode, encoder, text_hash


@dataclass(frozen=True)
class Item:
    submission_id: int
    text: str
    declared_language: str


def stored_vectors(items: Sequence[Item]):
    """(vectors as a float32 matrix in the order of ``items``, detected languages, missing items)."""
    import numpy as np

    matrix = np.zeros((len(items), DIMENSIONS), dtype=np.float32)
    languages = [item.declared_language for item in items]
    position = {item.submission_id: i for i, item in enumerate(items)}
    wanted = {item.submission_id: text_hash(item.text) for item in items}
    found: set[int] = set()
    ids = list(position)
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        rows = db.session.execute(
            select(ResponseVector.submission_id, ResponseVector.text_hash, ResponseVector.language,
                   ResponseVector.vector)
            .where(ResponseVector.model == MODEL_NAME, ResponseVector.submission_id.in_(chunk))
        )  # fmt: skip
        for submission_id, hashed, language, blob in rows:
            if wanted[submission_id] == hashed:
                i = position[submission_id]
                matrix[i] = np.frombuffer(blob, dtype=np.float16)
                languages[i] = language
                found.add(submission_id)
    missing = [item for item in items if item.submission_id not in found]
    return matrix, languages, missing


def compute_vectors(items: Sequence[Item], progress: Callable[[int], None] | None = None) -> int:
    """Compute and store (flush) the vectors of ``items``, replacing any made from an older text."""
    if not items:
        return 0
    model = encoder()
    db.session.flush()
    for start in range(0, len(items), BATCH):
        batch = items[start : start + BATCH]
        vectors = encode([item.text for item in batch], model)
        replace_vectors([
            Encoded(item.submission_id, item.text, detect(item.text, item.declared_language).language, vector)
            for item, vector in zip(batch, vectors, strict=True)
        ])  # fmt: skip
        if progress:
            progress(len(batch))
    return len(items)
