"""What the meeting did with the consultation: its document, and a decision and a note per theme of the summary.

Written by the secretariat in one language (the outcome's source language) with a translation for any of
the other five, stored as the consultation's own words are (consult/consultations/content.py).
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import Consultation, UTCDateTime, _enum, _now


class Decision(enum.StrEnum):
    """What the meeting did with a theme."""

    TAKEN_UP = "taken_up"
    DISCUSSED = "discussed"
    NOTED = "noted"
    NOT_DISCUSSED = "not_discussed"


class Outcome(db.Model):
    """One per consultation. Readers see it once ``published_at`` is set; later edits show at once."""

    __tablename__ = "consultation_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id", ondelete="CASCADE"), unique=True)
    # The published summary version whose themes the decisions are about.
    summary_id: Mapped[int | None] = mapped_column(sa.ForeignKey("summaries.id", ondelete="SET NULL"))
    source_language: Mapped[str] = mapped_column(sa.String(8), default="en")
    document_number: Mapped[str] = mapped_column(sa.String(60), default="")
    document_title: Mapped[str] = mapped_column(sa.String(300), default="")
    document_url: Mapped[str] = mapped_column(sa.String(500), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    updated_by_name: Mapped[str | None] = mapped_column(sa.String(40))
    # When it was first published: participants who asked are told of it once (consult/outcomes/notices.py).
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    consultation: Mapped[Consultation] = relationship()
    themes: Mapped[list[OutcomeTheme]] = relationship(
        back_populates="outcome", cascade="all, delete-orphan", order_by="OutcomeTheme.id"
    )

    def __repr__(self) -> str:
        return f"<Outcome {self.id} consultation={self.consultation_id}>"


class OutcomeTheme(db.Model):
    """What the meeting did with one theme (by its key in the summary version), and a note saying how."""

    __tablename__ = "outcome_themes"
    __table_args__ = (sa.UniqueConstraint("outcome_id", "theme_key", name="uq_outcome_themes_theme_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = mapped_column(sa.ForeignKey("consultation_outcomes.id", ondelete="CASCADE"), index=True)
    theme_key: Mapped[str] = mapped_column(sa.String(40))
    decision: Mapped[Decision] = mapped_column(_enum(Decision, "outcome_decision"))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    outcome: Mapped[Outcome] = relationship(back_populates="themes")

    def __repr__(self) -> str:
        return f"<OutcomeTheme {self.id} {self.theme_key} {self.decision.value}>"


class OutcomeTranslation(db.Model):
    """The meeting document's title in a language other than the outcome's source language."""

    __tablename__ = "outcome_translations"
    __table_args__ = (sa.UniqueConstraint("outcome_id", "language", name="uq_outcome_translations_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = mapped_column(sa.ForeignKey("consultation_outcomes.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(sa.String(8))
    document_title: Mapped[str] = mapped_column(sa.String(300), default="")

    def __repr__(self) -> str:
        return f"<OutcomeTranslation {self.id} {self.language} of outcome {self.outcome_id}>"


class OutcomeThemeTranslation(db.Model):
    """A theme's note in a language other than the outcome's source language."""

    __tablename__ = "outcome_theme_translations"
    __table_args__ = (
        sa.UniqueConstraint("outcome_theme_id", "language", name="uq_outcome_theme_translations_language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_theme_id: Mapped[int] = mapped_column(sa.ForeignKey("outcome_themes.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(sa.String(8))
    note: Mapped[str] = mapped_column(sa.Text)

    def __repr__(self) -> str:
        return f"<OutcomeThemeTranslation {self.id} {self.language} of theme {self.outcome_theme_id}>"
