"""Signed-in participants report published answers; enough reports from distinct, established
accounts take an answer down until a moderator looks again, and no one person can do it alone."""

from __future__ import annotations

import re

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import func, select

from consult.domain import NotAllowed
from consult.models import Priority, Role, Submission, SubmissionStatus
from consult.moderation.events import text_hash
from consult.moderation.models import ModerationEvent, Report
from consult.moderation.reports import ReportReason, report_submission, reporter_key

REPORT_BUTTON = "Report this answer"
TEXT = "An answer some readers dislike"


def _report(client, consultation, submission, reason="abusive", **extra):
    return client.post(
        f"/consultations/{consultation.slug}/responses/{submission.id}/report", data={"reason": reason, **extra}
    )


def _reader(app):
    """An anonymous reader, in their own browser."""
    return app.test_client()


def _signed_in(app, user):
    browser = app.test_client()
    assert browser.post("/login", data={"username": user.pseudonym, "password": user.password}).status_code == 302
    return browser


def _public_answers(client, consultation) -> str:
    page = client.get(f"/consultations/{consultation.slug}").text
    return re.search(r'<section aria-labelledby="responses-heading".*?</section>', page, re.DOTALL).group(0)


def _reports(db, submission) -> int:
    return db.session.scalar(select(func.count(Report.id)).where(Report.submission_id == submission.id))


def _status(db, submission) -> SubmissionStatus:
    return db.session.get(Submission, submission.id).status


@pytest.fixture
def author(make_user):
    return make_user()


@pytest.fixture
def published(author, make_consultation, make_submission, frozen_clock):
    consultation = make_consultation(open=True)
    submission = make_submission(consultation.questions[0], author, TEXT, SubmissionStatus.APPROVED)
    return consultation, submission


@pytest.fixture
def established(app, make_user, frozen_clock):
    """``established(n)``: n accounts old enough for their reports to count, each signed in its own browser."""

    def make(n: int = 1, role: Role = Role.PARTICIPANT, **profile) -> list:
        users = [make_user(role, **profile) for _n in range(n)]
        frozen_clock.advance(minutes=app.config["REPORT_MIN_ACCOUNT_AGE_MINUTES"], seconds=1)
        return [_signed_in(app, user) for user in users]

    return make


def test_every_published_answer_links_to_one_labelled_report_form(app, published, make_submission, make_user):
    consultation, submission = published
    other = make_submission(consultation.questions[1], make_user(), "Another answer", SubmissionStatus.APPROVED)
    signed_in = _signed_in(app, make_user())

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


def test_a_participant_reports_once_and_is_thanked(app, db, published, make_user):
    consultation, submission = published
    reader = make_user()
    browser = _signed_in(app, reader)

    response = _report(browser, consultation, submission, "personal_info")
    again = _report(browser, consultation, submission, "spam")

    assert response.status_code == again.status_code == 303
    assert response.headers["Location"] == f"/consultations/{consultation.slug}#responses-heading"
    page = browser.get(response.headers["Location"]).text
    assert "Thank you for telling us. A moderator will look at this answer again." in page
    assert "You have already reported this answer." in page
    assert _reports(db, submission) == 1
    report = db.session.scalars(select(Report)).one()
    assert (report.reason, report.reporter_id) == ("personal_info", reader.id)
    assert re.fullmatch(r"[0-9a-f]{64}", report.reporter_key)


def test_a_participant_counts_once_whatever_browser_they_use(app, db, published, make_user, frozen_clock):
    consultation, submission = published
    reader = make_user()
    frozen_clock.advance(hours=1)

    for browser in (_signed_in(app, reader), _signed_in(app, reader), _signed_in(app, reader)):
        assert _report(browser, consultation, submission).status_code == 303

    report = db.session.scalars(select(Report)).one()
    assert report.reporter_id == reader.id
    assert db.session.get(Submission, submission.id).report_count == 1
    assert _status(db, submission) is SubmissionStatus.APPROVED


def test_reports_from_distinct_established_participants_take_the_answer_down_and_back_into_the_queue(
    app, db, published, author, make_user, established
):
    consultation, submission = published
    author_browser = _signed_in(app, author)
    *first, last = established(app.config["REPORT_THRESHOLD"])
    for browser in first:
        assert _report(browser, consultation, submission).status_code == 303
    assert TEXT in _public_answers(_reader(app), consultation)

    _report(last, consultation, submission, "danger")

    assert TEXT not in _public_answers(_reader(app), consultation)
    hidden = db.session.get(Submission, submission.id)
    assert hidden.status is SubmissionStatus.PENDING
    assert hidden.hidden_at is not None
    assert (hidden.flag_reported, hidden.priority, hidden.report_count) == (True, Priority.FLAGGED, 3)
    assert hidden.published_text == TEXT  # kept for the moderator to compare
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


def test_reports_from_brand_new_accounts_are_kept_but_take_nothing_down(app, db, published, make_user, frozen_clock):
    consultation, submission = published
    frozen_clock.advance(hours=1)  # the author's account is old; the reporters' are minutes old
    newcomers = [make_user() for _n in range(5)]
    frozen_clock.advance(minutes=app.config["REPORT_MIN_ACCOUNT_AGE_MINUTES"] - 1)

    for user in newcomers:
        assert _report(_signed_in(app, user), consultation, submission).status_code == 303

    assert _reports(db, submission) == 5
    kept = db.session.get(Submission, submission.id)
    assert (kept.status, kept.hidden_at, kept.report_count) == (SubmissionStatus.APPROVED, None, 0)
    assert TEXT in _public_answers(_reader(app), consultation)


def test_reports_from_staff_accounts_take_nothing_down(app, db, published, established):
    consultation, submission = published
    staff = [*established(role=Role.MODERATOR), *established(role=Role.SECRETARIAT), *established(role=Role.ADMIN)]

    for browser in staff:
        assert _report(browser, consultation, submission).status_code == 303

    assert _reports(db, submission) == 3
    assert db.session.get(Submission, submission.id).report_count == 0
    assert TEXT in _public_answers(_reader(app), consultation)


def test_only_counted_reports_move_the_answer_toward_a_take_down(app, db, published, make_user, established):
    consultation, submission = published
    counted = established(3)
    moderator = established(role=Role.MODERATOR)[0]
    newcomer = _signed_in(app, make_user())

    for browser in (counted[0], moderator, newcomer, counted[1]):
        _report(browser, consultation, submission)
    assert _status(db, submission) is SubmissionStatus.APPROVED

    _report(counted[2], consultation, submission)

    hidden = db.session.get(Submission, submission.id)
    assert (hidden.status, hidden.report_count) == (SubmissionStatus.PENDING, 3)
    assert _reports(db, submission) == 5


@pytest.mark.parametrize("reporter", [None, AnonymousUserMixin()], ids=["nobody", "anonymous"])
def test_the_service_refuses_a_report_without_an_account(app, db, published, reporter):
    _consultation, submission = published

    with app.test_request_context(), pytest.raises(NotAllowed) as refused:
        report_submission(submission, ReportReason.ABUSIVE, reporter_key("reader:some-browser"), reporter)

    assert refused.value.status_code == 403
    assert str(refused.value.message) == "Please log in to report an answer."
    assert _reports(db, submission) == 0
    assert _status(db, submission) is SubmissionStatus.APPROVED


def test_a_possible_disclosure_taken_down_by_readers_goes_to_the_very_top(app, db, published, established):
    consultation, submission = published
    flagged = db.session.get(Submission, submission.id)
    flagged.flag_safeguarding = True
    db.session.commit()

    for browser in established(3):
        _report(browser, consultation, submission)

    assert db.session.get(Submission, submission.id).priority == Priority.SAFEGUARDING


def test_the_threshold_is_configurable(app, db, published, established):
    app.config["REPORT_THRESHOLD"] = 1
    consultation, submission = published

    _report(established()[0], consultation, submission)

    assert _status(db, submission) is SubmissionStatus.PENDING


def test_the_minimum_account_age_is_configurable(app, db, published, make_user):
    app.config["REPORT_THRESHOLD"] = 1
    app.config["REPORT_MIN_ACCOUNT_AGE_MINUTES"] = 0
    consultation, submission = published

    _report(_signed_in(app, make_user()), consultation, submission)

    assert _status(db, submission) is SubmissionStatus.PENDING


def test_an_answer_a_moderator_approves_again_needs_fresh_reports_to_come_down_again(
    app, db, published, make_user, established
):
    consultation, submission = published
    readers = established(4)
    for browser in readers[:3]:
        _report(browser, consultation, submission)
    moderator = _signed_in(app, make_user(Role.MODERATOR))
    decision = {"seen": text_hash(submission.body), "version": "as_written"}
    assert moderator.post(f"/moderation/submissions/{submission.id}/approve", data=decision).status_code == 303

    kept = db.session.get(Submission, submission.id)
    assert (kept.status, kept.hidden_at, kept.report_count) == (SubmissionStatus.APPROVED, None, 0)
    assert TEXT in _public_answers(_reader(app), consultation)
    _report(readers[3], consultation, submission)
    assert _status(db, submission) is SubmissionStatus.APPROVED


def test_an_account_that_reports_too_much_is_asked_to_wait_in_its_language(
    app, db, make_user, make_consultation, make_submission, frozen_clock
):
    app.config["REPORTS_PER_ACCOUNT_PER_HOUR"] = 2
    consultation = make_consultation(open=True)
    answers = [
        make_submission(consultation.questions[0], make_user(), f"Answer {n}", SubmissionStatus.APPROVED)
        for n in range(3)
    ]
    eager = make_user(locale="fr")
    browser = _signed_in(app, eager)

    assert _report(browser, consultation, answers[0]).status_code == 303
    assert _report(browser, consultation, answers[1]).status_code == 303
    refused = _report(browser, consultation, answers[2])

    assert refused.status_code == 429
    assert 'lang="fr"' in refused.text
    assert "Vous avez envoyé beaucoup de signalements en peu de temps." in refused.text
    assert _reports(db, answers[2]) == 0
    # The limit is the account's own: another participant on the same address reports as usual.
    assert _report(_signed_in(app, make_user()), consultation, answers[2]).status_code == 303
    frozen_clock.advance(hours=1, seconds=1)
    assert _report(browser, consultation, answers[2]).status_code == 303
    assert _reports(db, answers[2]) == 2


@pytest.mark.parametrize("status", [SubmissionStatus.PENDING, SubmissionStatus.REJECTED, SubmissionStatus.ESCALATED])
def test_only_published_answers_can_be_reported(app, db, make_user, make_consultation, make_submission, status):
    consultation = make_consultation(open=True)
    unpublished = make_submission(consultation.questions[0], make_user(), "Not public", status)

    assert _report(_signed_in(app, make_user()), consultation, unpublished).status_code == 404
    assert _reports(db, unpublished) == 0


def test_an_answer_is_reported_through_its_own_consultation_only(
    app, db, make_user, make_consultation, make_submission
):
    consultation = make_consultation(open=True)
    elsewhere = make_consultation(open=True)
    answer = make_submission(consultation.questions[0], make_user(), "Published", SubmissionStatus.APPROVED)
    browser = _signed_in(app, make_user())

    assert _report(browser, elsewhere, answer).status_code == 404
    assert browser.post(f"/consultations/{consultation.slug}/responses/999999/report").status_code == 404
    assert _reports(db, answer) == 0


def test_a_reason_not_offered_is_refused(app, db, published, make_user):
    consultation, submission = published

    response = _report(_signed_in(app, make_user()), consultation, submission, "boring")

    assert response.status_code == 422
    assert "Choose what is wrong with this answer." in response.text
    assert _reports(db, submission) == 0


def test_with_csrf_on_a_report_needs_the_pages_token(app, db, published, make_user):
    consultation, submission = published
    browser = _signed_in(app, make_user())
    app.config["WTF_CSRF_ENABLED"] = True

    refused = _report(browser, consultation, submission)
    assert refused.status_code == 400
    assert _reports(db, submission) == 0

    page = browser.get(f"/consultations/{consultation.slug}").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert _report(browser, consultation, submission, csrf_token=token).status_code == 303
    assert _reports(db, submission) == 1


def test_reports_keep_no_address_and_moderators_never_learn_who_reported(app, db, published, make_user):
    consultation, submission = published
    reader = make_user(pseudonym="Watchful Heron")
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = "203.0.113.77"
    browser.post("/login", data={"username": reader.pseudonym, "password": reader.password})

    assert _report(browser, consultation, submission).status_code == 303

    report = db.session.scalars(select(Report)).one()
    assert "203.0.113.77" not in repr([getattr(report, column.key) for column in Report.__table__.columns])
    event = db.session.scalars(select(ModerationEvent).where(ModerationEvent.action == "reported")).one()
    assert (event.actor_id, event.actor_name, event.reason) == (None, None, "abusive")
    moderator = _signed_in(app, make_user(Role.MODERATOR))
    assert "Watchful Heron" not in moderator.get(f"/moderation/consultations/{consultation.slug}/audit").text


def test_publishing_again_after_reports_keeps_the_earlier_redaction_by_default(
    app, db, make_user, make_consultation, make_submission, established
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
    for browser in established(3):
        _report(browser, consultation, submission)

    page = moderator.get(f"/moderation/submissions/{submission.id}").text
    default = re.search(r'<input checked id="version-\d" name="version" required type="radio" value="(\w+)"', page)
    assert default.group(1) == "previous"
    text = re.search(r'<textarea[^>]*name="published_text"[^>]*>\s*(.*?)</textarea>', page, re.DOTALL).group(1)
    again = {"seen": text_hash(submission.body), "version": "previous", "published_text": text}
    assert moderator.post(f"/moderation/submissions/{submission.id}/approve", data=again).status_code == 303

    public = _public_answers(_reader(app), consultation)
    assert "I am [removed]; apps scare me" in public
    assert "Hill School" not in public
