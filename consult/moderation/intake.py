"""Screening at intake: the flags, suggested redaction and queue priority an answer arrives with."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from .. import clock, languages
from ..extensions import db
from ..models import Priority, Submission
from .events import record_event, text_hash
from .models import ModerationAction
from .screening import ScreeningResult, redact, screen


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


def screening_fields(body: str, language: str, result: ScreeningResult | None = None) -> tuple[set[str], dict]:
    """The screening of a text (the lexicons', unless ``result`` is given) as the submission columns it sets,
    and the flags raised."""
    result = result or screen(body, language)
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
    with force_locale(language if languages.supported(language) else languages.DEFAULT):
        return str(REDACTION_MARKER_TEXT)


def priority_of(submission: Submission) -> Priority:
    if submission.flag_safeguarding:
        return Priority.SAFEGUARDING
    if submission.flags:
        return Priority.FLAGGED
    return Priority.CLEAR
