"""Reading the audit trail of a consultation: a page at a time, or all of it as CSV.

Nothing here (or anywhere in the app) changes an event: the database refuses it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable, Iterator

from sqlalchemy import exists, select

from ..extensions import db
from ..models import Consultation, Submission
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


def escalated_once():
    """The SQL condition "a moderator escalated this response at some time", for queries on Submission."""
    return exists().where(
        ModerationEvent.submission_id == Submission.id, ModerationEvent.action == ModerationAction.ESCALATED.value
    )


def ever_escalated(submission_ids: Iterable[int]) -> set[int]:
    """Those of the responses a moderator escalated at some time, whatever the team decided since.

    Read from the append-only trail rather than the response's status: the status moves on when the
    team approves or rejects, while the escalation event can be neither changed nor deleted, and it
    is there for every response escalated before this rule existed.
    """
    ids = set(submission_ids)
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(ModerationEvent.submission_id)
            .where(ModerationEvent.submission_id.in_(ids), ModerationEvent.action == ModerationAction.ESCALATED.value)
            .distinct()
        )
    )


def need_to_know(submission_ids: Iterable[int], can_safeguard: bool) -> set[int]:
    """The responses whose words, notes and reasons this reader may not see: none for the safeguarding team.

    Once escalated, always: the original text and the hashes of its versions, the screening's flags, the
    team's notes and actions, and the reasons of its decision stay with the team after it approves or
    rejects (others see the published text alone, and "handled by the safeguarding team").
    """
    return set() if can_safeguard else ever_escalated(submission_ids)


def note_visible(event: ModerationEvent, can_safeguard: bool, restricted: Collection[int] = ()) -> bool:
    """Whether this reader sees the event's reason and note; ``restricted`` is need_to_know's answer."""
    if can_safeguard:
        return True
    return event.action not in SAFEGUARDING_ACTIONS and event.submission_id not in restricted


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


def _all_events(consultation: Consultation, batch: int = 1000) -> Iterator[list[ModerationEvent]]:
    """Oldest first, a batch at a time (each batch costs one query to know which responses are need-to-know)."""
    after = 0
    while True:
        events = db.session.scalars(
            select(ModerationEvent)
            .where(ModerationEvent.consultation_id == consultation.id, ModerationEvent.id > after)
            .order_by(ModerationEvent.id)
            .limit(batch)
        ).all()
        if events:
            yield events
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
    for batch in _all_events(consultation):
        restricted = need_to_know({event.submission_id for event in batch}, can_safeguard)
        for event in batch:
            visible = note_visible(event, can_safeguard, restricted)
            # A hash of a short disclosure confirms a guess of its words: restricted like the words.
            hashed = event.submission_id not in restricted
            yield line(
                (event.id, event.created_at.isoformat(), event.submission_id, event.action,
                 event.reason if visible else None, event.actor_id, event.actor_name,
                 event.note if visible else None, event.before_hash if hashed else None,
                 event.after_hash if hashed else None)
            )  # fmt: skip


def submission_events(submission_id: int) -> list[ModerationEvent]:
    """One response's history, oldest first, for the moderator deciding on it."""
    return list(
        db.session.scalars(
            select(ModerationEvent).where(ModerationEvent.submission_id == submission_id).order_by(ModerationEvent.id)
        )
    )
