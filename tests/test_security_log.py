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


def test_moderation_decisions_and_the_audit_export_are_logged_without_notes(
    client, login, make_user, make_consultation, make_submission, security_lines, caplog
):
    from consult.models import Role
    from consult.moderation.events import text_hash

    consultation = make_consultation(open=True)
    author = make_user()
    kept = make_submission(consultation.questions[0], author, "Teach online safety at school")
    refused = make_submission(consultation.questions[0], author, "Something off topic")
    moderator = make_user(Role.MODERATOR)
    login(moderator)
    url = "/moderation/submissions/{}/{}"
    approve = {"seen": text_hash(kept.body), "version": "as_written"}
    assert client.post(url.format(kept.id, "approve"), data=approve).status_code == 303
    reject = {"seen": text_hash(refused.body), "reason": "off_topic", "note": "a private remark about the pupil"}
    assert client.post(url.format(refused.id, "reject"), data=reject).status_code == 303
    assert client.get(f"/moderation/consultations/{consultation.slug}/audit.csv").status_code == 200

    events = [e for e in security_lines() if e["event"] not in ("login", "logout")]
    assert [(e["event"], e.get("submission_id"), e.get("reason")) for e in events[:2]] == [
        ("moderation_approved", kept.id, "as_written"),
        ("moderation_rejected", refused.id, "off_topic"),
    ]
    assert all(e["user_id"] == moderator.id and e["role"] == "moderator" for e in events)
    assert events[2]["event"] == "export" and events[2]["kind"] == "audit_csv"
    for words in ("a private remark", "Teach online safety", "Something off topic"):
        assert words not in caplog.text


def test_role_changes_and_deactivation_are_logged_and_take_effect(runner, client, db, login, make_user,
                                                                  security_lines):  # fmt: skip
    from consult.models import Role, User

    staff = make_user(Role.MODERATOR, pseudonym="Busy Moderator")
    result = runner.invoke(args=["users", "role", "busy moderator", "secretariat"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(User, staff.id).role is Role.SECRETARIAT

    login(staff)
    assert client.get("/secretariat/").status_code == 200
    result = runner.invoke(args=["users", "deactivate", "Busy Moderator"])
    assert result.exit_code == 0, result.output
    assert client.get("/secretariat/").status_code in (302, 401)  # signed out at the next request

    refused = runner.invoke(args=["users", "role", "Busy Moderator", "participant"])
    assert refused.exit_code != 0 and "separate accounts" in refused.output
    assert runner.invoke(args=["users", "role", "Nobody Here", "admin"]).exit_code != 0

    logged = [(e["event"], e["subject_id"], e.get("before"), e.get("after"))
              for e in security_lines() if e["event"] not in ("login", "logout")]  # fmt: skip
    assert logged == [("role_changed", staff.id, "moderator", "secretariat"),
                      ("account_deactivated", staff.id, None, None)]  # fmt: skip
