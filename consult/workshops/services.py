"""Answers from classroom workshops, handed in by a facilitator for a group, and who may hand them in.

A workshop's answers are taken in exactly as an online answer is (pending, unscreened, then screened by
the ``screen_answers`` job and decided by a moderator), with no author: they belong to the group, through
its ``Workshop`` record, never to a young person nor to the facilitator. So no participant's page, data
download, account deletion or edit ever meets them, and statistics count them as their own channel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, select

from .. import clock, languages, outbox
from ..audit_log import security_event
from ..auth import server_sessions
from ..auth.services import create_user, find_user
from ..consultations.services import require_open
from ..domain import Conflict, Invalid, NotAllowed
from ..extensions import db
from ..models import Consultation, Priority, Question, Role, Submission, SubmissionStatus, User
from ..moderation.arrivals import SCREENING_JOB
from .models import Workshop

# Enough for a school's day of workshops; a larger file is split by whoever prepares it.
MAX_ANSWERS = 500
MAX_GROUP_SIZE = 200
FACILITATING_ROLES = frozenset({Role.FACILITATOR, Role.ADMIN})  # admins may use every staff route


@dataclass(frozen=True)
class Group:
    """What the facilitator declares of the whole group."""

    size: int
    age_bands: tuple[str, ...]
    country: str
    language: str


@dataclass(frozen=True)
class WorkshopAnswer:
    question: Question
    body: str  # cleaned as an online answer is
    language: str
    age_band: str | None = None  # a row of a CSV may say; the form leaves it to the group's


def may_facilitate(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active and user.role in FACILITATING_ROLES


def record_workshop(facilitator: User, consultation: Consultation, group: Group,
                    answers: Sequence[WorkshopAnswer], *, attested: bool, via: str) -> Workshop:  # fmt: skip
    """One workshop and its answers, pending and unscreened like any online answer; flushes, never commits.

    ``attested``: the facilitator confirmed that the young people agreed to take part and that no names are
    included. The caller has checked each answer's length; here what may change meanwhile (the window, the
    facilitator's role) and what no caller may skip (the attestation, at least one answer, a bounded count).
    """
    if not may_facilitate(facilitator):
        raise NotAllowed(_l("Only facilitators hand in answers from workshops."))
    if not attested:
        raise Invalid(_l("Confirm that the young people agreed to take part."))
    now = clock.utcnow()
    require_open(consultation, now)
    if not answers:
        raise Invalid(_l("Write at least one answer."))
    if len(answers) > MAX_ANSWERS:
        raise Invalid(_l("At most %(count)d answers at a time.", count=MAX_ANSWERS))
    workshop = Workshop(consultation_id=consultation.id, facilitator_id=facilitator.id, group_size=group.size,
                        age_bands=" ".join(group.age_bands), country=group.country, language=group.language,
                        attested_at=now, via=via, created_at=now)  # fmt: skip
    db.session.add(workshop)
    db.session.flush()
    single_band = group.age_bands[0] if len(group.age_bands) == 1 else None
    db.session.execute(insert(Submission.__table__), [
        {"question_id": answer.question.id, "author_id": None, "workshop_id": workshop.id, "body": answer.body,
         "language": answer.language, "language_declared": languages.supported(answer.language),
         "status": SubmissionStatus.PENDING, "age_band": answer.age_band or single_band, "country": group.country,
         "created_at": now, "priority": Priority.UNSCREENED}
        for answer in answers
    ])  # fmt: skip
    outbox.ask(db.session, SCREENING_JOB)
    return workshop


@dataclass(frozen=True)
class WorkshopListing:
    workshop: Workshop
    answers: int
    approved: int


def workshops_of(facilitator: User) -> list[WorkshopListing]:
    """The workshops a facilitator handed in, newest first, with how many of their answers are published."""
    counts = (
        select(Submission.workshop_id, func.count(Submission.id).label("answers"),
               func.count(Submission.id).filter(Submission.status == SubmissionStatus.APPROVED).label("approved"))
        .group_by(Submission.workshop_id)
        .subquery()
    )  # fmt: skip
    rows = db.session.execute(
        select(Workshop, counts.c.answers, counts.c.approved)
        .outerjoin(counts, counts.c.workshop_id == Workshop.id)
        .where(Workshop.facilitator_id == facilitator.id)
        .order_by(Workshop.created_at.desc(), Workshop.id.desc())
    ).all()
    return [WorkshopListing(workshop, answers or 0, approved or 0) for workshop, answers, approved in rows]


# --- who facilitates --------------------------------------------------------------------------------


def facilitators() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == Role.FACILITATOR).order_by(User.pseudonym_key)))


def grant_facilitator(name: str, password: str | None, *, via: str) -> User:
    """Make NAME a facilitator: a new account (with ``password``), or a revoked facilitator's again.

    Participants and other staff keep their roles: a facilitator is an account of its own, as every staff
    account is. Audited in the security log.
    """
    user = find_user(name)
    if user is None:
        if not password:
            raise Invalid(_l("A new account needs a password."))
        user = create_user(name, password, Role.FACILITATOR)
        security_event("facilitator_granted", subject_id=user.id, created=True, via=via)
        return user
    if user.role is not Role.FACILITATOR:
        raise Conflict(_l("This name belongs to an account that is not a facilitator's."))
    user.active = True
    db.session.flush()
    security_event("facilitator_granted", subject_id=user.id, created=False, via=via)
    return user


def revoke_facilitator(user: User, *, via: str) -> None:
    """The facilitator can no longer sign in (their sessions end now); what they handed in stays."""
    if user.role is not Role.FACILITATOR:
        raise Conflict(_l("This name belongs to an account that is not a facilitator's."))
    user.active = False
    server_sessions.end_all(user)
    db.session.flush()
    security_event("facilitator_revoked", subject_id=user.id, via=via)
