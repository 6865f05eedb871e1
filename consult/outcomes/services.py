"""Recording the outcome: the meeting's document and what it did with each theme of the published summary.

The themes are those of the summary version published last when the outcome is saved; the outcome keeps
that version (``Outcome.summary_id``) so that what the public reads stays tied to the themes it named.
Services flush and never commit; a refusal is an ``OutcomeRefused`` (a 400 naming the field).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import clock, languages
from ..consultations.content import part_translations, put_translated
from ..domain import Invalid
from ..extensions import db
from ..models import Consultation, Phase, User
from ..summaries.models import Summary
from ..summaries.versions import latest_published
from ..text import clean_plain_text, clean_single_line
from .models import Decision, Outcome, OutcomeTheme, OutcomeThemeTranslation, OutcomeTranslation

NOTE_MAX = 4000
URL_MAX = 500
TITLE_MAX = 300
NUMBER_MAX = 60

DECISIONS = {
    Decision.TAKEN_UP: _l("Taken up in the outcome"),
    Decision.DISCUSSED: _l("Discussed"),
    Decision.NOTED: _l("Noted"),
    Decision.NOT_DISCUSSED: _l("Not discussed"),
}


class OutcomeRefused(Invalid):
    """What the secretariat entered breaks a rule; ``field`` names where, when it is one field."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ThemeDecision:
    """What was typed for one theme: a decision code ("" for none chosen) and a note."""

    decision: str
    note: str


def outcome_of(consultation: Consultation) -> Outcome | None:
    return db.session.scalar(select(Outcome).where(Outcome.consultation_id == consultation.id))


def themed_version(consultation: Consultation, outcome: Outcome | None = None) -> Summary | None:
    """The summary version whose themes the outcome speaks of: the outcome's own, else the latest published."""
    if outcome is not None and outcome.summary_id is not None:
        summary = db.session.get(Summary, outcome.summary_id)
        if summary is not None and summary.is_published:
            return summary
    return latest_published(consultation)


def theme_keys(summary: Summary) -> list[str]:
    return [theme["key"] for question in summary.content["questions"] for theme in question["themes"]]


def recording_refusal(consultation: Consultation):
    """Why no outcome can be recorded yet (a translatable message), or None."""
    if consultation.phase() is not Phase.CLOSED:
        return _l("An outcome can be recorded once the consultation has closed.")
    if latest_published(consultation) is None:
        return _l("Publish the summary before recording what the meeting did with its themes.")
    return None


def _document_url(value: str) -> str:
    url = clean_single_line(value)
    if url and (not url.lower().startswith("https://") or any(c in url for c in " <>\"'")):
        raise OutcomeRefused(_l("Give the document's web address, starting with https://."), "document_url")
    if len(url) > URL_MAX:
        raise OutcomeRefused(_l("That is too long."), "document_url")
    return url


def _line(value: str, limit: int, field: str) -> str:
    text = clean_single_line(value)
    if len(text) > limit:
        raise OutcomeRefused(_l("That is too long."), field)
    return text


def _note(value: str, field: str) -> str:
    text = clean_plain_text(value)
    if len(text) > NOTE_MAX:
        raise OutcomeRefused(_l("That is too long."), field)
    return text


def save_outcome(consultation: Consultation, author: User, *, source_language: str, document_number: str,
                 document_title: str, document_url: str, themes: dict[str, ThemeDecision],
                 publish: bool) -> Outcome:  # fmt: skip
    """Record (or change) the outcome in its source language; every theme needs a decision."""
    refusal = recording_refusal(consultation)
    if refusal is not None:
        raise OutcomeRefused(refusal)
    if not languages.supported(source_language):
        raise OutcomeRefused(_l("Choose the language this is written in."), "source_language")
    number = _line(document_number, NUMBER_MAX, "document_number")
    title = _line(document_title, TITLE_MAX, "document_title")
    if not title:
        raise OutcomeRefused(_l("Give the title of the meeting's report or document."), "document_title")
    url = _document_url(document_url)
    outcome = outcome_of(consultation)
    summary = latest_published(consultation)  # a version published since the last save brings its own themes
    keys = theme_keys(summary)
    decided: dict[str, tuple[Decision, str]] = {}
    for key in keys:
        typed = themes.get(key, ThemeDecision("", ""))
        if typed.decision not in {d.value for d in Decision}:
            raise OutcomeRefused(_l("Say what the meeting did with every theme."), f"decision-{key}")
        decided[key] = (Decision(typed.decision), _note(typed.note, f"note-{key}"))

    now = clock.utcnow()
    if outcome is None:
        outcome = Outcome(consultation_id=consultation.id)
        db.session.add(outcome)
    outcome.summary_id = summary.id
    outcome.source_language = source_language
    outcome.document_number, outcome.document_title, outcome.document_url = number, title, url
    outcome.updated_at, outcome.updated_by_name = now, author.pseudonym
    if publish and outcome.published_at is None:
        outcome.published_at = now
    elif not publish:
        outcome.published_at = None
    existing = {theme.theme_key: theme for theme in outcome.themes}
    for key, theme in existing.items():
        if key not in decided:
            outcome.themes.remove(theme)  # a theme of an earlier version: its notes go with it
    for key, (decision, note) in decided.items():
        theme = existing.get(key)
        if theme is None:
            theme = OutcomeTheme(theme_key=key, decision=decision, note=note)
            outcome.themes.append(theme)
        theme.decision, theme.note = decision, note
    db.session.flush()
    return outcome


def save_outcome_translation(outcome: Outcome, language: str, *, document_title: str,
                             notes: dict[str, str]) -> None:  # fmt: skip
    """The document's title and the themes' notes in ``language``; an empty one is shown in the source."""
    if not languages.supported(language) or language == outcome.source_language:
        raise OutcomeRefused(_l("Choose one of the other languages to translate into."))
    title = _line(document_title, TITLE_MAX, "document_title")
    cleaned = {theme.id: _note(notes.get(theme.theme_key, ""), f"note-{theme.theme_key}") for theme in outcome.themes}
    translation = outcome_translation(outcome, language)
    if translation is None:
        translation = OutcomeTranslation(outcome_id=outcome.id, language=language)
        db.session.add(translation)
    translation.document_title = title
    kept = theme_note_translations(outcome, language)
    for theme_id, note in cleaned.items():
        put_translated(kept.get(theme_id), note, "note",
                       OutcomeThemeTranslation(outcome_theme_id=theme_id, language=language))  # fmt: skip
    outcome.updated_at = clock.utcnow()
    db.session.flush()


def outcome_translation(outcome: Outcome, language: str) -> OutcomeTranslation | None:
    return db.session.scalar(
        select(OutcomeTranslation).where(OutcomeTranslation.outcome_id == outcome.id,
                                         OutcomeTranslation.language == language)
    )  # fmt: skip


def theme_note_translations(outcome: Outcome, language: str) -> dict[int, OutcomeThemeTranslation]:
    return part_translations(OutcomeThemeTranslation.outcome_theme_id, OutcomeTheme.outcome_id, outcome.id, language)
