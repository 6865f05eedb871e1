"""The safeguarding queue: responses a moderator escalated because a young person may be at risk.

Only moderators and admins holding ``User.can_safeguard`` see them. The team reads the full
text with the helplines for the author's country, records what it did, and may then close the
item. Nothing here, or anywhere else, publishes an escalated response without that explicit
decision: ``approve_submission`` only accepts ``ESCALATED`` when this module asks it to.
"""

from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import current_app, g
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from .. import clock
from ..extensions import db
from ..models import SAFEGUARDING_ROLES, Question, Submission, SubmissionStatus, User, may_safeguard
from ..text import clean_plain_text
from .audit import ever_escalated
from .danger_reports import danger_reported_count
from .events import record_event
from .models import ModerationAction, RejectReason, SafeguardingNote
from .services import AlreadyDecided, approve_submission, reject_submission

ESCALATED_ONLY = (SubmissionStatus.ESCALATED,)
HELPLINES_FILE = Path(__file__).with_name("helplines.json")


class SafeguardingAction(enum.StrEnum):
    HELPLINE = "helpline"
    PARTNER = "partner"
    FOLLOWED_UP = "followed_up"
    NO_FURTHER_ACTION = "no_action"
    OTHER = "other"


ACTION_LABELS = {
    SafeguardingAction.HELPLINE: _l("Contacted a helpline or the authorities"),
    SafeguardingAction.PARTNER: _l("Referred to a partner organisation"),
    SafeguardingAction.FOLLOWED_UP: _l("Followed up with the participant through the platform"),
    SafeguardingAction.NO_FURTHER_ACTION: _l("No further action needed after review"),
    SafeguardingAction.OTHER: lazy_pgettext("safeguarding action", "Other"),
}


class NotEligible(Exception):
    """Only moderators and admins may be given the safeguarding permission."""


class NoActionRecorded(Exception):
    """An escalation is closed only after the team has recorded what it did."""


class WithdrawnByAuthor(Exception):
    """Its author took the answer back: the team may close the case, never publish the answer."""


# --- who may see escalations ----------------------------------------------------------------


def set_safeguarding_permission(user: User, allowed: bool) -> None:
    if allowed and user.role not in SAFEGUARDING_ROLES:
        raise NotEligible(user.role.value)
    user.can_safeguard = allowed
    db.session.flush()


# --- helplines ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Helpline:
    name: str
    phone: str | None = None
    url: str | None = None

    @property
    def tel(self) -> str | None:
        """The number as a ``tel:`` link dials it: digits and a leading plus only."""
        return re.sub(r"[^\d+]", "", self.phone) if self.phone else None


# Shown whatever the file says, so the team always has somewhere to turn.
DIRECTORY = Helpline(
    name="Child Helpline International",
    url="https://childhelplineinternational.org/helplines/",
)


@dataclass(frozen=True)
class HelplineList:
    by_country: dict[str, tuple[Helpline, ...]]
    fallback: tuple[Helpline, ...] = (DIRECTORY,)
    unreadable: bool = False  # the configured file could not be read: only the fallback is shown

    def for_country(self, country: str | None) -> tuple[Helpline, ...]:
        return self.by_country.get(country or "", ())


class HelplineFileError(ValueError):
    pass


def helplines() -> HelplineList:
    """The configured list (``HELPLINES_FILE``, else the one shipped), re-read when the file changes.

    A broken file never hides the queue: the team gets the fallback and a warning instead.
    """
    path = Path(current_app.config.get("HELPLINES_FILE") or HELPLINES_FILE)
    try:
        return _read_helplines(str(path), path.stat().st_mtime_ns)
    except (OSError, HelplineFileError) as error:
        current_app.logger.error("Cannot read the helplines file %s: %s", path, error)
        return HelplineList({}, unreadable=True)


@lru_cache(maxsize=4)
def _read_helplines(path: str, mtime_ns: int) -> HelplineList:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise HelplineFileError(str(error)) from error
    if not isinstance(data, dict) or not isinstance(data.get("countries"), dict):
        raise HelplineFileError('expected {"countries": {"KE": [...], ...}, "fallback": [...]}')
    by_country = {}
    for code, entries in data["countries"].items():
        if not (isinstance(code, str) and len(code) == 2 and code.isascii() and code.isalpha() and code.isupper()):
            raise HelplineFileError(f"{code!r} is not an ISO 3166-1 alpha-2 code such as KE")
        by_country[code] = _parse_entries(entries, code)
    fallback = _parse_entries(data.get("fallback", []), "fallback")
    if DIRECTORY.url not in {helpline.url for helpline in fallback}:
        fallback = (*fallback, DIRECTORY)
    return HelplineList(by_country, fallback)


def _parse_entries(entries, where: str) -> tuple[Helpline, ...]:
    if not isinstance(entries, list):
        raise HelplineFileError(f"{where}: expected a list of helplines")
    parsed = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
            raise HelplineFileError(f"{where}: every helpline needs a name")
        phone, url = entry.get("phone"), entry.get("url")
        if not (phone or url):
            raise HelplineFileError(f"{where}: {entry['name']!r} needs a phone number or a web address")
        if phone is not None and not (isinstance(phone, str) and re.search(r"\d", phone)):
            raise HelplineFileError(f"{where}: {entry['name']!r} has an unusable phone number")
        # Only web addresses become links: a "javascript:" URL in a config file must not run.
        if url is not None and not (isinstance(url, str) and url.startswith(("https://", "http://"))):
            raise HelplineFileError(f"{where}: {entry['name']!r} needs an http(s) web address")
        parsed.append(Helpline(entry["name"].strip(), phone, url))
    return tuple(parsed)


# --- the queue ------------------------------------------------------------------------------


def escalated_page(limit: int, after: int | None = None) -> tuple[list[Submission], int | None]:
    """Escalated responses, oldest first, after the given id (keyset, never OFFSET).

    Returns the page and the cursor of the next one (None on the last page).
    """
    query = (
        select(Submission)
        .where(Submission.status == SubmissionStatus.ESCALATED)
        .order_by(Submission.id)
        .limit(limit + 1)
        .options(
            selectinload(Submission.question).selectinload(Question.consultation),
            selectinload(Submission.decided_by),
            selectinload(Submission.author),
            selectinload(Submission.workshop_facilitator),
        )
    )
    if after is not None:
        query = query.where(Submission.id > after)
    items = list(db.session.scalars(query))
    if len(items) > limit:
        return items[:limit], items[limit - 1].id
    return items, None


def escalated_count() -> int:
    """What waits for the team: escalations, and published answers readers reported as a danger."""
    escalated = db.session.scalar(
        select(func.count()).select_from(Submission).where(Submission.status == SubmissionStatus.ESCALATED)
    )
    return escalated + danger_reported_count()


def open_escalations_for(user: User) -> int | None:
    """How many escalations wait for the team, shown to its members on every staff page; None for anyone else.

    Counted at most once a request, however many places show it (the navigation, the dashboard),
    and never for participants or readers: their pages carry no count and cost no query.
    """
    if not may_safeguard(user):
        return None
    if "open_escalations" not in g:
        g.open_escalations = escalated_count()
    return g.open_escalations


def recorded_actions(submission_ids: list[int]) -> dict[int, list[SafeguardingNote]]:
    notes = db.session.scalars(
        select(SafeguardingNote)
        .where(SafeguardingNote.submission_id.in_(submission_ids))
        .order_by(SafeguardingNote.id)
        .options(selectinload(SafeguardingNote.author))
    )
    grouped: dict[int, list[SafeguardingNote]] = {}
    for note in notes:
        grouped.setdefault(note.submission_id, []).append(note)
    return grouped


def was_escalated(submission: Submission) -> bool:
    """Escalated now, or once: a closed escalation stays readable to the team with its record."""
    return submission.status is SubmissionStatus.ESCALATED or bool(ever_escalated([submission.id]))


# --- what the team did, and closing -------------------------------------------------------


def record_safeguarding_action(
    submission: Submission, member: User, action: SafeguardingAction, note: str | None = None
) -> SafeguardingNote:
    """Keep what the team did with the item, and append it to the audit trail.

    The note stays in the safeguarding record, which the retention purge removes; the
    append-only audit trail gets the kind of action only, never the note or the response.
    """
    if submission.status is not SubmissionStatus.ESCALATED:
        raise AlreadyDecided(submission.id)
    note = clean_plain_text(note)
    if action is SafeguardingAction.OTHER and not note:
        raise ValueError("an action of kind 'other' needs a note")
    record = SafeguardingNote(
        submission_id=submission.id, author_id=member.id, action=action.value, note=note, created_at=clock.utcnow()
    )
    db.session.add(record)
    db.session.flush()
    record_event(submission, ModerationAction.SAFEGUARDING_ACTION, member, reason=action.value)
    return record


def _require_open_with_action(submission: Submission) -> None:
    if submission.status is not SubmissionStatus.ESCALATED:
        raise AlreadyDecided(submission.id)
    if not db.session.scalar(select(exists().where(SafeguardingNote.submission_id == submission.id))):
        raise NoActionRecorded(submission.id)


def approve_escalated(submission: Submission, member: User, published_text: str) -> None:
    """Publish an escalated response, in the form the team chose; only ever on its explicit decision."""
    _require_open_with_action(submission)
    if submission.withdrawn_at is not None:
        raise WithdrawnByAuthor(submission.id)
    try:
        approve_submission(submission, member, published_text, from_statuses=ESCALATED_ONLY)
    except AlreadyDecided:
        if submission.status is SubmissionStatus.ESCALATED and submission.withdrawn_at is not None:
            raise WithdrawnByAuthor(submission.id) from None  # withdrawn as the team approved it
        raise


def reject_escalated(submission: Submission, member: User, reason: RejectReason, note: str | None = None) -> None:
    _require_open_with_action(submission)
    reject_submission(submission, member, reason, note, from_statuses=ESCALATED_ONLY)
