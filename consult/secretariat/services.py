"""Meetings and consultations, as the CWG secretariat prepares them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from .. import clock, languages
from ..consultations.content import (
    consultation_translation,
    missing_translations,
    put_translated,
    question_translations,
)
from ..extensions import db
from ..i18n import language_name
from ..models import (
    SLUG_PATTERN,
    Consultation,
    ConsultationStatus,
    ConsultationTranslation,
    Meeting,
    MeetingTranslation,
    Question,
    QuestionTranslation,
    Submission,
    SubmissionStatus,
)
from ..text import clean_plain_text, clean_single_line, description_from_markdown

MEETING_TITLE_LENGTH = 200


class InvalidInput(Exception):
    """What the secretariat entered breaks a rule; the message says which, ``field`` where."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


@dataclass(frozen=True)
class QuestionDraft:
    id: int | None
    prompt: str
    max_length: int


def save_meeting(meeting: Meeting | None, title: str, starts_at: datetime, venue: str, *, source_language: str = "en",
                 translations: dict[str, str] | None = None) -> Meeting:  # fmt: skip
    """Save a meeting; ``translations`` maps language codes to the title in that language (empty: none)."""
    title = clean_single_line(title)
    if not title:
        raise InvalidInput(_l("Give the meeting a title."), "title")
    if not languages.supported(source_language):
        raise InvalidInput(_l("Choose a language."), "source_language")
    if meeting is not None and any(c.closes_at > starts_at for c in meeting.consultations):
        raise InvalidInput(
            _l("A consultation of this meeting would close after the meeting starts: change its window first."),
            "starts_at",
        )
    meeting = meeting or Meeting()
    meeting.title = title
    meeting.starts_at = starts_at
    meeting.venue = clean_single_line(venue)
    meeting.source_language = source_language
    db.session.add(meeting)
    _save_meeting_titles(meeting, translations or {})
    db.session.flush()
    return meeting


def _save_meeting_titles(meeting: Meeting, titles: dict[str, str]) -> None:
    """Languages not in ``titles`` keep their translation; the title's own language needs none."""
    existing = {translation.language: translation for translation in meeting.translations}
    for language, translation in existing.items():
        if language == meeting.source_language:
            meeting.translations.remove(translation)
    for language, typed in titles.items():
        if not languages.supported(language) or language == meeting.source_language:
            continue
        title = clean_single_line(typed)
        if len(title) > MEETING_TITLE_LENGTH:
            raise InvalidInput(_l("The title can be at most %(max)d characters long.", max=MEETING_TITLE_LENGTH))
        put_translated(existing.get(language), title, "title", MeetingTranslation(language=language),
                       add=meeting.translations.append, drop=meeting.translations.remove)  # fmt: skip


def missing_meeting_titles(meeting: Meeting) -> list[str]:
    """The languages, besides the one it is written in, that the meeting's title is not translated into."""
    translated = {translation.language for translation in meeting.translations}
    return [code for code in languages.codes() if code != meeting.source_language and code not in translated]


def default_window(opens_at: datetime) -> datetime:
    try:
        return opens_at + timedelta(hours=current_app.config["DEFAULT_WINDOW_HOURS"])
    except OverflowError:  # opening at the very end of the calendar
        raise InvalidInput(_l("The consultation must close after it opens."), "closes_at") from None


def check_window(opens_at: datetime, closes_at: datetime, meeting: Meeting | None) -> None:
    if closes_at <= opens_at:
        raise InvalidInput(_l("The consultation must close after it opens."), "closes_at")
    if meeting is not None and closes_at > meeting.starts_at:
        raise InvalidInput(_l("The consultation must close before its meeting starts."), "closes_at")


def save_consultation(
    consultation: Consultation | None,
    *,
    slug: str,
    title: str,
    description: str,
    source_language: str,
    meeting: Meeting | None,
    opens_at: datetime,
    closes_at: datetime | None,
    questions: list[QuestionDraft],
) -> Consultation:
    slug = slug.strip().lower()
    if not SLUG_PATTERN.match(slug):
        raise InvalidInput(_l("Use lowercase letters, digits and single hyphens in the web address."), "slug")
    title = clean_single_line(title)
    if not title:
        raise InvalidInput(_l("Give the consultation a title."), "title")
    clash = db.session.scalar(select(Consultation.id).where(Consultation.slug == slug))
    if clash is not None and (consultation is None or clash != consultation.id):
        raise InvalidInput(_l("Another consultation already uses this web address."), "slug")
    closes_at = closes_at or default_window(opens_at)
    check_window(opens_at, closes_at, meeting)

    consultation = consultation or Consultation(status=ConsultationStatus.DRAFT)
    consultation.slug = slug
    consultation.title = title
    consultation.description = description_from_markdown(description)
    consultation.source_language = source_language
    consultation.meeting = meeting
    consultation.opens_at = opens_at
    consultation.closes_at = closes_at
    db.session.add(consultation)
    db.session.flush()
    _save_questions(consultation, questions)
    return consultation


def _save_questions(consultation: Consultation, drafts: list[QuestionDraft]) -> None:
    """Questions keep the order they are given in; a question with answers cannot be removed.

    A question left empty, or holding nothing but markup, is removed.
    """
    drafts = [draft for draft in (replace(d, prompt=clean_plain_text(d.prompt)) for d in drafts) if draft.prompt]
    existing = {question.id: question for question in consultation.questions}
    kept_ids = {draft.id for draft in drafts}
    for question_id, question in existing.items():
        if question_id in kept_ids:
            continue
        answered = db.session.scalar(select(func.count(Submission.id)).where(Submission.question_id == question_id))
        if answered:
            raise InvalidInput(_l("A question that already has answers cannot be removed."))
        consultation.questions.remove(question)
    # Park the kept questions on free positions first: positions are unique per consultation.
    for offset, question in enumerate(consultation.questions):
        question.position = -1 - offset
    db.session.flush()
    for position, draft in enumerate(drafts, start=1):
        # pop: a row repeating another row's id becomes a new question instead of leaving a gap.
        question = existing.pop(draft.id, None)
        if question is None:
            question = Question(consultation=consultation)
            db.session.add(question)
        question.position = position
        question.prompt = draft.prompt
        question.max_length = draft.max_length
    db.session.flush()
    db.session.refresh(consultation, ["questions"])


def save_translation(
    consultation: Consultation, language: str, *, title: str, description: str, prompts: dict[int, str]
) -> ConsultationTranslation:
    """Write the consultation's title, description and prompts in ``language``, one of the other five.

    ``prompts`` maps question ids to their translated prompt; an empty prompt removes its translation,
    so readers see the source prompt again. Ids of other consultations' questions are ignored.
    """
    if not languages.supported(language) or language == consultation.source_language:
        raise InvalidInput(_l("Choose one of the other languages to translate into."))
    title = clean_single_line(title)
    if not title:
        raise InvalidInput(_l("Give the translated title."), "title")
    translation = consultation_translation(consultation, language)
    if translation is None:
        translation = ConsultationTranslation(consultation=consultation, language=language)
        db.session.add(translation)
    translation.title = title
    translation.description = description_from_markdown(description)

    existing = question_translations(consultation, language)
    for question in consultation.questions:
        put_translated(existing.get(question.id), clean_plain_text(prompts.get(question.id, "")), "prompt",
                       QuestionTranslation(question_id=question.id, language=language))  # fmt: skip
    db.session.flush()
    return translation


def publish_consultation(consultation: Consultation) -> None:
    if not consultation.questions:
        raise InvalidInput(_l("Add at least one question before publishing."))
    check_window(consultation.opens_at, consultation.closes_at, consultation.meeting)
    consultation.status = ConsultationStatus.PUBLISHED
    db.session.flush()


def publishing_warnings(consultation: Consultation) -> list[str]:
    """What a secretariat should know before publishing: nothing here stops it, each line is a choice."""
    warnings = []
    missing = missing_translations([consultation]).get(consultation.id, [])
    if missing:
        names = ", ".join(language_name(code) for code in missing)
        warnings.append(
            _l(
                "Not translated, or not completely, into %(count)d of %(total)d languages: %(names)s. Readers of "
                "those languages will see it in %(source)s.",
                count=len(missing),
                total=len(languages.codes()),
                names=names,
                source=language_name(consultation.source_language),
            )
        )
    if not consultation.questions:
        warnings.append(_l("It has no question yet: add at least one before publishing."))
    if not consultation.description.strip():
        warnings.append(_l("It has no description: participants will not know what it is about."))
    meeting = consultation.meeting
    if meeting is not None and (untitled := missing_meeting_titles(meeting)):
        warnings.append(
            _l(
                "The meeting's title is not translated into: %(names)s.",
                names=", ".join(language_name(code) for code in untitled),
            )
        )
    if meeting is None:
        warnings.append(_l("It is not linked to a meeting: its summary will have no meeting to go to."))
    elif consultation.closes_at > meeting.starts_at:
        warnings.append(_l("It closes after its meeting starts."))
    elif (meeting.starts_at - consultation.closes_at).days < 2:
        warnings.append(_l("It closes less than two days before its meeting: little time for the summary."))
    if consultation.closes_at <= clock.utcnow():
        warnings.append(_l("Its window has passed already: nobody will be able to answer."))
    return [str(warning) for warning in warnings]


def close_consultation(consultation: Consultation) -> None:
    """Close an open consultation now: the window's end moves to this moment."""
    consultation.closes_at = clock.utcnow()
    db.session.flush()


@dataclass(frozen=True)
class ResponseCounts:
    pending: int = 0
    approved: int = 0
    rejected: int = 0


def response_counts() -> dict[int, ResponseCounts]:
    """Counts per consultation id, in one query."""

    def count(status: SubmissionStatus):
        return func.coalesce(func.sum(case((Submission.status == status, 1), else_=0)), 0)

    rows = db.session.execute(
        select(
            Question.consultation_id,
            count(SubmissionStatus.PENDING),
            count(SubmissionStatus.APPROVED),
            count(SubmissionStatus.REJECTED),
        )
        .join(Submission, Submission.question_id == Question.id)
        .group_by(Question.consultation_id)
    ).all()
    return {row[0]: ResponseCounts(int(row[1]), int(row[2]), int(row[3])) for row in rows}
