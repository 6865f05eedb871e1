"""Telling a participant who asked, on their next visit to the account page, that a summary or an outcome of
a consultation they answered was published. No e-mail and no per-event rows: one moment per account
(``User.publication_notices_since``), and what was published after it, is all it takes.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from .. import clock
from ..extensions import db
from ..models import Consultation, ConsultationStatus, Question, Submission, User
from ..summaries.models import Summary
from .models import Outcome


@dataclass(frozen=True)
class Notice:
    kind: str  # "summary" or "outcome"
    consultation: Consultation


def _answered(user: User):
    return (
        select(Question.consultation_id)
        .join(Submission)
        .where(Submission.author_id == user.id, Submission.withdrawn_at.is_(None))
        .distinct()
    )


def publication_notices(user: User) -> list[Notice]:
    """What was published since the participant last looked, for the consultations they answered."""
    since = getattr(user, "publication_notices_since", None)
    if since is None:
        return []
    answered = _answered(user)
    summaries = db.session.execute(
        select(Consultation, func.max(Summary.published_at))
        .join(Summary, Summary.consultation_id == Consultation.id)
        .where(Consultation.id.in_(answered), Consultation.status == ConsultationStatus.PUBLISHED,
               Summary.published_at > since)
        .group_by(Consultation.id)
    ).all()  # fmt: skip
    outcomes = db.session.execute(
        select(Consultation, Outcome.published_at)
        .join(Outcome, Outcome.consultation_id == Consultation.id)
        .where(Consultation.id.in_(answered), Consultation.status == ConsultationStatus.PUBLISHED,
               Outcome.published_at > since)
    ).all()  # fmt: skip
    told = [(at, 0, Notice("summary", c)) for c, at in summaries] + [
        (at, 1, Notice("outcome", c)) for c, at in outcomes
    ]
    return [notice for _at, _order, notice in sorted(told, key=lambda row: (row[0], row[1], row[2].consultation.id))]


def set_publication_notices(user: User, wanted: bool) -> None:
    """Opt in (told of what is published from now on) or out (nothing kept)."""
    if not wanted:
        user.publication_notices_since = None
    elif user.publication_notices_since is None:
        user.publication_notices_since = clock.utcnow()
    db.session.flush()


def mark_notices_seen(user: User) -> None:
    """Each notice is shown until dismissed; then only later publications are told."""
    if user.publication_notices_since is not None:
        user.publication_notices_since = clock.utcnow()
        db.session.flush()
