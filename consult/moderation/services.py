"""Moderation decisions: approve, reject, escalate and bulk approval, each decided once and audited."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from .. import clock
from ..domain import Conflict, Invalid
from ..extensions import db
from ..models import Priority, Submission, SubmissionStatus, User
from ..text import clean_plain_text
from .audit import escalated_once
from .disclosures import possible_concern
from .events import record_event, text_hash
from .models import ModerationAction, RejectReason
from .queue import claimed_by_someone_else

DECIDABLE = (SubmissionStatus.PENDING,)


class PublishedVersion(enum.StrEnum):
    """Which text an approval published; kept as the approval's reason in the audit trail."""

    AS_WRITTEN = "as_written"
    SUGGESTED = "suggested"  # the screening's redaction
    EDITED = "edited"  # the moderator's own redaction


ALREADY_DECIDED = _l("Another moderator has already decided on this response; nothing was changed.")


class AlreadyDecided(Conflict):
    """Another moderator decided first; nothing was changed. The submission shows the decision that won."""

    def __init__(self, submission_id: int | None = None):
        super().__init__(ALREADY_DECIDED)
        self.submission_id = submission_id


class ChangedWhileOpen(Conflict):
    """The participant edited the response after the moderator read it; nothing was changed.

    The submission shows the words as they now are, to be read again.
    """

    def __init__(self, submission_id: int | None = None):
        super().__init__(_l("The participant changed this answer while you were reading it. Please read it again."))
        self.submission_id = submission_id


class InvalidDecision(Invalid):
    """Nothing left to publish once the moderator's redaction was cleaned."""


class NotYetScreened(Conflict):
    """The automatic check of this answer has not finished; approving it needs the moderator to say so."""

    def __init__(self, submission_id: int | None = None):
        super().__init__(_l(
            "This answer is still being checked for personal information and signs of harm. Wait a few seconds and "
            "open it again, or tick “Approve before the automatic check has finished”."
        ))  # fmt: skip
        self.submission_id = submission_id


# The audit note of an approval given before screening had finished (the moderator ticked the box).
BEFORE_SCREENING = "unscreened"


def _require_unchanged(submission: Submission, seen: str | None) -> str | None:
    """With ``seen`` (text_hash of the body on the moderator's page): refuse a decision on words they never read.

    The body they read, to be a condition of the update (see _decide); None without ``seen``.
    """
    if seen is None:
        return None
    if seen != text_hash(submission.body):
        raise ChangedWhileOpen(submission.id)
    return submission.body


# --- decisions -----------------------------------------------------------------------------


def _decide(
    submission: Submission,
    moderator: User,
    status: SubmissionStatus,
    *,
    from_statuses: tuple[SubmissionStatus, ...] = DECIDABLE,
    expected_body: str | None = None,
    **values,
) -> None:
    # The status condition makes the database refuse a second decision, whoever races; the body
    # condition refuses a decision on words the moderator never saw (edited meanwhile).
    conditions = [Submission.id == submission.id, Submission.status.in_(from_statuses)]
    if status is SubmissionStatus.APPROVED:  # its author took it back: never published, whoever races
        conditions.append(Submission.withdrawn_at.is_(None))
    if expected_body is not None:
        conditions.append(Submission.body == expected_body)
    decided = db.session.execute(
        update(Submission)
        .where(*conditions)
        .values(
            status=status,
            decided_at=clock.utcnow(),
            decided_by_id=moderator.id,
            claimed_by_id=None,
            claimed_until=None,
            **values,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not decided:
        db.session.refresh(submission)  # the caller shows the response as it now stands
        if expected_body is not None and submission.status in from_statuses:
            raise ChangedWhileOpen(submission.id)
        raise AlreadyDecided(submission.id)
    db.session.refresh(submission)


def approve_submission(
    submission: Submission,
    moderator: User,
    published_text: str | None = None,
    *,
    from_statuses: tuple[SubmissionStatus, ...] = DECIDABLE,
    expected_body: str | None = None,
    seen: str | None = None,
    before_screening: bool = False,
) -> None:
    """Publish the response, as written or with the moderator's redaction.

    The published text is what the public, the API, summaries and exports ever see. Readers'
    earlier reports are settled by this decision, so the count starts again. An answer the job
    worker has not screened yet is approved only when the moderator says so (``before_screening``),
    and the audit trail records it.
    """
    expected_body = _require_unchanged(submission, seen) or expected_body
    unscreened = submission.screened_at is None
    if unscreened and not before_screening:
        raise NotYetScreened(submission.id)
    text = clean_plain_text(published_text) if published_text is not None else submission.body
    if not text:
        raise InvalidDecision()
    suggested = submission.suggested_text
    _decide(
        submission,
        moderator,
        SubmissionStatus.APPROVED,
        from_statuses=from_statuses,
        expected_body=expected_body,
        published_text=text,
        reject_reason=None,
        hidden_at=None,
        report_count=0,
    )
    record_event(submission, ModerationAction.APPROVED, moderator, reason=_version_of(text, submission.body, suggested),
                 note=BEFORE_SCREENING if unscreened else None, before=submission.body, after=text)  # fmt: skip


def _version_of(text: str, body: str, suggested: str | None) -> PublishedVersion:
    if text == body:
        return PublishedVersion.AS_WRITTEN
    if text == suggested:
        return PublishedVersion.SUGGESTED
    return PublishedVersion.EDITED


def reject_submission(
    submission: Submission,
    moderator: User,
    reason: RejectReason,
    note: str | None = None,
    *,
    from_statuses: tuple[SubmissionStatus, ...] = DECIDABLE,
    expected_body: str | None = None,
    seen: str | None = None,
) -> None:
    expected_body = _require_unchanged(submission, seen) or expected_body
    note = clean_plain_text(note) or None
    _decide(
        submission,
        moderator,
        SubmissionStatus.REJECTED,
        from_statuses=from_statuses,
        expected_body=expected_body,
        published_text=None,
        reject_reason=reason.value,
        decision_note=note,
    )
    record_event(submission, ModerationAction.REJECTED, moderator, reason=reason.value, note=note,
                 before=submission.body)  # fmt: skip


def escalate_submission(
    submission: Submission,
    moderator: User,
    note: str | None = None,
    *,
    expected_body: str | None = None,
    seen: str | None = None,
) -> None:
    """Hand a possible disclosure of harm to the safeguarding team; it is never published meanwhile."""
    expected_body = _require_unchanged(submission, seen) or expected_body
    note = clean_plain_text(note) or None
    _decide(submission, moderator, SubmissionStatus.ESCALATED, expected_body=expected_body, published_text=None,
            decision_note=note)  # fmt: skip
    record_event(submission, ModerationAction.ESCALATED, moderator, note=note, before=submission.body)


def bulk_approvable(submission_ids: list[int], moderator: User) -> list[Submission]:
    """Those of the given items bulk approval may publish as written, by id; the queue offers no others.

    Only a pending answer that screening read and found nothing in: never one flagged, reported or
    taken down, never one the classifier reads as a possible disclosure below its flag, never one not
    yet screened, never one another moderator has open.
    """
    return list(
        db.session.scalars(
            select(Submission)
            .where(
                Submission.id.in_(submission_ids),
                Submission.status == SubmissionStatus.PENDING,
                Submission.priority == Priority.CLEAR,
                Submission.flag_safeguarding.is_(False),
                Submission.flag_pii.is_(False),
                Submission.flag_abuse.is_(False),
                Submission.flag_reported.is_(False),
                Submission.hidden_at.is_(None),
                Submission.screened_at.is_not(None),
                sa.not_(possible_concern()),
                sa.not_(escalated_once()),
                sa.not_(claimed_by_someone_else(moderator, clock.utcnow())),
            )
            .order_by(Submission.id)
        )
    )


class OpenToDecide(Conflict):
    """Only what bulk approval may publish is decided from the list; anything else is read on its own page."""

    def __init__(self, submission_id: int | None = None):
        super().__init__(_l(
            "Open this response to decide on it: only unflagged, checked responses are decided from the list."
        ))  # fmt: skip
        self.submission_id = submission_id


def decide_from_list(submission: Submission, moderator: User, seen: str, reason: RejectReason | None = None) -> None:
    """Approve as written, or reject with ``reason``, an answer the list offers one-keystroke decisions for.

    The same rule as bulk approval, asked again here whoever posts: a flagged, reported, unscreened or
    possibly concerning answer, or one another moderator has open, is refused and stays as it was.
    """
    if not bulk_approvable([submission.id], moderator):
        if submission.status not in DECIDABLE:
            raise AlreadyDecided(submission.id)
        raise OpenToDecide(submission.id)
    if reason is None:
        approve_submission(submission, moderator, seen=seen)
    else:
        reject_submission(submission, moderator, reason, seen=seen)


def bulk_approve(submission_ids: list[int], moderator: User, *, seen: dict[int, str] | None = None) -> int:
    """Approve, as written, those of the given items bulk_approvable offers; the rest are refused, whoever posts them.

    With ``seen`` (id -> text_hash of the body the moderator read), an item edited since is left for a second look.
    """
    approved = 0
    for submission in bulk_approvable(submission_ids, moderator):
        if seen is not None and seen.get(submission.id) != text_hash(submission.body):
            continue
        try:
            with db.session.begin_nested():
                approve_submission(submission, moderator, expected_body=submission.body)
        except (AlreadyDecided, ChangedWhileOpen):
            continue
        approved += 1
    return approved
