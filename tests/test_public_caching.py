"""Anonymous readers' pages carry nothing of their own: any cache may keep them a short while, the page cache
in front of the app answers them from memory, and a change anyone could see reaches readers at once."""

from __future__ import annotations

import re

import pytest

from consult import clock
from consult.consultations.endorsements import endorse_submission
from consult.models import ConsultationTranslation, Role, Submission, SubmissionStatus
from consult.moderation.services import approve_submission
from consult.page_cache import PUBLIC_CACHE_SECONDS
from consult.public_version import read


@pytest.fixture
def consultation(make_consultation, make_submission, make_user):
    consultation = make_consultation(open=True)
    make_submission(consultation.questions[0], make_user(), "Teach us early", SubmissionStatus.APPROVED)
    return consultation


@pytest.fixture
def renders(app) -> list[str]:
    """The requests that reached Flask: the page cache answers the others before any of Flask's work."""
    seen: list[str] = []
    app.before_request(lambda: seen.append(__import__("flask").request.full_path) and None)
    return seen


def _page(consultation) -> str:
    return f"/consultations/{consultation.slug}"


def _summarised(db, make_consultation, make_submission, make_user):
    from consult.summaries.generation import generate_summary
    from consult.summaries.versions import publish_summary

    summarised = make_consultation(open=False, questions=1)
    for n in range(3):
        make_submission(summarised.questions[0], make_user(), f"Safer apps, idea {n}", SubmissionStatus.APPROVED)
    publish_summary(generate_summary(summarised, make_user(Role.SECRETARIAT)), make_user(Role.SECRETARIAT))
    db.session.commit()
    return summarised


def test_every_anonymous_page_carries_no_token_or_cookie_and_may_be_shared(
    app, db, client, consultation, make_consultation, make_submission, make_user
):
    summarised = _summarised(db, make_consultation, make_submission, make_user)
    for path in ("/", _page(consultation), "/archive", f"/archive/{summarised.slug}/v1", "/privacy"):
        for attempt in ("rendered", "from the page cache"):
            response = client.get(path)
            assert response.status_code == 200, (path, attempt)
            assert "Set-Cookie" not in response.headers, (path, attempt)
            assert "csrf_token" not in response.text, (path, attempt)
            assert response.headers["Cache-Control"] == "public, max-age=30, s-maxage=30", (path, attempt)
            assert response.headers["Vary"] == "Accept-Language, Cookie", (path, attempt)
            assert re.fullmatch(r'"[0-9a-f]{32,}"', response.headers["ETag"]), (path, attempt)
            assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_the_max_age_is_configured(app, client, consultation):
    app.config["PUBLIC_MAX_AGE"] = 5
    assert client.get(_page(consultation)).headers["Cache-Control"] == "public, max-age=5, s-maxage=5"


@pytest.mark.parametrize("path", ["/", "page", "/privacy"])
def test_an_anonymous_reader_revalidates_with_the_etag_and_gets_304(app, client, consultation, path):
    path = _page(consultation) if path == "page" else path
    first = client.get(path)

    for cache in (True, False):  # answered by the page cache in front, and by the app itself
        app.config["PUBLIC_PAGE_CACHE"] = cache
        again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304
        assert again.get_data() == b""
        assert again.headers["ETag"] == first.headers["ETag"]
        assert again.headers["Cache-Control"].startswith("public")


def test_a_change_made_outside_the_app_reaches_readers_within_the_cache_period(app, client, consultation,
                                                                             monkeypatch):  # fmt: skip
    from consult.consultations import caching

    app.config["PUBLIC_PAGE_CACHE"] = False
    first = client.get(_page(consultation))
    start = caching.seconds_now()
    period = app.config.get("PUBLIC_CACHE_SECONDS", PUBLIC_CACHE_SECONDS)
    monkeypatch.setattr(caching, "seconds_now", lambda: start + period)
    later = client.get(_page(consultation), headers={"If-None-Match": first.headers["ETag"]})

    assert later.status_code == 200 and "Teach us early" in later.text
    assert later.headers["ETag"] != first.headers["ETag"]


def test_the_page_cache_answers_a_second_reader_without_flask(app, consultation, renders):
    first, second = app.test_client(), app.test_client()

    page = first.get(_page(consultation))
    again = second.get(_page(consultation))
    head = second.head(_page(consultation))

    assert renders == [f"{_page(consultation)}?"]
    assert again.get_data() == page.get_data()
    assert again.headers["ETag"] == page.headers["ETag"]
    assert head.status_code == 200 and head.get_data() == b""
    assert head.headers["Content-Length"] == page.headers["Content-Length"]
    assert second.get(_page(consultation), headers={"If-None-Match": page.headers["ETag"]}).status_code == 304
    assert len(renders) == 1
    # Another page, another query or another language is another page.
    second.get(_page(consultation), query_string={"page": "1"})
    second.get(_page(consultation), headers={"Accept-Language": "fr"})
    assert len(renders) == 3


def test_a_moderators_approval_reaches_the_next_anonymous_reader(app, db, client, consultation, make_submission,
                                                                 make_user, renders):  # fmt: skip
    assert "Listen to young people" not in client.get(_page(consultation)).text
    pending = make_submission(consultation.questions[0], make_user(), "Listen to young people")
    client.get(_page(consultation))
    assert len(renders) == 1  # a pending answer is not public: the page has not changed

    approve_submission(db.session.get(Submission, pending.id), make_user(Role.MODERATOR))
    db.session.commit()

    assert "Listen to young people" in client.get(_page(consultation)).text
    assert len(renders) == 2


def test_each_process_reads_the_public_version_at_most_once_an_interval(app, db, client, consultation,
                                                                        make_submission, make_user):  # fmt: skip
    app.config["PUBLIC_STATE_SECONDS"] = 1
    state = app.extensions["consult_public_state"]
    now = [1000.0]
    state.monotonic = lambda: now[0]
    first = client.get(_page(consultation))
    make_submission(consultation.questions[0], make_user(), "Seen a little later", SubmissionStatus.APPROVED)

    assert "Seen a little later" not in client.get(_page(consultation)).text
    assert client.get(_page(consultation), headers={"If-None-Match": first.headers["ETag"]}).status_code == 304

    now[0] += 1.0
    assert "Seen a little later" in client.get(_page(consultation)).text


def test_a_reader_with_a_session_or_another_method_goes_to_the_app(app, client, consultation, renders):
    client.get(_page(consultation))
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "A message for this reader only")]

    response = client.get(_page(consultation))

    assert len(renders) == 2
    assert "A message for this reader only" in response.text
    assert "ETag" not in response.headers
    assert "public" not in response.headers.get("Cache-Control", "")
    # The message was shown once: the next page is theirs again, fresh, and not kept for others.
    assert "A message for this reader only" not in client.get(_page(consultation)).text


def test_what_changes_a_public_page_changes_the_public_version(app, db, consultation, make_user):
    def version() -> int:
        with db.engine.connect() as connection:
            return read(connection)[0]

    answer = db.session.scalars(db.select(Submission)).one()
    before = version()
    db.session.add(make_user())  # an account alone shows nowhere
    db.session.commit()
    assert version() == before

    endorse_submission(make_user(), answer)
    db.session.commit()
    assert version() == before + 1

    db.session.add(ConsultationTranslation(consultation_id=consultation.id, language="fr", title="Titre"))
    db.session.commit()
    assert version() == before + 2

    author = answer.author
    author.pseudonym = "Renamed Heron"
    db.session.commit()
    assert version() == before + 3


def test_a_published_summary_changes_the_etag(client, db, consultation):
    from consult.summaries.models import Summary

    first = client.get(_page(consultation))
    db.session.add(Summary(consultation_id=consultation.id, version=1, kind="generated", parameters={}, content={},
                           published_at=clock.utcnow()))  # fmt: skip
    db.session.commit()
    changed = client.get(_page(consultation), headers={"If-None-Match": first.headers["ETag"]})

    assert changed.status_code == 200
    assert changed.headers["ETag"] != first.headers["ETag"]


def test_a_consultation_opening_changes_the_pages(client, make_consultation, frozen_clock):
    from datetime import timedelta

    soon = make_consultation(opens_at=clock.utcnow() + timedelta(minutes=5))
    assert "Not open yet" in client.get(_page(soon)).text

    frozen_clock.advance(minutes=6)

    assert "Open now" in client.get(_page(soon)).text


def test_the_etag_and_the_kept_page_differ_by_language(client, consultation):
    english = client.get(_page(consultation), headers={"Accept-Language": "en"})
    french = client.get(_page(consultation), headers={"Accept-Language": "fr"})
    assert english.headers["ETag"] != french.headers["ETag"]
    assert '<html lang="fr"' in french.text
    again = client.get(_page(consultation), headers={"Accept-Language": "fr", "If-None-Match": english.headers["ETag"]})
    assert again.status_code == 200
    assert '<html lang="fr"' in again.text
    client.set_cookie("consult_lang", "ar")
    assert '<html lang="ar" dir="rtl">' in client.get(_page(consultation), headers={"Accept-Language": "fr"}).text


def test_signed_in_users_never_get_a_cached_page(client, login, make_user, consultation):
    etag = client.get(_page(consultation)).headers["ETag"]
    login(make_user())

    for path in ("/", _page(consultation), "/privacy"):
        response = client.get(path, headers={"If-None-Match": etag})
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        assert "ETag" not in response.headers
        assert "Signed in as" in response.text


def test_anonymous_readers_are_asked_to_log_in_to_report_or_endorse(client, consultation):
    page = client.get(_page(consultation)).text

    assert "Report this answer" not in page and "Endorse this answer" not in page
    assert "<select" not in page
    link = re.search(r'<a href="([^"]+)">Log in to report or endorse</a>', page).group(1)
    assert link.startswith("/login?next=") and consultation.slug in link


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


def _api(consultation) -> str:
    return f"/api/v1/consultations/{consultation.slug}/responses"


def test_open_data_is_shared_by_every_cache_and_revalidated_with_a_304(app, client, consultation, renders):
    for path in ("/api/v1/consultations", f"/api/v1/consultations/{consultation.slug}", _api(consultation)):
        first = client.get(path)
        assert first.status_code == 200 and first.is_json, path
        assert first.headers["Cache-Control"] == "public, max-age=30, s-maxage=30", path
        assert first.headers["Vary"] == "Cookie", path  # the same in every language
        assert "Set-Cookie" not in first.headers, path
        assert re.fullmatch(r'"[0-9a-f]{32,}"', first.headers["ETag"]), path
        for cache in (True, False):  # answered by the page cache in front, and by the app itself
            app.config["PUBLIC_PAGE_CACHE"] = cache
            again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
            assert again.status_code == 304 and again.get_data() == b"", path
            assert again.headers["ETag"] == first.headers["ETag"], path
        app.config["PUBLIC_PAGE_CACHE"] = True
    assert len(renders) == 6  # each path rendered once, then revalidated once by the app without the cache


def test_open_data_reads_the_same_in_every_language(client, consultation):
    english = client.get(_api(consultation), headers={"Accept-Language": "en"})
    client.set_cookie("consult_lang", "ar")
    arabic = client.get(_api(consultation), headers={"Accept-Language": "fr"})

    assert english.get_json() == arabic.get_json()
    assert english.headers["ETag"] == arabic.headers["ETag"]  # so no cache needs to keep it by language


def test_a_moderators_approval_reaches_the_next_open_data_reader(app, db, client, consultation, make_submission,
                                                                 make_user):  # fmt: skip
    first = client.get(_api(consultation))
    pending = make_submission(consultation.questions[0], make_user(), "Listen to young people")
    assert client.get(_api(consultation), headers={"If-None-Match": first.headers["ETag"]}).status_code == 304

    approve_submission(db.session.get(Submission, pending.id), make_user(Role.MODERATOR))
    db.session.commit()

    changed = client.get(_api(consultation), headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
    assert "Listen to young people" in [r["text"] for r in changed.get_json()["responses"]]


def test_open_data_for_a_signed_in_reader_is_neither_shared_nor_kept(client, login, make_user, consultation, renders):
    etag = client.get(_api(consultation)).headers["ETag"]
    login(make_user())

    response = client.get(_api(consultation), headers={"If-None-Match": etag})

    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers
    assert renders[-1].startswith(_api(consultation))  # rendered by the app, not answered from memory


def test_the_page_cache_keeps_each_host_apart(app, consultation):
    # Open data writes absolute addresses: a copy made for one host name is never served on another.
    one = app.test_client().get("/api/v1/consultations", base_url="https://one.example")
    other = app.test_client().get("/api/v1/consultations", base_url="https://other.example")

    assert "https://one.example/api/v1/" in one.get_data(as_text=True)
    assert "https://other.example/api/v1/" in other.get_data(as_text=True)
    assert "one.example" not in other.get_data(as_text=True)


@pytest.mark.parametrize("kept_first", ["en", "fr"])
def test_a_kept_page_is_never_served_to_a_reader_of_another_language(app, consultation, kept_first, renders):
    other = {"en": "fr", "fr": "en"}[kept_first]
    app.test_client().get(_page(consultation), headers={"Accept-Language": kept_first})
    # The same language said another way is the same kept page; another language never is.
    spelled_otherwise = f"{kept_first}-CA,{kept_first};q=0.9,{other};q=0.5"
    same = app.test_client().get(_page(consultation), headers={"Accept-Language": spelled_otherwise})
    assert f'<html lang="{kept_first}"' in same.text and len(renders) == 1
    reader = app.test_client()
    reader.set_cookie("consult_lang", other)  # their choice wins over what their browser says
    page = reader.get(_page(consultation), headers={"Accept-Language": kept_first})
    assert f'<html lang="{other}"' in page.text and len(renders) == 2


def test_a_signed_in_readers_page_is_never_kept_for_anyone_else(app, client, login, make_user, consultation, renders):
    login(make_user(pseudonym="Quiet Otter"))
    assert "Quiet Otter" in client.get(_page(consultation)).text

    stranger = app.test_client().get(_page(consultation))

    assert "Quiet Otter" not in stranger.text and "Signed in as" not in stranger.text
    assert renders.count(f"{_page(consultation)}?") == 2
