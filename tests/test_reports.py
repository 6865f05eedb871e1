"""Readers report published answers; enough reports take an answer down until a moderator looks again."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from consult.models import Priority, Role, Submission, SubmissionStatus
from consult.moderation.events import text_hash
from consult.moderation.models import ModerationEvent, Report

REPORT_BUTTON = "Report this answer"


def _report(client, consultation, submission, reason="abusive", **extra):
    return client.post(
        f"/consultations/{consultation.slug}/responses/{submission.id}/report", data={"reason": reason, **extra}
    )


def _signed_in(app, user, address: str | None = None):
    browser = app.test_client()
    if address:  # before logging in: a session is bound to the address it began from
        browser.environ_base["REMOTE_ADDR"] = address
    assert browser.post("/login", data={"username": user.pseudonym, "password": user.password}).status_code == 302
    return browser


def _public_answers(client, consultation) -> str:
    page = client.get(f"/consultations/{consultation.slug}").text
    return re.search(r'<section aria-labelledby="responses-heading".*?</section>', page, re.DOTALL).group(0)


def _reports(db, submission) -> int:
    return db.session.scalar(select(func.count(Report.id)).where(Report.submission_id == submission.id))


@pytest.fixture
def author(make_user):
    return make_user()


@pytest.fixture
def reader(app, make_user):
    """Another participant, signed in in their own browser: reporting needs an account."""
    return lambda: _signed_in(app, make_user())


@pytest.fixture
def signed_in(client, login, make_user):
    """The test's own browser, signed in as a participant."""
    login(make_user())
    return client


@pytest.fixture
def published(author, make_consultation, make_submission):
    consultation = make_consultation(open=True)
    submission = make_submission(
        consultation.questions[0], author, "An answer some readers dislike", SubmissionStatus.APPROVED
    )
    return consultation, submission


def test_every_published_answer_links_to_one_labelled_report_form(signed_in, published, make_submission, make_user):
    consultation, submission = published
    other = make_submission(consultation.questions[1], make_user(), "Another answer", SubmissionStatus.APPROVED)

    answers = _public_answers(signed_in, consultation)

    assert answers.count(REPORT_BUTTON) == 2
    assert "<select" not in answers  # the reasons are listed once, on the report page, not once per answer
    for answer in (submission, other):
        address = f"/consultations/{consultation.slug}/responses/{answer.id}/report"
        assert f'href="{address}"' in answers
        form = signed_in.get(address).text
        assert f'action="{address}"' in form
        assert answer.body in form
        assert '<label for="report-reason">What is wrong with this answer?</label>' in form
        assert '<select id="report-reason" name="reason" required>' in form


def test_a_participant_reports_once_and_is_thanked(app, signed_in, db, published, reader):
    consultation, submission = published

    response = _report(signed_in, consultation, submission, "personal_info")
    again = _report(signed_in, consultation, submission, "spam")

    assert response.status_code == again.status_code == 303
    assert response.headers["Location"] == f"/consultations/{consultation.slug}#responses-heading"
    page = signed_in.get(response.headers["Location"]).text
    assert "Thank you for telling us. A moderator will look at this answer again." in page
    assert "You have already reported this answer." in page
    assert _reports(db, submission) == 1
    assert db.session.get(Submission, submission.id).report_count == 1
    report = db.session.scalars(select(Report)).one()
    assert report.reason == "personal_info" and report.reporter_id is not None
    assert re.fullmatch(r"[0-9a-f]{64}", report.reporter_key)
    # Another participant's report counts separately.
    assert _report(reader(), consultation, submission).status_code == 303
    keys = db.session.scalars(select(Report.reporter_key)).all()
    assert len(set(keys)) == 2


def test_an_anonymous_reader_is_asked_to_log_in_to_report(client, db, published):
    consultation, submission = published
    page = f"/consultations/{consultation.slug}"

    refused = client.post(f"{page}/responses/{submission.id}/report", data={"reason": "abusive"},
                          headers={"Referer": f"http://localhost{page}"})  # fmt: skip
    form = client.get(f"{page}/responses/{submission.id}/report")

    assert refused.status_code == 302
    assert refused.headers["Location"] == f"/login?next={page.replace('/', '%2F')}"
    assert form.status_code == 302 and form.headers["Location"].startswith("/login?next=")
    assert "Please log in to see this page." in client.get(refused.headers["Location"]).text
    assert _reports(db, submission) == 0


def test_a_participant_counts_once_whatever_browser_they_use(app, db, published, make_user):
    consultation, submission = published
    reader = make_user()

    for browser in (_signed_in(app, reader), _signed_in(app, reader)):
        assert _report(browser, consultation, submission).status_code == 303

    report = db.session.scalars(select(Report)).one()
    assert report.reporter_id == reader.id
    assert db.session.get(Submission, submission.id).report_count == 1


def test_enough_reports_take_the_answer_down_and_back_into_the_queue(app, db, published, author, make_user, reader):
    consultation, submission = published
    author_browser = _signed_in(app, author)
    for _n in range(app.config["REPORT_THRESHOLD"] - 1):
        assert _report(reader(), consultation, submission).status_code == 303
    assert "An answer some readers dislike" in _public_answers(app.test_client(), consultation)

    _report(_signed_in(app, make_user()), consultation, submission, "danger")

    assert "An answer some readers dislike" not in _public_answers(app.test_client(), consultation)
    hidden = db.session.get(Submission, submission.id)
    assert hidden.status is SubmissionStatus.PENDING
    assert hidden.hidden_at is not None
    assert (hidden.flag_reported, hidden.priority, hidden.report_count) == (True, Priority.FLAGGED, 3)
    assert hidden.published_text == "An answer some readers dislike"  # kept for the moderator to compare
    actions = db.session.scalars(
        select(ModerationEvent.action)
        .where(ModerationEvent.submission_id == submission.id)
        .order_by(ModerationEvent.id)
    ).all()
    assert actions == ["reported", "reported", "reported", "hidden"]
    # The author sees it waiting again; a moderator finds it near the top of the queue, marked.
    assert "Waiting for a moderator" in author_browser.get(f"/consultations/{consultation.slug}").text
    moderator = _signed_in(app, make_user(Role.MODERATOR))
    queue = moderator.get(f"/moderation/consultations/{consultation.slug}?flag=reported").text
    assert f'id="submission-{submission.id}"' in queue
    assert "Taken down after 3 reports from readers." in queue
    item = moderator.get(f"/moderation/submissions/{submission.id}").text
    assert "Someone may be in danger: 1" in item
    assert "Abusive: 2" not in item and "It is unkind, rude or hateful: 2" in item


def test_a_possible_disclosure_taken_down_by_readers_goes_to_the_very_top(app, db, published, reader):
    consultation, submission = published
    flagged = db.session.get(Submission, submission.id)
    flagged.flag_safeguarding = True
    db.session.commit()

    for _n in range(3):
        _report(reader(), consultation, submission)

    assert db.session.get(Submission, submission.id).priority == Priority.SAFEGUARDING


def test_the_threshold_is_configurable(app, db, published, reader):
    app.config["REPORT_THRESHOLD"] = 1
    consultation, submission = published

    _report(reader(), consultation, submission)

    assert db.session.get(Submission, submission.id).status is SubmissionStatus.PENDING


def test_an_answer_a_moderator_approves_again_needs_fresh_reports_to_come_down_again(
    app, db, published, make_user, reader
):
    consultation, submission = published
    for _n in range(3):
        _report(reader(), consultation, submission)
    moderator = _signed_in(app, make_user(Role.MODERATOR))
    decision = {"seen": text_hash(submission.body), "version": "as_written"}
    assert moderator.post(f"/moderation/submissions/{submission.id}/approve", data=decision).status_code == 303

    kept = db.session.get(Submission, submission.id)
    assert (kept.status, kept.hidden_at, kept.report_count) == (SubmissionStatus.APPROVED, None, 0)
    assert "An answer some readers dislike" in _public_answers(app.test_client(), consultation)
    _report(reader(), consultation, submission)
    assert db.session.get(Submission, submission.id).status is SubmissionStatus.APPROVED


def test_a_reader_who_reports_too_much_is_asked_to_wait(
    app, signed_in, db, make_user, make_consultation, make_submission, frozen_clock
):
    client = signed_in
    app.config["REPORTS_PER_HOUR"] = 2
    consultation = make_consultation(open=True)
    answers = [
        make_submission(consultation.questions[0], make_user(), f"Answer {n}", SubmissionStatus.APPROVED)
        for n in range(3)
    ]

    assert _report(client, consultation, answers[0]).status_code == 303
    assert _report(client, consultation, answers[1]).status_code == 303
    refused = _report(client, consultation, answers[2])

    assert refused.status_code == 429
    assert "You have sent many reports in a short time. Please wait a while before sending another." in refused.text
    assert _reports(db, answers[2]) == 0
    frozen_clock.advance(hours=1, seconds=1)
    assert _report(client, consultation, answers[2]).status_code == 303
    assert _reports(db, answers[2]) == 1


@pytest.mark.parametrize("status", [SubmissionStatus.PENDING, SubmissionStatus.REJECTED, SubmissionStatus.ESCALATED])
def test_only_published_answers_can_be_reported(signed_in, db, make_user, make_consultation, make_submission, status):
    client = signed_in
    consultation = make_consultation(open=True)
    unpublished = make_submission(consultation.questions[0], make_user(), "Not public", status)

    assert _report(client, consultation, unpublished).status_code == 404
    assert _reports(db, unpublished) == 0


def test_an_answer_is_reported_through_its_own_consultation_only(
    signed_in, db, make_user, make_consultation, make_submission
):
    client = signed_in
    consultation = make_consultation(open=True)
    elsewhere = make_consultation(open=True)
    answer = make_submission(consultation.questions[0], make_user(), "Published", SubmissionStatus.APPROVED)

    assert _report(client, elsewhere, answer).status_code == 404
    assert client.post(f"/consultations/{consultation.slug}/responses/999999/report").status_code == 404
    assert _reports(db, answer) == 0


def test_a_reason_not_offered_is_refused(signed_in, db, published):
    client = signed_in
    consultation, submission = published

    response = _report(client, consultation, submission, "boring")

    assert response.status_code == 422
    assert "Choose what is wrong with this answer." in response.text
    assert _reports(db, submission) == 0


def test_with_csrf_on_a_report_needs_the_pages_token(app, signed_in, db, published):
    client = signed_in
    app.config["WTF_CSRF_ENABLED"] = True
    consultation, submission = published

    refused = _report(client, consultation, submission)
    assert refused.status_code == 400
    assert _reports(db, submission) == 0

    page = client.get(f"/consultations/{consultation.slug}/responses/{submission.id}/report").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert _report(client, consultation, submission, csrf_token=token).status_code == 303
    assert _reports(db, submission) == 1


def test_reports_keep_no_address_and_moderators_never_learn_who_reported(app, db, published, make_user):
    consultation, submission = published
    reader = make_user(pseudonym="Watchful Heron")
    browser = _signed_in(app, reader, "203.0.113.77")

    _report(browser, consultation, submission)

    report = db.session.scalars(select(Report)).one()
    assert "203.0.113.77" not in repr([getattr(report, column.key) for column in Report.__table__.columns])
    event = db.session.scalars(select(ModerationEvent).where(ModerationEvent.action == "reported")).one()
    assert (event.actor_id, event.actor_name, event.reason) == (None, None, "abusive")
    moderator = _signed_in(app, make_user(Role.MODERATOR))
    assert "Watchful Heron" not in moderator.get(f"/moderation/consultations/{consultation.slug}/audit").text


def test_publishing_again_after_reports_keeps_the_earlier_redaction_by_default(
    app, db, make_user, make_consultation, make_submission, reader
):
    consultation = make_consultation(open=True)
    submission = make_submission(consultation.questions[0], make_user(), "I am Tom from Hill School; apps scare me")
    moderator = _signed_in(app, make_user(Role.MODERATOR))
    edited = {
        "seen": text_hash(submission.body),
        "version": "edited",
        "published_text": "I am [removed]; apps scare me",
    }
    assert moderator.post(f"/moderation/submissions/{submission.id}/approve", data=edited).status_code == 303
    for _n in range(3):
        _report(reader(), consultation, submission)

    page = moderator.get(f"/moderation/submissions/{submission.id}").text
    default = re.search(r'<input checked id="version-\d" name="version" required type="radio" value="(\w+)"', page)
    assert default.group(1) == "previous"
    text = re.search(r'<textarea[^>]*name="published_text"[^>]*>\s*(.*?)</textarea>', page, re.DOTALL).group(1)
    again = {"seen": text_hash(submission.body), "version": "previous", "published_text": text}
    assert moderator.post(f"/moderation/submissions/{submission.id}/approve", data=again).status_code == 303

    public = _public_answers(app.test_client(), consultation)
    assert "I am [removed]; apps scare me" in public
    assert "Hill School" not in public
