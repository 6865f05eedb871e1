"""Readers' reports: enough of them take a published response down until a moderator looks again.

Only accounts can report, and one person must not be able to take an answer down alone: a take-down
needs reports from REPORT_THRESHOLD distinct participant accounts at least REPORT_MIN_ACCOUNT_AGE_MINUTES
old. Reports from newer accounts and from staff (who have the moderation desk) are kept, and shown to
moderators with their reasons, but do not count toward a take-down.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from .. import clock, outbox
from ..domain import Conflict, NotAllowed, NotFound, TooMany
from ..extensions import db
from ..models import Role, Submission, SubmissionStatus, User
from .events import record_event
from .intake import priority_of
from .models import ModerationAction, Report

# The job that tells the secretariat when an answer a published summary holds is taken down (consult/jobs).
TAKEN_DOWN_JOB = "tell_secretariat_of_take_down"


class ReportReason(enum.StrEnum):
    PERSONAL_INFO = "personal_info"
    ABUSIVE = "abusive"
    DANGER = "danger"
    SPAM = "spam"
    OTHER = "other"


class ReportNeedsAccount(NotAllowed):
    """Reports come from signed-in accounts only, so that they can be told apart and limited."""


class NotReportable(NotFound):
    """The response is not (or no longer) published."""


class AlreadyReported(Conflict):
    """This account has reported this response before; the report counts once."""


class TooManyReports(TooMany):
    """This account has sent as many reports as allowed for now (config REPORTS_PER_ACCOUNT_PER_HOUR)."""


def reporter_key(identity: str) -> str:
    """A keyed hash that tells readers apart without keeping who they are.

    ``identity`` is "user:<id>": one key per account, which makes a second report of the same response
    by the same account, even sent twice at once, meet the reports table's unique constraint.
    """
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, identity.encode(), hashlib.sha256).hexdigest()


def counts_toward_take_down(reporter: User) -> bool:
    """Staff have the moderation desk, and a brand-new account could be one person's tenth."""
    if reporter.role is not Role.PARTICIPANT:
        return False
    min_age = timedelta(minutes=current_app.config["REPORT_MIN_ACCOUNT_AGE_MINUTES"])
    return reporter.created_at <= clock.utcnow() - min_age


def report_submission(submission: Submission, reason: ReportReason, key: str, reporter: User | None) -> bool:
    """Record one account's report; True when it was the one that took the response down.

    ``key`` is ``reporter_key(f"user:{reporter.id}")``. The reporter is left out of the audit trail, so
    moderators never learn who reported whom.
    """
    if reporter is None or not reporter.is_authenticated:
        raise ReportNeedsAccount(_l("Please log in to report an answer."))
    if submission.status is not SubmissionStatus.APPROVED:
        raise NotReportable()
    now = clock.utcnow()
    recent = db.session.scalar(
        select(func.count(Report.id)).where(
            Report.reporter_id == reporter.id, Report.created_at > now - timedelta(hours=1)
        )
    )
    if recent >= current_app.config["REPORTS_PER_ACCOUNT_PER_HOUR"]:
        raise TooManyReports()
    if db.session.scalar(
        select(Report.id).where(Report.submission_id == submission.id, Report.reporter_id == reporter.id)
    ):
        raise AlreadyReported()
    counts = counts_toward_take_down(reporter)
    # One savepoint for the report and its count: a refusal keeps neither (see consult/domain.py).
    try:
        with db.session.begin_nested():
            db.session.add(
                Report(
                    submission_id=submission.id,
                    reporter_id=reporter.id,
                    reporter_key=key,
                    reason=reason.value,
                    created_at=now,
                )
            )
            db.session.flush()
            # Every report, counted or not, must still find the answer published. ``report_count`` holds
            # the counted ones since the answer was last approved: one per account, by the unique key.
            still_published = db.session.execute(
                update(Submission)
                .where(Submission.id == submission.id, Submission.status == SubmissionStatus.APPROVED)
                .values(report_count=Submission.report_count + (1 if counts else 0))
                .execution_options(synchronize_session=False)
            ).rowcount
            if not still_published:  # a moderator or other readers took it down meanwhile
                raise NotReportable()
    except IntegrityError as error:  # the same account, twice at once
        raise AlreadyReported() from error
    db.session.refresh(submission)
    record_event(submission, ModerationAction.REPORTED, reason=reason.value)
    if not counts or submission.report_count < current_app.config["REPORT_THRESHOLD"]:
        return False
    return _take_down(submission)


def _take_down(submission: Submission) -> bool:
    hidden = db.session.execute(
        update(Submission)
        .where(Submission.id == submission.id, Submission.status == SubmissionStatus.APPROVED)
        .values(
            status=SubmissionStatus.PENDING,
            hidden_at=clock.utcnow(),
            flag_reported=True,
            claimed_by_id=None,
            claimed_until=None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(submission)
    if not hidden:
        return False
    submission.priority = priority_of(submission)
    db.session.flush()
    record_event(submission, ModerationAction.HIDDEN, note=str(submission.report_count),
                 before=submission.published_text)  # fmt: skip
    outbox.ask(db.session, TAKEN_DOWN_JOB, submission.id)
    return True


def report_reasons(submission: Submission) -> list[tuple[str, int]]:
    """How many readers gave each reason, most given first; never who they were."""
    rows = db.session.execute(
        select(Report.reason, func.count(Report.id))
        .where(Report.submission_id == submission.id)
        .group_by(Report.reason)
        .order_by(func.count(Report.id).desc(), Report.reason)
    ).all()
    return [(reason, number) for reason, number in rows]
