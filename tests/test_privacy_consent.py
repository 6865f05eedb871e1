"""When the privacy notice changes, participants who agreed to an earlier one see what is new and can agree again."""

from __future__ import annotations

from consult.models import Role, User

OLD_VERSION = "2026-01"


def test_a_participant_who_agreed_to_an_earlier_notice_sees_what_is_new_and_can_agree(
    app, client, db, login, make_user, frozen_clock
):
    participant = make_user(consent_version=OLD_VERSION)
    login(participant)
    page = client.get("/privacy").text
    assert "What is new in this version" in page and "I have read the new privacy notice and I agree." in page
    assert page.count('action="/privacy/agree"') == 1
    assert "<title>Privacy notice · consult</title>" in page

    refused = client.post("/privacy/agree", data={})
    assert refused.status_code == 422
    assert "Tick the box to agree" in refused.text
    assert db.session.get(User, participant.id).consent_version == OLD_VERSION

    frozen_clock.advance(minutes=3)
    agreed = client.post("/privacy/agree", data={"consent": "y"})
    assert agreed.status_code == 303
    db.session.expire_all()
    user = db.session.get(User, participant.id)
    assert user.consent_version == app.config["PRIVACY_NOTICE_VERSION"]
    assert user.consented_at == frozen_clock.now
    assert "What is new in this version" not in client.get("/privacy").text
    assert client.get("/account/data.json").json["account"]["privacy_notice_version"] == user.consent_version


def test_readers_staff_and_up_to_date_participants_are_not_asked(client, login, make_user):
    assert "What is new in this version" not in client.get("/privacy").text
    assert client.post("/privacy/agree", data={"consent": "y"}).status_code in (302, 401)

    login(make_user())
    assert "What is new in this version" not in client.get("/privacy").text

    login(make_user(Role.MODERATOR))
    assert "What is new in this version" not in client.get("/privacy").text
    assert client.post("/privacy/agree", data={"consent": "y"}).status_code == 403


def test_agreeing_needs_the_csrf_token(app, login, make_user):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    participant = make_user(consent_version=OLD_VERSION)
    client.post("/login", data={"username": participant.pseudonym, "password": participant.password})
    assert client.post("/privacy/agree", data={"consent": "y"}).status_code == 400


def test_every_page_tells_a_participant_with_an_older_agreement_until_they_agree(client, login, make_user):
    login(make_user(consent_version=OLD_VERSION))
    assert "Our privacy notice has changed." in client.get("/").text
    assert "Our privacy notice has changed." in client.get("/account").text
    assert client.post("/privacy/agree", data={"consent": "y"}).status_code == 303
    assert "Our privacy notice has changed." not in client.get("/").text
