"""Screening the answers that have arrived, in batches, in the job worker.

An answer is taken in by the web request as written (pending, not yet screened) and screened here
moments later: its language is told from the text (unless its author chose one), the lexicons look
for personal information, abuse and possible disclosures of harm, a classifier reads the answer's
sentence vector for abuse and disclosures said without the lexicons' words, and the result orders the
moderation queue and suggests a redaction. The vector is stored, so a summary never computes it again.
Screening never publishes anything.

A batch writes each result only if the answer is still unscreened and unchanged since it was read,
so two workers, or a job run twice after a crash, never screen an answer twice or record a result
for a text its author has since edited (the edit asks for screening again).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import bindparam, func, select

from .. import clock, languages
from ..extensions import db
from ..models import Priority, Question, Submission
from .disclosures import settle_earlier_wordings, settle_withdrawn, wordings_to_screen
from .events import text_hash
from .intake import screening_fields
from .models import ModerationAction, ModerationEvent
from .screening import screen_batch
from .vectors import Encoded, replace_vectors

SCREENING_JOB = "screen_answers"
# Screening fields an edit puts back to "not yet screened".
UNSCREENED_FIELDS = {
    "flag_pii": False, "flag_abuse": False, "flag_safeguarding": False, "pii_spans": None,
    "suggested_text": None, "priority": Priority.UNSCREENED, "screened_at": None, "screening_score": 0,
    "screening_model": None,
}  # fmt: skip


@dataclass(frozen=True)
class Backlog:
    count: int
    oldest: datetime | None

    def oldest_seconds(self, now: datetime) -> float:
        return max(0.0, (now - self.oldest).total_seconds()) if self.oldest else 0.0


def backlog() -> Backlog:
    """How many answers wait for screening, and since when: since the answer was posted, or last edited (an edit
    puts it back to "not yet screened"; an answer posted an hour ago and changed now has waited seconds)."""
    since = func.coalesce(Submission.updated_at, Submission.created_at)
    count, oldest = db.session.execute(
        select(func.count(Submission.id), func.min(since)).where(Submission.screened_at.is_(None))
    ).one()
    return Backlog(count, oldest.replace(tzinfo=oldest.tzinfo or UTC) if oldest else None)


_WARM_UP = {"ar": "مرحبا", "zh": "你好", "en": "Hello", "fr": "Bonjour", "ru": "Привет", "es": "Hola"}


def warm_up() -> None:
    """Load the screening once, when a job worker starts (the sentence encoder's weights, the language
    detector, the classifier, every language's lexicons and patterns): cold, the first answer after a
    start waited 6-7 s for them on two cores, against a fraction of a second once they are loaded.
    ``screen_batch`` detects each text's language as it screens it, so the detector is loaded there too."""
    screen_batch(list(_WARM_UP.values()), list(_WARM_UP))


def screen_arrivals(limit: int) -> int:
    """Screen up to ``limit`` unscreened answers, oldest first; flushes, never commits. How many were screened."""
    rows = db.session.execute(
        select(Submission.id, Submission.body, Submission.language, Submission.language_declared,
               Submission.updated_at, Question.consultation_id)
        .join(Question, Question.id == Submission.question_id)
        .where(Submission.screened_at.is_(None))
        .order_by(Submission.id)
        .limit(limit)
    ).all()  # fmt: skip
    # Screen first, write after: the writes take the database's write lock (SQLite has one for everyone),
    # and answers being posted meanwhile must not wait for a whole batch's screening, nor for its redactions.
    detected = [languages.detect(row.body, row.language).language for row in rows]
    written_in = [row.language if row.language_declared else found for row, found in zip(rows, detected, strict=True)]
    screenings = screen_batch([row.body for row in rows], written_in)
    # Words replaced before screening read them: screened here too, in one batch, before anything is written.
    # Both layers, as for any arrival: the classifier catches what the lexicons miss.
    replaced = wordings_to_screen()
    disclosing = [
        "safeguarding" in screening.result.flags
        for screening in screen_batch([wording.body for wording, _ in replaced], [language for _, language in replaced])
    ] if replaced else []  # fmt: skip
    now = clock.utcnow()
    results = [screening_fields(row.body, language, screening.result)
               for row, language, screening in zip(rows, written_in, screenings, strict=True)]  # fmt: skip
    if rows:  # one statement for the batch, each row written only if still unscreened and unchanged
        db.session.execute(_SCREENED, [
            {"b_id": row.id, "b_body": row.body, "b_updated_at": row.updated_at, "language": language,
             "screened_at": now, "screening_score": screening.stored_score, "screening_model": screening.model,
             **fields}
            for row, language, screening, (_, fields) in zip(rows, written_in, screenings, results, strict=True)
        ])  # fmt: skip
    # Ours are those stamped with this batch's time: a row another worker screened meanwhile has its own.
    ours = set(db.session.scalars(
        select(Submission.id).where(Submission.id.in_([row.id for row in rows]), Submission.screened_at == now)
    )) if rows else set()  # fmt: skip
    screened, vectors, events = [], [], []
    for row, found, screening, (flags, _) in zip(rows, detected, screenings, results, strict=True):
        if row.id in ours:
            screened.append(row.id)
            vectors.append(Encoded(row.id, row.body, found, screening.vector))
            events.append({
                "consultation_id": row.consultation_id, "submission_id": row.id,
                "action": ModerationAction.SCREENED.value, "note": " ".join(sorted(flags)) or None,
                "before_hash": None, "after_hash": text_hash(row.body), "created_at": now,
            })  # fmt: skip
    if events:  # one statement for the batch's trail: the write lock is held the shorter
        db.session.execute(ModerationEvent.__table__.insert(), events)
    replace_vectors(vectors)
    # Words replaced, then answers withdrawn, before screening read them: kept if possible disclosures, else
    # deleted. Replaced words first, so an answer changed and then withdrawn is kept for what it said first.
    settle_earlier_wordings(replaced, disclosing)
    settle_withdrawn(screened)
    return len(screened)


_TABLE = Submission.__table__
_SCREENED = (
    _TABLE.update()
    .where(_TABLE.c.id == bindparam("b_id"), _TABLE.c.screened_at.is_(None), _TABLE.c.body == bindparam("b_body"),
           _TABLE.c.updated_at.is_not_distinct_from(bindparam("b_updated_at", type_=_TABLE.c.updated_at.type)))
    .values({name: bindparam(name, type_=_TABLE.c[name].type) for name in (
        "language", "screened_at", "screening_score", "screening_model", "flag_pii", "flag_abuse",
        "flag_safeguarding", "pii_spans", "suggested_text", "priority")})
)  # fmt: skip
