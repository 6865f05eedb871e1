"""What moderation keeps: an append-only audit trail, readers' reports, safeguarding notes, and the sentence
vector screening computed for each answer."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import Submission, User, UTCDateTime, _now


class RejectReason(enum.StrEnum):
    OFF_TOPIC = "off_topic"
    PERSONAL_INFO = "personal_info"
    ABUSIVE = "abusive"
    SPAM = "spam"
    DUPLICATE = "duplicate"
    OTHER = "other"


class ModerationAction(enum.StrEnum):
    SCREENED = "screened"
    APPROVED = "approved"
    REJECTED = "rejected"
    ESCALATED = "escalated"
    REPORTED = "reported"
    HIDDEN = "hidden"
    SAFEGUARDING_ACTION = "safeguarding"
    # The author changed or took back a possible disclosure; the team keeps what it said.
    EDITED = "edited"
    WITHDRAWN = "withdrawn"


class ModerationEvent(db.Model):
    """One moderation event. Rows are only ever inserted: the database refuses updates and deletes.

    Ids are kept without foreign keys so the trail outlives withdrawn responses and erased accounts;
    texts are kept as hashes only.
    """

    __tablename__ = "moderation_events"
    __table_args__ = (sa.Index("ix_moderation_events_consultation", "consultation_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int]
    submission_id: Mapped[int] = mapped_column(index=True)
    actor_id: Mapped[int | None]
    actor_name: Mapped[str | None] = mapped_column(sa.String(40))
    action: Mapped[str] = mapped_column(sa.String(16))
    reason: Mapped[str | None] = mapped_column(sa.String(16))
    note: Mapped[str | None] = mapped_column(sa.Text)
    before_hash: Mapped[str | None] = mapped_column(sa.String(64))
    after_hash: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)

    def __repr__(self) -> str:
        return f"<ModerationEvent {self.id} {self.action} submission={self.submission_id}>"


class AuditTrailIsAppendOnly(Exception):
    pass


@event.listens_for(ModerationEvent, "before_update")
@event.listens_for(ModerationEvent, "before_delete")
def _refuse_changes(mapper, connection, target) -> None:
    raise AuditTrailIsAppendOnly(f"moderation event {target.id} cannot be changed")


class Report(db.Model):
    """A reader's report of a published response; one per reader and response."""

    __tablename__ = "reports"
    __table_args__ = (sa.UniqueConstraint("submission_id", "reporter_key", name="uq_reports_reader"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # A keyed hash that tells readers apart without storing who they are or their address.
    reporter_key: Mapped[str] = mapped_column(sa.String(64))
    reason: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)

    submission: Mapped[Submission] = relationship()

    def __repr__(self) -> str:
        return f"<Report {self.id} submission={self.submission_id} {self.reason}>"


class SafeguardingNote(db.Model):
    """What the safeguarding team did about an escalated response (purged after retention)."""

    __tablename__ = "safeguarding_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(24))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)

    submission: Mapped[Submission] = relationship()
    author: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<SafeguardingNote {self.id} submission={self.submission_id} {self.action}>"


class ResponseVector(db.Model):
    """A response's sentence vector, computed once per model and text: at screening, for the text as written;
    by a summary, for a redacted published text. Summaries read them and never compute one twice."""

    __tablename__ = "response_vectors"

    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True)
    model: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    # SHA-256 of the published text the vector was computed from: a new redaction means a new vector.
    text_hash: Mapped[str] = mapped_column(sa.String(64))
    # The language the text is written in, as detected (participants sometimes pick another).
    language: Mapped[str] = mapped_column(sa.String(8))
    vector: Mapped[bytes] = mapped_column(sa.LargeBinary)  # float16, L2-normalised
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)

    def __repr__(self) -> str:
        return f"<ResponseVector submission={self.submission_id} {self.model}>"


class EarlierWording(db.Model):
    """What a possible disclosure said before its author changed it: the safeguarding team's to read.

    Kept with the case, and gone with it once the team has closed it and the retention period ends.
    """

    __tablename__ = "earlier_wordings"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)  # when it was replaced
    # Replaced before screening read it: the job worker screens it, keeps it if flagged, else deletes it.
    awaiting_screening: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    def __repr__(self) -> str:
        return f"<EarlierWording {self.id} submission={self.submission_id}>"
