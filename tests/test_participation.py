"""A participant answers inside the window, and only inside it."""

import threading
import time
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import func, select

from consult import clock
from consult.consultations.services import ResponseLimitReached, answer_target, submit_response
from consult.extensions import db as _db
from consult.models import Role, Submission, SubmissionStatus, User

THANKS = "Thank you — a moderator will read it."


def _post_answer(client, consultation, text="Schools should teach online safety.", position=1, language="en"):
    return client.post(
        f"/consultations/{consultation.slug}/questions/{position}/responses",
        data={"body": text, "language": language},
    )


def _count(db):
    return db.session.scalar(select(func.count(Submission.id)))


def test_participant_answers_an_open_consultation_and_sees_it_pending(client, db, login, make_user, make_consultation):
    consultation = make_consultation(open=True)
    participant = make_user()
    login(participant)

    response = _post_answer(client, consultation, "Apps should be private by default.")
    assert response.status_code == 303

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Apps should be private by default." in page
    assert "Waiting for a moderator" in page
    submission = db.session.scalar(select(Submission))
    assert submission.status is SubmissionStatus.PENDING
    assert submission.author_id == participant.id
    assert (submission.age_band, submission.country) == (participant.age_band, participant.country)


def _in(app, language: str, message: str) -> str:
    with app.test_request_context(), force_locale(language):
        return escape(gettext(message))


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_participant_is_thanked_at_the_question_in_their_language(
    app, client, db, login, make_user, make_consultation, language
):
    consultation = make_consultation(open=True)
    login(make_user(locale=language))
    client.get(f"/consultations/{consultation.slug}")  # the session as the form page left it

    response = _post_answer(client, consultation, "Teach parents too.", position=2)

    submission_id = db.session.scalar(select(Submission.id))
    # Back at the question just answered, not at the list of answers further down.
    assert response.headers["Location"].endswith(f"?sent={submission_id}#question-2")
    # Nothing in the session changed, so its cookie is not signed and sent again.
    assert "Set-Cookie" not in response.headers
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert _in(app, language, THANKS) != THANKS
    question = page.split('id="question-2"', 1)[1].split("</li>", 1)[0]
    assert _in(app, language, THANKS) in question
    # Said once, on that page only.
    assert _in(app, language, THANKS) not in client.get(f"/consultations/{consultation.slug}").get_data(as_text=True)


def test_an_address_naming_someone_elses_answer_thanks_nobody(
    client, db, login, make_user, make_consultation, make_submission
):
    consultation = make_consultation(open=True)
    theirs = make_submission(consultation.questions[0], make_user(), "their words")
    login(make_user())
    mine = _post_answer(client, consultation, "my words").headers["Location"]

    page = client.get(f"/consultations/{consultation.slug}?sent={theirs.id}&updated={theirs.id}").get_data(as_text=True)
    assert THANKS not in page and "Your answer was updated." not in page
    for forged in ("<script>", "0", "-1", mine.split("=")[1].split("#")[0] + "x"):
        assert THANKS not in client.get(f"/consultations/{consultation.slug}?sent={forged}").get_data(as_text=True)
    client.post("/logout")
    assert THANKS not in client.get(mine).get_data(as_text=True)


def test_pending_answer_is_not_public(client, login, make_user, make_consultation):
    consultation = make_consultation(open=True)
    login(make_user())
    _post_answer(client, consultation, "Not yet checked by anyone.")
    client.post("/logout")

    assert "Not yet checked by anyone." not in client.get(f"/consultations/{consultation.slug}").get_data(as_text=True)


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [
        (timedelta(seconds=-1), False),  # a second before opening
        (timedelta(0), True),  # at opening
        (timedelta(hours=24, seconds=-1), True),  # a second before closing
        (timedelta(hours=24), False),  # at closing
    ],
)
def test_window_is_half_open_on_the_server_clock(
    client, db, login, make_user, make_consultation, frozen_clock, offset, accepted
):
    opens_at = frozen_clock.now + timedelta(days=1)
    consultation = make_consultation(opens_at=opens_at, closes_at=opens_at + timedelta(hours=24))
    login(make_user())

    frozen_clock.set(opens_at + offset)
    response = _post_answer(client, consultation, "My words on the boundary")

    assert (response.status_code == 303) is accepted
    assert _count(db) == (1 if accepted else 0)
    if not accepted:
        assert response.status_code == 409
        assert "My words on the boundary" in response.get_data(as_text=True)


def test_late_post_is_refused_and_the_text_is_given_back(client, db, login, make_user, make_consultation, frozen_clock):
    consultation = make_consultation(open=True)
    login(make_user())
    page = client.get(f"/consultations/{consultation.slug}").get_data(as_text=True)
    assert 'name="body"' in page  # the form was offered while open

    frozen_clock.set(consultation.closes_at + timedelta(minutes=3))
    typed = "I wrote this slowly on my phone & it matters <3"
    response = _post_answer(client, consultation, typed)

    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "This consultation is closed" in body
    assert "I wrote this slowly on my phone &amp; it matters &lt;3" in body
    assert _count(db) == 0


def test_form_is_not_offered_outside_the_window(client, login, make_user, make_consultation):
    closed = make_consultation(open=False)
    login(make_user())
    page = client.get(f"/consultations/{closed.slug}").get_data(as_text=True)
    assert 'name="body"' not in page
    assert "Closed" in page


def test_answers_per_question_are_limited(app, client, db, login, make_user, make_consultation):
    app.config["MAX_RESPONSES_PER_QUESTION"] = 2
    consultation = make_consultation(open=True)
    login(make_user())
    assert _post_answer(client, consultation, "one").status_code == 303
    assert _post_answer(client, consultation, "two").status_code == 303

    third = _post_answer(client, consultation, "three, kept for me")
    assert third.status_code == 409
    assert "three, kept for me" in third.get_data(as_text=True)
    assert _post_answer(client, consultation, "another question", position=2).status_code == 303
    assert _count(db) == 3


def test_the_limit_holds_when_two_posts_of_one_participant_race(app, db, make_user, make_consultation):
    """Two posts at the same moment (two tabs, a double tap): the second waits for the first and is counted."""
    app.config["MAX_RESPONSES_PER_QUESTION"] = 1
    slug, user_id = make_consultation(open=True).slug, make_user().id
    first_written, outcomes = threading.Event(), {}

    def post(name: str) -> None:
        with app.test_request_context():
            user = _db.session.get(User, user_id)
            target = answer_target(slug, 1)
            if name == "second":
                first_written.wait(5)
            try:
                submit_response(user, target, f"the {name} tap", "en")
            except ResponseLimitReached:
                outcomes[name] = "refused"
                _db.session.rollback()
                return
            if name == "first":
                first_written.set()
                time.sleep(0.5)  # the second arrives while the first is written but not yet committed
            _db.session.commit()
            outcomes[name] = "taken"

    threads = [threading.Thread(target=post, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert outcomes == {"first": "taken", "second": "refused"}
    assert db.session.scalars(select(Submission.body)).all() == ["the first tap"]


def test_default_limit_is_three_answers(client, login, make_user, make_consultation):
    consultation = make_consultation(open=True)
    login(make_user())
    statuses = [_post_answer(client, consultation, f"answer {n}").status_code for n in range(4)]
    assert statuses == [303, 303, 303, 409]


def test_too_long_answer_is_refused_with_its_text_kept(client, db, login, make_user, make_consultation):
    consultation = make_consultation(open=True, max_length=20)
    login(make_user())
    typed = "This answer is far longer than twenty characters."
    response = _post_answer(client, consultation, typed)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "the limit is 20" in body
    assert typed in body
    assert _count(db) == 0


def test_empty_answer_gets_a_clear_message(client, login, make_user, make_consultation):
    consultation = make_consultation(open=True)
    login(make_user())
    response = _post_answer(client, consultation, "  <b></b>  ")
    assert response.status_code == 422
    assert "Write your answer before sending it." in response.get_data(as_text=True)


def test_markup_is_stripped_and_invisible_characters_removed(client, db, login, make_user, make_consultation):
    consultation = make_consultation(open=True)
    login(make_user())
    _post_answer(client, consultation, "<script>alert(1)</script><b>Cafe\u0301</b>\u200b \u202eyes")
    assert db.session.scalar(select(Submission.body)) == "alert(1)Café yes"


def test_participant_edits_a_pending_answer(client, db, login, make_user, make_consultation, make_submission):
    consultation = make_consultation(open=True)
    participant = make_user()
    submission = make_submission(consultation.questions[0], participant, "first draft")
    login(participant)

    form = client.get(f"/responses/{submission.id}/edit").get_data(as_text=True)
    assert "first draft" in form
    response = client.post(f"/responses/{submission.id}/edit", data={"body": "second draft", "language": "fr"})
    assert response.status_code == 303
    edited = db.session.get(Submission, submission.id)
    assert (edited.body, edited.language) == ("second draft", "fr")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your answer was updated." in page.split(f'id="mine-{submission.id}"', 1)[1].split("</article>", 1)[0]


def test_participant_withdraws_a_pending_answer(client, db, login, make_user, make_consultation, make_submission):
    consultation = make_consultation(open=True)
    participant = make_user()
    submission = make_submission(consultation.questions[0], participant)
    login(participant)

    response = client.post(f"/responses/{submission.id}/withdraw", data={"confirmed": "yes"})
    assert response.status_code == 303
    assert _count(db) == 0
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your answer was withdrawn. It will not be published." in page


def test_decided_answers_cannot_be_edited_or_withdrawn(
    client, db, login, make_user, make_consultation, make_submission
):
    consultation = make_consultation(open=True)
    participant = make_user()
    approved = make_submission(consultation.questions[0], participant, "published words", SubmissionStatus.APPROVED)
    login(participant)

    response = client.post(f"/responses/{approved.id}/edit", data={"body": "sneaky change", "language": "en"})
    assert response.status_code == 409
    assert "sneaky change" in response.get_data(as_text=True)
    client.post(f"/responses/{approved.id}/withdraw", data={"confirmed": "yes"})
    assert db.session.get(Submission, approved.id).body == "published words"


def test_edits_stop_when_the_consultation_closes(
    client, db, login, make_user, make_consultation, make_submission, frozen_clock
):
    consultation = make_consultation(open=True)
    participant = make_user()
    submission = make_submission(consultation.questions[0], participant, "before the end")
    login(participant)
    frozen_clock.set(consultation.closes_at)

    response = client.post(f"/responses/{submission.id}/edit", data={"body": "after the end", "language": "en"})
    assert response.status_code == 409
    assert "after the end" in response.get_data(as_text=True)
    assert db.session.get(Submission, submission.id).body == "before the end"


def test_nobody_else_can_see_edit_or_withdraw_my_answer(
    client, db, login, make_user, make_consultation, make_submission
):
    consultation = make_consultation(open=True)
    mine = make_submission(consultation.questions[0], make_user(), "my private draft")
    login(make_user())

    assert client.get(f"/responses/{mine.id}/edit").status_code == 404
    assert client.post(f"/responses/{mine.id}/edit", data={"body": "x", "language": "en"}).status_code == 404
    assert client.post(f"/responses/{mine.id}/withdraw").status_code == 404
    page = client.get(f"/consultations/{consultation.slug}").get_data(as_text=True)
    assert "my private draft" not in page
    assert db.session.get(Submission, mine.id).body == "my private draft"


def test_anonymous_visitor_is_asked_to_log_in_before_answering(client, db, make_consultation):
    consultation = make_consultation(open=True)
    assert client.get(f"/consultations/{consultation.slug}").status_code == 200
    response = _post_answer(client, consultation, "Words typed before signing in")
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert "Words typed before signing in" in page
    assert 'href="/login' in page
    assert _count(db) == 0


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.SECRETARIAT, Role.ADMIN])
def test_staff_cannot_answer(client, db, login, make_user, make_consultation, role):
    consultation = make_consultation(open=True)
    login(make_user(role))
    assert _post_answer(client, consultation).status_code == 403
    assert _count(db) == 0


def test_unknown_question_is_404(client, login, make_user, make_consultation):
    consultation = make_consultation(open=True, questions=1)
    login(make_user())
    assert _post_answer(client, consultation, position=7).status_code == 404


def test_a_change_to_the_consultation_reaches_the_next_post_at_once(client, db, login, make_user, make_consultation,
                                                                   frozen_clock):  # fmt: skip
    consultation = make_consultation()
    login(make_user())
    assert _post_answer(client, consultation).status_code == 303  # what the post needs of it is kept now

    consultation.closes_at = clock.utcnow() - timedelta(minutes=1)  # the secretariat ends it early
    db.session.commit()
    refused = _post_answer(client, consultation, "One more idea, kept for me.")

    assert refused.status_code == 409 and "One more idea, kept for me." in refused.text
    assert db.session.scalar(select(func.count(Submission.id))) == 1
