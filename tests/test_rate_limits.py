"""Guessing passwords and flooding sign-ups is slowed down, with a kind, translated 429."""

from __future__ import annotations

import json
import logging
import os

import pytest
from conftest import test_config as config_for

from consult import create_app
from consult.extensions import db as _db

REDIS_URL = os.environ.get("CONSULT_TEST_REDIS_URL")
STORAGES = ["memory", "redis"] if REDIS_URL else ["memory"]
if os.environ.get("CI") == "true" and not REDIS_URL:
    raise pytest.UsageError("CI=true but CONSULT_TEST_REDIS_URL is unset: the Redis limiter run may not be skipped.")


@pytest.fixture(params=STORAGES)
def storage_uri(request):
    """Counters in this process, or in Redis as when several workers or machines serve."""
    if request.param == "memory":
        return "memory://"
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    return REDIS_URL


@pytest.fixture
def limited_app(db, database_url, tmp_path, storage_uri):
    # Created after the test's own view of the database: one Limiter serves the process, and the
    # app initialised last decides whether it is on.
    config = config_for(database_url, tmp_path) | {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": storage_uri,
        "LOGIN_LIMIT_PER_ADDRESS": "6 per minute",
        "LOGIN_LIMIT_PER_ACCOUNT": "3 per minute",
        "SIGNUP_LIMIT_PER_ADDRESS": "2 per minute",
    }
    app = create_app(config)
    yield app
    with app.app_context():
        _db.engine.dispose()


def _login(client, name, address="203.0.113.7"):
    return client.post("/login", data={"username": name, "password": "wrong password 1"},
                       environ_base={"REMOTE_ADDR": address})  # fmt: skip


def test_guessing_one_accounts_password_is_slowed_from_any_address(limited_app, make_user):
    user = make_user()
    client = limited_app.test_client()
    statuses = [_login(client, user.pseudonym, f"198.51.100.{n}").status_code for n in range(4)]
    assert statuses == [422, 422, 422, 429]
    page = _login(client, user.pseudonym.upper(), "198.51.100.99")  # same account, another spelling
    assert page.status_code == 429
    assert "Please slow down" in page.get_data(as_text=True)
    # Others can still log in meanwhile.
    other = make_user()
    ok = client.post("/login", data={"username": other.pseudonym, "password": other.password},
                     environ_base={"REMOTE_ADDR": "198.51.100.5"})  # fmt: skip
    assert ok.status_code == 302


def test_one_address_trying_many_accounts_is_slowed(limited_app):
    client = limited_app.test_client()
    statuses = [_login(client, f"Someone {n}").status_code for n in range(7)]
    assert statuses[:6] == [422] * 6
    assert statuses[6] == 429
    assert _login(client, "Someone 1", "192.0.2.44").status_code == 422  # another address is not blocked


def test_a_breached_limit_is_written_to_the_security_log(limited_app, caplog):
    caplog.set_level(logging.INFO, logger="consult.security")
    client = limited_app.test_client()
    assert [_login(client, f"Someone {n}").status_code for n in range(7)][-1] == 429
    events = [json.loads(r.getMessage()) for r in caplog.records if r.name == "consult.security"]
    breaches = [e for e in events if e["event"] == "rate_limited"]
    assert breaches and breaches[0]["endpoint"] == "auth.login"


def test_sign_up_flood_from_one_address_gets_a_translated_429(limited_app, db):
    from consult.models import User

    for n in range(3):  # three browsers behind one address
        client = limited_app.test_client()
        client.set_cookie("consult_lang", "fr")
        response = client.post(
            "/signup",
            data={"pseudonym": f"Flood {n}", "password": "a long passphrase", "age": "15", "country": "FR",
                  "language": "fr", "consent": "y"},
            environ_base={"REMOTE_ADDR": "203.0.113.9"},
        )  # fmt: skip
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert 'lang="fr"' in page
    assert "Please slow down" not in page  # said in French
    assert db.session.query(User).count() == 2


def test_limiter_keys_never_contain_the_client_address(limited_app):
    from consult.client_address import client_address_key

    with limited_app.test_request_context("/", environ_base={"REMOTE_ADDR": "203.0.113.77"}):
        key = client_address_key()
    assert "203.0.113.77" not in key and key.startswith("addr:")


def test_sending_answers_too_fast_is_slowed_and_the_text_given_back(db, database_url, tmp_path, make_user,
                                                                    make_consultation):  # fmt: skip
    config = config_for(database_url, tmp_path) | {"RATELIMIT_ENABLED": True, "ANSWER_LIMIT_PER_USER": "2 per minute"}
    app = create_app(config)
    consultation = make_consultation(open=True)
    user = make_user()
    client = app.test_client()
    client.post("/login", data={"username": user.pseudonym, "password": user.password})
    url = f"/consultations/{consultation.slug}/questions/1/responses"
    statuses = [client.post(url, data={"body": f"answer {n}", "language": "en"}).status_code for n in range(3)]
    assert statuses == [303, 303, 429]
    third = client.post(url, data={"body": "my third thought, kept", "language": "en"})
    assert "my third thought, kept" in third.get_data(as_text=True)
    with app.app_context():
        _db.engine.dispose()


def test_endorsing_too_fast_is_slowed_per_account_and_per_address_with_a_translated_429(
    db, database_url, tmp_path, storage_uri, make_user, make_consultation, make_submission
):
    from consult.models import Endorsement, SubmissionStatus

    config = config_for(database_url, tmp_path) | {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": storage_uri,
        "ENDORSE_LIMIT_PER_USER": "3 per minute",
        "ENDORSE_LIMIT_PER_ADDRESS": "5 per minute",
    }
    app = create_app(config)
    consultation = make_consultation(open=True)
    answers = [make_submission(consultation.questions[0], make_user(), f"idea {n}", SubmissionStatus.APPROVED)
               for n in range(3)]  # fmt: skip

    def browser(address: str):
        user = make_user(locale="fr")
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        client.post("/login", data={"username": user.pseudonym, "password": user.password})
        return client

    def url(answer, action="endorse"):
        return f"/consultations/{consultation.slug}/responses/{answer.id}/{action}"

    # Endorsing and taking back share one allowance, so toggling cannot get round it.
    fast = browser("203.0.113.20")
    statuses = [fast.post(url(answers[0])).status_code, fast.post(url(answers[0], "endorse/withdraw")).status_code,
                fast.post(url(answers[1])).status_code, fast.post(url(answers[2])).status_code]  # fmt: skip
    assert statuses == [303, 303, 303, 429]
    page = fast.post(url(answers[2])).get_data(as_text=True)
    assert 'lang="fr"' in page and "Please slow down" not in page
    assert browser("198.51.100.20").post(url(answers[2])).status_code == 303  # another reader is not slowed

    # A whole class shares the school's address: that allowance is larger, but it ends too.
    classmates = [browser("192.0.2.30") for _ in range(3)]
    statuses = [classmate.post(url(answer)).status_code for classmate in classmates[:2] for answer in answers]
    assert statuses == [303] * 5 + [429]
    assert classmates[2].post(url(answers[0])).status_code == 429
    assert db.session.query(Endorsement).count() == 1 + 1 + 5
    with app.app_context():
        _db.engine.dispose()
