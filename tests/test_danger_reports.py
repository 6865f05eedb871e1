"""A reader's report that someone may be in danger reaches the safeguarding team at once, from any account,
brand-new or not, without counting toward a take-down: the answer stays published until the team decides."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from consult.models import Role, Submission, SubmissionStatus
from consult.moderation.models import ModerationEvent

ANSWER = "Nobody at home listens to me and I do not feel safe there any more."
SECTION = "Published answers a reader reported as a danger"


@pytest.fixture
def published(make_user, make_consultation, make_submission):
    consultation = make_consultation(open=True)
    submission = make_submission(consultation.questions[0], make_user(), ANSWER, SubmissionStatus.APPROVED)
    return consultation, submission


@pytest.fixture
def team(db, make_user):
    member = make_user(Role.MODERATOR, pseudonym="Safeguarding Sana")
    member.can_safeguard = True
    db.session.commit()
    return member


def _report_from_a_new_account(app, make_user, consultation, submission, reason: str = "danger"):
    """A reader who signed up a moment ago (younger than REPORT_MIN_ACCOUNT_AGE_MINUTES) reports the answer."""
    reader = make_user()
    browser = app.test_client()
    assert browser.post("/login", data={"username": reader.pseudonym, "password": reader.password}).status_code == 302
    response = browser.post(f"/consultations/{consultation.slug}/responses/{submission.id}/report",
                            data={"reason": reason})  # fmt: skip
    assert response.status_code in (302, 303)


def _reported_section(page: str) -> str:
    return re.search(r'<section aria-labelledby="reported-heading".*?</section>', page, re.S).group(0)


def _public(client, consultation) -> str:
    return client.get(f"/consultations/{consultation.slug}").text


def test_a_danger_report_from_a_new_account_reaches_the_team_without_taking_the_answer_down(
    app, client, db, login, make_user, published, team
):
    consultation, submission = published

    _report_from_a_new_account(app, make_user, consultation, submission)

    stored = db.session.get(Submission, submission.id)
    assert stored.status is SubmissionStatus.APPROVED and stored.hidden_at is None and stored.report_count == 0
    assert ANSWER in _public(client, consultation)
    login(team)
    page = client.get("/safeguarding/")
    assert page.status_code == 200
    section = _reported_section(page.text)
    assert ANSWER in section and f"/safeguarding/reported/{submission.id}" in section
    assert "1 reported answer is waiting for the safeguarding team." in section
    # The team's link in every page's navigation counts it among what waits for the team.
    assert re.search(r'Safeguarding<span class="count-badge" aria-hidden="true">1</span>', page.text)


def test_a_plain_moderator_does_not_get_the_list(app, client, login, make_user, published):
    consultation, submission = published
    _report_from_a_new_account(app, make_user, consultation, submission)
    login(make_user(Role.MODERATOR))

    assert client.get("/safeguarding/").status_code == 403
    refused = client.post(f"/safeguarding/reported/{submission.id}", data={"decision": "escalate"})
    assert refused.status_code == 403


def test_another_reason_from_a_new_account_does_not_reach_the_team(app, client, login, make_user, published, team):
    consultation, submission = published

    _report_from_a_new_account(app, make_user, consultation, submission, reason="abusive")

    login(team)
    assert ANSWER not in _reported_section(client.get("/safeguarding/").text)


def test_the_team_takes_a_reported_answer_down_into_its_queue(app, client, db, login, make_user, published, team):
    consultation, submission = published
    _report_from_a_new_account(app, make_user, consultation, submission)
    login(team)

    response = client.post(
        f"/safeguarding/reported/{submission.id}", data={"decision": "escalate", "note": "Called the helpline."}
    )

    assert response.status_code == 303
    db.session.expire_all()
    stored = db.session.get(Submission, submission.id)
    assert stored.status is SubmissionStatus.ESCALATED and stored.hidden_at is not None
    assert ANSWER not in _public(client, consultation)
    page = client.get("/safeguarding/").text
    assert ANSWER not in _reported_section(page)
    assert f"/safeguarding/submissions/{submission.id}" in page  # now an escalation like any other
    actions = db.session.scalars(
        select(ModerationEvent.action).where(ModerationEvent.submission_id == submission.id)
    ).all()
    assert "escalated" in actions
    # From then on, need-to-know: a plain moderator never reads it.
    login(make_user(Role.MODERATOR))
    assert ANSWER not in client.get(f"/moderation/submissions/{submission.id}").text
    # A second press finds it settled, and changes nothing.
    login(team)
    again = client.post(f"/safeguarding/reported/{submission.id}", data={"decision": "escalate"}, follow_redirects=True)
    assert "Someone on the safeguarding team has already closed this item; nothing was changed." in again.text


def test_reviewed_it_stays_published_until_another_danger_report(
    app, client, db, login, make_user, published, team, frozen_clock
):
    consultation, submission = published
    _report_from_a_new_account(app, make_user, consultation, submission)
    login(team)

    response = client.post(f"/safeguarding/reported/{submission.id}", data={"decision": "reviewed"})

    assert response.status_code == 303
    assert ANSWER not in _reported_section(client.get("/safeguarding/").text)
    assert ANSWER in _public(client, consultation)
    frozen_clock.advance(minutes=1)
    _report_from_a_new_account(app, make_user, consultation, submission)
    login(team)
    assert ANSWER in _reported_section(client.get("/safeguarding/").text)


def test_a_note_too_long_is_refused_and_given_back(app, client, db, login, make_user, published, team):
    consultation, submission = published
    _report_from_a_new_account(app, make_user, consultation, submission)
    login(team)
    note = "Called the helpline. " * 200

    response = client.post(f"/safeguarding/reported/{submission.id}", data={"decision": "escalate", "note": note})
    unknown = client.post(f"/safeguarding/reported/{submission.id}", data={"decision": "publish"})

    assert response.status_code == 422
    # Given back on the form in the page itself (the page's title is only its name)
    assert re.search(r"<title>([^<]*)</title>", response.text).group(1) == "Safeguarding · consult"
    main = response.text.split("<main", 1)[1]
    assert 'role="alert"><p>Keep the note under 4000 characters.' in main
    assert re.search(r'<textarea id="reported-note-\d+" name="note"[^>]*>' + re.escape(note.strip()), main)
    assert unknown.status_code == 422
    db.session.expire_all()
    assert db.session.get(Submission, submission.id).status is SubmissionStatus.APPROVED
