"""Reading approved responses for summaries, open data and the API, and the licence they are published under.

Only approved, visible responses are ever read, and only in their published (redacted) form.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..consultations.importers import POLIS_ATTRIBUTION
from ..consultations.public_responses import PublicResponse, public_columns
from ..extensions import db
from ..models import Consultation, Question, Submission, is_public

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENCE_NOTE = _l(
    "The approved responses of this consultation are published under the Creative Commons Attribution 4.0 "
    "International licence (CC BY 4.0, %(url)s): you may reuse them with attribution to the ITU Council "
    "Working Group on Child Online Protection youth consultation.",
    url=LICENCE_URL,
)


def _public_select(consultation: Consultation):
    return (
        select(*public_columns())
        .join(Question, Submission.question_id == Question.id)
        .where(Question.consultation_id == consultation.id, is_public())
    )


def public_responses(consultation: Consultation, ids: list[int] | None = None) -> list[PublicResponse]:
    """Approved responses in their published form, by question then id; only ``ids`` if given."""
    query = _public_select(consultation).order_by(Question.position, Submission.id)
    if ids is None:
        return [PublicResponse(**row._mapping) for row in db.session.execute(query)]
    found: list[PublicResponse] = []
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), 5000):
        chunk = wanted[start : start + 5000]
        found.extend(
            PublicResponse(**row._mapping) for row in db.session.execute(query.where(Submission.id.in_(chunk)))
        )
    found.sort(key=lambda r: (r.question_position, r.id))
    return found


def public_response_page(consultation: Consultation, page: int, per_page: int) -> tuple[list[PublicResponse], int]:
    total = db.session.scalar(select(func.count()).select_from(_public_select(consultation).subquery())) or 0
    rows = db.session.execute(
        _public_select(consultation).order_by(Question.position, Submission.id).limit(per_page)
        .offset((page - 1) * per_page)
    )  # fmt: skip
    return [PublicResponse(**row._mapping) for row in rows], total


def uses_imported_data(consultation: Consultation) -> bool:
    if POLIS_ATTRIBUTION in (consultation.description or ""):
        return True
    return bool(
        db.session.scalar(
            select(Submission.id)
            .join(Question)
            .where(Question.consultation_id == consultation.id, Submission.external_ref.is_not(None))
            .limit(1)
        )
    )


def attribution(consultation: Consultation) -> str | None:
    return POLIS_ATTRIBUTION if uses_imported_data(consultation) else None
