"""Participants endorse others' published answers while a consultation is open; everyone sees the counts."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from consult.consultations.endorsements import EndorsementRefused, endorse_submission, withdraw_endorsement
from consult.models import ConsultationStatus, Endorsement, Role, Submission, SubmissionStatus, User
from consult.retention import purge

ENDORSE = "Endorse this answer"
TAKE_BACK = "Take back my endorsement"


def _url(consultation, submission, action="endorse", **query) -> str:
    path = f"/consultations/{consultation.slug}/responses/{submission.id}/endorse"
    path += "/withdraw" if action == "withdraw" else ""
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _signed_in(app, user):
    browser = app.test_client()
    assert browser.post("/login", data={"username": user.pseudonym, "password": user.password}).status_code == 302
    return browser


def _endorsements(db, submission=None) -> int:
    query = select(func.count(Endorsement.id))
    if submission is not None:
        query = query.where(Endorsement.submission_id == submission.id)
    return db.session.scalar(query)


def _answer_card(page: str, submission) -> str:
    """The published answer's card on the page, from its text to the end of the card."""
    match = re.search(rf'id="response-{submission.id}".*?</article>', page, re.DOTALL)
    assert match, f"answer {submission.id} is not on the page"
    return match.group(0)


@pytest.fixture
def author(make_user):
    return make_user(pseudonym="Answering Otter")


@pytest.fixture
def published(author, make_consultation, make_submission):
    consultation = make_consultation(open=True)
    answer = make_submission(consultation.questions[0], author, "Teach online safety early", SubmissionStatus.APPROVED)
    return consultation, answer


def test_a_participant_endorses_an_answer_and_everyone_sees_the_count(app, client, db, published, make_user):
    consultation, answer = published
    page = client.get(f"/consultations/{consultation.slug}").text
    assert "0 endorsements" in _answer_card(page, answer)
    assert ENDORSE not in page  # readers without an account only see the count

    reader = _signed_in(app, make_user())
    assert ENDORSE in _answer_card(reader.get(f"/consultations/{consultation.slug}").text, answer)
    response = reader.post(_url(consultation, answer))

    assert response.status_code == 303
    assert response.headers["Location"] == f"/consultations/{consultation.slug}#response-{answer.id}"
    assert _endorsements(db, answer) == 1
    card = _answer_card(reader.get(f"/consultations/{consultation.slug}").text, answer)
    assert "1 endorsement<" in card
    assert "You endorsed this answer." in card and TAKE_BACK in card and ENDORSE not in card
    assert "1 endorsement<" in _answer_card(client.get(f"/consultations/{consultation.slug}").text, answer)

    _signed_in(app, make_user()).post(_url(consultation, answer))
    assert "2 endorsements" in _answer_card(client.get(f"/consultations/{consultation.slug}").text, answer)


def test_the_buttons_say_what_they_do_and_carry_the_csrf_token(app, published, make_user):
    consultation, answer = published
    reader = _signed_in(app, make_user())
    card = _answer_card(reader.get(f"/consultations/{consultation.slug}").text, answer)
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', card, re.DOTALL)
    assert form.group(1) == _url(consultation, answer)
    assert 'name="csrf_token"' in form.group(2)
    assert f'<button type="submit" aria-describedby="endorsements-{answer.id}">{ENDORSE}</button>' in form.group(2)
    assert f'id="endorsements-{answer.id}"' in card


def test_endorsing_twice_counts_once(app, db, published, make_user):
    consultation, answer = published
    reader = _signed_in(app, make_user())
    assert reader.post(_url(consultation, answer)).status_code == 303
    again = reader.post(_url(consultation, answer), follow_redirects=True)
    assert again.status_code == 200
    assert _endorsements(db, answer) == 1
    assert "1 endorsement<" in _answer_card(again.text, answer)


def test_an_endorsement_can_be_taken_back_and_given_again(app, db, published, make_user):
    consultation, answer = published
    reader = _signed_in(app, make_user())
    reader.post(_url(consultation, answer))

    taken_back = reader.post(_url(consultation, answer, "withdraw"), follow_redirects=True)
    assert "You took back your endorsement." in taken_back.text
    assert _endorsements(db, answer) == 0
    card = _answer_card(taken_back.text, answer)
    assert "0 endorsements" in card and ENDORSE in card and TAKE_BACK not in card
    # Taking back what is not there changes nothing and says nothing.
    nothing = reader.post(_url(consultation, answer, "withdraw"), follow_redirects=True)
    assert nothing.status_code == 200 and "You took back" not in nothing.text

    reader.post(_url(consultation, answer))
    assert _endorsements(db, answer) == 1


def test_nobody_can_endorse_their_own_answer(app, db, published, author):
    consultation, answer = published
    browser = _signed_in(app, author)
    card = _answer_card(browser.get(f"/consultations/{consultation.slug}").text, answer)
    assert ENDORSE not in card and "0 endorsements" in card

    response = browser.post(_url(consultation, answer), follow_redirects=True)
    assert "You cannot endorse your own answer." in response.text
    assert _endorsements(db) == 0


@pytest.mark.parametrize("status", [SubmissionStatus.PENDING, SubmissionStatus.REJECTED, SubmissionStatus.ESCALATED])
def test_an_answer_that_is_not_published_cannot_be_endorsed_nor_found(app, db, published, make_user,
                                                                        make_submission, status):  # fmt: skip
    consultation, _answer = published
    hidden = make_submission(consultation.questions[0], make_user(), "Not for the public", status)
    reader = _signed_in(app, make_user())
    assert reader.post(_url(consultation, hidden)).status_code == 404
    assert reader.post(_url(consultation, hidden, "withdraw")).status_code == 404
    assert _endorsements(db) == 0


def test_an_answer_is_endorsed_through_its_own_published_consultation_only(app, db, published, make_user,
                                                                           make_consultation):  # fmt: skip
    consultation, answer = published
    other = make_consultation(open=True)
    draft = make_consultation(open=True, status=ConsultationStatus.DRAFT)
    reader = _signed_in(app, make_user())
    assert reader.post(_url(other, answer)).status_code == 404
    assert reader.post(_url(draft, answer)).status_code == 404
    assert reader.post(f"/consultations/{consultation.slug}/responses/999999/endorse").status_code == 404
    assert _endorsements(db) == 0


def test_an_answer_taken_down_after_reports_cannot_be_endorsed_until_published_again(app, db, published,
                                                                                     make_user):  # fmt: skip
    consultation, answer = published
    reader = _signed_in(app, make_user())
    reader.post(_url(consultation, answer))
    db.session.get(Submission, answer.id).status = SubmissionStatus.PENDING
    db.session.commit()

    assert reader.post(_url(consultation, answer, "withdraw")).status_code == 404
    assert _endorsements(db, answer) == 1  # kept, and counted again if a moderator publishes it again

    db.session.get(Submission, answer.id).status = SubmissionStatus.APPROVED
    db.session.commit()
    assert "1 endorsement<" in _answer_card(reader.get(f"/consultations/{consultation.slug}").text, answer)


def test_a_closed_consultation_shows_its_counts_but_they_no_longer_change(frozen_clock, app, db, published,
                                                                          make_user):  # fmt: skip
    consultation, answer = published
    early, late = make_user(), make_user()
    _signed_in(app, early).post(_url(consultation, answer))

    frozen_clock.advance(days=2)
    for reader in (_signed_in(app, early), _signed_in(app, late)):
        card = _answer_card(reader.get(f"/consultations/{consultation.slug}").text, answer)
        assert "1 endorsement<" in card and ENDORSE not in card and TAKE_BACK not in card
    assert "You endorsed this answer." in _answer_card(
        _signed_in(app, early).get(f"/consultations/{consultation.slug}").text, answer
    )

    refused = _signed_in(app, late).post(_url(consultation, answer), follow_redirects=True)
    assert "This consultation is closed, so endorsements can no longer change." in refused.text
    refused = _signed_in(app, early).post(_url(consultation, answer, "withdraw"), follow_redirects=True)
    assert "This consultation is closed" in refused.text
    assert _endorsements(db, answer) == 1


def test_the_endorsement_needs_the_pages_csrf_token(app, db, published, make_user):
    consultation, answer = published
    reader = _signed_in(app, make_user())
    app.config["WTF_CSRF_ENABLED"] = True

    assert reader.post(_url(consultation, answer)).status_code == 400
    assert _endorsements(db) == 0

    page = reader.get(f"/consultations/{consultation.slug}").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', _answer_card(page, answer)).group(1)
    assert reader.post(_url(consultation, answer), data={"csrf_token": token}).status_code == 303
    assert _endorsements(db) == 1


def test_a_reader_without_an_account_is_asked_to_log_in(client, db, published):
    consultation, answer = published
    response = client.post(_url(consultation, answer))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert _endorsements(db) == 0


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.SECRETARIAT, Role.ADMIN])
def test_staff_cannot_endorse(app, db, published, make_user, role):
    consultation, answer = published
    staff = _signed_in(app, make_user(role))
    assert staff.post(_url(consultation, answer)).status_code == 403
    assert staff.post(_url(consultation, answer, "withdraw")).status_code == 403
    assert ENDORSE not in staff.get(f"/consultations/{consultation.slug}").text
    assert _endorsements(db) == 0


def test_after_endorsing_the_reader_is_back_on_the_same_page_of_answers(app, db, published, make_user,
                                                                        make_submission):  # fmt: skip
    consultation, first = published
    app.config["RESPONSES_PER_PAGE"] = 1
    second = make_submission(consultation.questions[1], make_user(), "Ask us first", SubmissionStatus.APPROVED)
    reader = _signed_in(app, make_user())
    page_two = reader.get(f"/consultations/{consultation.slug}?page=2").text
    assert f'action="{_url(consultation, second, page=2)}"' in page_two

    response = reader.post(_url(consultation, second, page=2))

    assert response.headers["Location"] == f"/consultations/{consultation.slug}?page=2#response-{second.id}"
    assert _endorsements(db, second) == 1 and _endorsements(db, first) == 0
    taken_back = reader.post(_url(consultation, second, "withdraw", page=2))
    assert taken_back.headers["Location"] == f"/consultations/{consultation.slug}?page=2#response-{second.id}"
    assert reader.post(_url(consultation, second, page="x")).status_code == 404


def test_an_endorsement_changes_what_readers_without_an_account_see(app, client, db, published, make_user):
    consultation, answer = published
    first = client.get(f"/consultations/{consultation.slug}")
    assert client.get(f"/consultations/{consultation.slug}",
                      headers={"If-None-Match": first.headers["ETag"]}).status_code == 304  # fmt: skip

    reader = _signed_in(app, make_user())
    reader.post(_url(consultation, answer))
    endorsed = client.get(f"/consultations/{consultation.slug}", headers={"If-None-Match": first.headers["ETag"]})
    assert endorsed.status_code == 200
    assert endorsed.headers["ETag"] != first.headers["ETag"]
    assert "1 endorsement<" in _answer_card(endorsed.text, answer)

    reader.post(_url(consultation, answer, "withdraw"))
    taken_back = client.get(f"/consultations/{consultation.slug}", headers={"If-None-Match": endorsed.headers["ETag"]})
    assert taken_back.status_code == 200
    assert "0 endorsements" in _answer_card(taken_back.text, answer)


def test_the_etag_changes_when_the_newest_endorsement_is_replaced_by_another(app, client, db, published, make_user,
                                                                            make_submission):  # fmt: skip
    """Same count, other answer: endorsement ids are never used again, so readers still see the change."""
    consultation, first = published
    second = make_submission(consultation.questions[0], make_user(), "Ask us first", SubmissionStatus.APPROVED)
    reader = _signed_in(app, make_user())
    reader.post(_url(consultation, first))
    before = client.get(f"/consultations/{consultation.slug}")

    reader.post(_url(consultation, first, "withdraw"))
    reader.post(_url(consultation, second))
    after = client.get(f"/consultations/{consultation.slug}", headers={"If-None-Match": before.headers["ETag"]})

    assert after.status_code == 200
    assert "1 endorsement<" in _answer_card(after.text, second)
    assert "0 endorsements" in _answer_card(after.text, first)


def test_endorsements_are_counted_never_shown_per_person(app, client, db, published, make_user):
    consultation, answer = published
    _signed_in(app, make_user(pseudonym="Quiet Heron")).post(_url(consultation, answer))
    assert "Quiet Heron" not in client.get(f"/consultations/{consultation.slug}").text
    api = client.get(f"/api/v1/consultations/{consultation.slug}/responses").text
    assert "Quiet Heron" not in api and "Answering Otter" not in api


def test_the_api_gives_each_published_answers_endorsement_count(app, client, published, make_user, make_submission):
    consultation, answer = published
    other = make_submission(consultation.questions[1], make_user(), "Ask us first", SubmissionStatus.APPROVED)
    for _ in range(2):
        _signed_in(app, make_user()).post(_url(consultation, answer))

    responses = client.get(f"/api/v1/consultations/{consultation.slug}/responses").json["responses"]

    assert {r["id"]: r["endorsements"] for r in responses} == {answer.id: 2, other.id: 0}


def test_the_data_download_lists_my_endorsements_and_nobody_elses(app, published, make_user, make_submission):
    consultation, answer = published
    me, someone = make_user(), make_user()
    make_submission(consultation.questions[1], someone, "Ask us first", SubmissionStatus.APPROVED)
    browser = _signed_in(app, me)
    browser.post(_url(consultation, answer))
    _signed_in(app, someone).post(_url(consultation, answer))

    data = json.loads(browser.get("/account/data.json").get_data(as_text=True))

    assert len(data["endorsements"]) == 1
    mine = data["endorsements"][0]
    assert mine["consultation"] == consultation.slug
    assert mine["endorsed_answer"] == "Teach online safety early"
    assert mine["endorsed_at"]
    assert "Answering Otter" not in json.dumps(data)  # whose answer it was is not the reader's data
    theirs = json.loads(_signed_in(app, someone).get("/account/data.json").get_data(as_text=True))
    assert [e["endorsed_answer"] for e in theirs["endorsements"]] == ["Teach online safety early"]
    assert "Ask us first" not in json.dumps(data)  # someone else's answer I did not endorse


def test_deleting_an_account_removes_its_endorsements(app, db, published, make_user):
    consultation, answer = published
    me = make_user()
    stays = make_user()
    browser = _signed_in(app, me)
    browser.post(_url(consultation, answer))
    _signed_in(app, stays).post(_url(consultation, answer))

    response = browser.post("/account/delete", data={"password": me.password, "confirm": "y"})

    assert response.status_code == 303
    assert db.session.scalars(select(Endorsement.user_id)).all() == [stays.id]
    page = app.test_client().get(f"/consultations/{consultation.slug}").text
    assert "1 endorsement<" in _answer_card(page, answer)


def test_endorsements_of_a_deleted_answer_go_with_it(app, db, published, make_user):
    consultation, answer = published
    _signed_in(app, make_user()).post(_url(consultation, answer))
    db.session.delete(db.session.get(Submission, answer.id))
    db.session.commit()
    assert _endorsements(db) == 0


def test_purging_an_idle_account_removes_its_endorsements_and_a_recent_endorsement_is_a_sign_of_life(
    frozen_clock, app, db, published, make_user
):
    consultation, answer = published
    idle, endorser = make_user(pseudonym="Idle Reader"), make_user(pseudonym="Recent Reader")
    for user in (idle, endorser):
        _signed_in(app, user).post(_url(consultation, answer))
    for user in (idle, endorser):
        db.session.get(User, user.id).created_at -= timedelta(days=400)
    for endorsement in db.session.scalars(select(Endorsement).where(Endorsement.user_id == idle.id)):
        endorsement.created_at -= timedelta(days=400)
    db.session.commit()

    counts = purge(frozen_clock.now, 365)
    db.session.commit()

    assert counts.accounts == 1
    assert db.session.get(User, idle.id) is None
    assert db.session.scalars(select(Endorsement.user_id)).all() == [endorser.id]


def test_the_rules_hold_for_any_caller_not_only_the_page(db, published, make_user):
    _consultation, answer = published
    submission = db.session.get(Submission, answer.id)
    with pytest.raises(EndorsementRefused):
        endorse_submission(db.session.get(User, make_user(Role.MODERATOR).id), submission)
    reader = db.session.get(User, make_user().id)

    assert endorse_submission(reader, submission) is True
    assert endorse_submission(reader, submission) is False
    assert withdraw_endorsement(reader, submission) is True
    assert withdraw_endorsement(reader, submission) is False
    db.session.rollback()


def test_the_database_keeps_one_endorsement_per_participant_and_answer(db, published, make_user):
    _consultation, answer = published
    reader = make_user()
    db.session.add(Endorsement(submission_id=answer.id, user_id=reader.id))
    db.session.commit()
    db.session.add(Endorsement(submission_id=answer.id, user_id=reader.id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
