"""The one commit point (consult/transactions.py): a request's work is kept whole, or not at all."""

from __future__ import annotations

import re
from datetime import timedelta
from html import escape
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext, lazy_gettext
from sqlalchemy import func, select

from consult import access, clock
from consult.auth.forms import PSEUDONYM_TAKEN
from consult.domain import Conflict
from consult.extensions import db as extension_db
from consult.models import Meeting, Role, Submission, SubmissionStatus, User
from consult.moderation.events import text_hash
from consult.moderation.models import ModerationEvent

CONSULT = Path(__file__).resolve().parents[1] / "consult"
CLOSED = "This consultation is closed, so new answers and changes are no longer accepted."
CHANGED = "The participant changed this answer while you were reading it. Please read it again."
CONFLICT_TITLE = "Someone else changed this at the same moment"


def _in(app, language: str, message: str) -> str:
    with app.test_request_context(), force_locale(language):
        return gettext(message)


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_refused_answer_keeps_nothing_and_the_translated_page_gives_the_text_back(
    app, client, db, login, make_user, make_consultation, frozen_clock, language
):
    consultation = make_consultation(open=True)
    login(make_user(locale=language))
    frozen_clock.set(consultation.closes_at + timedelta(minutes=1))
    typed = "Les écoles doivent en parler <3"

    response = client.post(f"/consultations/{consultation.slug}/questions/1/responses",
                           data={"body": typed, "language": "auto"})  # fmt: skip

    assert response.status_code == 409
    assert escape(_in(app, language, CLOSED), quote=False) in response.text
    assert _in(app, language, CLOSED) != CLOSED  # the page really is in the reader's language
    assert escape(typed, quote=False) in response.text
    assert _count(db, Submission) == 0


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_stale_moderation_decision_is_refused_in_the_service_and_changes_nothing(
    app, client, db, login, make_user, make_consultation, make_submission, language
):
    consultation = make_consultation(open=True)
    submission = make_submission(consultation.questions[0], make_user(), "Schools should teach online safety.")
    login(make_user(Role.MODERATOR, locale=language))
    events = _count(db, ModerationEvent)

    stale = {"seen": text_hash("what the page showed before"), "version": "as_written"}
    response = client.post(f"/moderation/submissions/{submission.id}/approve", data=stale)

    assert response.status_code == 409
    assert escape(_in(app, language, CHANGED), quote=False) in response.text
    assert db.session.get(Submission, submission.id).status is SubmissionStatus.PENDING
    assert _count(db, ModerationEvent) == events


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_refusal_no_view_catches_rolls_back_and_shows_the_translated_error_page_with_the_typed_text(
    app, client, db, monkeypatch, language
):
    closed = lazy_gettext(CLOSED)  # as a service module holds it

    def refuse():
        extension_db.session.add(Meeting(title="Half done", starts_at=clock.utcnow(), venue=""))
        extension_db.session.flush()
        raise Conflict(closed)

    app.add_url_rule("/test/refuse", "test_refuse", refuse, methods=["POST"])
    monkeypatch.setitem(access.ACCESS, "test_refuse", access.Access.PUBLIC)
    client.set_cookie("consult_lang", language)

    response = client.post("/test/refuse", data={"body": "My words, kept", "language": "en"},
                           headers={"Accept-Language": language})  # fmt: skip

    assert response.status_code == 409
    assert escape(_in(app, language, CONFLICT_TITLE), quote=False) in response.text
    assert escape(_in(app, language, CLOSED), quote=False) in response.text
    assert "My words, kept" in response.text
    assert _count(db, Meeting) == 0


def test_a_successful_post_is_committed_without_the_view_committing(client, db, login, make_user):
    participant = make_user()
    login(participant)

    response = client.post("/language", data={"lang": "es"})  # changes the account, flushes nothing

    assert response.status_code == 303
    assert db.session.get(User, participant.id).locale == "es"


def test_a_unique_race_at_commit_is_a_translated_409_not_a_server_error(app, client, db, login, make_user, monkeypatch):
    taken = make_user(pseudonym="Taken Name")
    name, key = taken.pseudonym, taken.pseudonym_key
    participant = make_user(consent_version="2020-01", locale="fr")
    login(participant)

    def same_name_at_the_same_moment(user):
        user.consent_version = app.config["PRIVACY_NOTICE_VERSION"]
        twin = User(pseudonym=name, pseudonym_key=key, role=Role.PARTICIPANT)
        extension_db.session.add(twin)  # not flushed: the unique pseudonym is met only at the commit

    monkeypatch.setattr("consult.auth.views.record_consent", same_name_at_the_same_moment)

    response = client.post("/privacy/agree", data={"consent": "y"})

    assert response.status_code == 409
    assert escape(_in(app, "fr", CONFLICT_TITLE), quote=False) in response.text
    assert _count(db, User) == 2
    assert db.session.get(User, participant.id).consent_version == "2020-01"
    # What the view flashed did not happen, so it is not announced on the next page either.
    assert escape(_in(app, "fr", "Thank you. You agreed to the new privacy notice."), quote=False) not in (
        client.get("/").text
    )


def test_a_pseudonym_taken_between_the_check_and_the_insert_is_shown_on_the_form(client, db, make_user, monkeypatch):
    make_user(pseudonym="Quiet Otter 7")
    monkeypatch.setattr("consult.auth.forms.pseudonym_taken", lambda name: False)  # the other sign-up was later
    form = {"pseudonym": "Quiet Otter 7", "password": "a long and quiet river", "age": "16", "country": "KE",
            "language": "fr", "consent": "y"}  # fmt: skip

    response = client.post("/signup", data=form)

    assert response.status_code == 422
    assert escape(str(PSEUDONYM_TAKEN), quote=False) in response.text
    assert _count(db, User) == 1


COMMITS = re.compile(r"\.(commit|rollback)\(\)")


def _calls_commit_or_rollback(path: Path) -> bool:
    return bool(COMMITS.search(path.read_text(encoding="utf-8")))


def test_no_view_commits_or_rolls_back():
    views = [path for path in CONSULT.rglob("*.py") if "views" in path.name]
    assert views
    offenders = [str(path.relative_to(CONSULT)) for path in views if _calls_commit_or_rollback(path)]
    assert not offenders, f"leave commit and rollback to consult/transactions.py: {offenders}"


def test_only_the_commit_point_and_commands_commit():
    """A request has one commit point; each CLI command (and background job) has its own."""
    # sqlite_writer.py is the database driver's connection class: its commit() is the one SQLAlchemy calls.
    allowed = {CONSULT / "transactions.py", CONSULT / "sqlite_writer.py"}
    offenders = [
        str(path.relative_to(CONSULT))
        for path in CONSULT.rglob("*.py")
        if path not in allowed
        and not path.stem.endswith("cli")
        and "jobs" not in path.relative_to(CONSULT).parts
        and _calls_commit_or_rollback(path)
    ]
    assert not offenders, f"services flush and raise consult.domain errors; the caller commits once: {offenders}"
