"""A participant can download everything kept about them, and delete their account."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from consult.models import Role, Submission, SubmissionStatus, User


def test_participant_downloads_all_their_data_as_json(client, login, make_user, make_consultation, make_submission):
    consultation = make_consultation(open=True)
    me = make_user(country="PE")
    make_submission(consultation.questions[0], me, "My first answer")
    make_submission(consultation.questions[1], me, "My published answer", SubmissionStatus.APPROVED)
    make_submission(consultation.questions[0], make_user(), "Someone else's words")
    login(me)

    response = client.get("/account/data.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["pseudonym"] == me.pseudonym
    assert data["account"]["country"] == "PE"
    assert sorted(a["answer"] for a in data["answers"]) == ["My first answer", "My published answer"]
    assert "Someone else's words" not in response.get_data(as_text=True)
    assert "password" not in response.get_data(as_text=True)


def test_an_escalated_answer_still_looks_waiting_in_the_download(client, login, make_user, make_consultation,
                                                                  make_submission):  # fmt: skip
    consultation = make_consultation(open=True)
    me = make_user()
    make_submission(consultation.questions[0], me, "I am scared at home", SubmissionStatus.ESCALATED)
    login(me)
    data = json.loads(client.get("/account/data.json").get_data(as_text=True))
    assert [a["status"] for a in data["answers"]] == ["pending"]


def test_deleting_an_account_removes_unpublished_answers_and_anonymises_published_ones(
    client, db, login, make_user, make_consultation, make_submission
):
    consultation = make_consultation(open=True)
    me = make_user()
    make_submission(consultation.questions[0], me, "Still waiting")
    make_submission(consultation.questions[0], me, "Turned down", SubmissionStatus.REJECTED)
    published = make_submission(consultation.questions[1], me, "Already public", SubmissionStatus.APPROVED)
    me_id, my_name = me.id, me.pseudonym
    login(me)

    page = client.get("/account").get_data(as_text=True)
    assert "former participant" in page
    response = client.post("/account/delete", data={"password": me.password, "confirm": "y"})
    assert response.status_code == 303

    assert db.session.get(User, me_id) is None
    remaining = db.session.scalars(select(Submission)).all()
    assert [s.id for s in remaining] == [published.id]
    assert remaining[0].author_id is None
    public = client.get(f"/consultations/{consultation.slug}").get_data(as_text=True)
    assert "Already public" in public and my_name not in public and "Former participant" in public
    assert client.get("/account").status_code == 302  # logged out


def test_deleting_needs_the_password_and_the_confirmation(client, db, login, make_user):
    me = make_user()
    login(me)
    assert client.post("/account/delete", data={"password": "not my password", "confirm": "y"}).status_code == 422
    assert client.post("/account/delete", data={"password": me.password}).status_code == 422
    assert db.session.get(User, me.id) is not None


def test_the_account_page_is_for_participants(client, login, make_user):
    assert client.get("/account").status_code == 302
    login(make_user(Role.MODERATOR))
    assert client.get("/account").status_code == 403
    assert client.post("/account/delete", data={"password": "x", "confirm": "y"}).status_code == 403


def test_changing_the_password_ends_every_other_session(app, client, login, make_user):
    me = make_user()
    login(me)
    other_device = app.test_client()
    other_device.post("/login", data={"username": me.pseudonym, "password": me.password})
    assert me.pseudonym in other_device.get("/").get_data(as_text=True)

    new = {"current_password": me.password, "new_password": "a brand new passphrase"}
    response = client.post("/account/password", data=new)
    assert response.status_code == 303
    assert me.pseudonym in client.get("/").get_data(as_text=True)  # this browser stays in
    assert me.pseudonym not in other_device.get("/").get_data(as_text=True)  # the other one is out
    assert other_device.post("/login", data={"username": me.pseudonym, "password": me.password}).status_code == 422
    relog = other_device.post("/login", data={"username": me.pseudonym, "password": "a brand new passphrase"})
    assert relog.status_code == 302


def test_changing_the_password_needs_the_current_one_and_a_strong_new_one(client, login, make_user):
    from consult.models import Role

    staff = make_user(Role.SECRETARIAT)
    login(staff)
    wrong = client.post("/account/password", data={"current_password": "nope nope", "new_password": "fine passphrase"})
    assert wrong.status_code == 422
    common = client.post("/account/password", data={"current_password": staff.password, "new_password": "password1"})
    assert common.status_code == 422
    assert "one of the most common" in common.get_data(as_text=True)


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_the_privacy_notice_says_what_is_kept_the_rights_and_for_how_long(app, client, language):
    app.config["RETENTION_DAYS"] = 200
    client.set_cookie("consult_lang", language)
    page = client.get("/privacy", headers={"Accept-Language": language})
    assert page.status_code == 200
    text = page.text
    assert app.config["PRIVACY_NOTICE_VERSION"] in text
    assert "200" in text  # the configured retention period, not a number written into the text
    if language == "en":
        assert "never who gave them" in text  # endorsements
        assert "download everything we keep about you" in text and "delete your account" in text
        assert "200 days after the meeting" in text
    else:
        assert "never who gave them" not in text and "200 days after the meeting" not in text
