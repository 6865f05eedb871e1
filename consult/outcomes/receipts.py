"""A participant's receipts: for each of their answers, its status, the theme it fell into, whether the input
document quoted it, and what the meeting did with that theme.

Rendered on the account page (consult/auth, below this package) through a template global the blueprint
registers, so the account page never imports summaries or outcomes. Only the participant's own answers,
as they see them: an escalated answer is "waiting" like any other, a withdrawn one is gone, and an answer
is placed in a theme only while it is public (a take-down removes it from the summaries too).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import select

from ..consultations.content import LocalText, consultation_titles
from ..extensions import db
from ..models import Consultation, Question, Submission, SubmissionStatus, User
from ..moderation.labels import ParticipantStatus, participant_status
from ..summaries.models import Summary
from ..summaries.reading import ThemeView, summary_view
from .reading import OutcomeView, ThemeOutcome, outcome_view
from .services import themed_version


@dataclass(frozen=True)
class Receipt:
    submission: Submission
    status: ParticipantStatus
    theme: ThemeView | None
    quote_url: str | None  # the quote's permalink, when the input document quoted this answer
    outcome: ThemeOutcome | None  # what the meeting did with the theme, once the outcome is published


@dataclass(frozen=True)
class ConsultationReceipts:
    consultation: Consultation
    title: LocalText
    summary: Summary | None
    outcome: OutcomeView | None
    receipts: list[Receipt]


def _public(submission: Submission) -> bool:
    return (submission.status is SubmissionStatus.APPROVED and submission.hidden_at is None
            and submission.published_text is not None)  # fmt: skip


def answer_receipts(user: User) -> list[ConsultationReceipts]:
    """The participant's answers by consultation (newest first), each with what became of it."""
    if not getattr(user, "is_authenticated", False):
        return []
    answers = db.session.scalars(
        select(Submission)
        .join(Question)
        .join(Consultation)
        .where(Submission.author_id == user.id, Submission.withdrawn_at.is_(None))
        .order_by(Consultation.closes_at.desc(), Consultation.id, Question.position, Submission.id)
    ).all()
    grouped: dict[int, list[Submission]] = {}
    consultations: dict[int, Consultation] = {}
    for answer in answers:
        consultation = answer.question.consultation
        consultations[consultation.id] = consultation
        grouped.setdefault(consultation.id, []).append(answer)
    titles = consultation_titles(list(consultations.values()))
    result = []
    for consultation_id, mine in grouped.items():
        consultation = consultations[consultation_id]
        view = outcome_view(consultation)
        summary = themed_version(consultation, view.outcome if view else None)
        themes = _themes(summary, view)
        receipts = []
        for answer in mine:
            theme_entry = themes.get(answer.id) if _public(answer) else None
            theme, quoted = theme_entry if theme_entry else (None, False)
            receipts.append(Receipt(
                answer,
                participant_status(answer),
                theme,
                url_for("consultations.public_response", slug=consultation.slug, submission_id=answer.id)
                if quoted else None,
                view.by_key.get(theme.key) if view and theme else None,
            ))  # fmt: skip
        result.append(ConsultationReceipts(consultation, titles[consultation_id], summary, view, receipts))
    return result


def _themes(summary: Summary | None, view: OutcomeView | None) -> dict[int, tuple[ThemeView, bool]]:
    """Each member answer's theme in the version, and whether the theme quotes it (quotes still public)."""
    if view is not None:
        theme_views = [t.theme for question in view.questions for t in question.themes]
    elif summary is not None:
        theme_views = [theme for question in summary_view(summary).questions for theme in question.themes]
    else:
        return {}
    found: dict[int, tuple[ThemeView, bool]] = {}
    for theme in theme_views:
        quoted = {quote.id for quote in theme.quotes}
        for member in theme.response_ids:
            found[member] = (theme, member in quoted)
    return found
