"""An approved response as anyone may read it: the one record that pages, the API, summaries and open data share.

Only the published (redacted) text is ever in it, never the body as written, nor the author's account id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..models import Question, Submission


@dataclass(frozen=True, kw_only=True)
class PublicResponse:
    id: int  # for readers' reports and quotes (R12)
    question_id: int
    question_position: int
    text: str
    language: str
    age_band: str | None
    country: str | None
    created_at: datetime
    decided_at: datetime | None
    external_ref: str | None
    workshop: bool = False  # collected in a classroom workshop: shown as such, never with a name
    pseudonym: str | None = None  # only the consultation's own page names authors; open data never does

    @property
    def channel(self) -> str:
        return "workshop" if self.workshop else "online"


def public_columns() -> tuple:
    """The columns of a :class:`PublicResponse`, labelled by field: ``PublicResponse(**row._mapping)``.

    The query joins :class:`Question` and keeps to ``is_public()`` rows.
    """
    return (
        Submission.id.label("id"),
        Submission.question_id.label("question_id"),
        Question.position.label("question_position"),
        Submission.published_text.label("text"),
        Submission.language.label("language"),
        Submission.age_band.label("age_band"),
        Submission.country.label("country"),
        Submission.created_at.label("created_at"),
        Submission.decided_at.label("decided_at"),
        Submission.external_ref.label("external_ref"),
        Submission.workshop_id.is_not(None).label("workshop"),
    )
