"""The domain model: people, meetings, consultations, questions and responses."""

from __future__ import annotations

import enum
import hashlib
import hmac
import re
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from . import clock
from .extensions import db


class UTCDateTime(sa.types.TypeDecorator):
    """A timezone-aware UTC timestamp on every backend (SQLite keeps no zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _now() -> datetime:
    return clock.utcnow()  # looked up at call time, so tests can stand still in time


def _enum(cls: type[enum.Enum], name: str) -> sa.Enum:
    return sa.Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Role(enum.StrEnum):
    PARTICIPANT = "participant"
    MODERATOR = "moderator"
    SECRETARIAT = "secretariat"
    ADMIN = "admin"
    # Hands in the answers of a classroom workshop on a group's behalf (consult/workshops/); moderates nothing.
    FACILITATOR = "facilitator"


# (code, lowest age, highest age or None, label). Only the band is stored, never the age.
AGE_BANDS = (
    ("u13", 0, 12, _l("under 13")),
    ("13-15", 13, 15, _l("13–15")),
    ("16-17", 16, 17, _l("16–17")),
    ("18-24", 18, 24, _l("18–24")),
    ("25+", 25, None, _l("25 or older")),
)
AGE_BAND_LABELS = {code: label for code, _low, _high, label in AGE_BANDS}

# Moderators and admins may be given the safeguarding permission; nobody else.
SAFEGUARDING_ROLES = frozenset({Role.MODERATOR, Role.ADMIN})

# A consultation's web address: lowercase letters, digits and single hyphens.
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class ConsultationStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class SubmissionStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    ESCALATED = "escalated"  # with the safeguarding team; never published automatically


FLAGS = ("safeguarding", "pii", "abuse", "reported")


class Priority(enum.IntEnum):
    """Queue order: a possible disclosure of harm first, then anything screening flagged."""

    SAFEGUARDING = 0
    FLAGGED = 1
    CLEAR = 2
    UNSCREENED = 3  # not yet through screening (moments after it arrived): last, marked "being checked"


class Phase(enum.StrEnum):
    """Where a consultation stands in time; derived, never stored."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"


def phase_of(status: ConsultationStatus, opens_at: datetime, closes_at: datetime, now: datetime | None = None) -> Phase:
    """Where a consultation stands at ``now`` (the server's clock): the window is half-open."""
    if status is ConsultationStatus.DRAFT:
        return Phase.DRAFT
    now = now or clock.utcnow()
    if now < opens_at:
        return Phase.SCHEDULED
    if now < closes_at:
        return Phase.OPEN
    return Phase.CLOSED


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    pseudonym: Mapped[str] = mapped_column(sa.String(40))
    # NFKC + casefold of the pseudonym: what makes two pseudonyms "the same".
    pseudonym_key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    # None for imported participants, who can never log in.
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"), default=Role.PARTICIPANT)
    age_band: Mapped[str | None] = mapped_column(sa.String(8))
    country: Mapped[str | None] = mapped_column(sa.String(2))
    locale: Mapped[str] = mapped_column(sa.String(8), default="en")
    consent_version: Mapped[str | None] = mapped_column(sa.String(16))
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    external_ref: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    # Moderators who may read and act on safeguarding escalations.
    can_safeguard: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Asked to be told, on the account page, when a summary or outcome of what they answered is published:
    # events after this moment are told (dismissing moves it on); None, not asked. No e-mail is kept.
    publication_notices_since: Mapped[datetime | None] = mapped_column(UTCDateTime)

    submissions: Mapped[list[Submission]] = relationship(back_populates="author", foreign_keys="Submission.author_id")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        """What the session cookie holds: the account and a fingerprint of its current password."""
        # The session names the password too, so changing it ends every other session.
        return f"{self.id}.{self.password_fingerprint()}"

    def password_fingerprint(self) -> str:
        key = current_app.config["SECRET_KEY"].encode()
        return hmac.new(key, (self.password_hash or "").encode(), hashlib.sha256).hexdigest()[:16]

    @property
    def is_staff(self) -> bool:
        return self.role is not Role.PARTICIPANT

    def __repr__(self) -> str:
        return f"<User {self.id} {self.pseudonym!r} {self.role.value}>"


def may_safeguard(user) -> bool:
    """Whether ``user`` (an account, or Flask-Login's anonymous visitor) may see safeguarding escalations."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_active and user.role in SAFEGUARDING_ROLES and user.can_safeguard


class UserSession(db.Model):
    """A signed-in browser, known to the server: logging out deletes the row, and the cookie is worth nothing.

    The cookie holds a random token; only its SHA-256 is stored, so the table cannot be replayed as cookies.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    # Staff only, to tell their sessions apart ("Firefox on Linux"); a child's browser is not recorded.
    device: Mapped[str | None] = mapped_column(sa.String(60))


class Meeting(db.Model):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    # The language the title is written in; readers of another language see its translation when there is one.
    source_language: Mapped[str] = mapped_column(sa.String(8), default="en", server_default="en")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    venue: Mapped[str] = mapped_column(sa.String(200), default="")

    consultations: Mapped[list[Consultation]] = relationship(back_populates="meeting")
    translations: Mapped[list[MeetingTranslation]] = relationship(
        back_populates="meeting", order_by="MeetingTranslation.language", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.title!r}>"


class Consultation(db.Model):
    __tablename__ = "consultations"
    __table_args__ = (sa.CheckConstraint("opens_at < closes_at", name="window_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meetings.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    # Sanitised HTML (see consult.text.sanitise_description).
    description: Mapped[str] = mapped_column(sa.Text, default="")
    source_language: Mapped[str] = mapped_column(sa.String(8), default="en")
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[ConsultationStatus] = mapped_column(
        _enum(ConsultationStatus, "consultation_status"), default=ConsultationStatus.DRAFT
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)

    meeting: Mapped[Meeting | None] = relationship(back_populates="consultations")
    questions: Mapped[list[Question]] = relationship(
        back_populates="consultation", order_by="Question.position", cascade="all, delete-orphan"
    )

    def phase(self, now: datetime | None = None) -> Phase:
        return phase_of(self.status, self.opens_at, self.closes_at, now)

    def is_open(self, now: datetime | None = None) -> bool:
        return self.phase(now) is Phase.OPEN

    def __repr__(self) -> str:
        return f"<Consultation {self.id} {self.slug!r}>"


class Question(db.Model):
    __tablename__ = "questions"
    __table_args__ = (
        sa.UniqueConstraint("consultation_id", "position", name="uq_questions_position"),
        sa.CheckConstraint("max_length > 0", name="max_length_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    prompt: Mapped[str] = mapped_column(sa.Text)
    max_length: Mapped[int] = mapped_column(default=1000)

    consultation: Mapped[Consultation] = relationship(back_populates="questions")
    submissions: Mapped[list[Submission]] = relationship(back_populates="question")

    def __repr__(self) -> str:
        return f"<Question {self.id} #{self.position} of consultation {self.consultation_id}>"


_PUBLIC_WHERE = "status = 'approved' AND hidden_at IS NULL AND published_text IS NOT NULL"


class Submission(db.Model):
    """A young person's response to one question."""

    __tablename__ = "submissions"
    __table_args__ = (
        sa.Index("ix_submissions_question_status", "question_id", "status", "id"),
        sa.Index("ix_submissions_queue", "status", "priority", "id"),
        sa.Index("ix_submissions_author_question", "author_id", "question_id"),
        # The screening worker's backlog: a few rows at any moment, among all the answers.
        sa.Index("ix_submissions_unscreened", "id", sqlite_where=sa.text("screened_at IS NULL"),
                 postgresql_where=sa.text("screened_at IS NULL")),
        # The public listings (is_public() below), in the order a consultation's page shows them.
        sa.Index("ix_submissions_public", "question_id", "created_at", "id", sqlite_where=sa.text(_PUBLIC_WHERE),
                 postgresql_where=sa.text(_PUBLIC_WHERE)),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"))
    # Nullable so that erasing an account can keep anonymous statistics.
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)  # as written, plain text
    published_text: Mapped[str | None] = mapped_column(sa.Text)  # what the public ever sees
    language: Mapped[str] = mapped_column(sa.String(8))
    # Chosen by the author (or given by an import); otherwise the screening job tells it from the text (until
    # then, the author's locale). The answer POST always says which.
    language_declared: Mapped[bool] = mapped_column(default=True, server_default=sa.false())
    status: Mapped[SubmissionStatus] = mapped_column(
        _enum(SubmissionStatus, "submission_status"), default=SubmissionStatus.PENDING
    )
    age_band: Mapped[str | None] = mapped_column(sa.String(8))
    country: Mapped[str | None] = mapped_column(sa.String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    external_ref: Mapped[str | None] = mapped_column(sa.String(200), unique=True)

    # Screening at intake (and readers' reports) raise flags; the personal information spans
    # found and the text with them replaced are for moderators only.
    flag_pii: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    flag_abuse: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    flag_safeguarding: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    flag_reported: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    pii_spans: Mapped[list[dict] | None] = mapped_column(sa.JSON)
    suggested_text: Mapped[str | None] = mapped_column(sa.Text)
    screened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: waiting for the job worker
    priority: Mapped[int] = mapped_column(sa.SmallInteger, default=Priority.CLEAR, server_default="2")
    # The screening classifier's highest score, per mille, plus 1000 for a possible disclosure (its watch
    # threshold): within a priority, possible disclosures first, then the likelier concern; never bulk-approved.
    screening_score: Mapped[int] = mapped_column(sa.SmallInteger, default=0, server_default="0")
    # Which classifier screened it (consult/moderation/screening/model/); None: the lexicons alone.
    screening_model: Mapped[str | None] = mapped_column(sa.String(40))
    # A moderator who opened the item holds it until claimed_until, so others see other items.
    claimed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reject_reason: Mapped[str | None] = mapped_column(sa.String(16))
    decision_note: Mapped[str | None] = mapped_column(sa.Text)  # staff only
    report_count: Mapped[int] = mapped_column(default=0, server_default="0")
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # taken down after reports
    # Taken back by its author (or their account deleted) while a possible disclosure: gone for everyone
    # but the safeguarding team, who keep it until they close the case (consult/moderation/disclosures.py).
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Collected in a classroom workshop (consult/workshops/models.py) and owned by no one: author_id stays None.
    workshop_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workshops.id"), index=True)

    question: Mapped[Question] = relationship(back_populates="submissions")
    author: Mapped[User | None] = relationship(back_populates="submissions", foreign_keys=[author_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_id])
    # Who handed in a workshop answer, read through its workshop's table: the safeguarding team's pages, a layer
    # below consult/workshops/, show it and load it with the page's other answers (None once the account is erased).
    workshop_facilitator: Mapped[User | None] = relationship(
        secondary="workshops",
        primaryjoin="Submission.workshop_id == workshops.c.id",
        secondaryjoin="workshops.c.facilitator_id == User.id",
        viewonly=True,
    )

    @property
    def flags(self) -> list[str]:
        return [name for name in FLAGS if getattr(self, f"flag_{name}")]

    def __repr__(self) -> str:
        return f"<Submission {self.id} {self.status.value} q={self.question_id}>"


def is_public():
    """The only responses a public page, summary, document, data file or API answer may contain:
    approved, not taken down after reports, with a published text."""
    return sa.and_(
        Submission.status == SubmissionStatus.APPROVED,
        Submission.hidden_at.is_(None),
        Submission.published_text.is_not(None),
    )


class ConsultationTranslation(db.Model):
    """A consultation's title and description in a language other than its source language."""

    __tablename__ = "consultation_translations"
    __table_args__ = (sa.UniqueConstraint("consultation_id", "language", name="uq_consultation_translations_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(sa.String(8))
    title: Mapped[str] = mapped_column(sa.String(200))
    # Sanitised HTML, like the source description.
    description: Mapped[str] = mapped_column(sa.Text, default="")

    consultation: Mapped[Consultation] = relationship()

    def __repr__(self) -> str:
        return f"<ConsultationTranslation {self.id} {self.language} of consultation {self.consultation_id}>"


class QuestionTranslation(db.Model):
    """A question's prompt in a language other than its consultation's source language."""

    __tablename__ = "question_translations"
    __table_args__ = (sa.UniqueConstraint("question_id", "language", name="uq_question_translations_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(sa.String(8))
    prompt: Mapped[str] = mapped_column(sa.Text)

    question: Mapped[Question] = relationship()

    def __repr__(self) -> str:
        return f"<QuestionTranslation {self.id} {self.language} of question {self.question_id}>"


class MeetingTranslation(db.Model):
    """A meeting's title in a language other than the one it is written in."""

    __tablename__ = "meeting_translations"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "language", name="uq_meeting_translations_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(sa.String(8))
    title: Mapped[str] = mapped_column(sa.String(200))

    meeting: Mapped[Meeting] = relationship(back_populates="translations")

    def __repr__(self) -> str:
        return f"<MeetingTranslation {self.id} {self.language} of meeting {self.meeting_id}>"


class Endorsement(db.Model):
    """A participant's endorsement of a published response; one per participant and response.

    The public only ever sees how many; who endorsed what is for that participant's own download.
    """

    __tablename__ = "endorsements"
    __table_args__ = (
        sa.UniqueConstraint("submission_id", "user_id", name="uq_endorsements_user"),
        # Ids are never used again after a withdrawal (SQLite reuses the highest rowid otherwise), so
        # the count and the newest id together tell every change apart for the anonymous readers'
        # ETags (consult/consultations/caching.py).
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)

    submission: Mapped[Submission] = relationship()

    def __repr__(self) -> str:
        return f"<Endorsement {self.id} submission={self.submission_id} user={self.user_id}>"
