"""Reading the audit trail of a consultation: a page at a time, or all of it as CSV.

Nothing here (or anywhere in the app) changes an event: the database refuses it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from sqlalchemy import select

from ..extensions import db
from ..models import Consultation
from ..text import neutralise
from .models import ModerationAction, ModerationEvent

CSV_COLUMNS = (
    "event_id",
    "created_at",
    "submission_id",
    "action",
    "reason",
    "actor_id",
    "actor_name",
    "note",
    "before_hash",
    "after_hash",
)
# Notes on escalations describe a child's situation: only the safeguarding team reads them.
SAFEGUARDING_ACTIONS = frozenset({ModerationAction.ESCALATED.value, ModerationAction.SAFEGUARDING_ACTION.value})


def note_visible(event: ModerationEvent, can_safeguard: bool) -> bool:
    return can_safeguard or event.action not in SAFEGUARDING_ACTIONS


def events_page(consultation: Consultation, limit: int, before: int | None = None) -> list[ModerationEvent]:
    """Newest first, by keyset on (consultation_id, id)."""
    query = (
        select(ModerationEvent)
        .where(ModerationEvent.consultation_id == consultation.id)
        .order_by(ModerationEvent.id.desc())
        .limit(limit)
    )
    if before is not None:
        query = query.where(ModerationEvent.id < before)
    return list(db.session.scalars(query))


def _all_events(consultation: Consultation, batch: int = 1000) -> Iterator[ModerationEvent]:
    after = 0
    while True:
        events = db.session.scalars(
            select(ModerationEvent)
            .where(ModerationEvent.consultation_id == consultation.id, ModerationEvent.id > after)
            .order_by(ModerationEvent.id)
            .limit(batch)
        ).all()
        yield from events
        if len(events) < batch:
            return
        after = events[-1].id


def spreadsheet_safe(value: object) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula (OWASP CSV injection)."""
    # The open data's rule, which also knows full-width "＝" and formulas behind white space.
    return neutralise("" if value is None else str(value))


def csv_lines(consultation: Consultation, can_safeguard: bool) -> Iterator[str]:
    """The whole trail, oldest first, one CSV line at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([spreadsheet_safe(value) for value in values])
        return buffer.getvalue()

    yield line(CSV_COLUMNS)
    for event in _all_events(consultation):
        note = event.note if note_visible(event, can_safeguard) else None
        yield line(
            (event.id, event.created_at.isoformat(), event.submission_id, event.action, event.reason,
             event.actor_id, event.actor_name, note, event.before_hash, event.after_hash)
        )  # fmt: skip


def submission_events(submission_id: int) -> list[ModerationEvent]:
    """One response's history, oldest first, for the moderator deciding on it."""
    return list(
        db.session.scalars(
            select(ModerationEvent).where(ModerationEvent.submission_id == submission_id).order_by(ModerationEvent.id)
        )
    )
