"""What summaries keep: summary versions, and the documents rendered from them."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import Consultation, User, UTCDateTime, _enum, _now


class SummaryStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class Purpose(enum.StrEnum):
    """What a version is for: the input document tabled at the meeting, or an interim update while answers
    still arrive (marked as such in every format)."""

    INPUT = "input"
    INTERIM = "interim"


class SummaryFrozen(Exception):
    """A published summary version is never changed; edit it into a new version instead."""


class Summary(db.Model):
    """One version of a consultation's summary. Versions are written once; publishing stamps one."""

    __tablename__ = "summaries"
    __table_args__ = (sa.UniqueConstraint("consultation_id", "version", name="uq_summaries_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    # The version this one was edited from; None for a freshly generated one.
    based_on_id: Mapped[int | None] = mapped_column(sa.ForeignKey("summaries.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(sa.String(16))  # "generated" or "edited"
    purpose: Mapped[Purpose] = mapped_column(_enum(Purpose, "summary_purpose"), default=Purpose.INPUT,
                                             server_default=Purpose.INPUT.value)  # fmt: skip
    # How it was made: model, theme counts, seeds, library versions, the response ids used.
    parameters: Mapped[dict] = mapped_column(sa.JSON)
    # Statistics (already suppressed), themes with provenance, introduction, key messages.
    content: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_by_name: Mapped[str | None] = mapped_column(sa.String(40))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    published_by_name: Mapped[str | None] = mapped_column(sa.String(40))

    consultation: Mapped[Consultation] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    based_on: Mapped[Summary | None] = relationship(remote_side=[id])

    @property
    def status(self) -> SummaryStatus:
        return SummaryStatus.PUBLISHED if self.published_at is not None else SummaryStatus.DRAFT

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def __repr__(self) -> str:
        return f"<Summary {self.id} consultation={self.consultation_id} v{self.version} {self.status.value}>"


@event.listens_for(Summary, "before_update")
def _refuse_changes_to_published(mapper, connection, target: Summary) -> None:
    # What the database holds, not what the session remembers: only a draft may change (to be published).
    table = Summary.__table__
    stored = connection.scalar(sa.select(table.c.published_at).where(table.c.id == target.id))
    if stored is not None:
        raise SummaryFrozen(f"summary {target.id} (version {target.version}) is published and frozen")


@event.listens_for(Summary, "before_delete")
def _refuse_deleting_published(mapper, connection, target: Summary) -> None:
    if target.published_at is not None:
        raise SummaryFrozen(f"summary {target.id} (version {target.version}) is published and frozen")


class SummaryDocument(db.Model):
    """A rendered input document or data file of a published version, kept so its URL serves the same bytes.

    The fingerprint covers the published texts it contains: a response taken down later changes it,
    and the document is rendered again without that response.
    """

    __tablename__ = "summary_documents"
    __table_args__ = (
        sa.UniqueConstraint("summary_id", "format", "language", "fingerprint", name="uq_summary_documents_render"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    summary_id: Mapped[int] = mapped_column(sa.ForeignKey("summaries.id", ondelete="CASCADE"), index=True)
    format: Mapped[str] = mapped_column(sa.String(8))
    language: Mapped[str] = mapped_column(sa.String(8))
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)

    summary: Mapped[Summary] = relationship()

    def __repr__(self) -> str:
        return f"<SummaryDocument {self.id} summary={self.summary_id} {self.format}>"


class JobKind(enum.StrEnum):
    GENERATE = "generate"  # compute the missing vectors, group the themes, make a new draft version
    RENDER = "render"  # render and keep every document of a version in every language


class JobState(enum.StrEnum):
    QUEUED = "queued"
    VECTORS = "vectors"  # computing the vectors still missing: done of total
    THEMES = "themes"  # grouping the themes, statistics
    RENDERING = "rendering"  # documents rendered: done of total
    DONE = "done"
    FAILED = "failed"

    @property
    def under_way(self) -> bool:
        return self not in (JobState.DONE, JobState.FAILED)


class SummaryJob(db.Model):
    """Work on a summary asked for by the web and done by the job worker, with its progress.

    Kept in the database, not in the queue, so that every web server shows the same progress and the
    periodic sweep can ask again for work whose job was lost.
    """

    __tablename__ = "summary_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[JobKind] = mapped_column(_enum(JobKind, "summary_job_kind"))
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    # The version to render; for a generation, the version it made.
    summary_id: Mapped[int | None] = mapped_column(sa.ForeignKey("summaries.id", ondelete="CASCADE"))
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    requested_by_name: Mapped[str | None] = mapped_column(sa.String(40))
    themes: Mapped[int | None]  # themes per question asked for; None for the automatic choice
    # What the version a generation makes is for; None for a rendering.
    purpose: Mapped[Purpose | None] = mapped_column(_enum(Purpose, "summary_purpose"))
    # The one document a reader waits for; None for every format in every language.
    format: Mapped[str | None] = mapped_column(sa.String(8))
    language: Mapped[str | None] = mapped_column(sa.String(8))
    state: Mapped[JobState] = mapped_column(_enum(JobState, "summary_job_state"), default=JobState.QUEUED)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    # Last sign of life: the sweep asks again for work under way that has shown none for a while.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<SummaryJob {self.id} {self.kind.value} consultation={self.consultation_id} {self.state.value}>"
