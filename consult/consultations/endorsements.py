"""Endorsements: a participant backs someone else's published answer while the consultation is open.

The rules and the counts; the two routes live with the other consultation pages (consult/consultations/views.py).

Everyone sees how many endorsements each published answer has; nobody but the participant (in
their data download) sees who endorsed what. Endorsing and taking it back are two POSTs, each
idempotent, so a double tap or a resent form never flips the state back. Counts freeze when the
consultation closes, like the answers themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..domain import Conflict, NotFound
from ..extensions import db
from ..models import Consultation, Endorsement, Phase, Question, Role, Submission, SubmissionStatus, User, is_public


class NotEndorsable(NotFound):
    """Not a published answer; to the participant, no such answer exists."""


class EndorsementRefused(Conflict):
    """An endorsement that cannot be given or taken back; the message says why, in the user's language."""


def published_answer(consultation: Consultation, submission_id: int) -> Submission | None:
    """An approved answer of this consultation that is shown to readers, or None."""
    return db.session.scalar(
        select(Submission)
        .join(Question)
        .where(
            Submission.id == submission_id,
            Question.consultation_id == consultation.id,
            is_public(),  # as listed on the page: a response taken down after reports is not endorsable
        )
    )


def _check_endorsable(user: User, submission: Submission) -> None:
    if submission.status is not SubmissionStatus.APPROVED:
        raise NotEndorsable()
    if user.role is not Role.PARTICIPANT:
        raise EndorsementRefused(_l("Only participants can endorse answers."))
    phase = submission.question.consultation.phase(clock.utcnow())
    if phase is Phase.SCHEDULED:
        raise EndorsementRefused(_l("This consultation has not opened yet."))
    if phase is not Phase.OPEN:
        raise EndorsementRefused(_l("This consultation is closed, so endorsements can no longer change."))


def endorse_submission(user: User, submission: Submission) -> bool:
    """Endorse a published answer; False when this participant had already endorsed it."""
    _check_endorsable(user, submission)
    if submission.author_id == user.id:
        raise EndorsementRefused(_l("You cannot endorse your own answer."))
    endorsed = select(Endorsement.id).where(Endorsement.submission_id == submission.id, Endorsement.user_id == user.id)
    if db.session.scalar(endorsed) is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(Endorsement(submission_id=submission.id, user_id=user.id))
    except IntegrityError:  # the same participant, twice at once
        return False
    return True


def withdraw_endorsement(user: User, submission: Submission) -> bool:
    """Take an endorsement back; False when there was none."""
    _check_endorsable(user, submission)
    removed = db.session.execute(
        delete(Endorsement)
        .where(Endorsement.submission_id == submission.id, Endorsement.user_id == user.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.flush()
    return bool(removed)


_COUNTS = select(Endorsement.submission_id, func.count(Endorsement.id)).group_by(Endorsement.submission_id)


def _as_dict(query) -> dict[int, int]:
    return {submission_id: number for submission_id, number in db.session.execute(query)}


def endorsement_counts(submission_ids: Iterable[int]) -> dict[int, int]:
    """How many endorsements each of these answers has; answers without any are left out."""
    ids = list(submission_ids)
    if not ids:
        return {}
    return _as_dict(_COUNTS.where(Endorsement.submission_id.in_(ids)))


def consultation_endorsement_counts(consultation: Consultation) -> dict[int, int]:
    """The same for every answer of a consultation, in one query (open data: no list of ids)."""
    query = (
        _COUNTS.join(Submission, Submission.id == Endorsement.submission_id)
        .join(Question, Question.id == Submission.question_id)
        .where(Question.consultation_id == consultation.id)
    )
    return _as_dict(query)


@dataclass(frozen=True)
class EndorsementsShown:
    """What a page of published answers shows of endorsements, to one reader."""

    counts: dict[int, int]
    mine: frozenset[int] = frozenset()  # answers this participant endorsed
    own: frozenset[int] = frozenset()  # this participant's own answers: nothing to endorse

    def count(self, submission_id: int) -> int:
        return self.counts.get(submission_id, 0)


def endorsements_shown(items: Iterable, user) -> EndorsementsShown:
    """Counts for the answers on a page (items with an ``id``), and the reader's own part in them."""
    ids = [item.id for item in items]
    counts = endorsement_counts(ids)
    if not ids or not user.is_authenticated or user.role is not Role.PARTICIPANT:
        return EndorsementsShown(counts)
    mine = db.session.scalars(
        select(Endorsement.submission_id).where(Endorsement.user_id == user.id, Endorsement.submission_id.in_(ids))
    )
    own = db.session.scalars(select(Submission.id).where(Submission.author_id == user.id, Submission.id.in_(ids)))
    return EndorsementsShown(counts, frozenset(mine), frozenset(own))
