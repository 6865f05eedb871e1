"""Security-relevant events are logged as structured lines, never with secrets, addresses or words."""

from __future__ import annotations

import json
import logging

import pytest


@pytest.fixture
def security_lines(caplog):
    caplog.set_level(logging.INFO, logger="consult.security")

    def lines():
        return [json.loads(r.getMessage()) for r in caplog.records if r.name == "consult.security"]

    return lines


def test_logins_failures_and_logouts_are_logged_without_secrets(client, make_user, security_lines, caplog):
    user = make_user()
    client.post("/login", data={"username": user.pseudonym, "password": "wrong guess 123"},
                environ_base={"REMOTE_ADDR": "198.51.100.23"})  # fmt: skip
    client.post("/login", data={"username": user.pseudonym, "password": user.password},
                environ_base={"REMOTE_ADDR": "198.51.100.23"})  # fmt: skip
    client.post("/logout", environ_base={"REMOTE_ADDR": "198.51.100.23"})

    events = security_lines()
    assert [e["event"] for e in events] == ["login_failed", "login", "logout"]
    assert events[1]["user_id"] == user.id and events[1]["role"] == "participant"
    assert all(e["client"] and e["at"] for e in events)
    text = caplog.text
    for secret in ("wrong guess 123", user.password, "198.51.100.23"):
        assert secret not in text


def test_the_log_refuses_fields_that_could_leak(app):
    from consult.audit_log import security_event

    with app.test_request_context("/"), pytest.raises(ValueError):
        security_event("oops", body="a child's words")


def test_data_export_and_account_deletion_are_logged(client, login, make_user, security_lines):
    user = make_user()
    login(user)
    client.get("/account/data.json")
    client.post("/account/delete", data={"password": user.password, "confirm": "y"})
    assert [e["event"] for e in security_lines()][-2:] == ["data_export", "account_deleted"]
