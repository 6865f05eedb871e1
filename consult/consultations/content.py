"""A consultation's own words in the reader's language: its translation when there is one, else the source.

The secretariat writes a consultation in one of the six languages (its source language) and may add
a translation for each of the other five. Readers see the translation for their language when it
exists, and the source text otherwise, marked with its language so that screen readers and fonts
follow it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from babel import Locale
from markupsafe import Markup
from sqlalchemy import select

from .. import languages
from ..extensions import db
from ..i18n import current_language, is_rtl
from ..models import Consultation, ConsultationTranslation, Meeting, MeetingTranslation, Question, QuestionTranslation


@dataclass(frozen=True)
class LocalText:
    """A text and the language it is written in."""

    text: str
    language: str

    def attributes(self, page_language: str | None = None) -> Markup:
        """``lang`` (and ``dir`` when the direction differs from the page's) for the element holding the text."""
        page_language = page_language or current_language()
        if self.language == page_language:
            return Markup("")
        direction = "rtl" if is_rtl(self.language) else "ltr"
        if is_rtl(self.language) == is_rtl(page_language):
            return Markup(' lang="{}"').format(self.language)
        return Markup(' lang="{}" dir="{}"').format(self.language, direction)

    def inline(self, page_language: str | None = None) -> Markup:
        """The text for a sentence of the page, in a span that names its language when it is not the page's."""
        attributes = self.attributes(page_language)
        return Markup("<span{}>{}</span>").format(attributes, self.text) if attributes else Markup.escape(self.text)


@dataclass(frozen=True)
class ConsultationContent:
    """What a reader in ``language`` sees of a consultation: title, description, prompts by question id and
    the title of its meeting."""

    language: str
    title: LocalText
    description: LocalText
    prompts: dict[int, LocalText] = field(default_factory=dict)
    meeting: LocalText | None = None

    @property
    def fallback_language(self) -> str | None:
        """The language of a text shown in it rather than in the reader's, when there is one.

        An empty text (a consultation without a description) is missing in no language, so it never calls
        for the note.
        """
        texts = [self.title, self.description, *self.prompts.values(), self.meeting]
        return next((t.language for t in texts if t and t.text and t.language != self.language), None)

    def prompt(self, question: Question) -> LocalText:
        return self.prompts.get(question.id) or LocalText(question.prompt, question.consultation.source_language)


def language_name_in(code: str, reader_language: str | None = None) -> str:
    """A language's name as the reader calls it ("anglais" for a French reader)."""
    reader = Locale.parse(reader_language or current_language())
    return Locale.parse(code).get_display_name(reader) or code


def consultation_content(consultation: Consultation, language: str | None = None) -> ConsultationContent:
    """The consultation in ``language`` (the reader's by default), in two queries whatever its size."""
    language = language or current_language()
    source = consultation.source_language
    title = LocalText(consultation.title, source)
    description = LocalText(consultation.description, source)
    prompts = {question.id: LocalText(question.prompt, source) for question in consultation.questions}
    meeting = meeting_title(consultation.meeting, language) if consultation.meeting else None
    if language == source:
        return ConsultationContent(language, title, description, prompts, meeting)
    translation = consultation_translation(consultation, language)
    if translation is not None:
        title = LocalText(translation.title, language)
        if translation.description:
            description = LocalText(translation.description, language)
    for question_id, row in question_translations(consultation, language).items():
        if row.prompt:
            prompts[question_id] = LocalText(row.prompt, language)
    return ConsultationContent(language, title, description, prompts, meeting)


def consultation_translation(consultation: Consultation, language: str) -> ConsultationTranslation | None:
    return db.session.scalar(
        select(ConsultationTranslation).where(
            ConsultationTranslation.consultation_id == consultation.id, ConsultationTranslation.language == language
        )
    )


def question_translations(consultation: Consultation, language: str) -> dict[int, QuestionTranslation]:
    """The prompts translated into ``language``, by question id."""
    return part_translations(QuestionTranslation.question_id, Question.consultation_id, consultation.id, language)


def part_translations(part, whole, whole_id: int, language: str) -> dict:
    """The translations into ``language`` of every part of one whole (a consultation's questions, an outcome's
    themes), by the part's id: ``part`` is the translation's column naming the part, ``whole`` the part's
    column naming the whole; one query."""
    translation = part.class_
    rows = db.session.scalars(
        select(translation).join(whole.class_).where(whole == whole_id, translation.language == language)
    )
    return {getattr(row, part.key): row for row in rows}


def _titles(items, translation, owner, language: str | None) -> dict[int, LocalText]:
    """Each item's title in ``language`` where ``translation`` (a table whose ``owner`` column names the item)
    holds one, else as written; one query at most."""
    language = language or current_language()
    titles = {item.id: LocalText(item.title, item.source_language) for item in items}
    wanted = [item.id for item in items if item.source_language != language]
    if wanted:
        rows = db.session.execute(
            select(owner, translation.title).where(owner.in_(wanted), translation.language == language)
        )
        for item_id, title in rows:
            titles[item_id] = LocalText(title, language)
    return titles


def meeting_titles(meetings: Sequence[Meeting], language: str | None = None) -> dict[int, LocalText]:
    """Each meeting's title in ``language`` where translated, else as written; one query at most."""
    return _titles(meetings, MeetingTranslation, MeetingTranslation.meeting_id, language)


def meeting_title(meeting: Meeting, language: str | None = None) -> LocalText:
    return meeting_titles([meeting], language)[meeting.id]


def consultation_titles(consultations: Sequence[Consultation], language: str | None = None) -> dict[int, LocalText]:
    """Each consultation's title in ``language`` where translated, else in its source language; one query."""
    return _titles(consultations, ConsultationTranslation, ConsultationTranslation.consultation_id, language)


def missing_translations(consultations: Sequence[Consultation]) -> dict[int, list[str]]:
    """For each consultation, the languages (besides its source) whose translation is absent or incomplete.

    A translation is complete when it has a title and a prompt for every question.
    """
    ids = [c.id for c in consultations]
    if not ids:
        return {}
    translated = {
        (consultation_id, language)
        for consultation_id, language in db.session.execute(
            select(ConsultationTranslation.consultation_id, ConsultationTranslation.language).where(
                ConsultationTranslation.consultation_id.in_(ids)
            )
        )
    }
    question_counts: dict[int, int] = {}
    for consultation_id in db.session.scalars(
        select(Question.consultation_id).where(Question.consultation_id.in_(ids))
    ):
        question_counts[consultation_id] = question_counts.get(consultation_id, 0) + 1
    prompt_counts: dict[tuple[int, str], int] = {}
    for consultation_id, language in db.session.execute(
        select(Question.consultation_id, QuestionTranslation.language)
        .join(Question)
        .where(Question.consultation_id.in_(ids), QuestionTranslation.prompt != "")
    ):
        prompt_counts[consultation_id, language] = prompt_counts.get((consultation_id, language), 0) + 1
    return {
        c.id: [
            language
            for language in languages.codes()
            if language != c.source_language
            and not (
                (c.id, language) in translated
                and prompt_counts.get((c.id, language), 0) >= question_counts.get(c.id, 0)
            )
        ]
        for c in consultations
    }


def put_translated(current, text: str, field: str, blank, add=None, drop=None) -> None:
    """Write one translated ``text`` on ``field`` of the row ``current``, or of ``blank`` (a new row, free of
    relationships, then ``add``-ed: to the session by default) when there is none yet; an empty text drops
    ``current`` (``drop``, deleting it by default), so readers see the source language with the note again."""
    if not text:
        if current is not None:
            (drop or db.session.delete)(current)
        return
    if current is None:
        current = blank
        (add or db.session.add)(current)
    setattr(current, field, text)
