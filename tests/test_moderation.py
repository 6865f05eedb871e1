"""Moderators decide on every waiting answer, once, before anyone else can read it."""

import re

import pytest

from consult.models import Role, Submission, SubmissionStatus

ALREADY_DECIDED = "Another moderator has already decided on this response; nothing was changed."


def _queue(client, consultation, **params):
    return client.get(f"/moderation/consultations/{consultation.slug}", query_string=params)


def _decide(client, submission, decision):
    return client.post(f"/moderation/submissions/{submission.id}/{decision}")


def _signed_in_client(app, user):
    """A second browser, for a second moderator working at the same time."""
    other = app.test_client()
    response = other.post("/login", data={"username": user.pseudonym, "password": user.password})
    assert response.status_code == 302
    return other


def _shown_ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'id="submission-(\d+)"', page)]


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.ADMIN])
def test_moderators_and_admins_see_how_many_answers_wait_in_each_consultation(
    client, login, make_user, make_consultation, make_submission, role
):
    busy = make_consultation(open=True, title="Busy consultation")
    quiet = make_consultation(open=True, title="Quiet consultation")
    done = make_consultation(open=False, title="Finished consultation")
    for n in range(3):
        make_submission(busy.questions[n], make_user())
    make_submission(quiet.questions[0], make_user())
    make_submission(quiet.questions[0], make_user(), status=SubmissionStatus.APPROVED)
    make_submission(done.questions[0], make_user(), status=SubmissionStatus.REJECTED)
    login(make_user(role))

    response = client.get("/moderation/")

    assert response.status_code == 200
    rows = dict(re.findall(r'<a href="/moderation/consultations/[^"]+">([^<]+)</a></td><td>(\d+)</td>', response.text))
    assert rows == {"Busy consultation": "3", "Quiet consultation": "1"}


def test_nothing_waiting_is_said_plainly(client, login, make_user):
    login(make_user(Role.MODERATOR))
    assert "Nothing is waiting for a decision." in client.get("/moderation/").text


def test_queue_shows_only_waiting_answers_oldest_first(client, login, make_user, make_consultation, make_submission):
    consultation = make_consultation(open=True)
    elsewhere = make_consultation(open=True)
    first = make_submission(consultation.questions[1], make_user(), "First to arrive")
    make_submission(consultation.questions[0], make_user(), "Already published", SubmissionStatus.APPROVED)
    make_submission(elsewhere.questions[0], make_user(), "Another consultation's answer")
    second = make_submission(consultation.questions[0], make_user(), "Second to arrive")
    make_submission(consultation.questions[0], make_user(), "Already turned down", SubmissionStatus.REJECTED)
    login(make_user(Role.MODERATOR))

    response = _queue(client, consultation)

    assert response.status_code == 200
    assert _shown_ids(response.text) == [first.id, second.id]
    assert response.text.index("First to arrive") < response.text.index("Second to arrive")
    for hidden in ("Already published", "Already turned down", "Another consultation's answer"):
        assert hidden not in response.text


def test_long_queue_is_read_page_by_page(app, client, login, make_user, make_consultation, make_submission):
    app.config["PENDING_PER_PAGE"] = 2
    consultation = make_consultation(open=True)
    waiting = [make_submission(consultation.questions[0], make_user(), f"Waiting {n}") for n in range(3)]
    login(make_user(Role.MODERATOR))

    first = _queue(client, consultation).text
    assert _shown_ids(first) == [waiting[0].id, waiting[1].id]
    next_link = re.search(r'<a href="([^"]+)">Next page</a>', first).group(1)
    assert next_link == f"/moderation/consultations/{consultation.slug}?after={waiting[1].id}"

    # Deciding on the first page meanwhile does not make the next page skip anything.
    assert _decide(client, waiting[0], "approve").status_code == 303
    second = client.get(next_link).text
    assert _shown_ids(second) == [waiting[2].id]
    assert "Next page" not in second


def test_invalid_queue_position_is_not_found(client, login, make_user, make_consultation):
    consultation = make_consultation(open=True)
    login(make_user(Role.MODERATOR))
    for after in ("abc", "-1", "1.5", "²", "9" * 19):
        assert _queue(client, consultation, after=after).status_code == 404, after


def test_queue_of_an_unknown_consultation_is_not_found(client, login, make_user):
    login(make_user(Role.MODERATOR))
    assert client.get("/moderation/consultations/no-such-thing").status_code == 404


def test_approving_publishes_the_answer(client, db, login, make_user, make_consultation, make_submission, frozen_clock):
    consultation = make_consultation(open=True)
    submission = make_submission(consultation.questions[0], make_user(), "Ask us before deciding for us.")
    moderator = make_user(Role.MODERATOR)
    assert "Ask us before deciding for us." not in client.get(f"/consultations/{consultation.slug}").text
    login(moderator)

    response = _decide(client, submission, "approve")

    assert response.status_code == 303
    assert response.headers["Location"] == f"/moderation/consultations/{consultation.slug}"
    queue = client.get(response.headers["Location"]).text
    assert "Response approved and published." in queue
    assert "Ask us before deciding for us." not in queue
    approved = db.session.get(Submission, submission.id)
    assert approved.status is SubmissionStatus.APPROVED
    assert approved.published_text == "Ask us before deciding for us."
    assert approved.decided_at == frozen_clock.now
    assert approved.decided_by_id == moderator.id
    client.post("/logout")
    assert "Ask us before deciding for us." in client.get(f"/consultations/{consultation.slug}").text


def test_rejecting_hides_the_answer_for_good(app, client, db, login, make_user, make_consultation, make_submission):
    consultation = make_consultation(open=True)
    submission = make_submission(consultation.questions[0], make_user(), "Something that must not be published")
    moderator = make_user(Role.MODERATOR)
    login(moderator)

    assert _decide(client, submission, "reject").status_code == 303

    rejected = db.session.get(Submission, submission.id)
    assert (rejected.status, rejected.published_text, rejected.decided_by_id) == (
        SubmissionStatus.REJECTED,
        None,
        moderator.id,
    )
    assert "Something that must not be published" not in _queue(client, consultation).text
    # Nobody can bring it back by approving it afterwards.
    second_opinion = _signed_in_client(app, make_user(Role.MODERATOR))
    assert _decide(second_opinion, submission, "approve").status_code == 409
    assert db.session.get(Submission, submission.id).status is SubmissionStatus.REJECTED
    assert (
        "Something that must not be published" not in app.test_client().get(f"/consultations/{consultation.slug}").text
    )


@pytest.mark.parametrize(("first", "second"), [("approve", "reject"), ("reject", "approve"), ("approve", "approve")])
def test_a_second_decision_is_refused_and_changes_nothing(
    app, client, db, login, make_user, make_consultation, make_submission, frozen_clock, first, second
):
    consultation = make_consultation(open=True)
    submission = make_submission(consultation.questions[0], make_user(), "Decided once")
    still_waiting = make_submission(consultation.questions[1], make_user(), "Still waiting")
    early, late = make_user(Role.MODERATOR), make_user(Role.MODERATOR)
    login(early)
    late_browser = _signed_in_client(app, late)

    assert _decide(client, submission, first).status_code == 303
    decided = db.session.get(Submission, submission.id)
    before = (decided.status, decided.published_text, decided.decided_at, decided.decided_by_id)
    frozen_clock.advance(minutes=1)
    response = _decide(late_browser, submission, second)

    assert response.status_code == 409
    assert ALREADY_DECIDED in response.text
    assert _shown_ids(response.text) == [still_waiting.id]  # the queue, as it now stands
    decided = db.session.get(Submission, submission.id)
    assert (decided.status, decided.published_text, decided.decided_at, decided.decided_by_id) == before
    assert before[3] == early.id


def test_deciding_on_an_unknown_answer_is_not_found(client, login, make_user):
    login(make_user(Role.MODERATOR))
    assert client.post("/moderation/submissions/999999/approve").status_code == 404
    assert client.post("/moderation/submissions/1/publish").status_code == 404


def test_decisions_are_only_taken_by_post(client, db, login, make_user, make_consultation, make_submission):
    consultation = make_consultation(open=True)
    submission = make_submission(consultation.questions[0], make_user())
    login(make_user(Role.MODERATOR))

    assert client.get(f"/moderation/submissions/{submission.id}/approve").status_code == 405
    assert db.session.get(Submission, submission.id).status is SubmissionStatus.PENDING


def test_anonymous_visitors_are_asked_to_log_in(client, db, make_user, make_consultation, make_submission):
    consultation = make_consultation(open=True)
    submission = make_submission(consultation.questions[0], make_user())

    for response in (
        client.get("/moderation/"),
        _queue(client, consultation),
        _decide(client, submission, "approve"),
    ):
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    assert db.session.get(Submission, submission.id).status is SubmissionStatus.PENDING


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.SECRETARIAT])
def test_participants_and_secretariat_cannot_moderate(
    client, db, login, make_user, make_consultation, make_submission, role
):
    consultation = make_consultation(open=True)
    submission = make_submission(consultation.questions[0], make_user(), "Private until checked")
    login(make_user(role))

    assert client.get("/moderation/").status_code == 403
    queue = _queue(client, consultation)
    assert queue.status_code == 403
    assert "Private until checked" not in queue.text
    assert _decide(client, submission, "approve").status_code == 403
    assert _decide(client, submission, "reject").status_code == 403
    assert db.session.get(Submission, submission.id).status is SubmissionStatus.PENDING
