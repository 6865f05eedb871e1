"""Signing up with a pseudonym, logging in and out, choosing a language, and who may open staff pages."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from consult.models import Role, User

SIGNED_IN = "Signed in as"
NO_MATCH = "That pseudonym and password do not match. Please try again."


def _signup(client, **fields):
    data = {
        "pseudonym": "Quiet Heron 21",
        "password": "correct horse 42",
        "age": "16",
        "country": "KE",
        "language": "en",
        "consent": "y",
    }
    data.update(fields)
    return client.post("/signup", data={k: v for k, v in data.items() if v is not None})


def _users(db) -> int:
    return db.session.scalar(select(func.count(User.id)))


def _cookies(response) -> str:
    return " ".join(response.headers.getlist("Set-Cookie"))


def _html_tag(page: str) -> str:
    return re.search(r"<html[^>]*>", page).group(0)


# Sign-up


def test_signup_offers_a_friendly_pseudonym(client):
    page = client.get("/signup").get_data(as_text=True)
    suggestion = re.search(r'name="pseudonym"[^>]*value="([^"]*)"', page).group(1)
    assert re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+ \d{2}", suggestion), suggestion


def test_signup_asks_for_no_email_real_name_or_birth_date(client, db):
    page = client.get("/signup").get_data(as_text=True)
    fields = set(re.findall(r'<(?:input|select|textarea)[^>]*name="([^"]+)"', page))
    assert fields >= {"pseudonym", "password", "age", "country", "language", "consent"}
    # publication_notices: a tick box (told on the account page, never by e-mail)
    assert fields <= {"pseudonym", "password", "age", "country", "language", "consent", "publication_notices",
                      "csrf_token", "lang", "next"}  # fmt: skip

    columns = {column["name"] for column in sa.inspect(db.engine).get_columns("users")}
    words = {word for column in columns for word in column.split("_")}
    assert not words & {"email", "mail", "name", "birth", "birthday", "birthdate", "dob", "phone", "ip", "address"}
    assert "age" not in columns and "age_band" in columns


def test_signing_up_keeps_the_age_band_and_consent_and_logs_in(client, db, app, frozen_clock):
    response = _signup(client, pseudonym="Quiet Heron 21", age="16", country="BR", language="es")
    assert response.status_code == 302

    user = db.session.scalar(select(User))
    profile = (user.pseudonym, user.role, user.age_band, user.country, user.locale)
    assert profile == ("Quiet Heron 21", Role.PARTICIPANT, "16-17", "BR", "es")
    assert user.consent_version == app.config["PRIVACY_NOTICE_VERSION"]
    assert user.consented_at == frozen_clock.now
    assert user.password_hash and "correct horse 42" not in user.password_hash

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Quiet Heron 21" in page
    assert _html_tag(page) == '<html lang="es" dir="ltr">'


def test_only_the_age_band_is_kept(app, db):
    expected = {13: "13-15", 15: "13-15", 16: "16-17", 17: "16-17", 18: "18-24", 24: "18-24"}
    for age in expected:
        assert _signup(app.test_client(), pseudonym=f"Age Test {age}", age=str(age)).status_code == 302
    bands = dict(db.session.execute(select(User.pseudonym, User.age_band)).all())
    assert bands == {f"Age Test {age}": band for age, band in expected.items()}


@pytest.mark.parametrize(
    "clashing", ["brave otter 47", "BRAVE OTTER 47", "  Brave   Otter\t47 ", "Ｂｒａｖｅ Ｏｔｔｅｒ ４７"]
)
def test_pseudonyms_clash_whatever_their_case_width_or_spacing(client, db, make_user, clashing):
    make_user(pseudonym="Brave Otter 47")
    response = _signup(client, pseudonym=clashing)
    assert response.status_code == 422
    assert "This pseudonym cannot be used" in response.get_data(as_text=True)
    assert "This one is free: " in response.get_data(as_text=True)
    assert _users(db) == 1


def test_a_pseudonym_taken_a_moment_before_is_refused_kindly(client, db, make_user, monkeypatch):
    make_user(pseudonym="Brave Otter 47")
    # The other sign-up lands between our check and our insert.
    monkeypatch.setattr("consult.auth.forms.pseudonym_taken", lambda pseudonym: False)
    response = _signup(client, pseudonym="brave otter 47")
    assert response.status_code == 422
    assert "This pseudonym cannot be used" in response.get_data(as_text=True)
    assert _users(db) == 1


def test_a_pseudonym_of_many_wide_letters_is_refused_kindly(client, db):
    # Each "ﷺ" compares as 18 letters; five of them must not overflow the comparison key.
    response = _signup(client, pseudonym="ﷺ ﷺ ﷺ ﷺ ﷺ")
    assert response.status_code == 422
    assert "Your pseudonym is too long" in response.get_data(as_text=True)
    assert _users(db) == 0


@pytest.mark.parametrize("age", ["25", "40", "120"])
def test_an_adult_is_told_kindly_that_everything_can_be_read_without_an_account(client, db, age):
    response = _signup(client, pseudonym="Curious Parent 40", age=age)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "These consultations are for young people aged 13 to 24" in page
    assert "You can read everything without an account" in page
    assert "Curious Parent 40" not in page  # nothing typed is kept, or shown back
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_the_age_range_is_configured(app, client, db):
    app.config["MAX_AGE"] = 30
    assert _signup(client, pseudonym="Grown Up 30", age="30").status_code == 302


def test_sign_up_says_a_forgotten_password_cannot_be_recovered(client):
    page = client.get("/signup").get_data(as_text=True)
    assert "A forgotten password cannot be recovered" in page
    assert "write your pseudonym and password down" in page


def test_someone_too_young_is_told_kindly_and_nothing_is_kept(client, db):
    response = _signup(client, pseudonym="Little Owl 12", age="12")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "for people aged 13 and older" in page
    assert "Little Owl 12" not in page
    assert _users(db) == 0
    with client.session_transaction() as session:
        assert "Little Owl 12" not in repr(dict(session))
    assert SIGNED_IN not in client.get("/").get_data(as_text=True)


def test_the_minimum_age_follows_the_configuration(app, db):
    app.config["MIN_AGE"] = 16
    refused = _signup(app.test_client(), pseudonym="Fifteen Fox", age="15")
    assert refused.status_code == 200
    assert "for people aged 16 and older" in refused.get_data(as_text=True)
    assert _users(db) == 0

    assert _signup(app.test_client(), pseudonym="Sixteen Fox", age="16").status_code == 302
    assert db.session.scalar(select(User.pseudonym)) == "Sixteen Fox"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"password": "seven77"}, "Your password must be 8 to 128 characters long."),
        ({"consent": None}, "You need to agree to the privacy notice to take part."),
        ({"age": None}, "Tell us your age in years."),
        ({"age": "fifteen"}, "Enter your age in years, for example 15."),
        ({"country": "EU"}, "Not a valid choice"),
        ({"language": "de"}, "Not a valid choice"),
        ({"pseudonym": "<b> </b>"}, "Choose a pseudonym."),
        ({"pseudonym": "Al"}, "Your pseudonym must be 3 to 40 characters long."),
        ({"pseudonym": "me@example.org"}, "Use only letters, numbers, spaces and - _ . ' in your pseudonym."),
    ],
)
def test_incomplete_signup_is_refused_with_a_message_and_nothing_kept(client, db, fields, message):
    response = _signup(client, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _users(db) == 0


def test_a_nonsense_age_gets_one_clear_message(client):
    page = _signup(client, age="fifteen").get_data(as_text=True)
    assert "Not a valid integer" not in page
    assert page.count("Enter your age in years, for example 15.") == 1


def test_countries_are_iso_codes_and_languages_the_six_un_ones(client):
    page = client.get("/signup").get_data(as_text=True)
    country_select = re.search(r'<select[^>]*name="country".*?</select>', page, re.S).group(0)
    codes = set(re.findall(r'<option[^>]*value="([^"]*)"', country_select)) - {""}
    assert {"KE", "BR", "CN", "SA", "FR", "RU", "IN", "US"} <= codes
    assert all(re.fullmatch("[A-Z]{2}", code) for code in codes)
    assert not codes & {"EU", "UN", "XK", "ZZ", "EZ", "QO"}
    assert 240 <= len(codes) <= 260

    language_select = re.search(r'<select[^>]*name="language".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option[^>]*value="([^"]*)"', language_select) == ["ar", "zh", "en", "fr", "ru", "es"]


# Logging in and out


def test_participant_logs_in_with_pseudonym_and_password(client, make_user):
    participant = make_user(pseudonym="Calm Panda 33")
    response = client.post("/login", data={"username": "calm panda 33", "password": participant.password})
    assert response.status_code == 302
    assert f"{SIGNED_IN} Calm Panda 33" in client.get("/").get_data(as_text=True)


def test_an_accented_password_works_from_a_keyboard_that_composes_it_differently(app, client):
    assert _signup(client, pseudonym="Curious Koala 55", password="Caf\u00e9 con leche").status_code == 302
    other_device = app.test_client()
    response = other_device.post("/login", data={"username": "Curious Koala 55", "password": "Cafe\u0301 con leche"})
    assert response.status_code == 302


def test_wrong_password_and_unknown_pseudonym_get_the_same_answer(app, make_user):
    participant = make_user()
    wrong_password, unknown = app.test_client(), app.test_client()
    refusals = [
        wrong_password.post("/login", data={"username": participant.pseudonym, "password": "nope nope"}),
        unknown.post("/login", data={"username": "Nobody At All", "password": "nope nope"}),
    ]
    assert [r.status_code for r in refusals] == [422, 422]
    assert [NO_MATCH in r.get_data(as_text=True) for r in refusals] == [True, True]
    for client in (wrong_password, unknown):
        assert SIGNED_IN not in client.get("/").get_data(as_text=True)


def test_an_unknown_pseudonym_costs_the_same_password_check_as_a_known_one(app, make_user, monkeypatch):
    """No timing difference to tell which pseudonyms exist: each login attempt runs one Argon2id check
    with the same parameters, against a stand-in hash when the account does not exist."""
    from argon2 import PasswordHasher, extract_parameters

    participant = make_user()
    checked = []
    real_verify = PasswordHasher.verify

    def verify(self, stored, password):
        checked.append(extract_parameters(stored))
        return real_verify(self, stored, password)

    monkeypatch.setattr(PasswordHasher, "verify", verify)
    client = app.test_client()
    client.post("/login", data={"username": participant.pseudonym, "password": "nope nope"})
    client.post("/login", data={"username": "Nobody At All", "password": "nope nope"})
    assert len(checked) == 2
    assert checked[0] == checked[1]


def test_an_inactive_account_cannot_log_in(client, make_user):
    inactive = make_user(active=False)
    response = client.post("/login", data={"username": inactive.pseudonym, "password": inactive.password})
    assert response.status_code == 422
    assert NO_MATCH in response.get_data(as_text=True)
    assert SIGNED_IN not in client.get("/").get_data(as_text=True)


def test_a_deactivated_account_is_signed_out_at_once(client, db, login, make_user):
    participant = make_user()
    login(participant)
    db.session.get(User, participant.id).active = False
    db.session.commit()

    assert SIGNED_IN not in client.get("/").get_data(as_text=True)
    assert client.get("/moderation/").status_code == 302


def test_login_returns_to_the_page_that_asked_for_it(client, make_user):
    participant = make_user()
    response = client.post(
        "/login?next=/consultations/online-safety%3Fpage%3D2",
        data={"username": participant.pseudonym, "password": participant.password},
    )
    assert response.headers["Location"] == "/consultations/online-safety?page=2"


def _where_a_browser_goes(location: str) -> tuple[str, str]:
    # Browsers drop tabs and newlines from URLs and treat "\" as "/".
    cleaned = re.sub(r"[\t\n\r]", "", location).replace("\\", "/")
    parts = urlsplit(cleaned)
    return parts.scheme, parts.netloc


def test_login_never_sends_anyone_to_another_site(app, make_user):
    participant = make_user()
    attempts = [
        "//evil.example",
        "https://evil.example",
        "http:evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        " //evil.example",
        "javascript:alert(1)",
        "/\r\nSet-Cookie: stolen=1",
    ]
    credentials = {"username": participant.pseudonym, "password": participant.password}
    for target in attempts:
        response = app.test_client().post("/login", query_string={"next": target}, data=credentials)
        assert response.status_code == 302, target
        assert _where_a_browser_goes(response.headers["Location"]) == ("", ""), target
        assert "stolen" not in _cookies(response), target


def test_login_sets_no_remember_me_cookie_and_the_session_ends_with_the_browser(client, make_user):
    participant = make_user()
    response = client.post("/login", data={"username": participant.pseudonym, "password": participant.password})
    cookies = response.headers.getlist("Set-Cookie")
    assert not [c for c in cookies if c.startswith("remember_token")]
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert "Expires" not in session_cookie and "Max-Age" not in session_cookie
    assert "HttpOnly" in session_cookie


def test_a_session_taken_to_another_browser_is_not_signed_in(client, login, make_user):
    login(make_user())
    assert SIGNED_IN in client.get("/").get_data(as_text=True)

    stolen = client.get("/", headers={"User-Agent": "Somebody else's browser"})
    assert SIGNED_IN not in stolen.get_data(as_text=True)


def test_logging_out_takes_a_confirmation_and_ends_the_session(client, make_user, make_consultation, login):
    consultation = make_consultation(open=True)
    login(make_user(pseudonym="Swift Robin 18"))

    confirm = client.get("/logout")
    assert confirm.status_code == 200
    assert 'method="post"' in confirm.get_data(as_text=True)
    assert f"{SIGNED_IN} Swift Robin 18" in client.get("/").get_data(as_text=True)  # GET changed nothing

    assert client.post("/logout").status_code == 302
    assert SIGNED_IN not in client.get("/").get_data(as_text=True)
    answer = client.post(
        f"/consultations/{consultation.slug}/questions/1/responses", data={"body": "after logout", "language": "en"}
    )
    # Logged out: the answer is not taken, and the words come back with a way to log in.
    assert answer.status_code == 401
    assert "after logout" in answer.get_data(as_text=True)
    assert 'href="/login' in answer.get_data(as_text=True)


def test_nothing_from_before_login_survives_it(client, make_user):
    participant = make_user()
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    client.post("/login", data={"username": participant.pseudonym, "password": participant.password})
    with client.session_transaction() as session:
        assert "planted" not in session


# Languages


def test_choosing_arabic_turns_the_next_page_right_to_left(client):
    response = client.post("/language", data={"lang": "ar", "next": "/"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "consult_lang=ar" in _cookies(response)

    assert _html_tag(client.get("/").get_data(as_text=True)) == '<html lang="ar" dir="rtl">'
    assert _html_tag(client.get("/login").get_data(as_text=True)) == '<html lang="ar" dir="rtl">'


def test_a_signed_in_choice_is_kept_on_the_account(app, client, db, login, make_user):
    participant = make_user(locale="en")
    login(participant)
    client.post("/language", data={"lang": "fr", "next": "/"})
    assert db.session.get(User, participant.id).locale == "fr"

    elsewhere = app.test_client()  # another device, no language cookie
    elsewhere.post("/login", data={"username": participant.pseudonym, "password": participant.password})
    assert _html_tag(elsewhere.get("/").get_data(as_text=True)) == '<html lang="fr" dir="ltr">'


@pytest.mark.parametrize(
    ("accept_language", "html"),
    [
        ("ru-RU,ru;q=0.9,en;q=0.8", '<html lang="ru" dir="ltr">'),
        ("ar-EG", '<html lang="ar" dir="rtl">'),
        ("zh-CN,zh;q=0.9", '<html lang="zh" dir="ltr">'),
        ("de-DE,de;q=0.9", '<html lang="en" dir="ltr">'),
    ],
)
def test_the_browser_language_is_used_until_a_choice_is_made(client, accept_language, html):
    assert _html_tag(client.get("/", headers={"Accept-Language": accept_language}).get_data(as_text=True)) == html


def test_a_choice_beats_the_browser_language(client):
    client.post("/language", data={"lang": "es", "next": "/"})
    page = client.get("/", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert _html_tag(page) == '<html lang="es" dir="ltr">'


def test_an_unknown_language_changes_nothing_and_stays_on_the_site(client):
    response = client.post("/language", data={"lang": "xx", "next": "//evil.example"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "consult_lang" not in _cookies(response)
    assert _html_tag(client.get("/").get_data(as_text=True)) == '<html lang="en" dir="ltr">'


# Roles


@pytest.mark.parametrize("staff_page", ["/moderation/", "/secretariat/"])
def test_anonymous_visitors_log_in_first_and_come_back_to_staff_pages(client, make_user, staff_page):
    admin = make_user(Role.ADMIN)
    response = client.get(staff_page)
    assert response.status_code == 302
    login_url = response.headers["Location"]
    assert urlsplit(login_url).path == "/login"
    assert "Please log in to see this page." in client.get(login_url).get_data(as_text=True)

    logged_in = client.post(login_url, data={"username": admin.pseudonym, "password": admin.password})
    assert logged_in.headers["Location"] == staff_page
    assert client.get(staff_page).status_code == 200


@pytest.mark.parametrize(
    ("role", "moderation", "secretariat"),
    [
        (Role.PARTICIPANT, 403, 403),
        (Role.MODERATOR, 200, 403),
        (Role.SECRETARIAT, 403, 200),
        (Role.ADMIN, 200, 200),
    ],
)
def test_staff_pages_open_only_for_their_roles(client, login, make_user, role, moderation, secretariat):
    login(make_user(role))
    for page, expected in (("/moderation/", moderation), ("/secretariat/", secretariat)):
        response = client.get(page)
        assert response.status_code == expected, page
        if expected == 403:
            assert "This page is not for you" in response.get_data(as_text=True)


def test_a_very_common_password_is_refused_with_a_kind_reason(client, db):
    from consult.models import User

    for common in ("password", "iloveyou", "PASSWORD1", "qwertyuiop"):
        response = _signup(client, pseudonym="Careful Owl 12", password=common, age="15")
        assert response.status_code == 422, common
        assert "one of the most common" in response.get_data(as_text=True)
    assert db.session.query(User).count() == 0


def test_the_password_cannot_be_the_pseudonym(client):
    response = _signup(client, pseudonym="Swift Heron 88", password="swift heron 88", age="17", country="FR",
                       language="fr")  # fmt: skip
    assert response.status_code == 422
    assert "cannot be the same as your pseudonym" in response.get_data(as_text=True)


def test_an_uncommon_passphrase_is_accepted_without_composition_rules(client):
    response = _signup(client, pseudonym="Quiet Lynx 40", password="purple tea kettle", age="19", country="BR",
                       language="es")  # fmt: skip
    assert response.status_code == 302


@pytest.fixture
def real_session_limits(app):
    from consult.config import Defaults

    for key in ("SESSION_IDLE_MINUTES", "SESSION_ABSOLUTE_HOURS", "STAFF_SESSION_IDLE_MINUTES",
                "STAFF_SESSION_ABSOLUTE_HOURS"):  # fmt: skip
        app.config[key] = getattr(Defaults, key)


def test_a_quiet_session_ends_by_itself_sooner_for_staff(client, login, make_user, frozen_clock, real_session_limits):
    from consult.models import Role

    moderator = make_user(Role.MODERATOR)
    login(moderator)
    frozen_clock.advance(minutes=29)
    assert client.get("/moderation/").status_code == 200
    frozen_clock.advance(minutes=29)  # active every half hour: still in
    assert client.get("/moderation/").status_code == 200
    frozen_clock.advance(minutes=31)
    response = client.get("/moderation/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_participant_session_ends_after_a_day_even_when_active(
    client, login, make_user, frozen_clock, real_session_limits
):
    participant = make_user()
    login(participant)
    for _hour in range(23):
        frozen_clock.advance(hours=1)
        assert f"Signed in as {participant.pseudonym}" in client.get("/").get_data(as_text=True)
    frozen_clock.advance(hours=1, seconds=1)
    page = client.get("/").get_data(as_text=True)
    assert f"Signed in as {participant.pseudonym}" not in page
    assert "logged out after a while" in page


def test_an_answer_sent_after_the_session_ended_is_given_back(
    client, login, make_user, make_consultation, frozen_clock, real_session_limits
):
    consultation = make_consultation(open=True)
    login(make_user())
    frozen_clock.advance(hours=3)
    response = client.post(
        f"/consultations/{consultation.slug}/questions/1/responses",
        data={"body": "I typed this slowly and my session ended", "language": "en"},
    )
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert "I typed this slowly and my session ended" in page
    assert "/login" in page
