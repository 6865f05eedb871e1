"""A classroom workshop: a group of young people without their own devices, answering together.

A facilitator hands in the group's answers. Nobody in the group has an account and none of its answers
names or belongs to a person: each answer (``Submission``) has no author and points here instead, and
this record holds what the facilitator declared for the whole group.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import Consultation, User, UTCDateTime, _now


class Workshop(db.Model):
    __tablename__ = "workshops"
    __table_args__ = (sa.CheckConstraint("group_size > 0", name="group_size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    # The facilitator's account may be erased later; the group's answers stay the group's.
    facilitator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    group_size: Mapped[int]
    # The group's age bands (codes of models.AGE_BANDS), space-separated: a class may span two.
    age_bands: Mapped[str] = mapped_column(sa.String(48))
    country: Mapped[str] = mapped_column(sa.String(2))
    language: Mapped[str] = mapped_column(sa.String(8))
    # The facilitator attested that the young people agreed to take part and that no names are included.
    attested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    via: Mapped[str] = mapped_column(sa.String(8))  # "form" or "csv"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)

    consultation: Mapped[Consultation] = relationship()
    facilitator: Mapped[User | None] = relationship()

    @property
    def age_band_codes(self) -> list[str]:
        return self.age_bands.split()

    def __repr__(self) -> str:
        return f"<Workshop {self.id} {self.country} of {self.group_size} for consultation {self.consultation_id}>"
