"""A disclosure is never erased, and its author never learns it was escalated.

The author may change or withdraw an escalated (or flagged) answer exactly as any waiting answer; the
safeguarding team keeps what it said, sees the change as an event, and closes the case; then retention.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import inspect, select, update

from consult import outbox
from consult.consultations.services import edit_response, withdraw_response
from consult.models import Priority, Role, Submission, SubmissionStatus
from consult.moderation.arrivals import screen_arrivals
from consult.moderation.models import EarlierWording, ModerationEvent, SafeguardingNote
from consult.moderation.services import AlreadyDecided, escalate_submission
from consult.retention import purge
from consult.screening_score import WATCH_BAND
from consult.summaries.stats import response_facts

DISCLOSURE = "My stepdad hits me when he drinks and I am scared to go home tonight."
WITHDRAWN = "Your answer was withdrawn. It will not be published."


@pytest.fixture
def case(db, make_user, make_consultation, make_submission):
    """An author with one plain waiting answer and one a moderator escalated, and the staff around them."""
    consultation = make_consultation(open=True)
    author = make_user(pseudonym="Quiet Heron 12")
    moderator = make_user(Role.MODERATOR, pseudonym="Plain Moderator")
    safeguarder = make_user(Role.MODERATOR, pseudonym="Team Member")
    safeguarder.can_safeguard = True
    pending = make_submission(consultation.questions[0], author, "Apps should have a report button.")
    escalated = make_submission(consultation.questions[1], author, DISCLOSURE)
    escalate_submission(escalated, moderator, "Abuse at home.")
    db.session.commit()
    return consultation, author, moderator, safeguarder, pending, escalated


def _card(client, consultation, submission) -> str:
    page = client.get(f"/consultations/{consultation.slug}").text
    found = re.search(rf'<article class="card mine" id="mine-{submission.id}">.*?</article>', page, re.DOTALL)
    return found.group(0) if found else ""


def _controls(card: str, submission) -> str:
    """The card without what differs by nature (its id, its words, its question number)."""
    card = card.replace(str(submission.id), "ID").replace(submission.body, "BODY")
    return re.sub(r"Question \d+", "Question N", card)


def _state(db, submission) -> Submission | None:
    submission_id = inspect(submission).identity[0]  # without loading it: it may be gone
    db.session.expire_all()
    return db.session.scalar(select(Submission).where(Submission.id == submission_id))


def _events(db, submission) -> list[str]:
    return db.session.scalars(
        select(ModerationEvent.action)
        .where(ModerationEvent.submission_id == inspect(submission).identity[0])
        .order_by(ModerationEvent.id)
    ).all()


def test_the_author_sees_an_escalated_answer_exactly_as_a_waiting_one(client, db, login, case):
    consultation, author, _moderator, _safeguarder, pending, escalated = case
    login(author)
    waiting_card, escalated_card = _card(client, consultation, pending), _card(client, consultation, escalated)

    assert _controls(escalated_card, escalated) == _controls(waiting_card, pending)
    assert "Waiting for a moderator" in escalated_card
    assert f'href="/responses/{escalated.id}/edit"' in escalated_card
    assert f'href="/responses/{escalated.id}/withdraw"' in escalated_card
    assert "safeguarding" not in escalated_card.lower() and "escalat" not in escalated_card.lower()


def test_editing_an_escalated_answer_succeeds_for_the_child_and_the_team_keeps_the_original(client, db, login, case):
    consultation, author, _moderator, safeguarder, _pending, escalated = case
    login(author)

    assert DISCLOSURE in client.get(f"/responses/{escalated.id}/edit").text
    response = client.post(f"/responses/{escalated.id}/edit", data={"body": "Never mind, all fine.", "language": "en"})
    assert response.status_code == 303  # not a 409 naming a moderator's check
    card = _card(client, consultation, escalated)
    assert "Your answer was updated." in client.get(response.headers["Location"]).text
    assert "Never mind, all fine." in card and "Waiting for a moderator" in card

    state = _state(db, escalated)
    assert (state.status, state.body, state.published_text) == (SubmissionStatus.ESCALATED, "Never mind, all fine.",
                                                                None)  # fmt: skip
    assert db.session.scalars(select(EarlierWording.body)).all() == [DISCLOSURE]
    assert "edited" in _events(db, escalated)

    login(safeguarder)
    page = client.get(f"/safeguarding/submissions/{escalated.id}").text
    assert DISCLOSURE in page and "Never mind, all fine." in page
    assert "What it said before its author changed it" in page and "Changed by its author" in page


def test_withdrawing_an_escalated_answer_succeeds_for_the_child_and_the_team_keeps_it(client, db, login, case):
    consultation, author, moderator, safeguarder, _pending, escalated = case
    login(author)

    response = client.post(f"/responses/{escalated.id}/withdraw", data={"confirmed": "yes"})
    assert response.status_code == 303
    assert WITHDRAWN in client.get(response.headers["Location"]).text
    assert _card(client, consultation, escalated) == ""
    assert client.get(f"/responses/{escalated.id}/edit").status_code == 404
    assert DISCLOSURE not in client.get("/account/data.json").text

    state = _state(db, escalated)
    assert state.body == DISCLOSURE and state.withdrawn_at is not None and state.status is SubmissionStatus.ESCALATED
    assert _events(db, escalated)[-1] == "withdrawn"

    # Gone from every moderator's and the public's view...
    login(moderator)
    assert client.get(f"/moderation/submissions/{escalated.id}").status_code == 404
    assert DISCLOSURE not in client.get(f"/moderation/consultations/{consultation.slug}").text
    client.post("/logout")
    assert DISCLOSURE not in client.get(f"/consultations/{consultation.slug}").text

    assert escalated.id not in {facts.id for facts in response_facts(consultation)}  # nor counted in statistics

    # ...kept for the team, which can close the case but never publish it.
    login(safeguarder)
    assert f'id="submission-{escalated.id}"' in client.get("/safeguarding/").text
    page = client.get(f"/safeguarding/submissions/{escalated.id}").text
    assert DISCLOSURE in page and "Withdrawn by its author" in page
    assert f"/safeguarding/submissions/{escalated.id}/approve" not in page
    client.post(f"/safeguarding/submissions/{escalated.id}/actions", data={"action": "helpline", "note": ""})
    refused = client.post(f"/safeguarding/submissions/{escalated.id}/approve",
                          data={"published_text": "anything", "confirm": "y"})  # fmt: skip
    assert refused.status_code == 409
    assert "The participant withdrew this answer, so it cannot be published." in refused.text
    assert _state(db, escalated).published_text is None
    closed = client.post(f"/safeguarding/submissions/{escalated.id}/reject",
                         data={"reason": "other", "note": "Closed."})  # fmt: skip
    assert closed.status_code == 303
    assert _state(db, escalated).status is SubmissionStatus.REJECTED


def test_withdrawing_an_answer_screening_flagged_hands_it_to_the_team(
    client, db, login, make_user, make_consultation, make_submission
):
    consultation = make_consultation(open=True)
    author = make_user()
    flagged = make_submission(consultation.questions[0], author, DISCLOSURE)
    flagged.flag_safeguarding, flagged.priority = True, Priority.SAFEGUARDING
    db.session.commit()
    login(author)

    assert client.post(f"/responses/{flagged.id}/withdraw", data={"confirmed": "yes"}).status_code == 303

    state = _state(db, flagged)
    assert (state.status, state.body) == (SubmissionStatus.ESCALATED, DISCLOSURE)
    assert state.withdrawn_at is not None
    assert _events(db, flagged) == ["escalated", "withdrawn"]


def test_edits_of_a_flagged_answer_keep_every_earlier_wording(
    client, db, login, make_user, make_consultation, make_submission
):
    consultation = make_consultation(open=True)
    author = make_user()
    flagged = make_submission(consultation.questions[0], author, DISCLOSURE)
    flagged.flag_safeguarding = True
    db.session.commit()
    login(author)

    for text in ("He only hits me sometimes.", "Forget it."):
        assert client.post(f"/responses/{flagged.id}/edit", data={"body": text, "language": "en"}).status_code == 303
    assert db.session.scalars(select(EarlierWording.body).order_by(EarlierWording.id)).all() == [
        DISCLOSURE, "He only hits me sometimes."]  # fmt: skip
    assert _state(db, flagged).status is SubmissionStatus.ESCALATED


def test_an_edit_of_an_answer_the_classifier_only_watched_keeps_the_earlier_wording_for_the_team(
    client, db, login, make_user, make_consultation, make_submission
):
    consultation = make_consultation(open=True)
    author, safeguarder = make_user(), make_user(Role.MODERATOR)
    safeguarder.can_safeguard = True
    before = "My dad gets angry when I tell him things, so I stopped telling."
    watched = make_submission(consultation.questions[0], author, before)
    watched.screening_score = WATCH_BAND + 300  # a possible disclosure below the flag: no flag was raised
    plain = make_submission(consultation.questions[1], author, "Apps should have a report button.")
    plain.screening_score = 40
    db.session.commit()
    login(author)

    for answer in (watched, plain):
        response = client.post(f"/responses/{answer.id}/edit", data={"body": "Forget it.", "language": "en"})
        assert response.status_code == 303

    assert db.session.scalars(select(EarlierWording.body)).all() == [before]  # the plain answer's words went
    state = _state(db, watched)
    assert (state.status, state.body) == (SubmissionStatus.ESCALATED, "Forget it.")
    assert _events(db, watched)[:2] == ["escalated", "edited"]  # then the new words are screened
    assert _state(db, plain).status is SubmissionStatus.PENDING
    login(safeguarder)
    assert before in client.get(f"/safeguarding/submissions/{watched.id}").text


def test_withdraw_asks_first_and_only_the_confirmation_withdraws(client, db, login, case):
    consultation, author, _moderator, _safeguarder, pending, _escalated = case
    login(author)

    card = _card(client, consultation, pending)
    assert f'<a href="/responses/{pending.id}/withdraw"' in card  # a link to a page, not a one-tap POST
    page = client.get(f"/responses/{pending.id}/withdraw").text
    assert "Withdraw this answer?" in page and "Apps should have a report button." in page
    assert 'name="csrf_token"' in page and 'name="confirmed" value="yes"' in page

    assert client.post(f"/responses/{pending.id}/withdraw").status_code == 200  # asked again, nothing done
    assert _state(db, pending) is not None
    assert client.post(f"/responses/{pending.id}/withdraw", data={"confirmed": "yes"}).status_code == 303
    assert _state(db, pending) is None  # a plain answer is deleted, as before


def test_nothing_to_confirm_for_an_answer_already_decided(client, db, login, case, make_submission):
    consultation, author, *_rest = case
    published = make_submission(consultation.questions[0], author, "Published words", SubmissionStatus.APPROVED)
    login(author)
    response = client.get(f"/responses/{published.id}/withdraw")
    assert response.status_code == 303
    assert "can no longer be changed" in client.get(response.headers["Location"]).text
    assert _state(db, published) is not None


def test_the_confirmation_needs_its_csrf_token(app, client, db, login, case):
    _consultation, author, _moderator, _safeguarder, pending, _escalated = case
    login(author)
    app.config["WTF_CSRF_ENABLED"] = True

    assert client.post(f"/responses/{pending.id}/withdraw", data={"confirmed": "yes"}).status_code == 400
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(f"/responses/{pending.id}/withdraw").text)
    response = client.post(f"/responses/{pending.id}/withdraw", data={"confirmed": "yes", "csrf_token": token.group(1)})
    assert response.status_code == 303
    assert _state(db, pending) is None


# --- the race of a withdrawal against an escalation -------------------------------------------


def test_an_escalation_that_lands_while_the_withdrawal_runs_keeps_the_disclosure(db, case):
    """The withdrawal read a plain waiting answer; a moderator escalated it before the withdrawal wrote."""
    _consultation, _author, _moderator, _safeguarder, pending, _escalated = case
    seen = db.session.get(Submission, pending.id)
    assert seen.status is SubmissionStatus.PENDING and not seen.flag_safeguarding
    db.session.execute(update(Submission).where(Submission.id == pending.id).values(status=SubmissionStatus.ESCALATED)
                       .execution_options(synchronize_session=False))  # fmt: skip

    withdraw_response(seen)  # accepted, as the child sees it
    db.session.commit()

    state = _state(db, pending)
    assert state is not None and state.body == "Apps should have a report button."
    assert state.withdrawn_at is not None and state.status is SubmissionStatus.ESCALATED


def test_an_escalation_after_the_withdrawal_is_refused_and_the_disclosure_stays_with_the_team(
    client, db, login, make_user, make_consultation, make_submission
):
    consultation = make_consultation(open=True)
    author, moderator = make_user(), make_user(Role.MODERATOR)
    flagged = make_submission(consultation.questions[0], author, DISCLOSURE)
    flagged.flag_safeguarding = True
    db.session.commit()
    opened = db.session.get(Submission, flagged.id)  # the moderator has it open
    login(author)
    client.post(f"/responses/{flagged.id}/withdraw", data={"confirmed": "yes"})

    with pytest.raises(AlreadyDecided):
        escalate_submission(opened, moderator, "Abuse at home.")
    db.session.rollback()
    login(moderator)
    assert client.post(f"/moderation/submissions/{flagged.id}/escalate", data={"note": "x"}).status_code == 404

    state = _state(db, flagged)
    assert (state.status, state.body) == (SubmissionStatus.ESCALATED, DISCLOSURE)
    assert state.withdrawn_at is not None


def test_an_escalation_that_lands_while_an_edit_runs_keeps_the_earlier_words(db, case):
    _consultation, _author, _moderator, _safeguarder, pending, _escalated = case
    seen = db.session.get(Submission, pending.id)
    db.session.execute(update(Submission).where(Submission.id == pending.id).values(status=SubmissionStatus.ESCALATED)
                       .execution_options(synchronize_session=False))  # fmt: skip

    edit_response(seen, "Something else entirely.", "en")
    db.session.commit()

    assert db.session.scalars(select(EarlierWording.body)).all() == ["Apps should have a report button."]
    assert _state(db, pending).status is SubmissionStatus.ESCALATED


# --- account deletion and retention ----------------------------------------------------------


def test_deleting_the_account_keeps_the_case_for_the_team_only(client, db, login, case, make_submission):
    consultation, author, moderator, safeguarder, pending, escalated = case
    flagged = make_submission(consultation.questions[2], author, "Someone online asks me for photos.")
    flagged.flag_safeguarding = True
    db.session.commit()
    login(author)

    assert client.post("/account/delete", data={"password": author.password, "confirm": "y"}).status_code == 303

    assert _state(db, pending) is None
    for kept in (escalated, flagged):
        state = _state(db, kept)
        assert state.author_id is None and state.withdrawn_at is not None
        assert state.status is SubmissionStatus.ESCALATED
    login(moderator)
    assert client.get(f"/moderation/submissions/{flagged.id}").status_code == 404
    login(safeguarder)
    index = client.get("/safeguarding/").text
    assert f'id="submission-{escalated.id}"' in index and f'id="submission-{flagged.id}"' in index
    assert "Someone online asks me for photos." in client.get(f"/safeguarding/submissions/{flagged.id}").text


def test_deleting_the_account_keeps_an_answer_the_classifier_only_watched(client, db, login, case, make_submission):
    consultation, author, _moderator, safeguarder, _pending, _escalated = case
    watched = make_submission(consultation.questions[2], author, "I stay in my room, it is quieter there.")
    watched.screening_score = WATCH_BAND + 300  # a possible disclosure below the flag: no flag was raised
    db.session.commit()
    login(author)

    assert client.post("/account/delete", data={"password": author.password, "confirm": "y"}).status_code == 303

    state = _state(db, watched)
    assert (state.status, state.author_id) == (SubmissionStatus.ESCALATED, None) and state.withdrawn_at is not None
    login(safeguarder)
    assert "I stay in my room, it is quieter there." in client.get(f"/safeguarding/submissions/{watched.id}").text


def test_retention_waits_for_the_case_to_close(client, db, login, frozen_clock, make_user, make_meeting,
                                               make_consultation, make_submission):  # fmt: skip
    meeting = make_meeting(starts_at=frozen_clock.now + timedelta(days=2))
    consultation = make_consultation(open=True, meeting=meeting)
    author, safeguarder = make_user(), make_user(Role.MODERATOR)
    safeguarder.can_safeguard = True
    answer = make_submission(consultation.questions[0], author, DISCLOSURE)
    answer.flag_safeguarding = True
    db.session.commit()
    login(author)
    client.post(f"/responses/{answer.id}/edit", data={"body": "Changed my mind.", "language": "en"})
    client.post(f"/responses/{answer.id}/withdraw", data={"confirmed": "yes"})
    login(safeguarder)
    client.post(f"/safeguarding/submissions/{answer.id}/actions", data={"action": "helpline", "note": "Called."})

    frozen_clock.advance(days=400)  # long past the meeting: retention applies, except to an open case
    purge(frozen_clock.now, 365)
    db.session.commit()
    kept = _state(db, answer)
    assert kept is not None and kept.body == "Changed my mind."
    assert db.session.scalars(select(EarlierWording.body)).all() == [DISCLOSURE]
    assert db.session.scalars(select(SafeguardingNote.note)).all() == ["Called."]

    login(safeguarder)
    client.post(f"/safeguarding/submissions/{answer.id}/reject", data={"reason": "other", "note": "Closed."})
    assert _state(db, answer).status is SubmissionStatus.REJECTED
    counts = purge(frozen_clock.now, 365)
    db.session.commit()
    assert (counts.withdrawn_answers, counts.earlier_wordings, counts.safeguarding_notes) == (1, 1, 1)
    assert _state(db, answer) is None
    assert db.session.scalars(select(EarlierWording)).all() == []
    assert "withdrawn" in _events(db, answer)  # the append-only trail keeps who did what, without the words


# --- a withdrawal before screening has read the answer ----------------------------------------


@pytest.fixture
def unserved(monkeypatch):
    """Jobs are asked for but nobody runs them yet: the moments between a post and its screening."""
    monkeypatch.setattr(outbox, "_dispatcher", lambda name, args: None)


@pytest.mark.parametrize(("text", "kept"), [(DISCLOSURE, True), ("Apps should have a report button.", False)])
def test_an_answer_withdrawn_before_screening_waits_for_it_then_is_kept_or_deleted(
    client, db, login, make_user, make_consultation, unserved, text, kept
):
    consultation, moderator = make_consultation(open=True), make_user(Role.MODERATOR)
    author = make_user()
    login(author)
    client.post(f"/consultations/{consultation.slug}/questions/1/responses", data={"body": text, "language": "en"})
    answer = db.session.scalars(select(Submission)).one()
    assert answer.screened_at is None

    response = client.post(f"/responses/{answer.id}/withdraw", data={"confirmed": "yes"})
    assert response.status_code == 303
    assert WITHDRAWN in client.get(response.headers["Location"]).text
    assert _card(client, consultation, answer) == ""
    login(moderator)
    assert text not in client.get(f"/moderation/consultations/{consultation.slug}").text
    assert client.get(f"/moderation/submissions/{answer.id}").status_code == 404

    with client.application.app_context():
        screen_arrivals(100)
        db.session.commit()

    state = _state(db, answer)
    if kept:
        assert (state.status, state.body) == (SubmissionStatus.ESCALATED, DISCLOSURE)
        assert state.withdrawn_at is not None and state.flag_safeguarding
    else:
        assert state is None


@pytest.mark.parametrize(("text", "kept"), [(DISCLOSURE, True), ("Apps should have a report button.", False)])
def test_an_account_deleted_before_screening_keeps_a_disclosure_for_the_team(
    client, db, login, make_user, make_consultation, unserved, text, kept
):
    consultation, author = make_consultation(open=True), make_user()
    login(author)
    client.post(f"/consultations/{consultation.slug}/questions/1/responses", data={"body": text, "language": "en"})
    answer = db.session.scalars(select(Submission)).one()
    assert answer.screened_at is None

    assert client.post("/account/delete", data={"password": author.password, "confirm": "y"}).status_code == 303
    held = _state(db, answer)
    assert held.author_id is None and held.withdrawn_at is not None  # nameless, hidden, waiting for screening

    with client.application.app_context():
        screen_arrivals(100)
        db.session.commit()

    state = _state(db, answer)
    if kept:
        assert (state.status, state.body, state.author_id) == (SubmissionStatus.ESCALATED, DISCLOSURE, None)
    else:
        assert state is None


REPLACEMENT = "Actually I think apps should just be simpler."


@pytest.mark.parametrize(("first", "kept"), [(DISCLOSURE, True), ("Apps should have a report button.", False)])
@pytest.mark.parametrize("then_withdrawn", [False, True])
def test_words_replaced_before_screening_are_screened_then_kept_or_deleted(
    client, db, login, make_user, make_consultation, unserved, first, kept, then_withdrawn
):
    consultation = make_consultation(open=True)
    login(make_user())
    client.post(f"/consultations/{consultation.slug}/questions/1/responses", data={"body": first, "language": "en"})
    answer = db.session.scalars(select(Submission)).one()
    # An ordinary replacement: a bare "Forget what I said." reads as a retraction, which safeguarding
    # practice (and the classifier) treats as a possible disclosure in itself; this test is about the first words.
    edit = client.post(f"/responses/{answer.id}/edit", data={"body": REPLACEMENT, "language": "en"})
    assert edit.status_code == 303
    if then_withdrawn:
        assert client.post(f"/responses/{answer.id}/withdraw", data={"confirmed": "yes"}).status_code == 303

    with client.application.app_context():
        screen_arrivals(100)
        db.session.commit()

    state = _state(db, answer)
    wordings = db.session.scalars(select(EarlierWording)).all()
    if kept:
        assert state.status is SubmissionStatus.ESCALATED and state.body == REPLACEMENT
        assert [(w.body, w.awaiting_screening) for w in wordings] == [(DISCLOSURE, False)]
    else:
        assert wordings == []
        assert state is None if then_withdrawn else state.status is SubmissionStatus.PENDING
