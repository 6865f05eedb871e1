"""Deciding on pending responses: each one is decided once, by one moderator."""

from __future__ import annotations

from sqlalchemy import func, select, update

from .. import clock
from ..extensions import db
from ..models import Consultation, Question, Submission, SubmissionStatus, User


class AlreadyDecided(Exception):
    """Another moderator decided first; nothing was changed."""


def pending_submissions(consultation: Consultation, limit: int, after_id: int = 0) -> list[Submission]:
    """Oldest first, by keyset so a long queue never scans what it skipped."""
    return list(
        db.session.scalars(
            select(Submission)
            .join(Question)
            .where(
                Question.consultation_id == consultation.id,
                Submission.status == SubmissionStatus.PENDING,
                Submission.id > after_id,
            )
            .order_by(Submission.id)
            .limit(limit)
        )
    )


def pending_counts() -> list[tuple[Consultation, int]]:
    rows = db.session.execute(
        select(Consultation, func.count(Submission.id))
        .join(Question, Question.consultation_id == Consultation.id)
        .join(Submission, Submission.question_id == Question.id)
        .where(Submission.status == SubmissionStatus.PENDING)
        .group_by(Consultation.id)
        .order_by(Consultation.closes_at.desc())
    ).all()
    return [(consultation, count) for consultation, count in rows]


def _decide(submission_id: int, moderator: User, status: SubmissionStatus, **values) -> None:
    # The status condition makes the database refuse a second decision, whoever races.
    decided = db.session.execute(
        update(Submission)
        .where(Submission.id == submission_id, Submission.status == SubmissionStatus.PENDING)
        .values(status=status, decided_at=clock.utcnow(), decided_by_id=moderator.id, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not decided:
        raise AlreadyDecided(submission_id)


def approve_submission(submission_id: int, moderator: User) -> None:
    """Publish the response as written (redaction arrives with the moderation workbench)."""
    _decide(submission_id, moderator, SubmissionStatus.APPROVED, published_text=Submission.body)


def reject_submission(submission_id: int, moderator: User) -> None:
    _decide(submission_id, moderator, SubmissionStatus.REJECTED, published_text=None)
