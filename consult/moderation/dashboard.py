"""The moderation dashboard's figures: what waits, how fast decisions come, and who made them."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy import func, select

from .. import clock
from ..extensions import db
from ..models import FLAGS, Consultation, Priority, Question, Submission, SubmissionStatus
from .models import ModerationAction, ModerationEvent


@dataclass(frozen=True)
class QueueFigures:
    waiting: int
    by_flag: dict[str, int]  # each of FLAGS, and "none"
    escalated: int  # with the safeguarding team
    open_now: int  # claimed by a moderator at this moment


def _in_consultation(consultation: Consultation):
    return Submission.question_id.in_(
        select(Question.id).where(Question.consultation_id == consultation.id).scalar_subquery()
    )


def queue_figures(consultation: Consultation) -> QueueFigures:
    pending = Submission.status == SubmissionStatus.PENDING

    def count(*conditions):
        return func.coalesce(func.sum(sa.case((sa.and_(*conditions), 1), else_=0)), 0)

    flags = [Submission.flag_safeguarding, Submission.flag_pii, Submission.flag_abuse, Submission.flag_reported]
    row = db.session.execute(
        select(
            count(pending),
            *(count(pending, flag.is_(True)) for flag in flags),
            count(pending, Submission.priority == Priority.CLEAR),
            count(Submission.status == SubmissionStatus.ESCALATED),
            count(pending, Submission.claimed_until > clock.utcnow()),
        ).where(_in_consultation(consultation))
    ).one()
    waiting, *by_flag, clear, escalated, open_now = (int(value) for value in row)
    return QueueFigures(waiting, dict(zip([*FLAGS, "none"], [*by_flag, clear], strict=True)), escalated, open_now)


def median_time_to_decision(consultation: Consultation) -> timedelta | None:
    """From arrival to the latest decision, over every decided response of the consultation."""
    rows = db.session.execute(
        select(Submission.created_at, Submission.decided_at).where(
            _in_consultation(consultation),
            Submission.status != SubmissionStatus.PENDING,
            Submission.decided_at.is_not(None),
        )
    ).all()
    if not rows:
        return None
    return timedelta(seconds=statistics.median((decided - created).total_seconds() for created, decided in rows))


@dataclass(frozen=True)
class ModeratorTally:
    actor_id: int
    name: str | None
    approved: int
    rejected: int
    escalated: int

    @property
    def total(self) -> int:
        return self.approved + self.rejected + self.escalated


DECISIONS = (ModerationAction.APPROVED, ModerationAction.REJECTED, ModerationAction.ESCALATED)


def decisions_per_moderator(consultation: Consultation) -> list[ModeratorTally]:
    """Read from the audit trail, so a response decided again (after reports) counts twice."""
    rows = db.session.execute(
        select(ModerationEvent.actor_id, func.max(ModerationEvent.actor_name), ModerationEvent.action, func.count())
        .where(
            ModerationEvent.consultation_id == consultation.id,
            ModerationEvent.actor_id.is_not(None),
            ModerationEvent.action.in_([action.value for action in DECISIONS]),
        )
        .group_by(ModerationEvent.actor_id, ModerationEvent.action)
    ).all()
    tallies: dict[int, dict] = {}
    for actor_id, name, action, number in rows:
        tally = tallies.setdefault(actor_id, {"actor_id": actor_id, "name": name, "approved": 0, "rejected": 0,
                                              "escalated": 0})  # fmt: skip
        tally[action] = number
    return sorted((ModeratorTally(**tally) for tally in tallies.values()), key=lambda t: (-t.total, t.actor_id))
