"""Logging out ends the session on the server: a cookie copied before opens nothing afterwards."""

from __future__ import annotations

import pytest

from consult.models import Role, UserSession

FIREFOX_ON_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME_ON_ANDROID = "Mozilla/5.0 (Linux; Android 14) Chrome/120.0 Mobile Safari/537.36"


def _copy_of(client, app):
    """Another browser holding a copy of this browser's session cookie (as a thief would)."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief.set_cookie("session", cookie.value)
    return thief


def _log_in(app, user):
    browser = app.test_client()
    assert browser.post("/login", data={"username": user.pseudonym, "password": user.password}).status_code == 302
    return browser


@pytest.mark.parametrize(("role", "page"), [(Role.PARTICIPANT, "/account"), (Role.MODERATOR, "/moderation/")])
def test_a_cookie_copied_before_logout_opens_nothing_after(app, client, make_user, role, page):
    user = make_user(role)
    assert client.post("/login", data={"username": user.pseudonym, "password": user.password}).status_code == 302
    thief = _copy_of(client, app)
    assert thief.get(page).status_code == 200  # the copy works while the session lives

    client.post("/logout")

    replayed = thief.get(page)
    assert replayed.status_code == 302 and "/login" in replayed.headers["Location"]


def test_changing_the_password_ends_every_other_session(app, db, make_user):
    user = make_user()
    phone, laptop = _log_in(app, user), _log_in(app, user)
    changed = laptop.post("/account/password", data={"current_password": user.password,
                                                     "new_password": "a brand new passphrase 7",
                                                     "confirm_password": "a brand new passphrase 7"})  # fmt: skip
    assert changed.status_code == 303, changed.text
    assert phone.get("/account").status_code == 302
    assert laptop.get("/account").status_code == 200
    assert db.session.query(UserSession).filter_by(user_id=user.id).count() == 1


def test_deactivating_an_account_ends_its_sessions_at_once(app, runner, make_user):
    moderator = make_user(Role.MODERATOR)
    browser = _log_in(app, moderator)
    assert browser.get("/moderation/").status_code == 200

    assert runner.invoke(args=["users", "deactivate", moderator.pseudonym]).exit_code == 0

    assert browser.get("/moderation/").status_code == 302


def test_staff_see_and_end_their_other_sessions(app, db, make_user):
    moderator = make_user(Role.MODERATOR)
    office = _log_in(app, moderator)
    home = app.test_client()
    home.post("/login", data={"username": moderator.pseudonym, "password": moderator.password},
              headers={"User-Agent": FIREFOX_ON_LINUX})  # fmt: skip

    page = office.get("/account/sessions").text
    assert "Firefox / Linux" in page
    assert page.count("End this session") == 1 and "This browser" in page
    other = db.session.query(UserSession).filter_by(device="Firefox / Linux").one()
    assert f'action="/account/sessions/{other.id}/end"' in page
    ended = office.post(f"/account/sessions/{other.id}/end")

    assert ended.status_code == 303
    assert home.get("/moderation/").status_code == 302
    assert office.get("/moderation/").status_code == 200


def test_log_out_everywhere_else(app, make_user):
    user = make_user()
    browsers = [_log_in(app, user) for _ in range(3)]
    assert browsers[0].post("/account/sessions/end-others").status_code == 303
    assert [b.get("/account").status_code for b in browsers] == [200, 302, 302]


def test_nobody_ends_someone_elses_session(app, db, make_user):
    victim, attacker = make_user(), make_user()
    victim_browser = _log_in(app, victim)
    victims = db.session.query(UserSession).filter_by(user_id=victim.id).one()
    _log_in(app, attacker).post(f"/account/sessions/{victims.id}/end")
    assert victim_browser.get("/account").status_code == 200


def test_a_participants_browser_is_not_recorded(app, db, make_user):
    user = make_user()
    browser = app.test_client()
    browser.post("/login", data={"username": user.pseudonym, "password": user.password},
                 headers={"User-Agent": CHROME_ON_ANDROID})  # fmt: skip
    assert db.session.query(UserSession).filter_by(user_id=user.id).one().device is None
