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
from ..models import Submission
from ..moderation.models import ResponseVector
from ..moderation.vectors import Encoded, replace_vectors
from ..sentence_encoder import BATCH, DIMENSIONS, MODEL_NAME, encode, encoder, text_hash


@dataclass(frozen=True)
class Item:
    submission_id: int
    text: str
    declared_language: str


def stored_vectors(items: Sequence[Item], question_id: int | None = None):
    """(vectors as a float32 matrix in the order of ``items``, detected languages, missing items).

    With ``question_id`` (every item answers it), the vectors are read by a join rather than by lists of
    ids, which cost more to compile than to run past a few thousand.
    """
    import numpy as np

    matrix = np.zeros((len(items), DIMENSIONS), dtype=np.float32)
    languages = [item.declared_language for item in items]
    position = {item.submission_id: i for i, item in enumerate(items)}
    wanted = {item.submission_id: text_hash(item.text) for item in items}
    columns = (ResponseVector.submission_id, ResponseVector.text_hash, ResponseVector.language, ResponseVector.vector)
    if question_id is not None:
        queries = [select(*columns).join(Submission, Submission.id == ResponseVector.submission_id)
                   .where(ResponseVector.model == MODEL_NAME, Submission.question_id == question_id)]  # fmt: skip
    else:
        ids = list(position)
        queries = [select(*columns).where(ResponseVector.model == MODEL_NAME,
                                          ResponseVector.submission_id.in_(ids[start : start + 5000]))
                   for start in range(0, len(ids), 5000)]  # fmt: skip
    found_rows: list[int] = []
    rows, blobs = [], []

    def convert() -> None:
        # Thousands of vectors converted at once rather than one by one; in chunks, to keep memory flat.
        if rows:
            matrix[np.array(rows)] = np.frombuffer(b"".join(blobs), dtype=np.float16).reshape(len(rows), DIMENSIONS)
            found_rows.extend(rows)
            rows.clear()
            blobs.clear()

    for query in queries:
        # Streamed, so 100,000 blobs are never all held at once.
        for submission_id, hashed, language, blob in db.session.execute(query.execution_options(yield_per=5000)):
            if wanted.get(submission_id) == hashed:
                i = position[submission_id]
                rows.append(i)
                blobs.append(blob)
                languages[i] = language
                if len(rows) == 5000:
                    convert()
    convert()
    found = {items[i].submission_id for i in found_rows}
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
