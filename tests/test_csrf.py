"""With CSRF protection on, as in production: forms work from their own pages, and only from there.

A refused form shows a translated "Your page expired" page that gives back what was typed.
"""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from consult.models import Submission, User

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
EXPIRED = "Your page expired"


@pytest.fixture
def app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def _token(client, path: str) -> str:
    return TOKEN.search(client.get(path).get_data(as_text=True)).group(1)


def _login(client, user) -> None:
    response = client.post(
        "/login",
        data={"username": user.pseudonym, "password": user.password, "csrf_token": _token(client, "/login")},
    )
    assert response.status_code == 302


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


SIGNUP = {
    "pseudonym": "Gentle Lynx 64",
    "password": "correct horse 42",
    "age": "17",
    "country": "IN",
    "language": "en",
    "consent": "y",
}


def test_forms_sent_without_their_token_are_refused_and_change_nothing(client, db, make_user):
    participant = make_user()
    attempts = {
        "/signup": SIGNUP,
        "/login": {"username": participant.pseudonym, "password": participant.password},
        "/language": {"lang": "ar", "next": "/"},
    }
    for path, data in attempts.items():
        response = client.post(path, data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 400, path
        assert EXPIRED in page, path
        assert "Please reload the page and try again." in page, path
        assert "Your text is below" not in page, path  # nothing to give back here
        assert "correct horse 42" not in page, path  # a password is never written back
        assert "consult_lang" not in " ".join(response.headers.getlist("Set-Cookie")), path

    assert _count(db, User) == 1
    page = client.get("/").get_data(as_text=True)
    assert "Signed in as" not in page
    assert '<html lang="en" dir="ltr">' in page


def test_an_answer_sent_without_its_token_is_given_back(client, db, make_user, make_consultation):
    consultation = make_consultation(open=True)
    _login(client, make_user())
    typed = "Teachers should know about cyberbullying & listen <3"

    response = client.post(
        f"/consultations/{consultation.slug}/questions/1/responses", data={"body": typed, "language": "en"}
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert EXPIRED in page
    assert "Your text is below: copy it, reload the page and send it again." in page
    assert "Teachers should know about cyberbullying &amp; listen &lt;3" in page
    assert _count(db, Submission) == 0


def test_a_token_from_another_browser_is_refused(app, db):
    other_browser = app.test_client()
    response = app.test_client().post("/signup", data={**SIGNUP, "csrf_token": _token(other_browser, "/signup")})
    assert response.status_code == 400
    assert _count(db, User) == 0


def test_the_expired_page_speaks_the_visitors_language(app, client):
    client.get("/language", query_string={"lang": "fr", "next": "/"})  # a reader's choice is a GET link
    response = client.post("/login", data={"username": "someone", "password": "something"})

    with app.test_request_context(), force_locale("fr"):
        expected = gettext("Your page expired")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert '<html lang="fr" dir="ltr">' in page
    assert f"<h1>{expected}</h1>" in page


def test_forms_sent_from_their_own_pages_work(client, db, make_consultation):
    consultation = make_consultation(open=True)

    signup = client.post("/signup", data={**SIGNUP, "csrf_token": _token(client, "/signup")})
    assert signup.status_code == 302
    assert _count(db, User) == 1

    page = f"/consultations/{consultation.slug}"
    answer = client.post(
        f"{page}/questions/1/responses",
        data={"body": "Make reporting easy", "language": "en", "csrf_token": _token(client, page)},
    )
    assert answer.status_code == 303
    assert db.session.scalar(select(Submission.body)) == "Make reporting easy"

    language = client.post("/language", data={"lang": "ar", "next": page, "csrf_token": _token(client, page)})
    assert language.status_code == 303
    assert '<html lang="ar" dir="rtl">' in client.get(page).get_data(as_text=True)

    assert client.post("/logout", data={"csrf_token": _token(client, "/logout")}).status_code == 302
    assert "Gentle Lynx 64" not in client.get("/").get_data(as_text=True)  # the header names who is in

    user = db.session.scalar(select(User))
    user.password = SIGNUP["password"]
    _login(client, user)
    assert "Gentle Lynx 64" in client.get("/").get_data(as_text=True)
