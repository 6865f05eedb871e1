"""Retention: what consult forgets once a consultation's meeting is long past.

After ``RETENTION_DAYS`` from the meeting (a meeting holds one date, ``starts_at``; a
consultation without a meeting counts from its close), ``purge`` removes the words nobody
may need any more: the originals of redacted answers (the published text stays, untouched),
the text of rejected answers, safeguarding notes, moderators' decision notes and screening
results, and the notes moderators wrote on rejections and escalations in the audit trail.
Participants' accounts with no sign of life for ``RETENTION_DAYS`` (no account
creation, answer nor endorsement in that time; there is no last-login record) are erased, with
their endorsements, as a participant erasing their own account would be. The moderation audit
trail is otherwise append-only and stays: who did what, when and why (the database lets a note be
set to NULL and nothing else, migration 0006).

An open safeguarding case (an escalated answer the team has not closed) keeps everything, however old:
its text, notes, earlier wordings and screening. Once closed, retention applies to it like any other;
an answer its author withdrew (kept only for the team) is then deleted, with its earlier wordings.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from sqlalchemy import delete, func, null, or_, select, update

from .auth.account import delete_account
from .extensions import db
from .models import Consultation, Endorsement, Question, Role, Submission, SubmissionStatus, User
from .moderation.models import EarlierWording, ModerationAction, ModerationEvent, SafeguardingNote

# What a rejected answer's text becomes: nothing of what was written.
PURGED_TEXT = ""


@dataclass
class PurgeCounts:
    consultations: int = 0
    redacted_originals: int = 0
    rejected_texts: int = 0
    withdrawn_answers: int = 0
    earlier_wordings: int = 0
    screening_results: int = 0
    safeguarding_notes: int = 0
    decision_notes: int = 0
    audit_notes: int = 0
    accounts: int = 0

    def items(self) -> list[tuple[str, int]]:
        return [(field.name, getattr(self, field.name)) for field in fields(self)]


def retention_starts_at(consultation: Consultation) -> datetime:
    """The moment the retention period starts: the meeting's date, or the close without a meeting."""
    return consultation.meeting.starts_at if consultation.meeting else consultation.closes_at


def expired_consultations(now: datetime, retention_days: int) -> list[Consultation]:
    cutoff = now - timedelta(days=retention_days)
    # A few consultations a year: deciding in Python keeps the rule in one readable place.
    return [c for c in db.session.scalars(select(Consultation)) if retention_starts_at(c) < cutoff]


def inactive_participants(now: datetime, retention_days: int):
    """A select of participants who neither signed up, wrote or changed an answer, nor endorsed one recently."""
    cutoff = now - timedelta(days=retention_days)
    last_answer = (
        select(Submission.author_id, func.max(func.coalesce(Submission.updated_at, Submission.created_at)).label("at"))
        .where(Submission.author_id.is_not(None))
        .group_by(Submission.author_id)
        .subquery()
    )
    last_endorsement = (
        select(Endorsement.user_id, func.max(Endorsement.created_at).label("at"))
        .group_by(Endorsement.user_id)
        .subquery()
    )
    return (
        select(User)
        .outerjoin(last_answer, last_answer.c.author_id == User.id)
        .outerjoin(last_endorsement, last_endorsement.c.user_id == User.id)
        .where(User.role == Role.PARTICIPANT, User.created_at < cutoff)
        .where(or_(last_answer.c.at.is_(None), last_answer.c.at < cutoff))
        .where(or_(last_endorsement.c.at.is_(None), last_endorsement.c.at < cutoff))
        .order_by(User.id)
    )


def purge(now: datetime, retention_days: int, *, dry_run: bool = False) -> PurgeCounts:
    """Forget what the retention period allows; with ``dry_run``, only count. Flushes, never commits."""
    counts = PurgeCounts()
    consultations = expired_consultations(now, retention_days)
    counts.consultations = len(consultations)
    # An open case is the safeguarding team's until it is closed, however long that takes.
    in_expired = Submission.question_id.in_(
        select(Question.id).where(Question.consultation_id.in_([c.id for c in consultations]))
    ) & (Submission.status != SubmissionStatus.ESCALATED)
    open_cases = select(Submission.id).where(Submission.status == SubmissionStatus.ESCALATED)
    withdrawn = [in_expired, Submission.withdrawn_at.is_not(None)]
    wordings = [EarlierWording.submission_id.in_(select(Submission.id).where(in_expired))]
    redacted = [
        in_expired,
        Submission.status != SubmissionStatus.REJECTED,
        Submission.published_text.is_not(None),
        Submission.body != Submission.published_text,
    ]
    rejected = [
        in_expired,
        Submission.status == SubmissionStatus.REJECTED,
        Submission.withdrawn_at.is_(None),  # deleted whole instead
        or_(Submission.body != PURGED_TEXT, Submission.published_text.is_not(None)),
    ]
    # Screening keeps the personal information it found (pii_spans) exactly when it suggests a text.
    screened = [in_expired, Submission.suggested_text.is_not(None)]
    noted = [in_expired, Submission.decision_note.is_not(None)]
    notes = [SafeguardingNote.submission_id.in_(select(Submission.id).where(in_expired))]
    # Screening's notes only list flags ("pii abuse"); people's notes may describe a child's situation.
    audit_notes = [
        ModerationEvent.consultation_id.in_([c.id for c in consultations]),
        ModerationEvent.submission_id.not_in(open_cases),
        ModerationEvent.action.in_([ModerationAction.REJECTED.value, ModerationAction.ESCALATED.value]),
        ModerationEvent.note.is_not(None),
    ]

    def count(model, criteria) -> int:
        return db.session.scalar(select(func.count()).select_from(model).where(*criteria))

    counts.withdrawn_answers = count(Submission, withdrawn)
    counts.earlier_wordings = count(EarlierWording, wordings)
    counts.redacted_originals = count(Submission, redacted)
    counts.rejected_texts = count(Submission, rejected)
    counts.screening_results = count(Submission, screened)
    counts.decision_notes = count(Submission, noted)
    counts.safeguarding_notes = count(SafeguardingNote, notes)
    counts.audit_notes = count(ModerationEvent, audit_notes)
    accounts = list(db.session.scalars(inactive_participants(now, retention_days)))
    counts.accounts = len(accounts)
    if dry_run:
        return counts

    def change(criteria, **values) -> None:
        db.session.execute(
            update(Submission).where(*criteria).values(**values).execution_options(synchronize_session=False)
        )

    change(redacted, body=Submission.published_text)
    change(rejected, body=PURGED_TEXT, published_text=None)
    change(screened, suggested_text=None, pii_spans=null())  # SQL NULL, not JSON null
    change(noted, decision_note=None)
    db.session.execute(delete(SafeguardingNote).where(*notes).execution_options(synchronize_session=False))
    db.session.execute(delete(EarlierWording).where(*wordings).execution_options(synchronize_session=False))
    db.session.execute(delete(Submission).where(*withdrawn).execution_options(synchronize_session=False))
    db.session.execute(
        update(ModerationEvent).where(*audit_notes).values(note=None).execution_options(synchronize_session=False)
    )
    for user in accounts:
        delete_account(user)
    db.session.flush()
    db.session.expire_all()
    return counts
