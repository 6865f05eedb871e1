"""The version of everything an anonymous reader can see, shared by every web process.

Public pages (consult/consultations/caching.py) and the page cache in front of the app
(consult/page_cache.py) key what they keep on it. One row counts the changes: any transaction that
changes what a public page shows (a decision, a take-down, an edit, a translation, a summary, an
endorsement, an erased account) adds one to it in the same transaction, so the count and the change
are committed together or not at all. The bump is made by session events rather than by each service,
so that a service written later, or a bulk UPDATE, cannot forget it.

Each web process reads the row (and which published consultations are open, which changes with time
alone) at most once every ``PUBLIC_STATE_SECONDS``: that is how long a decision may take to reach
readers of a page a process already holds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from threading import Lock

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import BindParameter

from . import clock
from .extensions import db
from .models import Consultation, ConsultationStatus, SubmissionStatus, User

PUBLIC_STATE_SECONDS = 1.0  # the default; CONSULT_PUBLIC_STATE_SECONDS overrides it (0: every request)

public_version = sa.Table(
    "public_version",
    db.metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("version", sa.BigInteger, nullable=False),
)

# Any change to these tables may show on a public page (the summaries and outcomes packages own the last six).
_PUBLIC_TABLES = frozenset({"consultations", "questions", "consultation_translations", "question_translations",
                            "meetings", "meeting_translations", "endorsements", "summaries",
                            "summary_documents", "consultation_outcomes", "outcome_themes",
                            "outcome_translations", "outcome_theme_translations"})  # fmt: skip
# An answer changes a public page when it enters or leaves the approved ones, or when what is shown of an
# approved one changes. Claims, screening, report counts and notes are for staff only.
_SUBMISSION_SHOWN = frozenset({"status", "published_text", "hidden_at", "author_id", "question_id", "language",
                               "age_band", "country", "created_at", "decided_at"})  # fmt: skip
# In bulk (UPDATE statements) only these change on a public answer; screening sets the language, but before
# any moderator approved the answer.
_SUBMISSION_MOVES = frozenset({"status", "published_text", "hidden_at", "author_id", "question_id"})
_USER_SHOWN = ("pseudonym",)
_STATUSES = frozenset(SubmissionStatus) | frozenset(status.value for status in SubmissionStatus)
_BUMPED = "consult_public_version_bumped"

_BUMP = sa.update(public_version).where(public_version.c.id == 1).values(version=public_version.c.version + 1)
_READ = sa.select(public_version.c.version).where(public_version.c.id == 1)
_PHASES = sa.select(Consultation.id, Consultation.opens_at, Consultation.closes_at).where(
    Consultation.status == ConsultationStatus.PUBLISHED
)


def bump(session: Session) -> None:
    """Count a public change, once per transaction."""
    if session.info.get(_BUMPED):
        return
    session.info[_BUMPED] = True
    connection = session.connection()
    if not connection.execute(_BUMP).rowcount:  # a database emptied by the tests: the row comes back
        connection.execute(sa.insert(public_version).values(id=1, version=1))


def _table_name(instance) -> str | None:
    table = getattr(type(instance), "__table__", None)
    return table.name if table is not None else None


def _changed(instance, names) -> bool:
    attributes = sa.inspect(instance).attrs
    return any(attributes[name].history.has_changes() for name in names)


def _shows(instance, new: bool = False, deleted: bool = False) -> bool:
    name = _table_name(instance)
    if name in _PUBLIC_TABLES:
        return True
    if name == "submissions":
        if new or deleted:
            return instance.status is SubmissionStatus.APPROVED
        state = sa.inspect(instance)
        status = state.attrs["status"].history
        approved = "status" in state.unloaded or SubmissionStatus.APPROVED in status.sum()
        return approved and _changed(instance, _SUBMISSION_SHOWN)
    if isinstance(instance, User):
        return deleted or (not new and _changed(instance, _USER_SHOWN))
    return False


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _flush_context) -> None:
    if session.info.get(_BUMPED):
        return
    if (any(_shows(o, new=True) for o in session.new) or any(_shows(o, deleted=True) for o in session.deleted)
            or any(_shows(o) for o in session.dirty if session.is_modified(o))):  # fmt: skip
        bump(session)


def _statuses_named(clause) -> set[SubmissionStatus]:
    """The answer statuses a statement's WHERE clause names (``status IN (...)``, ``status = ...``)."""
    named: set[SubmissionStatus] = set()
    for element in visitors.iterate(clause) if clause is not None else ():
        if isinstance(element, BindParameter):
            value = element.effective_value
            named.update(v for v in (value if isinstance(value, list | tuple) else [value]) if v in _STATUSES)
    return {SubmissionStatus(v) for v in named}


def _bulk_shows(state: ORMExecuteState) -> bool:
    """An UPDATE or DELETE statement run through the session, such as a moderator's decision."""
    statement = state.statement
    name = getattr(getattr(statement, "table", None), "name", None)
    if name in _PUBLIC_TABLES or (state.is_delete and name in ("submissions", "users")):
        return True
    if name != "submissions" or not state.is_update:
        return False
    values = getattr(statement, "_values", None)
    if not values:  # set in a way this cannot read: count it, to be safe
        return True
    values = {getattr(key, "key", key): value for key, value in values.items()}
    if not values.keys() & _SUBMISSION_MOVES:
        return False
    # Rows that were not approved and are not approved now were never public: deciding on a pending
    # answer (an escalation, a rejection) changes no public page.
    becomes = getattr(values.get("status"), "value", None)
    was = _statuses_named(statement.whereclause)
    return becomes == SubmissionStatus.APPROVED or not was or SubmissionStatus.APPROVED in was


@event.listens_for(Session, "do_orm_execute")
def _before_statement(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and not state.session.info.get(_BUMPED) and _bulk_shows(state):
        bump(state.session)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_BUMPED, None)


def _phase(opens_at, closes_at, now) -> str:
    return "scheduled" if now < opens_at else "open" if now < closes_at else "closed"


def read(connection: Connection) -> tuple:
    """The change count and the phase of each published consultation (those change with time alone)."""
    now = clock.utcnow()
    phases = sorted((id_, _phase(opens_at, closes_at, now)) for id_, opens_at, closes_at in connection.execute(_PHASES))
    return connection.execute(_READ).scalar() or 0, tuple(phases)


class PublicState:
    """What :func:`read` said, read again at most every ``seconds()`` in this process."""

    def __init__(self, engine: Callable[[], Engine], seconds: Callable[[], float]) -> None:
        self._engine, self._seconds = engine, seconds
        self._lock = Lock()
        self._state: tuple | None = None
        self._until = 0.0
        self.monotonic = time.monotonic  # tests move time forward

    def current(self) -> tuple:
        now = self.monotonic()
        if self._state is not None and now < self._until:
            return self._state
        with self._lock:
            if self._state is None or self.monotonic() >= self._until:
                with self._engine().connect() as connection:
                    self._state = read(connection)
                self._until = now + self._seconds()
        return self._state
