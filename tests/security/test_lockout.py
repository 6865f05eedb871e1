"""Guessing a password is slowed without letting anyone lock the owner out; sign-up names no staff."""

from __future__ import annotations

import pytest

from consult.models import Role


@pytest.fixture
def limited_app(limited_app_with):
    return limited_app_with(LOGIN_LIMIT_PER_ADDRESS="100 per minute", LOGIN_LIMIT_PER_ACCOUNT="3 per minute")


def _login(client, user, password, address):
    return client.post("/login", data={"username": user.pseudonym, "password": password},
                       environ_base={"REMOTE_ADDR": address}).status_code  # fmt: skip


def test_an_attacker_cannot_lock_the_owner_out(limited_app, make_user):
    owner = make_user()
    phone = limited_app.test_client()
    assert _login(phone, owner, owner.password, "203.0.113.5") == 302  # the owner's phone, once
    phone.post("/logout")

    attacker = limited_app.test_client()
    attempts = [_login(attacker, owner, f"guess number {n}", f"198.51.100.{n}") for n in range(6)]
    assert attempts[-1] == 429  # the attacker is slowed...

    assert _login(phone, owner, owner.password, "203.0.113.5") == 302  # ...the owner's own phone is not


def test_a_stolen_device_cookie_does_not_lift_the_limit(limited_app, make_user):
    owner = make_user()
    phone = limited_app.test_client()
    assert _login(phone, owner, owner.password, "203.0.113.5") == 302
    phone.post("/logout")
    statuses = [_login(phone, owner, f"guess number {n}", "203.0.113.5") for n in range(4)]
    assert statuses == [422, 422, 422, 429]


def test_a_device_cookie_for_one_account_does_not_help_guessing_another(limited_app, make_user):
    owner, target = make_user(), make_user()
    browser = limited_app.test_client()
    assert _login(browser, owner, owner.password, "203.0.113.5") == 302
    browser.post("/logout")
    statuses = [_login(browser, target, f"guess number {n}", f"198.51.100.{n}") for n in range(4)]
    assert statuses == [422, 422, 422, 429]


def test_the_device_cookie_is_sent_to_the_login_page_only(limited_app, make_user):
    owner = make_user()
    browser = limited_app.test_client()
    _login(browser, owner, owner.password, "203.0.113.5")
    cookie = browser.get_cookie("consult_device", path="/login")
    assert cookie is not None and cookie.http_only and cookie.path == "/login"


def test_sign_up_does_not_confirm_a_staff_name(client, db, make_user):
    admin = make_user(Role.ADMIN, pseudonym="Demo Admin")
    make_user(pseudonym="Brave Otter 47")

    def refusal(name):
        form = {"pseudonym": name, "password": "a long and quiet river", "age": "15", "country": "KE",
                "language": "en", "consent": "y"}  # fmt: skip
        response = client.post("/signup", data=form)
        assert response.status_code == 422
        page = response.text
        return page[page.index('id="pseudonym-error"') :].split("</p>")[0] if 'id="pseudonym-error"' in page else page

    staff, participant = refusal(admin.pseudonym), refusal("Brave Otter 47")
    assert staff == participant
    assert "This pseudonym cannot be used" in staff
    assert "admin" not in staff.lower() and "staff" not in staff.lower()
