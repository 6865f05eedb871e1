"""A participant's own data: see it, download it, delete it."""

from __future__ import annotations

from sqlalchemy import delete, or_, select, update

from .. import clock
from ..extensions import db
from ..models import Endorsement, Question, Submission, SubmissionStatus, User
from ..screening_score import WATCH_BAND

# Published answers stay, without a name, so the summaries already given to member states stay
# true; possible disclosures (escalated, or flagged by screening) stay, without a name and withdrawn,
# with the safeguarding team until it closes the case (consult/moderation/disclosures.py). Everything
# else goes.
KEPT_ANONYMOUSLY = (SubmissionStatus.APPROVED, SubmissionStatus.ESCALATED)


def export_account(user: User) -> dict:
    """Everything consult holds about this participant, in one JSON-ready document."""
    rows = db.session.execute(
        select(Submission, Question)
        .join(Question)
        .where(Submission.author_id == user.id, Submission.withdrawn_at.is_(None))  # taken back: gone for them
        .order_by(Submission.id)
    ).all()
    return {
        "exported_at": clock.utcnow().isoformat(),
        "account": {
            "pseudonym": user.pseudonym,
            "role": user.role.value,
            "age_band": user.age_band,
            "country": user.country,
            "language": user.locale,
            "privacy_notice_version": user.consent_version,
            "consented_at": user.consented_at.isoformat() if user.consented_at else None,
            "created_at": user.created_at.isoformat(),
            # Told of publications on the account page since then (None: not asked for).
            "publication_notices_since": user.publication_notices_since.isoformat()
            if user.publication_notices_since
            else None,
        },
        "answers": [
            {
                "consultation": question.consultation.slug,
                "question": question.prompt,
                "answer": submission.body,
                "published_as": submission.published_text if submission.status is SubmissionStatus.APPROVED else None,
                "language": submission.language,
                # Escalation is for the safeguarding team; to the participant it is still waiting.
                "status": "pending" if submission.status is SubmissionStatus.ESCALATED else submission.status.value,
                "written_at": submission.created_at.isoformat(),
                "changed_at": submission.updated_at.isoformat() if submission.updated_at else None,
            }
            for submission, question in rows
        ],
        # Someone else's answer only in its published form, and only while it is still published.
        "endorsements": [
            {
                "consultation": endorsement.submission.question.consultation.slug,
                "question": endorsement.submission.question.prompt,
                "endorsed_answer": endorsement.submission.published_text
                if endorsement.submission.status is SubmissionStatus.APPROVED
                else None,
                "endorsed_at": endorsement.created_at.isoformat(),
            }
            for endorsement in db.session.scalars(
                select(Endorsement).where(Endorsement.user_id == user.id).order_by(Endorsement.id)
            )
        ],
    }


def delete_account(user: User) -> None:
    """Erase the account: unpublished answers are deleted, published ones lose their author, endorsements go.

    A possible disclosure is not erased: it loses its author and is withdrawn, kept for the safeguarding
    team until it closes the case (then retention removes it).
    """
    # The foreign key cascades too; deleting here keeps the rule visible and independent of the backend.
    db.session.execute(
        delete(Endorsement).where(Endorsement.user_id == user.id).execution_options(synchronize_session=False)
    )
    waiting = Submission.status == SubmissionStatus.PENDING
    db.session.execute(
        update(Submission)
        .where(
            Submission.author_id == user.id,
            Submission.withdrawn_at.is_(None),
            or_(
                Submission.status == SubmissionStatus.ESCALATED,
                waiting & Submission.flag_safeguarding.is_(True),
                waiting & (Submission.screening_score >= WATCH_BAND),  # the classifier's possible disclosure
            ),
        )
        .values(status=SubmissionStatus.ESCALATED, withdrawn_at=clock.utcnow(), claimed_by_id=None, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    # Not yet screened: held, withdrawn and nameless, until the job worker reads it (settle_withdrawn keeps a
    # possible disclosure for the team and deletes the rest), as a withdrawal before screening is.
    unscreened = waiting & Submission.screened_at.is_(None)
    db.session.execute(
        update(Submission)
        .where(Submission.author_id == user.id, unscreened, Submission.withdrawn_at.is_(None))
        .values(withdrawn_at=clock.utcnow(), claimed_by_id=None, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        delete(Submission)
        .where(Submission.author_id == user.id, Submission.status.not_in(KEPT_ANONYMOUSLY), ~unscreened)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Submission)
        .where(Submission.author_id == user.id)
        .values(author_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.delete(user)
    db.session.flush()
