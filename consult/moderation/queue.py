"""The queue: what waits for a decision, in which order, and who has which item open (claims)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import func, select, update

from .. import clock
from ..extensions import db
from ..models import Consultation, Priority, Question, Submission, SubmissionStatus, User
from ..routing import database_id
from .audit import escalated_once


@dataclass(frozen=True)
class QueueFilters:
    consultation_id: int | None = None
    question_id: int | None = None
    language: str | None = None
    flag: str | None = None  # one of FLAGS, or "none" for items without any flag


@dataclass(frozen=True)
class QueueCursor:
    """Where the next page starts: after this (priority, score, id) in queue order. Keyset, never OFFSET."""

    priority: int
    score: int
    id: int

    def __str__(self) -> str:
        return f"{self.priority}-{self.score}-{self.id}"

    @classmethod
    def after(cls, item: Submission) -> QueueCursor:
        return cls(item.priority, item.screening_score, item.id)

    @classmethod
    def parse(cls, raw: str | None) -> QueueCursor | None:
        if not raw:
            return None
        parts = raw.split("-")
        if len(parts) != 3 or not all(part.isascii() and part.isdigit() for part in parts):
            raise ValueError(raw)
        priority, score, ident = parts
        identity = database_id(ident)
        if len(priority) > 2 or len(score) > 4 or identity is None:
            raise ValueError(raw)
        return cls(int(priority), int(score), identity)


def claimed_by_someone_else(moderator: User, now: datetime):
    return sa.and_(
        Submission.claimed_by_id.is_not(None),
        Submission.claimed_by_id != moderator.id,
        Submission.claimed_until > now,
    )


def queue_page(
    filters: QueueFilters, moderator: User, limit: int, after: QueueCursor | None = None
) -> list[Submission]:
    """Pending responses: possible disclosures first, then flagged ones, then the rest; within each, the
    likeliest concern by the screening classifier's score first, then the oldest.

    Items another moderator has open are left out, so parallel moderators see different items. A
    response escalated once (back after a take-down) is the safeguarding team's to decide and read.
    """
    query = _waiting(filters, moderator).order_by(*QUEUE_ORDER).limit(limit)
    if after is None:
        return list(db.session.scalars(query))
    # Exact seeks rather than one row-value comparison "(priority, -score, id) > (p, -s, n)": SQLite would
    # only seek on the priority and then read every earlier item of it (see bench/bench_queue.py).
    same_priority = Submission.priority == after.priority
    page = list(db.session.scalars(
        query.where(same_priority, Submission.screening_score == after.score, Submission.id > after.id)
    ))  # fmt: skip
    for rest in (sa.and_(same_priority, Submission.screening_score < after.score),
                 Submission.priority > after.priority):  # fmt: skip
        if len(page) < limit:
            page += db.session.scalars(query.where(rest).limit(limit - len(page)))
    return page


QUEUE_ORDER = (Submission.priority, Submission.screening_score.desc(), Submission.id)


def _waiting(filters: QueueFilters, moderator: User):
    """What this moderator's queue holds, in no order yet."""
    now = clock.utcnow()
    query = select(Submission).where(
        Submission.status == SubmissionStatus.PENDING,
        sa.not_(claimed_by_someone_else(moderator, now)),
        Submission.withdrawn_at.is_(None),
    )  # withdrawn before screening read it: see disclosures.py
    if not moderator.can_safeguard:
        query = query.where(sa.not_(escalated_once()))
    if filters.consultation_id:
        in_consultation = select(Question.id).where(Question.consultation_id == filters.consultation_id)
        query = query.where(Submission.question_id.in_(in_consultation.scalar_subquery()))
    if filters.question_id:
        query = query.where(Submission.question_id == filters.question_id)
    if filters.language:
        query = query.where(Submission.language == filters.language)
    if filters.flag == "none":
        query = query.where(Submission.priority == Priority.CLEAR)
    elif filters.flag:
        query = query.where(getattr(Submission, f"flag_{filters.flag}").is_(True))
    return query


def neighbours(submission: Submission, filters: QueueFilters, moderator: User) -> tuple[int | None, int | None]:
    """The ids of the responses before and after this one in the moderator's queue, for j and k on its page."""
    later = queue_page(filters, moderator, 1, QueueCursor.after(submission))
    priority, score, ident = submission.priority, submission.screening_score, submission.id
    earlier = db.session.scalar(
        _waiting(filters, moderator)
        .where(
            sa.or_(
                Submission.priority < priority,
                sa.and_(Submission.priority == priority, Submission.screening_score > score),
                sa.and_(Submission.priority == priority, Submission.screening_score == score, Submission.id < ident),
            )
        )
        .order_by(Submission.priority.desc(), Submission.screening_score, Submission.id.desc())
        .limit(1)
        .with_only_columns(Submission.id)
    )
    return earlier, later[0].id if later else None


def pending_counts() -> list[tuple[Consultation, int]]:
    rows = db.session.execute(
        select(Consultation, func.count(Submission.id))
        .join(Question, Question.consultation_id == Consultation.id)
        .join(Submission, Submission.question_id == Question.id)
        .where(Submission.status == SubmissionStatus.PENDING, Submission.withdrawn_at.is_(None))
        .group_by(Consultation.id)
        .order_by(Consultation.closes_at.desc())
    ).all()
    return [(consultation, count) for consultation, count in rows]


# --- claims --------------------------------------------------------------------------------


def claim_submission(submission: Submission, moderator: User) -> bool:
    """Hold an item for a few minutes; False when another moderator holds it."""
    now = clock.utcnow()
    minutes = current_app.config["MODERATION_CLAIM_MINUTES"]
    claimed = db.session.execute(
        update(Submission)
        .where(
            Submission.id == submission.id,
            Submission.status.in_((SubmissionStatus.PENDING, SubmissionStatus.ESCALATED)),
            sa.not_(claimed_by_someone_else(moderator, now)),
        )
        .values(claimed_by_id=moderator.id, claimed_until=now + timedelta(minutes=minutes))
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(submission)
    return bool(claimed)


def claim_next(filters: QueueFilters, moderator: User) -> Submission | None:
    """The first item of the queue nobody else has open, now claimed by this moderator.

    Two moderators asking at the same moment get different items: the claim is a conditional
    update, so the one who loses it moves on to the following item.
    """
    after = None
    while page := queue_page(filters, moderator, 10, after):
        for submission in page:
            if claim_submission(submission, moderator):
                return submission
        after = QueueCursor.after(page[-1])
    return None


def release_claim(submission: Submission, moderator: User) -> bool:
    """Hand an item back before the claim lapses, so the next moderator to ask gets it at once.

    Only the moderator holding the claim can end it: the holder is a condition of the update, so a
    claim another moderator took meanwhile is left alone. False when there was nothing of theirs to release.
    """
    released = db.session.execute(
        update(Submission)
        .where(Submission.id == submission.id, Submission.claimed_by_id == moderator.id)
        .values(claimed_by_id=None, claimed_until=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(submission)
    return bool(released)


def pii_segments(body: str, spans: list[dict] | None) -> list[tuple[str, str | None]]:
    """The body cut into runs of plain text (kind None) and of personal information (its kind)."""
    segments: list[tuple[str, str | None]] = []
    position = 0
    for span in sorted(spans or [], key=lambda span: (span["start"], span["end"])):
        start, end = span["start"], span["end"]
        # An overlapping or stale span is shown as plain text rather than guessed at.
        if start < position or start >= end or body[start:end] != span["text"]:
            continue
        if start > position:
            segments.append((body[position:start], None))
        segments.append((body[start:end], span["kind"]))
        position = end
    if position < len(body):
        segments.append((body[position:], None))
    return segments


def expire_claims(now: datetime) -> int:
    """Clear claims that have lapsed (a lapsed claim already binds nobody); flushes. How many were cleared."""
    return db.session.execute(
        update(Submission)
        .where(Submission.claimed_by_id.is_not(None), Submission.claimed_until <= now)
        .values(claimed_by_id=None, claimed_until=None)
        .execution_options(synchronize_session=False)
    ).rowcount
