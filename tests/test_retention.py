"""`flask purge`: after the retention period, originals, notes and idle accounts go; the record stays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from consult.models import Role, Submission, SubmissionStatus, User
from consult.moderation.models import ModerationEvent, SafeguardingNote
from consult.retention import PURGED_TEXT, purge

DAYS = 365


@dataclass
class Past:
    redacted: int
    unredacted: int
    rejected: int
    escalated: int
    recent_redacted: int
    recent_rejected: int
    recent_escalated: int
    idle_author: int
    idle_answer: int
    idle_published: int
    busy: int
    newcomer: int
    old_staff: int


def _age(db, row, days: int):
    row.created_at = row.created_at - timedelta(days=days)
    db.session.commit()
    return row


def _answers(db, make_submission, question, author, *, days_ago: int) -> dict[str, Submission]:
    redacted = make_submission(question, author, "Call me on 0722 000 111", status=SubmissionStatus.APPROVED)
    redacted.published_text = "Call me on [removed]"
    redacted.suggested_text = "Call me on [removed]"
    redacted.pii_spans = [{"kind": "phone", "start": 11, "end": 23, "text": "0722 000 111"}]
    unredacted = make_submission(question, author, "Teach online safety at school", status=SubmissionStatus.APPROVED)
    rejected = make_submission(question, author, "Something hurtful", status=SubmissionStatus.REJECTED)
    rejected.decision_note = "insult aimed at a named pupil"
    escalated = make_submission(question, author, "Someone is hurting me", status=SubmissionStatus.ESCALATED)
    escalated.decision_note = "possible disclosure"
    db.session.add(SafeguardingNote(submission_id=escalated.id, action="referred", note="called the helpline"))
    db.session.add(ModerationEvent(consultation_id=question.consultation_id, submission_id=rejected.id,
                                   action="rejected", note="insult aimed at a named pupil"))  # fmt: skip
    answers = {"redacted": redacted, "unredacted": unredacted, "rejected": rejected, "escalated": escalated}
    for answer in answers.values():
        answer.created_at -= timedelta(days=days_ago)
    db.session.commit()
    return answers


@pytest.fixture
def past(db, frozen_clock, make_user, make_meeting, make_consultation, make_submission) -> Past:
    now = frozen_clock.now
    old_meeting = make_meeting(starts_at=now - timedelta(days=DAYS + 10))
    old = make_consultation(opens_at=old_meeting.starts_at - timedelta(days=3), meeting=old_meeting)
    recent_meeting = make_meeting(starts_at=now - timedelta(days=DAYS - 10))
    recent = make_consultation(opens_at=recent_meeting.starts_at - timedelta(days=3), meeting=recent_meeting)

    idle = _age(db, make_user(pseudonym="Idle author"), DAYS + 20)
    busy = _age(db, make_user(pseudonym="Busy author"), DAYS + 20)
    newcomer = make_user(pseudonym="Newcomer")
    old_staff = _age(db, make_user(Role.MODERATOR, pseudonym="Old moderator"), DAYS + 20)

    expired = _answers(db, make_submission, old.questions[0], busy, days_ago=DAYS + 14)
    kept = _answers(db, make_submission, recent.questions[0], busy, days_ago=10)
    idle_answer = _age(db, make_submission(old.questions[1], idle, "Idle and pending"), DAYS + 14)
    idle_published = _age(db, make_submission(old.questions[1], idle, "Idle and published",
                                              status=SubmissionStatus.APPROVED), DAYS + 14)  # fmt: skip
    return Past(
        redacted=expired["redacted"].id,
        unredacted=expired["unredacted"].id,
        rejected=expired["rejected"].id,
        escalated=expired["escalated"].id,
        recent_redacted=kept["redacted"].id,
        recent_rejected=kept["rejected"].id,
        recent_escalated=kept["escalated"].id,
        idle_author=idle.id,
        idle_answer=idle_answer.id,
        idle_published=idle_published.id,
        busy=busy.id,
        newcomer=newcomer.id,
        old_staff=old_staff.id,
    )


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_purge_forgets_originals_notes_and_idle_accounts_after_the_meeting(runner, db, past: Past):
    events = _count(db, ModerationEvent)
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "redacted originals: 1" in result.output
    assert "rejected texts: 1" in result.output
    assert "safeguarding notes: 0" in result.output  # the escalation is an open case: the team's until closed
    assert "decision notes: 1" in result.output
    assert "audit notes: 1" in result.output
    assert "accounts: 1" in result.output

    redacted = db.session.get(Submission, past.redacted)
    assert (redacted.body, redacted.published_text) == ("Call me on [removed]", "Call me on [removed]")
    assert redacted.pii_spans is None and redacted.suggested_text is None
    unredacted = db.session.get(Submission, past.unredacted)
    assert unredacted.body == unredacted.published_text == "Teach online safety at school"
    rejected = db.session.get(Submission, past.rejected)
    assert (rejected.body, rejected.published_text, rejected.decision_note) == (PURGED_TEXT, None, None)
    escalated = db.session.get(Submission, past.escalated)
    assert (escalated.body, escalated.decision_note) == ("Someone is hurting me", "possible disclosure")
    assert sorted(db.session.scalars(select(SafeguardingNote.submission_id))) == [past.escalated,
                                                                                   past.recent_escalated]  # fmt: skip

    # The idle author is erased as if they had deleted their account themselves.
    assert db.session.get(User, past.idle_author) is None
    assert db.session.get(Submission, past.idle_answer) is None
    assert db.session.get(Submission, past.idle_published).author_id is None
    for user_id in (past.busy, past.newcomer, past.old_staff):
        assert db.session.get(User, user_id) is not None

    # Within the retention period nothing changes. The audit trail keeps every event (who, what,
    # when, why); only the moderator's words on the expired rejection are gone.
    assert db.session.get(Submission, past.recent_redacted).body == "Call me on 0722 000 111"
    assert db.session.get(Submission, past.recent_rejected).body == "Something hurtful"
    assert db.session.get(Submission, past.recent_escalated).decision_note == "possible disclosure"
    assert _count(db, ModerationEvent) == events
    trail = {row.submission_id: (row.action, row.note) for row in db.session.execute(
        select(ModerationEvent.submission_id, ModerationEvent.action, ModerationEvent.note))}  # fmt: skip
    assert trail[past.rejected] == ("rejected", None)
    assert trail[past.recent_rejected] == ("rejected", "insult aimed at a named pupil")


def test_a_dry_run_counts_and_changes_nothing(runner, db, past: Past):
    result = runner.invoke(args=["purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Would remove" in result.output and "redacted originals: 1" in result.output
    assert db.session.get(Submission, past.redacted).body == "Call me on 0722 000 111"
    assert db.session.get(Submission, past.rejected).body == "Something hurtful"
    assert _count(db, SafeguardingNote) == 2
    assert db.session.get(User, past.idle_author) is not None


def test_purging_twice_finds_nothing_more(runner, db, past: Past):
    assert runner.invoke(args=["purge"]).exit_code == 0
    again = runner.invoke(args=["purge"]).output
    for line in ("redacted originals", "rejected texts", "screening results", "safeguarding notes",
                 "decision notes", "audit notes", "accounts"):  # fmt: skip
        assert f"{line}: 0" in again


def test_the_retention_period_is_configurable(db, frozen_clock, past: Past):
    counts = purge(frozen_clock.now, DAYS - 20, dry_run=True)
    assert counts.consultations == 2
    assert counts.redacted_originals == 2
    assert purge(frozen_clock.now, DAYS + 30, dry_run=True).consultations == 0


def test_without_a_meeting_the_period_counts_from_the_close(db, frozen_clock, make_consultation, make_submission):
    closed = make_consultation(open=False, closes_at=frozen_clock.now - timedelta(days=DAYS + 1),
                               opens_at=frozen_clock.now - timedelta(days=DAYS + 2))  # fmt: skip
    make_consultation(open=False, closes_at=frozen_clock.now - timedelta(days=DAYS - 1),
                      opens_at=frozen_clock.now - timedelta(days=DAYS))  # fmt: skip
    make_submission(closed.questions[0], None, "Nasty words", status=SubmissionStatus.REJECTED)
    counts = purge(frozen_clock.now, DAYS)
    db.session.commit()
    assert (counts.consultations, counts.rejected_texts) == (1, 1)
