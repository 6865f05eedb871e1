"""Taking part in a consultation, and what the public may read of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, insert, select

from .. import clock, languages, outbox
from ..domain import Conflict
from ..extensions import db
from ..models import (
    Consultation,
    ConsultationStatus,
    Phase,
    Priority,
    Question,
    Submission,
    SubmissionStatus,
    User,
    is_public,
    phase_of,
)
from ..moderation import disclosures
from ..moderation.arrivals import SCREENING_JOB, UNSCREENED_FIELDS
from .public_responses import PublicResponse, public_columns


class ParticipationRefused(Conflict):
    """A response that cannot be accepted; the message says why, in the user's language."""


class ConsultationNotOpen(ParticipationRefused):
    pass


class ResponseLimitReached(ParticipationRefused):
    pass


class ResponseNotEditable(ParticipationRefused):
    pass


@dataclass(frozen=True)
class ConsultationListing:
    open: list[Consultation]
    upcoming: list[Consultation]
    closed: list[Consultation]


def public_consultations(now: datetime | None = None) -> ConsultationListing:
    now = now or clock.utcnow()
    published = db.session.scalars(
        select(Consultation).where(Consultation.status == ConsultationStatus.PUBLISHED)
    ).all()
    by_phase: dict[Phase, list[Consultation]] = {Phase.OPEN: [], Phase.SCHEDULED: [], Phase.CLOSED: []}
    for consultation in published:
        by_phase[consultation.phase(now)].append(consultation)
    return ConsultationListing(
        open=sorted(by_phase[Phase.OPEN], key=lambda c: c.closes_at),
        upcoming=sorted(by_phase[Phase.SCHEDULED], key=lambda c: c.opens_at),
        closed=sorted(by_phase[Phase.CLOSED], key=lambda c: c.closes_at, reverse=True),
    )


def published_consultation(slug: str) -> Consultation | None:
    """A consultation the public may see; drafts do not exist for them."""
    return db.session.scalar(
        select(Consultation).where(Consultation.slug == slug, Consultation.status == ConsultationStatus.PUBLISHED)
    )


@dataclass(frozen=True)
class AnswerTarget:
    """What taking an answer needs to know of its question: read in one small query, no ORM objects."""

    question_id: int
    consultation_id: int
    max_length: int
    status: ConsultationStatus
    opens_at: datetime
    closes_at: datetime

    @classmethod
    def of(cls, question: Question) -> AnswerTarget:
        consultation = question.consultation
        return cls(question.id, consultation.id, question.max_length, consultation.status, consultation.opens_at,
                   consultation.closes_at)  # fmt: skip

    def phase(self, now: datetime | None = None) -> Phase:
        return phase_of(self.status, self.opens_at, self.closes_at, now)

    def is_open(self, now: datetime | None = None) -> bool:
        return self.phase(now) is Phase.OPEN


_questions, _consultations = Question.__table__.c, Consultation.__table__.c
# Built once: the surge's requests only bind values (the answer's path, see bench/bench_posting.py).
_ANSWER_TARGET = (
    select(_questions.id, _questions.consultation_id, _questions.max_length, _consultations.status,
           _consultations.opens_at, _consultations.closes_at)
    .join_from(Question.__table__, Consultation.__table__)
    .where(_consultations.slug == bindparam("slug"), _consultations.status == ConsultationStatus.PUBLISHED,
           _questions.position == bindparam("position"))
)  # fmt: skip


_KEPT_TARGETS = 1024


def answer_target(slug: str, position: int) -> AnswerTarget | None:
    """The question at ``position`` of a published consultation, as taking an answer needs it.

    Kept in the process while the public version is the same (consult/public_version.py: any change to a
    consultation or a question counts in it, and each process reads it at most every PUBLIC_STATE_SECONDS),
    so the surge's posts do not read the same row again; the window itself is checked against the clock.
    """
    state = current_app.extensions["consult_public_state"].current()
    kept = current_app.extensions.setdefault("consult_answer_targets", {})
    found = kept.get((slug, position))
    if found is not None and found[0] == state:
        return found[1]
    row = db.session.execute(_ANSWER_TARGET, {"slug": slug, "position": position}).first()
    target = AnswerTarget(*row) if row else None
    if len(kept) >= _KEPT_TARGETS:  # addresses made up by a crawler: forget them all, the real ones come back
        kept.clear()
    kept[(slug, position)] = (state, target)
    return target


@dataclass(frozen=True)
class ResponsePage:
    items: list[PublicResponse]
    page: int
    pages: int
    total: int


def approved_responses(consultation: Consultation, page: int, per_page: int) -> ResponsePage:
    """One page of the approved responses, in their published (redacted) form only; none taken down."""
    approved = select(Submission).join(Question).where(Question.consultation_id == consultation.id, is_public())
    total = db.session.scalar(select(func.count()).select_from(approved.subquery())) or 0
    rows = db.session.execute(
        select(*public_columns(), User.pseudonym.label("pseudonym"))
        .select_from(Submission)
        .join(Question)
        .outerjoin(User, Submission.author_id == User.id)
        .where(Question.consultation_id == consultation.id, is_public())
        .order_by(Question.position, Submission.created_at, Submission.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()  # fmt: skip
    pages = max(1, -(-total // per_page))
    return ResponsePage([PublicResponse(**row._mapping) for row in rows], page, pages, total)


def own_responses(user: User, consultation: Consultation) -> list[Submission]:
    return list(
        db.session.scalars(
            select(Submission)
            .join(Question)
            .where(
                Question.consultation_id == consultation.id,
                Submission.author_id == user.id,
                Submission.withdrawn_at.is_(None),
            )
            .order_by(Question.position, Submission.created_at, Submission.id)
        )
    )


def require_open(consultation: Consultation | AnswerTarget, now: datetime) -> None:
    if not consultation.is_open(now):
        if consultation.phase(now) is Phase.SCHEDULED:
            raise ConsultationNotOpen(_l("This consultation has not opened yet."))
        raise ConsultationNotOpen(_l("This consultation is closed, so new answers and changes are no longer accepted."))


_submissions = Submission.__table__.c
_NEW_ANSWER = ("question_id", "author_id", "body", "language", "language_declared", "status", "age_band", "country",
               "created_at", "priority")  # fmt: skip


def _new_answer_if(room):
    """The INSERT of a new answer, made only if ``room`` holds; its id. Built once: requests bind values."""
    values = select(*(bindparam(name, type_=_submissions[name].type) for name in _NEW_ANSWER))
    return insert(Submission.__table__).from_select(_NEW_ANSWER, values.where(room)).returning(_submissions.id)


# Counted and inserted in one statement: SQLite takes its write lock as the statement starts, so two
# posts of one participant cannot both see room for one more answer.
_INSERT_WITHIN_LIMIT = _new_answer_if(
    select(func.count(_submissions.id))
    .where(_submissions.question_id == bindparam("question_id"), _submissions.author_id == bindparam("author_id"))
    .scalar_subquery() < bindparam("limit")
)  # fmt: skip
# PostgreSQL counts in the statement's snapshot, which a concurrent post's INSERT is not yet in. So there
# the statement asks a function (migration 0021) that first takes an advisory lock on the participant and
# question, held until the commit, then counts in a snapshot of its own: one participant's posts to one
# question go one by one, their posts to other questions and everyone else's do not wait, and it is still
# one round trip. An advisory lock rather than a row lock: it writes nothing.
_INSERT_WITHIN_LIMIT_PG = _new_answer_if(
    func.consult_room_for_answer(bindparam("author_id"), bindparam("question_id"), bindparam("limit"))
)


def submit_response(user: User, question: Question | AnswerTarget, body: str, language: str) -> int:
    """Record a pending response, if the window is open on the server's clock; its id.

    ``language`` is the participant's choice, or "auto" to detect it from ``body``.
    """
    target = AnswerTarget.of(question) if isinstance(question, Question) else question
    now = clock.utcnow()
    require_open(target, now)
    limit = current_app.config["MAX_RESPONSES_PER_QUESTION"]
    # Core statements on the session's connection: the ORM's execution layer has nothing to do for them.
    connection = db.session.connection()
    statement = _INSERT_WITHIN_LIMIT if connection.dialect.name == "sqlite" else _INSERT_WITHIN_LIMIT_PG
    declared = languages.supported(language)
    # Taken in as written; the job worker tells the language (unless chosen) and screens it in seconds.
    submission_id = connection.execute(statement, {
        "question_id": target.question_id, "author_id": user.id, "body": body,
        "language": language if declared else user.locale, "language_declared": declared,
        "status": SubmissionStatus.PENDING, "age_band": user.age_band, "country": user.country,
        "created_at": now, "priority": Priority.UNSCREENED, "limit": limit,
    }).scalar_one_or_none()  # fmt: skip
    if submission_id is None:
        raise ResponseLimitReached(
            _l("You have already given %(limit)d answers to this question, the most allowed.", limit=limit)
        )
    outbox.ask(db.session, SCREENING_JOB)
    return submission_id


def _require_editable(submission: Submission, now: datetime) -> None:
    require_open(submission.question.consultation, now)
    # An escalated answer is "waiting" to its author, and as open to change as any other waiting answer.
    if submission.withdrawn_at is not None or submission.status not in disclosures.WAITING:
        raise ResponseNotEditable(_NOT_EDITABLE)


_NOT_EDITABLE = _l("This answer has already been checked by a moderator, so it can no longer be changed.")


def edit_response(submission: Submission, body: str, language: str) -> Submission:
    """Change a waiting answer; a moderator's decision made meanwhile wins.

    A possible disclosure keeps its earlier words for the safeguarding team (moderation/disclosures.py).
    """
    now = clock.utcnow()
    _require_editable(submission, now)
    declared = languages.supported(language)
    values = {"body": body, "language": language if declared else submission.language,
              "language_declared": declared, "updated_at": now, **UNSCREENED_FIELDS}  # fmt: skip
    if not disclosures.change(submission, values):
        raise ResponseNotEditable(_NOT_EDITABLE)
    outbox.ask(db.session, SCREENING_JOB)  # screened again, as a new text
    return submission


def require_withdrawable(submission: Submission) -> None:
    _require_editable(submission, clock.utcnow())


def withdraw_response(submission: Submission) -> None:
    """The participant takes a waiting answer back: deleted, unless it may be a disclosure of harm.

    Then it is gone for them, the public and the moderators, and kept for the safeguarding team
    until the team closes the case (moderation/disclosures.py); its author is told the same either way.
    """
    _require_editable(submission, clock.utcnow())
    if disclosures.withdraw(submission) is None:
        raise ResponseNotEditable(_NOT_EDITABLE)
