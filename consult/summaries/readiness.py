"""What the secretariat is told before publishing a version: what stops it, and what it still lacks.

A refusal stops publishing (``versions.publishing_refusal``); a warning does not: the secretariat may
publish a version without a document number, say, but is told first what the document will then say.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext

from ..consultations.content import missing_translations
from ..i18n import language_name
from .editing import LABEL_REVIEWED
from .models import Summary
from .reading import SummaryView
from .versions import is_interim, publishing_refusal


@dataclass
class Readiness:
    refusal: str | None
    warnings: list[str]
    interim: bool


def unreviewed_labels(summary: Summary) -> list[str]:
    return [
        theme["label"]
        for question in summary.content["questions"]
        for theme in question["themes"]
        if not theme.get(LABEL_REVIEWED)
    ]


def quotes_without_english(view: SummaryView) -> int:
    return sum(
        1
        for question in view.questions
        for theme in question.themes
        for quote in theme.quotes
        if quote.language != "en" and not quote.english
    )


def readiness(view: SummaryView) -> Readiness:
    summary, consultation = view.summary, view.consultation
    warnings = []
    if not view.document_number:
        warnings.append(_("There is no document number: the document will say “to be assigned”."))
    if consultation.meeting is None:
        warnings.append(_("The consultation belongs to no meeting: the document will name none."))
    labels = unreviewed_labels(summary)
    if labels:
        warnings.append(
            ngettext(
                "%(num)d theme label has not been reviewed: %(labels)s.",
                "%(num)d theme labels have not been reviewed: %(labels)s.",
                len(labels),
                labels=" · ".join(labels),
            )
        )
    untranslated = missing_translations([consultation]).get(consultation.id, [])
    if untranslated:
        warnings.append(
            _(
                "The consultation's title or questions are not translated into: %(languages)s.",
                languages=", ".join(language_name(code) for code in untranslated),
            )
        )
    without_english = quotes_without_english(view)
    if without_english:
        warnings.append(
            ngettext(
                "%(num)d quote not written in English has no English rendering.",
                "%(num)d quotes not written in English have no English rendering.",
                without_english,
            )
        )
    refusal = publishing_refusal(summary)
    return Readiness(str(refusal) if refusal is not None else None, warnings, is_interim(summary))
