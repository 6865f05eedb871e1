"""What readers see of an outcome: question, themes, quotes, and what the meeting did with each theme.

In the reader's language where the secretariat translated it, else in the outcome's source language,
marked with its language (as a consultation's own words are: consult/consultations/content.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for
from sqlalchemy import select

from ..consultations.content import LocalText, consultation_content
from ..extensions import db
from ..i18n import current_language
from ..models import Consultation
from ..summaries.models import Summary
from ..summaries.reading import QuestionView, ThemeView, summary_view
from .models import Decision, Outcome, OutcomeTheme, OutcomeThemeTranslation, OutcomeTranslation
from .services import DECISIONS, outcome_of, outcome_translation, theme_note_translations, themed_version


@dataclass(frozen=True)
class ThemeOutcome:
    theme: ThemeView
    decision: Decision | None  # None: nothing recorded for this theme (the summary changed since)
    note: LocalText | None

    @property
    def decision_label(self) -> str:
        return str(DECISIONS[self.decision]) if self.decision else ""


@dataclass(frozen=True)
class QuestionOutcome:
    question: QuestionView
    prompt: LocalText
    themes: list[ThemeOutcome]


@dataclass(frozen=True)
class OutcomeView:
    consultation: Consultation
    outcome: Outcome
    summary: Summary  # the version whose themes it speaks of
    language: str
    document_title: LocalText
    questions: list[QuestionOutcome]
    by_key: dict[str, ThemeOutcome] = field(default_factory=dict)

    @property
    def fallback_language(self) -> str | None:
        """The source language, when a part of the outcome is shown in it rather than the reader's."""
        texts = [self.document_title] + [t.note for q in self.questions for t in q.themes if t.note]
        return next((text.language for text in texts if text.text and text.language != self.language), None)


def published_outcome(consultation: Consultation) -> Outcome | None:
    outcome = outcome_of(consultation)
    return outcome if outcome is not None and outcome.published_at is not None else None


def _notes(outcome: Outcome, language: str) -> dict[int, LocalText]:
    notes = {theme.id: LocalText(theme.note, outcome.source_language) for theme in outcome.themes if theme.note}
    if language != outcome.source_language:
        rows = theme_note_translations(outcome, language).items()
        notes.update((theme_id, LocalText(row.note, language)) for theme_id, row in rows if row.note)
    return notes


def _title(outcome: Outcome, language: str) -> LocalText:
    if language != outcome.source_language:
        translated = outcome_translation(outcome, language)
        if translated is not None and translated.document_title:
            return LocalText(translated.document_title, language)
    return LocalText(outcome.document_title, outcome.source_language)


def outcome_view(consultation: Consultation, language: str | None = None,
                 outcome: Outcome | None = None) -> OutcomeView | None:  # fmt: skip
    """The published outcome (or ``outcome``, for the secretariat's own preview) in ``language``."""
    outcome = outcome or published_outcome(consultation)
    summary = themed_version(consultation, outcome) if outcome is not None else None
    if summary is None:
        return None
    language = language or current_language()
    content = consultation_content(consultation, language)
    notes = _notes(outcome, language)
    recorded = {theme.theme_key: theme for theme in outcome.themes}
    questions_by_id = {question.id: question for question in consultation.questions}
    by_key: dict[str, ThemeOutcome] = {}
    questions = []
    for question in summary_view(summary).questions:
        source = questions_by_id.get(question.id)
        prompt = content.prompt(source) if source else LocalText(question.prompt, consultation.source_language)
        themes = []
        for theme in question.themes:
            entry = recorded.get(theme.key)
            themes.append(
                ThemeOutcome(theme, entry.decision if entry else None, notes.get(entry.id) if entry else None)
            )
            by_key[theme.key] = themes[-1]
        questions.append(QuestionOutcome(question, prompt, themes))
    return OutcomeView(consultation, outcome, summary, language, _title(outcome, language), questions, by_key)


def outcome_json(consultation: Consultation) -> dict | None:
    """The published outcome for machines: every language the secretariat wrote, decisions as codes."""
    outcome = published_outcome(consultation)
    view = outcome_view(consultation, consultation.source_language, outcome) if outcome else None
    if view is None:
        return None
    titles = {outcome.source_language: outcome.document_title}
    rows = db.session.execute(
        select(OutcomeTranslation.language, OutcomeTranslation.document_title).where(
            OutcomeTranslation.outcome_id == outcome.id, OutcomeTranslation.document_title != ""
        )
    )
    titles.update((language, title) for language, title in rows)
    notes: dict[int, dict[str, str]] = {
        t.id: ({outcome.source_language: t.note} if t.note else {}) for t in outcome.themes
    }
    for theme_id, language, note in db.session.execute(
        select(OutcomeThemeTranslation.outcome_theme_id, OutcomeThemeTranslation.language, OutcomeThemeTranslation.note)
        .join(OutcomeTheme)
        .where(OutcomeTheme.outcome_id == outcome.id)
    ):
        notes.setdefault(theme_id, {})[language] = note
    recorded = {theme.theme_key: theme for theme in outcome.themes}
    summary = view.summary
    slug = consultation.slug
    return {
        "consultation": {"slug": slug, "title": consultation.title},
        "url": url_for("outcomes.what_happened", slug=slug, _external=True),
        "published_at": outcome.published_at.isoformat(),
        "updated_at": outcome.updated_at.isoformat(),
        "source_language": outcome.source_language,
        "document": {"number": outcome.document_number or None, "title": titles, "url": outcome.document_url or None},
        "summary_version": summary.version,
        "summary_url": url_for("api.summary_version", slug=slug, number=summary.version, _external=True),
        "questions": [
            {
                "position": question.question.position,
                "prompt": question.question.prompt,
                "themes": [
                    {
                        "key": theme.theme.key,
                        "label": None if theme.theme.withheld else theme.theme.label,
                        "size": theme.theme.size,
                        "decision": theme.decision.value if theme.decision else None,
                        "note": notes.get(recorded[theme.theme.key].id, {}) if theme.theme.key in recorded else {},
                        "quotes": [
                            {
                                "id": quote.id,
                                "text": quote.text,
                                "language": quote.language,
                                "url": url_for(
                                    "consultations.public_response", slug=slug, submission_id=quote.id, _external=True
                                ),
                            }
                            for quote in theme.theme.quotes
                        ],
                    }
                    for theme in question.themes
                ],
            }
            for question in view.questions
        ],
    }
