"""Readers' reports: enough of them take a published response down until a moderator looks again."""

from __future__ import annotations

import enum
import hashlib
import hmac
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..extensions import db
from ..models import Submission, SubmissionStatus, User
from .events import record_event
from .intake import priority_of
from .models import ModerationAction, Report

# A reader may send this many reports an hour (config REPORTS_PER_HOUR); per-address limits come
# with the rate limiter, since no address is ever stored here.
REPORTS_PER_HOUR = 10


class ReportReason(enum.StrEnum):
    PERSONAL_INFO = "personal_info"
    ABUSIVE = "abusive"
    DANGER = "danger"
    SPAM = "spam"
    OTHER = "other"


class NotReportable(Exception):
    """The response is not (or no longer) published."""


class AlreadyReported(Exception):
    """This reader has reported this response before; the report counts once."""


class TooManyReports(Exception):
    """This reader has sent as many reports as allowed for now."""


def reporter_key(identity: str) -> str:
    """A keyed hash that tells readers apart without keeping who they are.

    ``identity`` is "user:<id>" for a signed-in reader, or "reader:<random id kept in the session>".
    """
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, identity.encode(), hashlib.sha256).hexdigest()


def report_submission(submission: Submission, reason: ReportReason, key: str, reporter: User | None = None) -> bool:
    """Count one reader's report; True when it was the one that took the response down.

    The reporter is left out of the audit trail, so moderators never learn who reported whom.
    """
    if submission.status is not SubmissionStatus.APPROVED:
        raise NotReportable(submission.id)
    now = clock.utcnow()
    limit = current_app.config.get("REPORTS_PER_HOUR", REPORTS_PER_HOUR)
    recent = db.session.scalar(
        select(func.count(Report.id)).where(Report.reporter_key == key, Report.created_at > now - timedelta(hours=1))
    )
    if recent >= limit:
        raise TooManyReports(key)
    if db.session.scalar(select(Report.id).where(Report.submission_id == submission.id, Report.reporter_key == key)):
        raise AlreadyReported(submission.id)
    # One savepoint for the report and its count: a refusal keeps neither (see consult/domain.py).
    try:
        with db.session.begin_nested():
            db.session.add(
                Report(
                    submission_id=submission.id,
                    reporter_id=reporter.id if reporter else None,
                    reporter_key=key,
                    reason=reason.value,
                    created_at=now,
                )
            )
            db.session.flush()
            counted = db.session.execute(
                update(Submission)
                .where(Submission.id == submission.id, Submission.status == SubmissionStatus.APPROVED)
                .values(report_count=Submission.report_count + 1)
                .execution_options(synchronize_session=False)
            ).rowcount
            if not counted:  # a moderator or other readers took it down meanwhile
                raise NotReportable(submission.id)
    except IntegrityError as error:  # the same reader, twice at once
        raise AlreadyReported(submission.id) from error
    db.session.refresh(submission)
    record_event(submission, ModerationAction.REPORTED, reason=reason.value)
    if submission.report_count < current_app.config["REPORT_THRESHOLD"]:
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
