"""The operator's commands: creating accounts and seeding the demo."""

from __future__ import annotations

import stat
from datetime import timedelta

import pytest
from conftest import PROJECT
from flask import current_app
from markupsafe import escape
from sqlalchemy import func, select

from consult.models import Consultation, Meeting, Phase, Role, Submission, SubmissionStatus, User


def _create(runner, *args, password="a long passphrase"):
    return runner.invoke(args=["users", "create", *args, "--password-stdin"], input=f"{password}\n")


def _count(db, model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def _logs_in(app, pseudonym: str, password: str) -> bool:
    response = app.test_client().post("/login", data={"username": pseudonym, "password": password})
    return response.status_code == 302


# flask users create


def test_created_account_has_an_argon2id_hash_and_can_log_in(app, client, db, runner):
    result = _create(runner, "Ops Lead", "--role", "secretariat", password="tea and biscuits 7")

    assert result.exit_code == 0, result.output
    assert "Created secretariat 'Ops Lead'" in result.output
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.pseudonym == "Ops Lead"))
    assert user.role is Role.SECRETARIAT
    assert user.password_hash.startswith("$argon2id$")
    assert "tea and biscuits 7" not in user.password_hash

    response = client.post("/login", data={"username": "ops lead", "password": "tea and biscuits 7"})
    assert response.status_code == 302
    assert client.get("/secretariat/").status_code == 200


def test_password_can_be_typed_at_the_prompt(app, runner):
    result = runner.invoke(args=["users", "create", "Night Shift", "--role", "moderator"], input="hunter2hunter2\n" * 2)

    assert result.exit_code == 0, result.output
    assert _logs_in(app, "Night Shift", "hunter2hunter2")


def test_duplicate_name_is_refused_whatever_its_case(db, runner, make_user):
    make_user(Role.MODERATOR, pseudonym="River Song")

    result = _create(runner, "RIVER  song", "--role", "admin")

    assert result.exit_code == 1
    assert "an account called 'RIVER song' already exists" in result.output
    assert _count(db, User) == 1


def test_unknown_role_is_refused(db, runner):
    result = _create(runner, "Someone", "--role", "superuser")

    assert result.exit_code == 2
    assert "Invalid value for '--role'" in result.output
    assert "'superuser' is not one of 'participant', 'moderator', 'secretariat', 'admin'" in result.output
    assert _count(db, User) == 0


def test_short_password_is_refused(db, runner):
    result = _create(runner, "Short Pass", "--role", "moderator", password="1234567")

    assert result.exit_code == 1
    assert "the password must be 8 to 128 characters long" in result.output
    assert _count(db, User) == 0


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("x" * 41, "use 3 to 40 characters"),
        ("ab", "use 3 to 40 characters"),
        ("ops@lead.org", "Use only letters, numbers, spaces and - _ . ' in your pseudonym."),
    ],
)
def test_unusable_name_is_refused_with_a_message_not_a_traceback(db, runner, name, message):
    result = _create(runner, name, "--role", "moderator")

    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert _count(db, User) == 0


def test_participant_country_must_be_a_two_letter_code(db, runner):
    result = _create(runner, "Field Tester", "--age-band", "16-17", "--country", "Kenya")

    assert result.exit_code == 2
    assert "two-letter ISO 3166-1 code" in result.output
    assert _count(db, User) == 0


# flask seed-demo


@pytest.fixture
def logins_file(app, db, tmp_path):
    """Demo passwords go to tmp_path, never to the checkout's instance/ folder."""
    path = tmp_path / "instance" / "demo-logins.txt"
    # With the db fixture's app context pushed, commands run in that twin app, so both need it.
    for each in (app, current_app):
        each.config["DEMO_LOGINS_FILE"] = str(path)
    return path


def _printed_logins(output: str) -> list[tuple[str, str, str]]:
    """(role, pseudonym, password) from the lines indented under "Demo logins"."""
    block = output.split("Demo logins", 1)[1].splitlines()[1:]
    logins = []
    for line in block:
        if line.startswith("  "):
            role, *name, password = line.split()
            logins.append((role, " ".join(name), password))
    return logins


def test_demo_accounts_are_printed_once_and_their_logins_work(app, db, runner, logins_file):
    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    logins = _printed_logins(result.output)
    assert sorted(role for role, _name, _password in logins) == ["admin", "facilitator", "moderator", "participant",
                                                                       "secretariat"]  # fmt: skip
    for role, pseudonym, password in logins:
        assert _logs_in(app, pseudonym, password), (role, pseudonym)
        assert not _logs_in(app, pseudonym, password + "x")

    kept = logins_file.read_text(encoding="utf-8")
    assert all(password in kept for _role, _name, password in logins)
    assert stat.S_IMODE(logins_file.stat().st_mode) == 0o600
    real_file = PROJECT / "instance" / "demo-logins.txt"
    if real_file.exists():
        assert not any(password in real_file.read_text(encoding="utf-8") for _r, _n, password in logins)


def test_demo_has_an_open_and_a_closed_consultation_for_cwg_cop(client, db, runner, logins_file, frozen_clock):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    db.session.expire_all()

    meetings = db.session.scalars(select(Meeting)).all()
    assert meetings
    assert all("CWG-COP" in meeting.title for meeting in meetings)
    by_phase = {c.phase(): c for c in db.session.scalars(select(Consultation))}
    assert set(by_phase) == {Phase.OPEN, Phase.CLOSED}

    open_now = by_phase[Phase.OPEN]
    assert open_now.closes_at - open_now.opens_at == timedelta(hours=24)
    assert open_now.closes_at < open_now.meeting.starts_at
    assert len(open_now.questions) == 3
    assert all("online" in question.prompt for question in open_now.questions)
    page = client.get(f"/consultations/{open_now.slug}").get_data(as_text=True)
    assert "Open now" in page
    assert all(question.prompt in page for question in open_now.questions)

    closed = by_phase[Phase.CLOSED]
    answers = db.session.scalars(select(Submission)).all()
    approved = [s for s in answers if s.status is SubmissionStatus.APPROVED]
    assert len({s.language for s in approved}) >= 3
    assert all(s.language in ("ar", "zh", "en", "fr", "ru", "es") for s in approved)
    in_open = [s for s in answers if s.question.consultation_id != closed.id]
    waiting_in_open = [s for s in in_open if s.status is SubmissionStatus.PENDING]
    published_in_open = [s for s in in_open if s.status is SubmissionStatus.APPROVED]
    assert len(waiting_in_open) + len(published_in_open) == len(in_open)
    assert any(s.flag_safeguarding for s in waiting_in_open) and any(s.flag_pii for s in waiting_in_open)
    # Published during the day (after the opening), so participants have answers to endorse or report.
    assert published_in_open and all(open_now.opens_at <= s.created_at <= s.decided_at for s in published_in_open)
    assert all(escape(s.published_text) in page for s in published_in_open)
    # A classroom workshop's answers have no author at all; everyone else's, but the demo participant's (their
    # receipts), is a demo voice that cannot log in.
    authored = [s for s in answers if s.workshop_id is None and s.author.pseudonym != "Demo Participant"]
    assert all(s.author.password_hash is None and not s.author.active for s in authored)
    assert {s.author_id for s in answers if s.workshop_id is not None} == {None}
    assert "From a workshop in <bdi>Ghana</bdi>" in page
    page = client.get(f"/consultations/{closed.slug}").get_data(as_text=True)
    assert "Closed" in page
    assert all(escape(s.published_text) in page for s in approved if s.question.consultation_id == closed.id)
    assert not any(escape(s.body) in page for s in answers if s.status is not SubmissionStatus.APPROVED)


def test_seed_demo_twice_adds_nothing_and_prints_no_password(db, runner, logins_file):
    first = runner.invoke(args=["seed-demo"])
    passwords = [password for _role, _name, password in _printed_logins(first.output)]
    kept = logins_file.read_text(encoding="utf-8")
    counts = [_count(db, model) for model in (User, Meeting, Consultation, Submission)]

    second = runner.invoke(args=["seed-demo"])

    assert second.exit_code == 0, second.output
    assert "nothing added" in second.output
    assert "Demo logins" not in second.output
    assert not any(password in second.output for password in passwords)
    assert [_count(db, model) for model in (User, Meeting, Consultation, Submission)] == counts
    assert logins_file.read_text(encoding="utf-8") == kept


def test_seed_demo_recreates_only_a_missing_account(app, db, runner, logins_file):
    runner.invoke(args=["seed-demo"])
    db.session.expire_all()
    moderator = db.session.scalar(select(User).where(User.role == Role.MODERATOR))
    db.session.delete(moderator)
    db.session.commit()

    again = runner.invoke(args=["seed-demo"])

    logins = _printed_logins(again.output)
    assert [(role, name) for role, name, _password in logins] == [("moderator", moderator.pseudonym)]
    assert _logs_in(app, moderator.pseudonym, logins[0][2])
    assert _count(db, Consultation) == 2
