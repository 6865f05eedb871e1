"""The demo's classroom workshop: a facilitator account and one group's answers to the open consultation."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select

from .. import clock
from ..auth.services import create_user, find_user
from ..extensions import db
from ..models import Consultation, Priority, Role, Submission, SubmissionStatus
from .models import Workshop
from .services import Group, WorkshopAnswer, record_workshop

FACILITATOR = "Demo Facilitator"
# (question index, text, published): two published, so the consultation's page shows "From a workshop in Ghana".
ANSWERS = (
    (0, "We feel safer when the school computer room has an adult we can ask for help.", True),
    (1, "Make apps show their rules in pictures as well as words, so younger children understand them.", True),
    (2, "A helpline number printed on every school exercise book.", False),
)


def seed_workshop(slug: str, logins: list) -> None:
    """A facilitator (with a login) and one workshop in Ghana for the consultation ``slug``; idempotent."""
    if find_user(FACILITATOR) is None:
        password = secrets.token_urlsafe(9)
        create_user(FACILITATOR, password, Role.FACILITATOR)
        logins.append((FACILITATOR, Role.FACILITATOR.value, password))
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None or not consultation.is_open():
        return
    if db.session.scalar(select(Workshop.id).where(Workshop.consultation_id == consultation.id)) is not None:
        return
    questions = consultation.questions
    answers = [WorkshopAnswer(questions[index], text, "en") for index, text, _published in ANSWERS]
    workshop = record_workshop(find_user(FACILITATOR), consultation, Group(28, ("13-15",), "GH", "en"), answers,
                               attested=True, via="form")  # fmt: skip
    now = clock.utcnow()
    rows = db.session.scalars(select(Submission).where(Submission.workshop_id == workshop.id).order_by(Submission.id))
    for submission, (_index, _text, published) in zip(rows, ANSWERS, strict=True):
        if published:  # as if screened and approved a few minutes ago
            submission.status, submission.published_text = SubmissionStatus.APPROVED, submission.body
            submission.screened_at, submission.priority = now, Priority.CLEAR
            submission.decided_at = now + timedelta(seconds=1)
