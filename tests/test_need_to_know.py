"""Need-to-know after the case moves on: once escalated, an answer's original words, the escalation note,
the team's actions and the reasons and notes of its decision stay with the safeguarding team, whatever the
team decided. Other moderators see the published text (if any) and "handled by the safeguarding team"."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from consult import clock
from consult.models import Role, Submission, SubmissionStatus
from consult.moderation.events import record_event, text_hash
from consult.moderation.intake import priority_of
from consult.moderation.models import ModerationAction, ModerationEvent, RejectReason
from consult.moderation.safeguarding import (
    SafeguardingAction,
    approve_escalated,
    record_safeguarding_action,
    reject_escalated,
)
from consult.moderation.services import escalate_submission

DISCLOSURE = "A man I met in a game keeps asking me to meet him alone and says not to tell my parents."
ESCALATION_NOTE = "Possible grooming: an adult from a game, secrecy asked."
REJECTION_NOTE = "Kept private; the team followed up through the platform."
PUBLISHED = "An adult from a game asked me to keep secrets."
SECRETS = (DISCLOSURE, ESCALATION_NOTE, REJECTION_NOTE, "helpline", "Contacted a helpline")
HANDLED = "Handled by the safeguarding team."


@pytest.fixture
def case(db, make_user, make_consultation, make_submission):
    """``case(outcome)``: an escalated answer, still with the team, approved by it, or rejected by it
    (``screened=True``: flagged by the screening before it was escalated)."""

    def make(outcome: str, screened: bool = False):
        consultation = make_consultation(open=True)
        submission = make_submission(consultation.questions[0], make_user(), DISCLOSURE)
        if screened:  # flagged by the screening first, as the job worker does
            submission.flag_safeguarding = submission.flag_pii = True
            submission.priority = priority_of(submission)
            record_event(submission, ModerationAction.SCREENED, note="pii safeguarding", after=DISCLOSURE)
        escalate_submission(submission, make_user(Role.MODERATOR), ESCALATION_NOTE)
        member = make_user(Role.MODERATOR)
        member.can_safeguard = True
        if outcome != "escalated":
            record_safeguarding_action(submission, member, SafeguardingAction.HELPLINE, "Called the helpline.")
        if outcome == "approved":
            approve_escalated(submission, member, PUBLISHED)
        elif outcome == "rejected":
            reject_escalated(submission, member, RejectReason.OTHER, REJECTION_NOTE)
        db.session.commit()
        return consultation, submission

    return make


def _pages(client, consultation, submission) -> dict[str, str]:
    return {
        "item": client.get(f"/moderation/submissions/{submission.id}").text,
        "audit": client.get(f"/moderation/consultations/{consultation.slug}/audit").text,
        "csv": client.get(f"/moderation/consultations/{consultation.slug}/audit.csv").get_data().decode("utf-8-sig"),
    }


@pytest.mark.parametrize("outcome", ["escalated", "approved", "rejected"])
def test_a_moderator_without_the_permission_never_reads_the_case(client, login, make_user, case, outcome):
    consultation, submission = case(outcome)
    login(make_user(Role.MODERATOR))

    pages = _pages(client, consultation, submission)

    for name, page in pages.items():
        for secret in SECRETS:
            assert secret not in page, (name, secret)
    rows = [row for row in csv.DictReader(io.StringIO(pages["csv"])) if row["action"] != "screened"]
    assert rows and all(row["reason"] == row["note"] == "" for row in rows)
    if outcome == "escalated":
        assert "This response is with the safeguarding team, who alone can read it now." in pages["item"]
    else:
        assert HANDLED in pages["item"]
    assert (PUBLISHED in pages["item"]) is (outcome == "approved")


@pytest.mark.parametrize("outcome", ["escalated", "approved", "rejected"])
def test_the_safeguarding_team_reads_the_whole_case(client, db, login, make_user, case, outcome):
    consultation, submission = case(outcome)
    member = make_user(Role.MODERATOR)
    member.can_safeguard = True
    db.session.commit()
    login(member)

    pages = _pages(client, consultation, submission)

    assert DISCLOSURE in pages["item"]
    assert ESCALATION_NOTE in pages["audit"] and ESCALATION_NOTE in pages["csv"]
    assert ("helpline" in pages["csv"]) is (outcome != "escalated")
    if outcome == "rejected":
        assert REJECTION_NOTE in pages["audit"] and REJECTION_NOTE in pages["csv"]


def test_taken_down_after_the_team_published_it_only_the_team_sees_and_decides_it(client, db, login, make_user, case):
    consultation, submission = case("approved")
    # As readers' reports leave it (consult/moderation/reports.py): back in the queue, hidden.
    submission.status, submission.hidden_at, submission.flag_reported = SubmissionStatus.PENDING, clock.utcnow(), True
    submission.priority = priority_of(submission)
    db.session.commit()
    moderator = make_user(Role.MODERATOR)
    login(moderator)

    queue = client.get(f"/moderation/consultations/{consultation.slug}").text
    item = client.get(f"/moderation/submissions/{submission.id}").text
    refused = client.post(f"/moderation/submissions/{submission.id}/reject", data={"reason": "off_topic"})

    assert f"submission-{submission.id}" not in queue
    assert DISCLOSURE not in item and HANDLED in item
    assert "Only the safeguarding team can decide on this response." in item
    assert "/reject" not in item
    assert refused.status_code == 403
    db.session.expire_all()
    assert db.session.get(Submission, submission.id).claimed_by_id is None  # never held up for the team

    member = make_user(Role.MODERATOR)
    member.can_safeguard = True
    db.session.commit()
    login(member)
    assert f"submission-{submission.id}" in client.get(f"/moderation/consultations/{consultation.slug}").text
    assert DISCLOSURE in client.get(f"/moderation/submissions/{submission.id}").text


FLAG_WORDS = ("Possible safeguarding concern", "Personal information", "pii safeguarding")


def _hashes(db, submission) -> set[str]:
    events = db.session.scalars(select(ModerationEvent).where(ModerationEvent.submission_id == submission.id))
    return {value for event in events for value in (event.before_hash, event.after_hash) if value}


@pytest.mark.parametrize("view", ["item", "audit", "csv"])
@pytest.mark.parametrize("outcome", ["escalated", "approved", "rejected"])
def test_a_plain_moderator_sees_neither_the_text_hashes_nor_the_screening_flags(
    client, db, login, make_user, case, outcome, view
):
    consultation, submission = case(outcome, screened=True)
    hashes = _hashes(db, submission)
    assert text_hash(DISCLOSURE) in hashes  # the trail holds them: only their display is restricted
    login(make_user(Role.MODERATOR))

    page = _pages(client, consultation, submission)[view]

    assert [value for value in hashes if value in page] == []
    assert [word for word in FLAG_WORDS if word in page] == []
    if view == "csv":
        rows = [row for row in csv.DictReader(io.StringIO(page)) if row["submission_id"] == str(submission.id)]
        assert rows and all(row["before_hash"] == row["after_hash"] == row["note"] == "" for row in rows)
    if view == "item":
        expected = "This response is with the safeguarding team" if outcome == "escalated" else HANDLED
        assert expected in page
        assert (PUBLISHED in page) is (outcome == "approved")


@pytest.mark.parametrize("outcome", ["escalated", "approved", "rejected"])
def test_the_team_still_sees_the_hashes_and_the_flags(client, db, login, make_user, case, outcome):
    consultation, submission = case(outcome, screened=True)
    member = make_user(Role.MODERATOR)
    member.can_safeguard = True
    db.session.commit()
    login(member)

    pages = _pages(client, consultation, submission)

    assert text_hash(DISCLOSURE) in pages["audit"] and text_hash(DISCLOSURE) in pages["csv"]
    assert "Possible safeguarding concern" in pages["item"] and "pii safeguarding" in pages["csv"]
