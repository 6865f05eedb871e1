"""Writing the audit trail: one append-only event per screening, report and decision, hashes of the texts only."""

from __future__ import annotations

import hashlib

from .. import clock
from ..audit_log import security_event
from ..extensions import db
from ..models import Submission, User
from .models import ModerationAction, ModerationEvent


def text_hash(value: str | None) -> str | None:
    return hashlib.sha256(value.encode()).hexdigest() if value is not None else None


def record_event(
    submission: Submission,
    action: ModerationAction,
    actor: User | None = None,
    *,
    reason: str | None = None,
    note: str | None = None,
    before: str | None = None,
    after: str | None = None,
) -> ModerationEvent:
    """Append one event to the audit trail: who, when, what, why, and hashes of the texts only."""
    consultation_id = submission.question.consultation_id
    event = ModerationEvent(
        consultation_id=consultation_id,
        submission_id=submission.id,
        actor_id=actor.id if actor else None,
        actor_name=actor.pseudonym if actor else None,
        action=action.value,
        reason=reason,
        note=note,
        before_hash=text_hash(before),
        after_hash=text_hash(after),
        created_at=clock.utcnow(),
    )
    db.session.add(event)
    if actor is not None:  # a person's decision; screening and readers' reports are not staff actions
        security_event(f"moderation_{action.value}", user=actor, submission_id=submission.id,
                       consultation_id=consultation_id, reason=reason)  # fmt: skip
    return event
