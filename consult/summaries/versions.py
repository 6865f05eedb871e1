"""A summary's versions: numbering new ones, publishing one, and finding them again."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from .. import clock
from ..extensions import db
from ..models import Consultation, ConsultationStatus, Phase, User
from .models import Purpose, Summary
from .removals import removed_members
from .work import ask_rendering


class SummaryRefused(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _next_version(consultation: Consultation) -> int:
    latest = db.session.scalar(select(func.max(Summary.version)).where(Summary.consultation_id == consultation.id))
    return (latest or 0) + 1


def new_version(consultation: Consultation, author: User | None, kind: str, content: dict, parameters: dict,
                 based_on: Summary | None = None, purpose: Purpose | None = None) -> Summary:  # fmt: skip
    # An edited version keeps what its base was for.
    purpose = purpose or (based_on.purpose if based_on is not None else Purpose.INPUT)
    summary = Summary(
        consultation_id=consultation.id,
        version=_next_version(consultation),
        based_on_id=based_on.id if based_on else None,
        kind=kind,
        purpose=purpose,
        parameters=parameters,
        content=content,
        created_at=clock.utcnow(),
        created_by_id=author.id if author else None,
        created_by_name=author.pseudonym if author else None,
    )
    db.session.add(summary)
    db.session.flush()
    return summary


def is_interim(summary: Summary) -> bool:
    """An interim update may be published while the consultation runs; the input document for the meeting,
    final, only after closing (``Summary.purpose``, chosen when generating)."""
    return summary.purpose is Purpose.INTERIM


def publishing_refusal(summary: Summary):
    """Why ``summary`` cannot be published now (a translatable message), or None."""
    consultation = summary.consultation
    if summary.is_published:
        return _l("This version is already published.")
    if consultation.status is not ConsultationStatus.PUBLISHED:
        return _l("Publish the consultation before its summary.")
    if not is_interim(summary) and consultation.phase() is not Phase.CLOSED:
        return _l("The input document for the meeting can be published only once the consultation has closed.")
    if removed_members(summary):  # its labels and keywords may hold the removed answer's words
        return _l(
            "An answer of this version was removed since it was made: generate a new version, or edit this "
            "one, and publish that."
        )
    return None


def publish_summary(summary: Summary, author: User) -> Summary:
    refusal = publishing_refusal(summary)
    if refusal is not None:
        raise SummaryRefused(refusal)
    # Read everything first: a lazy load between the assignments would flush a half-published version.
    author_id, author_name, now = author.id, author.pseudonym, clock.utcnow()
    summary.published_by_id, summary.published_by_name, summary.published_at = author_id, author_name, now
    db.session.flush()
    if current_app.config["DOCUMENTS_AHEAD"]:
        ask_rendering(summary, author)  # kept before anyone asks, so every download is instant
    return summary


def consultation_by_slug(slug: str) -> Consultation | None:
    return db.session.scalar(select(Consultation).where(Consultation.slug == slug))


def versions(consultation: Consultation) -> list[Summary]:
    return list(
        db.session.scalars(
            select(Summary).where(Summary.consultation_id == consultation.id).order_by(Summary.version.desc())
        )
    )


def version(consultation: Consultation, number: int) -> Summary | None:
    return db.session.scalar(
        select(Summary).where(Summary.consultation_id == consultation.id, Summary.version == number)
    )


def latest_published(consultation: Consultation) -> Summary | None:
    if consultation.status is not ConsultationStatus.PUBLISHED:
        return None
    return db.session.scalar(
        select(Summary)
        .where(Summary.consultation_id == consultation.id, Summary.published_at.is_not(None))
        .order_by(Summary.version.desc())
        .limit(1)
    )


def published_version(consultation: Consultation, number: int) -> Summary | None:
    summary = version(consultation, number)
    if summary is None or not summary.is_published or consultation.status is not ConsultationStatus.PUBLISHED:
        return None
    return summary


def published_summaries() -> list[Summary]:
    """Every published version of every published consultation, newest consultation first."""
    return list(
        db.session.scalars(
            select(Summary)
            .join(Consultation)
            .where(Summary.published_at.is_not(None), Consultation.status == ConsultationStatus.PUBLISHED)
            .order_by(Consultation.closes_at.desc(), Consultation.id, Summary.version.desc())
        )
    )
