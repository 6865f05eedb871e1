"""Readers without an account revalidate the public pages with an ETag; signed-in pages are never cached."""

from __future__ import annotations

import re

import pytest

from consult.models import Role, Submission, SubmissionStatus
from consult.moderation.services import approve_submission


@pytest.fixture
def consultation(make_consultation, make_submission, make_user):
    consultation = make_consultation(open=True)
    make_submission(consultation.questions[0], make_user(), "Teach us early", SubmissionStatus.APPROVED)
    return consultation


def _page(consultation) -> str:
    return f"/consultations/{consultation.slug}"


@pytest.mark.parametrize("path", ["/", "page"])
def test_an_anonymous_reader_revalidates_with_the_etag_and_gets_304(client, consultation, path):
    path = _page(consultation) if path == "page" else path
    first = client.get(path)
    assert first.status_code == 200
    assert first.headers["ETag"]
    assert "no-cache" in first.headers["Cache-Control"]
    assert "Accept-Language" in first.headers["Vary"]

    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})

    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == first.headers["ETag"]


def test_the_home_page_needs_no_session_and_may_be_shared(client, consultation):
    response = client.get("/")
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "public, no-cache"
    assert 'name="csrf_token"' not in response.text


def test_a_page_served_from_the_cache_carries_each_readers_own_token(app, consultation):
    first, second = app.test_client(), app.test_client()
    tokens = [re.search(r'name="csrf_token" value="([^"]+)"', c.get(_page(consultation)).text).group(1)
              for c in (first, second)]  # fmt: skip
    assert tokens[0] != tokens[1]
    assert "csrf-token-slot" not in first.get(_page(consultation)).text
    # A reader's token lives in their own session: such a page is theirs, not a shared cache's.
    assert first.get(_page(consultation)).headers["Cache-Control"] == "private, no-cache"


def test_a_new_approval_changes_the_etag_and_the_page(client, db, consultation, make_submission, make_user):
    first = client.get(_page(consultation))
    pending = make_submission(consultation.questions[0], make_user(), "Listen to young people")
    moderator = make_user(role=Role.MODERATOR)

    unchanged = client.get(_page(consultation), headers={"If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304  # a pending answer is not public: nothing to fetch again

    approve_submission(db.session.get(Submission, pending.id), moderator)
    db.session.commit()
    changed = client.get(_page(consultation), headers={"If-None-Match": first.headers["ETag"]})

    assert changed.status_code == 200
    assert changed.headers["ETag"] != first.headers["ETag"]
    assert "Listen to young people" in changed.text


def test_a_published_summary_changes_the_etag(client, db, consultation):
    from consult import clock
    from consult.summaries.models import Summary

    first = client.get(_page(consultation))
    db.session.add(Summary(consultation_id=consultation.id, version=1, kind="generated", parameters={}, content={},
                           published_at=clock.utcnow()))  # fmt: skip
    db.session.commit()
    changed = client.get(_page(consultation), headers={"If-None-Match": first.headers["ETag"]})

    assert changed.status_code == 200
    assert changed.headers["ETag"] != first.headers["ETag"]


def test_during_a_surge_a_worker_reads_the_state_once_a_second(app, client, db, consultation, make_submission,
                                                               make_user):  # fmt: skip
    app.config["PUBLIC_STATE_SECONDS"] = 60
    first = client.get(_page(consultation))
    make_submission(consultation.questions[0], make_user(), "Seen a little later", SubmissionStatus.APPROVED)
    assert client.get(_page(consultation), headers={"If-None-Match": first.headers["ETag"]}).status_code == 304

    app.config["PUBLIC_STATE_SECONDS"] = 0
    assert "Seen a little later" in client.get(_page(consultation)).text


def test_the_etag_differs_by_language_and_by_page(client, consultation):
    english = client.get(_page(consultation), headers={"Accept-Language": "en"})
    french = client.get(_page(consultation), headers={"Accept-Language": "fr"})
    assert english.headers["ETag"] != french.headers["ETag"]
    assert '<html lang="fr"' in french.text
    again = client.get(_page(consultation), headers={"Accept-Language": "fr", "If-None-Match": english.headers["ETag"]})
    assert again.status_code == 200
    assert '<html lang="fr"' in again.text


def test_signed_in_users_never_get_a_cached_page(client, login, make_user, consultation):
    etag = client.get(_page(consultation)).headers["ETag"]
    login(make_user())

    for path in ("/", _page(consultation)):
        response = client.get(path, headers={"If-None-Match": etag})
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        assert "ETag" not in response.headers
        assert "Signed in as" in response.text


def test_a_reader_with_a_message_waiting_gets_it_on_a_fresh_page(client, consultation):
    etag = client.get(_page(consultation)).headers["ETag"]
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "A message for this reader only")]

    response = client.get(_page(consultation), headers={"If-None-Match": etag})

    assert response.status_code == 200
    assert "A message for this reader only" in response.text
    assert "ETag" not in response.headers


def test_a_reader_chooses_a_language_by_get_without_a_session(client, consultation):
    home = client.get("/").text
    assert re.search(r'<form method="get" action="/language" class="wrap languages"', home)
    assert 'button type="submit" name="lang" value="ar"' in home

    response = client.get("/language", query_string={"lang": "ar", "next": _page(consultation)})

    assert response.status_code == 303
    assert response.headers["Location"] == _page(consultation)
    cookies = " ".join(response.headers.getlist("Set-Cookie"))
    assert "consult_lang=ar" in cookies
    assert "session" not in cookies
    assert '<html lang="ar" dir="rtl">' in client.get("/").text


def test_a_language_link_cannot_send_a_reader_elsewhere_or_set_nonsense(client):
    response = client.get("/language", query_string={"lang": "xx", "next": "//evil.example"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "consult_lang" not in " ".join(response.headers.getlist("Set-Cookie"))


def test_a_language_link_does_not_change_a_signed_in_account(client, db, login, make_user):
    participant = make_user(locale="en")
    login(participant)
    assert re.search(r'<form method="post" action="/language" class="wrap languages"', client.get("/").text)

    client.get("/language", query_string={"lang": "fr", "next": "/"})

    assert db.session.get(type(participant), participant.id).locale == "en"
