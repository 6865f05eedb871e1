"""A possible disclosure is never erased: what happens when its author changes it or takes it back.

An answer screening flagged as a possible disclosure of harm, or one a moderator escalated, is the
safeguarding team's to read. Its author may still change or withdraw it, and sees exactly what they
would see for any other answer waiting for a moderator; the team keeps what it said:

- withdrawn: gone for the author, the public and the moderators (``withdrawn_at``), an open case for
  the team that can never be published; it goes once the team has closed the case and the retention
  period has passed (consult/retention.py);
- changed: the earlier words are kept (``EarlierWording``) and the answer stays, or becomes, a case.

An answer the classifier read as a possible disclosure below its flag (its ``watch`` threshold: the
stored score in ``WATCH_BAND``) is kept the same way when withdrawn or changed: nothing was shown to its author,
but a moderator would have read it before publishing, and a child who takes back "my dad gets angry
when I tell" may have meant it. An answer withdrawn before screening has read it is held the same way
(hidden, ``withdrawn_at``) until the job worker screens it: then ``settle_withdrawn`` hands a possible
disclosure (flagged or watched) to the team and deletes anything else, as a withdrawal would have at
once. Words replaced before screening read them are kept the same way until the worker screens them
(``settle_earlier_wordings``).

Either is an event on the case. Every statement is conditional on what was read, so a moderator
escalating the answer at the same moment changes which way it is kept, never whether it is.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select, update

from .. import clock
from ..extensions import db
from ..models import Submission, SubmissionStatus
from .events import record_event
from .models import EarlierWording, ModerationAction
from .screening import WATCH_BAND

WAITING = (SubmissionStatus.PENDING, SubmissionStatus.ESCALATED)
# A race lost to a moderator is read again and tried once more; a third loss is a decision that won.
ATTEMPTS = 3


def kept_if_withdrawn():
    """The SQL condition for a screened, waiting answer that a withdrawal hands to the team: flagged for
    safeguarding, or read by the classifier as a possible disclosure (``watch``)."""
    return or_(Submission.flag_safeguarding.is_(True), possible_concern())


def possible_disclosure(submission: Submission) -> bool:
    return submission.status is SubmissionStatus.ESCALATED or submission.flag_safeguarding


def is_possible_concern(submission: Submission) -> bool:
    """Read by the classifier as a possible disclosure (its watch threshold), whether flagged or not."""
    return (submission.screening_score or 0) >= WATCH_BAND


def possible_concern():
    """The SQL condition for is_possible_concern."""
    return Submission.screening_score >= WATCH_BAND


def possibly_disclosing():
    """The SQL condition for possible_disclosure."""
    return or_(Submission.status == SubmissionStatus.ESCALATED, Submission.flag_safeguarding.is_(True))


# With the team from now on: no moderator holds it, and it waits in the safeguarding queue.
_TO_THE_TEAM = {"status": SubmissionStatus.ESCALATED, "claimed_by_id": None, "claimed_until": None}


def _run(statement) -> int:
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount


def _escalated_for_the_author(submission: Submission, action: ModerationAction, *, was_pending: bool,
                              before: str | None = None, after: str | None = None) -> None:  # fmt: skip
    # No actor: the author is a participant, and the trail names staff only.
    if was_pending:
        record_event(submission, ModerationAction.ESCALATED, reason=action.value, before=before)
    record_event(submission, action, before=before, after=after)


def withdraw(submission: Submission, now: datetime | None = None) -> bool | None:
    """Take an answer back for its author: kept for the team (True) or deleted (False); None once decided."""
    now = now or clock.utcnow()
    mine = Submission.id == submission.id, Submission.withdrawn_at.is_(None)
    for _attempt in range(ATTEMPTS):
        if _run(update(Submission).where(*mine, Submission.status == SubmissionStatus.ESCALATED)
                .values(withdrawn_at=now)):  # fmt: skip
            _escalated_for_the_author(submission, ModerationAction.WITHDRAWN, was_pending=False)
            db.session.expire(submission)
            return True
        if _run(update(Submission).where(*mine, Submission.status == SubmissionStatus.PENDING,
                                         kept_if_withdrawn())
                .values(withdrawn_at=now, **_TO_THE_TEAM)):  # fmt: skip
            _escalated_for_the_author(submission, ModerationAction.WITHDRAWN, was_pending=True)
            db.session.expire(submission)
            return True
        if _run(update(Submission).where(*mine, Submission.status == SubmissionStatus.PENDING,
                                         Submission.screened_at.is_(None))
                .values(withdrawn_at=now, claimed_by_id=None, claimed_until=None)):  # fmt: skip
            record_event(submission, ModerationAction.WITHDRAWN)  # screening decides: settle_withdrawn
            db.session.expire(submission)
            return True
        if _run(delete(Submission).where(*mine, Submission.status == SubmissionStatus.PENDING,
                                         Submission.screened_at.is_not(None), ~kept_if_withdrawn())):  # fmt: skip
            db.session.expunge(submission)
            return False
        # Escalated or flagged between two statements: read it again and keep it.
        state = db.session.execute(
            select(Submission.status, Submission.withdrawn_at).where(Submission.id == submission.id)
        ).first()
        if state is None or state.withdrawn_at is not None or state.status not in WAITING:
            return None
    return None


def settle_withdrawn(submission_ids: list[int]) -> int:
    """After screening: answers withdrawn before it go to the team if flagged or watched, else are deleted;
    how many went."""
    held = [Submission.id.in_(submission_ids), Submission.withdrawn_at.is_not(None),
            Submission.status == SubmissionStatus.PENDING]  # fmt: skip
    disclosures = list(db.session.scalars(select(Submission).where(*held, kept_if_withdrawn())))
    for submission in disclosures:
        if _run(update(Submission).where(Submission.id == submission.id, *held).values(**_TO_THE_TEAM)):
            record_event(submission, ModerationAction.ESCALATED, reason=ModerationAction.WITHDRAWN.value)
    return _run(delete(Submission).where(*held, ~kept_if_withdrawn()))


def wordings_to_screen(limit: int = 500) -> list[tuple[EarlierWording, str]]:
    """Words replaced before screening read them, oldest first, each with its answer's language: read before
    the batch writes anything, so their screening never holds the database's write lock."""
    return [(wording, language) for wording, language in db.session.execute(
        select(EarlierWording, Submission.language)
        .join(Submission, Submission.id == EarlierWording.submission_id)
        .where(EarlierWording.awaiting_screening.is_(True))
        .order_by(EarlierWording.id)
        .limit(limit)
    )]  # fmt: skip


def settle_earlier_wordings(waiting: list[tuple[EarlierWording, str]], disclosing: list[bool]) -> int:
    """Settle words replaced before screening read them, given whether the worker's screening found each a
    possible disclosure: one makes its answer a case; anything else is deleted, as the change would have
    replaced it at once. How many were kept."""
    kept = 0
    for (wording, _), disclosure in zip(waiting, disclosing, strict=True):
        if not disclosure:
            db.session.delete(wording)
            continue
        kept += 1
        wording.awaiting_screening = False
        submission = db.session.get(Submission, wording.submission_id)
        to_the_team = update(Submission).where(Submission.id == submission.id,
                                               Submission.status == SubmissionStatus.PENDING)  # fmt: skip
        if _run(to_the_team.values(**_TO_THE_TEAM)):
            record_event(submission, ModerationAction.ESCALATED, reason=ModerationAction.EDITED.value)
    db.session.flush()
    return kept


def change(submission: Submission, values: dict) -> bool:
    """Apply the author's change of a waiting answer; False when it was decided or withdrawn meanwhile.

    A possible disclosure (flagged, escalated or watched) keeps its earlier words for the team, and stays
    (or becomes) a case.
    """
    for _attempt in range(ATTEMPTS):
        before, was_pending = submission.body, submission.status is SubmissionStatus.PENDING
        conditions = [Submission.id == submission.id, Submission.withdrawn_at.is_(None), Submission.body == before]
        disclosure = possible_disclosure(submission) or is_possible_concern(submission)
        if disclosure:
            conditions.append(Submission.status.in_(WAITING))
            values = values | _TO_THE_TEAM
        else:
            conditions += [Submission.status == SubmissionStatus.PENDING, Submission.flag_safeguarding.is_(False)]
        unread = submission.screened_at is None
        changed = _run(update(Submission).where(*conditions).values(**values))
        db.session.refresh(submission)
        if changed:
            if disclosure or unread:
                db.session.add(EarlierWording(submission_id=submission.id, body=before, created_at=clock.utcnow(),
                                              awaiting_screening=not disclosure))  # fmt: skip
            if disclosure:
                _escalated_for_the_author(submission, ModerationAction.EDITED, was_pending=was_pending,
                                          before=before, after=submission.body)  # fmt: skip
            return True
        if submission.withdrawn_at is not None or submission.status not in WAITING:
            return False
    return False


def earlier_wordings(submission_id: int) -> list[EarlierWording]:
    return list(
        db.session.scalars(
            select(EarlierWording).where(EarlierWording.submission_id == submission_id).order_by(EarlierWording.id)
        )
    )
