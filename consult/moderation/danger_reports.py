"""Readers' reports that someone may be in danger go to the safeguarding team at once, whoever sent them.

A report counts toward a take-down only from an established account (reports.py), so that no one person
can take an answer down. A report that someone may be in danger must not wait for that: from any account,
brand-new or not, it puts the published answer before the safeguarding team (still published, and still
not counted), until someone on the team takes it down into the safeguarding queue or records that it
needs nothing. A later danger report brings it back.
"""

from __future__ import annotations

from sqlalchemy import exists, func, select, update

from .. import clock, outbox
from ..extensions import db
from ..models import Priority, Submission, SubmissionStatus, User, is_public
from ..text import clean_plain_text
from .events import record_event
from .models import ModerationAction, ModerationEvent, Report
from .reports import TAKEN_DOWN_JOB, ReportReason
from .services import AlreadyDecided

# The reason of the team's audit event that settles the danger reports sent before it.
REVIEWED = "report_reviewed"


def _unreviewed_danger_report():
    """The SQL condition "a reader reported this as a danger since the team last reviewed it"."""
    reviewed_since = exists().where(
        ModerationEvent.submission_id == Submission.id,
        ModerationEvent.action == ModerationAction.SAFEGUARDING_ACTION.value,
        ModerationEvent.reason == REVIEWED,
        ModerationEvent.created_at >= Report.created_at,
    )
    return exists().where(
        Report.submission_id == Submission.id, Report.reason == ReportReason.DANGER.value, ~reviewed_since
    )


def danger_reported(limit: int) -> list[Submission]:
    """Published answers readers reported as a danger that the team has not reviewed since, oldest first."""
    return list(
        db.session.scalars(
            select(Submission).where(is_public(), _unreviewed_danger_report()).order_by(Submission.id).limit(limit)
        )
    )


def danger_reported_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(Submission).where(is_public(), _unreviewed_danger_report())
    )


def _require_reported(submission: Submission) -> None:
    waiting = db.session.scalar(
        select(Submission.id).where(Submission.id == submission.id, is_public(), _unreviewed_danger_report())
    )
    if waiting is None:  # a team member settled it meanwhile, or it is no longer published
        raise AlreadyDecided(submission.id)


def mark_reviewed(submission: Submission, member: User) -> None:
    """The team read it and it stays published: the danger reports sent so far are settled."""
    _require_reported(submission)
    record_event(submission, ModerationAction.SAFEGUARDING_ACTION, member, reason=REVIEWED)
    db.session.flush()


def escalate_reported(submission: Submission, member: User, note: str | None = None) -> None:
    """Take the published answer down into the safeguarding queue, where the team decides on it as on any other."""
    _require_reported(submission)
    note = clean_plain_text(note) or None
    now = clock.utcnow()
    moved = db.session.execute(
        update(Submission)
        .where(Submission.id == submission.id, is_public())
        .values(status=SubmissionStatus.ESCALATED, hidden_at=now, flag_reported=True, decided_at=now,
                decided_by_id=member.id, claimed_by_id=None, claimed_until=None, priority=Priority.SAFEGUARDING)
        .execution_options(synchronize_session=False)
    ).rowcount  # fmt: skip
    db.session.refresh(submission)
    if not moved:
        raise AlreadyDecided(submission.id)
    record_event(submission, ModerationAction.ESCALATED, member, note=note, before=submission.body)
    # It may have been in a published summary, like any answer taken down.
    outbox.ask(db.session, TAKEN_DOWN_JOB, submission.id)
