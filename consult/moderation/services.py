"""Moderation: screening at intake, the queue, claims and decisions, each decided once and audited."""

from __future__ import annotations

import enum
import hashlib
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from .. import clock
from ..audit_log import security_event
from ..config import LANGUAGES
from ..extensions import db
from ..models import FLAGS, Consultation, Priority, Question, Submission, SubmissionStatus, User
from ..text import clean_plain_text
from .models import ModerationAction, ModerationEvent, RejectReason
from .screening import redact, screen

DECIDABLE = (SubmissionStatus.PENDING,)


class PublishedVersion(enum.StrEnum):
    """Which text an approval published; kept as the approval's reason in the audit trail."""

    AS_WRITTEN = "as_written"
    SUGGESTED = "suggested"  # the screening's redaction
    EDITED = "edited"  # the moderator's own redaction


class AlreadyDecided(Exception):
    """Another moderator decided first; nothing was changed."""


class ChangedWhileOpen(Exception):
    """The participant edited the response after the moderator read it; nothing was changed."""


class InvalidDecision(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def text_hash(value: str | None) -> str | None:
    return hashlib.sha256(value.encode()).hexdigest() if value is not None else None


def record_event(
    submission: Submission,
    action: ModerationAction,
    actor: User | None = None,
    *,
    reason: str | None = None,
    note: str | None = None,
    before: str | None = None,
    after: str | None = None,
) -> ModerationEvent:
    """Append one event to the audit trail: who, when, what, why, and hashes of the texts only."""
    consultation_id = submission.question.consultation_id
    event = ModerationEvent(
        consultation_id=consultation_id,
        submission_id=submission.id,
        actor_id=actor.id if actor else None,
        actor_name=actor.pseudonym if actor else None,
        action=action.value,
        reason=reason,
        note=note,
        before_hash=text_hash(before),
        after_hash=text_hash(after),
        created_at=clock.utcnow(),
    )
    db.session.add(event)
    if actor is not None:  # a person's decision; screening and readers' reports are not staff actions
        security_event(f"moderation_{action.value}", user=actor, submission_id=submission.id,
                       consultation_id=consultation_id, reason=reason)  # fmt: skip
    return event


# --- screening at intake -------------------------------------------------------------------


def screen_submission(submission: Submission) -> None:
    """Flag personal information, abuse and possible disclosures of harm, and suggest a redaction.

    Never publishes: the result only orders the queue and helps the moderator.
    """
    flags = apply_screening(submission)
    db.session.flush()
    record_event(submission, ModerationAction.SCREENED, note=" ".join(sorted(flags)) or None, after=submission.body)


def apply_screening(submission: Submission) -> set[str]:
    """Set the screening's flags, suggested redaction and queue priority on ``submission``; no database work."""
    flags, fields = screening_fields(submission.body, submission.language)
    for name, value in fields.items():
        setattr(submission, name, value)
    submission.priority = priority_of(submission)  # a reader's report, if any, counts too
    submission.screened_at = clock.utcnow()
    return flags


def screening_fields(body: str, language: str) -> tuple[set[str], dict]:
    """The screening of a text as the submission columns it sets, and the flags raised."""
    result = screen(body, language)
    flags = set(result.flags)
    spans = [{"kind": span.kind, "start": span.start, "end": span.end, "text": span.text} for span in result.pii]
    return flags, {
        "flag_pii": "pii" in flags,
        "flag_abuse": "abuse" in flags,
        "flag_safeguarding": "safeguarding" in flags,
        "pii_spans": spans or None,
        "suggested_text": redact(body, result.pii, redaction_marker(language)) if result.pii else None,
        "priority": Priority.SAFEGUARDING if "safeguarding" in flags else Priority.FLAGGED if flags else Priority.CLEAR,
    }


def screened_event(consultation_id: int, submission_id: int, flags: set[str], body: str) -> dict:
    """The audit trail's "screened" row for a new answer, as column values."""
    return {
        "consultation_id": consultation_id,
        "submission_id": submission_id,
        "action": ModerationAction.SCREENED.value,
        "note": " ".join(sorted(flags)) or None,
        "after_hash": text_hash(body),
        "created_at": clock.utcnow(),
    }


REDACTION_MARKER_TEXT = _l("[personal information removed]")


def redaction_marker(language: str) -> str:
    """The marker in the language the answer is written in, so a published answer reads as one text."""
    with force_locale(language if language in LANGUAGES else "en"):
        return str(REDACTION_MARKER_TEXT)


def priority_of(submission: Submission) -> Priority:
    if submission.flag_safeguarding:
        return Priority.SAFEGUARDING
    if submission.flags:
        return Priority.FLAGGED
    return Priority.CLEAR


# --- the queue -----------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilters:
    consultation_id: int | None = None
    question_id: int | None = None
    language: str | None = None
    flag: str | None = None  # one of FLAGS, or "none" for items without any flag


@dataclass(frozen=True)
class QueueCursor:
    """Where the next page starts: after this (priority, id). Keyset, never OFFSET."""

    priority: int
    id: int

    def __str__(self) -> str:
        return f"{self.priority}-{self.id}"

    @classmethod
    def parse(cls, raw: str | None) -> QueueCursor | None:
        if not raw:
            return None
        priority, _, ident = raw.partition("-")
        if not (priority.isascii() and priority.isdigit() and ident.isascii() and ident.isdigit()):
            raise ValueError(raw)
        if len(priority) > 2 or len(ident) > 18:
            raise ValueError(raw)
        return cls(int(priority), int(ident))


def _claimed_by_someone_else(moderator: User, now: datetime):
    return sa.and_(
        Submission.claimed_by_id.is_not(None),
        Submission.claimed_by_id != moderator.id,
        Submission.claimed_until > now,
    )


def queue_page(
    filters: QueueFilters, moderator: User, limit: int, after: QueueCursor | None = None
) -> list[Submission]:
    """Pending responses: possible disclosures first, then flagged ones, then the rest, oldest first.

    Items another moderator has open are left out, so parallel moderators see different items.
    """
    now = clock.utcnow()
    query = (
        select(Submission)
        .where(Submission.status == SubmissionStatus.PENDING, sa.not_(_claimed_by_someone_else(moderator, now)))
        .order_by(Submission.priority, Submission.id)
        .limit(limit)
    )
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
    if after is None:
        return list(db.session.scalars(query))
    # Two exact index seeks rather than one row-value comparison "(priority, id) > (p, n)": SQLite
    # would only seek on the priority and then read every earlier item of it (see bench/bench_queue.py).
    page = list(db.session.scalars(query.where(Submission.priority == after.priority, Submission.id > after.id)))
    if len(page) < limit:
        page += db.session.scalars(query.where(Submission.priority > after.priority).limit(limit - len(page)))
    return page


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
            sa.not_(_claimed_by_someone_else(moderator, now)),
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
        after = QueueCursor(page[-1].priority, page[-1].id)
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
        status_now = db.session.scalar(select(Submission.status).where(Submission.id == submission.id))
        if expected_body is not None and status_now in from_statuses:
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
) -> None:
    """Publish the response, as written or with the moderator's redaction.

    The published text is what the public, the API, summaries and exports ever see. Readers'
    earlier reports are settled by this decision, so the count starts again.
    """
    text = clean_plain_text(published_text) if published_text is not None else submission.body
    if not text:
        raise InvalidDecision("empty")
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
                 before=submission.body, after=text)  # fmt: skip


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
) -> None:
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
    submission: Submission, moderator: User, note: str | None = None, *, expected_body: str | None = None
) -> None:
    """Hand a possible disclosure of harm to the safeguarding team; it is never published meanwhile."""
    note = clean_plain_text(note) or None
    _decide(submission, moderator, SubmissionStatus.ESCALATED, expected_body=expected_body, published_text=None,
            decision_note=note)  # fmt: skip
    record_event(submission, ModerationAction.ESCALATED, moderator, note=note, before=submission.body)


def bulk_approve(submission_ids: list[int], moderator: User, *, seen: dict[int, str] | None = None) -> int:
    """Approve, as written, those of the given items that are still pending and carry no flag.

    Items another moderator has open are left to them. With ``seen`` (id -> text_hash of the body
    the moderator read), an item edited since is left for a second look.
    """
    candidates = db.session.scalars(
        select(Submission).where(
            Submission.id.in_(submission_ids),
            Submission.status == SubmissionStatus.PENDING,
            Submission.priority == Priority.CLEAR,
            sa.not_(_claimed_by_someone_else(moderator, clock.utcnow())),
        )
    ).all()
    approved = 0
    for submission in candidates:
        if seen is not None and seen.get(submission.id) != text_hash(submission.body):
            continue
        try:
            with db.session.begin_nested():
                approve_submission(submission, moderator, expected_body=submission.body)
        except (AlreadyDecided, ChangedWhileOpen):
            continue
        approved += 1
    return approved


# --- the dashboard -------------------------------------------------------------------------


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
