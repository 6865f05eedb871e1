"""Every moderation event is kept, readable per consultation and as CSV, and can never be changed."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from consult.models import Role
from consult.moderation.events import text_hash
from consult.moderation.models import AuditTrailIsAppendOnly, ModerationEvent


def _signed_in(app, user):
    browser = app.test_client()
    assert browser.post("/login", data={"username": user.pseudonym, "password": user.password}).status_code == 302
    return browser


def _decide(browser, submission, decision, **data):
    return browser.post(
        f"/moderation/submissions/{submission.id}/{decision}", data={"seen": text_hash(submission.body), **data}
    )


@pytest.fixture
def history(app, make_user, make_consultation, make_submission):
    """A consultation where one moderator approved, rejected and escalated, and another consultation."""
    consultation = make_consultation(open=True, title="Audited consultation")
    other = make_consultation(open=True, title="Another consultation")
    approved = make_submission(consultation.questions[0], make_user(), "Approve me, my e-mail is kid@example.com")
    rejected = make_submission(consultation.questions[0], make_user(), "Reject me")
    escalated = make_submission(consultation.questions[1], make_user(), "Someone hurts me at home")
    elsewhere = make_submission(other.questions[0], make_user(), "Somewhere else")
    moderator = make_user(Role.MODERATOR, pseudonym="Careful Otter")
    browser = _signed_in(app, moderator)
    edited = "Approve me, my e-mail is [removed]"
    assert _decide(browser, approved, "approve", version="edited", published_text=edited).status_code == 303
    assert _decide(browser, rejected, "reject", reason="other", note='=HYPERLINK("http://evil")').status_code == 303
    assert _decide(browser, escalated, "escalate", note="Says an adult at home hurts them").status_code == 303
    assert _decide(browser, elsewhere, "approve", version="as_written").status_code == 303
    return consultation, moderator, browser, (approved, rejected, escalated, elsewhere), edited


def test_the_audit_page_lists_who_did_what_when_and_why_newest_first(history):
    consultation, _moderator, browser, (approved, rejected, escalated, elsewhere), edited = history

    response = browser.get(f"/moderation/consultations/{consultation.slug}/audit")

    assert response.status_code == 200
    rows = re.findall(r'<tr id="event-(\d+)">(.*?)</tr>', response.text, re.DOTALL)
    ids = [int(event_id) for event_id, _row in rows]
    assert ids == sorted(ids, reverse=True)
    cells = [html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))).strip() for _id, row in rows]
    assert len(cells) == 3  # the other consultation's approval is not here
    escalation, rejection, approval = cells
    assert f"#{approved.id} Approved Careful Otter with the moderator's edits" in approval
    assert text_hash(approved.body) in approval and text_hash(edited) in approval
    assert f"#{rejected.id} Rejected Careful Otter Other (say why in the note)" in rejection
    assert "=HYPERLINK" in rejection
    assert f"#{escalated.id} Escalated to safeguarding Careful Otter" in escalation
    # A safeguarding note describes a child's situation: for the safeguarding team only.
    assert "(note for the safeguarding team)" in escalation
    assert "an adult at home" not in response.text
    # Texts are never shown: only their hashes.
    assert "kid@example.com" not in response.text
    assert f"#{elsewhere.id}" not in response.text


def test_the_safeguarding_team_reads_escalation_notes_in_the_log(app, db, history, make_user):
    consultation = history[0]
    lead = make_user(Role.MODERATOR)
    lead.can_safeguard = True
    db.session.commit()

    page = _signed_in(app, lead).get(f"/moderation/consultations/{consultation.slug}/audit").text

    assert "Says an adult at home hurts them" in page


def test_screening_and_readers_appear_without_a_person(app, db, make_user, make_consultation):
    from consult.consultations.services import submit_response

    consultation = make_consultation(open=True)
    author = make_user()
    submit_response(db.session.get(type(author), author.id), consultation.questions[0], "Mail me: a@example.com", "en")
    db.session.commit()

    page = _signed_in(app, make_user(Role.MODERATOR)).get(f"/moderation/consultations/{consultation.slug}/audit").text

    assert re.search(r"Screened</td>\s*<td>Automatic screening</td>\s*<td>\s*Personal information", page)


def test_the_log_is_read_page_by_page(app, history):
    app.config["AUDIT_EVENTS_PER_PAGE"] = 2
    consultation, _moderator, browser, *_rest = history

    first = browser.get(f"/moderation/consultations/{consultation.slug}/audit").text
    older = re.search(r'<a href="([^"]+)">Older events</a>', first).group(1)
    second = browser.get(older).text

    first_ids = re.findall(r'<tr id="event-(\d+)">', first)
    second_ids = re.findall(r'<tr id="event-(\d+)">', second)
    assert len(first_ids) == 2 and len(second_ids) == 1
    assert not set(first_ids) & set(second_ids)
    assert "Older events" not in second
    assert browser.get(f"/moderation/consultations/{consultation.slug}/audit?before=x").status_code == 404


def test_the_csv_export_holds_every_event_with_formulas_neutralised(history):
    consultation, moderator, browser, (approved, rejected, escalated, _elsewhere), edited = history

    response = browser.get(f"/moderation/consultations/{consultation.slug}/audit.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="audit-{consultation.slug}.csv"'
    content = response.get_data().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    decisions = [row for row in rows if row["action"] != "screened"]
    assert [(row["submission_id"], row["action"]) for row in decisions] == [
        (str(approved.id), "approved"),
        (str(rejected.id), "rejected"),
        (str(escalated.id), "escalated"),
    ]
    approval, rejection, escalation = decisions
    assert (approval["actor_id"], approval["actor_name"], approval["reason"]) == (
        str(moderator.id),
        "Careful Otter",
        "edited",
    )
    assert (approval["before_hash"], approval["after_hash"]) == (text_hash(approved.body), text_hash(edited))
    assert rejection["note"] == '\'=HYPERLINK("http://evil")'
    assert escalation["note"] == ""  # the safeguarding note stays with the safeguarding team
    assert "kid@example.com" not in content
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", approval["created_at"])


@pytest.mark.parametrize(
    ("value", "cell"),
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("ok", "ok")],
)
def test_spreadsheet_formulas_become_text(value, cell):
    from consult.moderation.audit import spreadsheet_safe

    assert spreadsheet_safe(value) == cell


def test_participants_cannot_read_the_log(app, history, make_user):
    consultation = history[0]
    participant = _signed_in(app, make_user())

    assert participant.get(f"/moderation/consultations/{consultation.slug}/audit").status_code == 403
    assert participant.get(f"/moderation/consultations/{consultation.slug}/audit.csv").status_code == 403


# --- append-only, at the database and in the ORM -------------------------------------------


def _an_event(db, make_user, make_consultation, make_submission) -> ModerationEvent:
    from consult.moderation.services import approve_submission

    consultation = make_consultation(open=True)
    submission = make_submission(consultation.questions[0], make_user(), "Audited")
    approve_submission(submission, make_user(Role.MODERATOR))
    db.session.commit()
    return db.session.scalars(select(ModerationEvent)).one()


@pytest.mark.parametrize(
    "statement",
    ["UPDATE moderation_events SET note = 'rewritten', actor_name = 'someone else'", "DELETE FROM moderation_events"],
)
def test_the_database_refuses_to_change_or_delete_an_event(db, make_user, make_consultation, make_submission,
                                                           statement):  # fmt: skip
    event = _an_event(db, make_user, make_consultation, make_submission)
    before = (event.id, event.note, event.actor_name, event.after_hash)

    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()

    db.session.expire_all()
    kept = db.session.scalars(select(ModerationEvent)).one()
    assert (kept.id, kept.note, kept.actor_name, kept.after_hash) == before


def test_the_database_lets_a_note_be_erased_and_nothing_else(db, make_user, make_consultation, make_submission):
    """Retention may forget a moderator's words; the event itself (who, what, when) stays."""
    event = _an_event(db, make_user, make_consultation, make_submission)
    db.session.execute(text("INSERT INTO moderation_events (consultation_id, submission_id, action, note, created_at) "
                            "SELECT consultation_id, submission_id, 'rejected', 'about a named pupil', created_at "
                            "FROM moderation_events"))  # fmt: skip
    db.session.commit()

    db.session.execute(text("UPDATE moderation_events SET note = NULL WHERE action = 'rejected'"))
    db.session.commit()
    assert db.session.scalars(select(ModerationEvent.note).where(ModerationEvent.action == "rejected")).all() == [None]

    for statement in ("UPDATE moderation_events SET note = NULL, action = 'approved' WHERE action = 'rejected'",
                      "UPDATE moderation_events SET note = 'rewritten' WHERE action = 'rejected'",
                      f"UPDATE moderation_events SET actor_name = NULL WHERE id = {event.id}"):  # fmt: skip
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    assert sorted(db.session.scalars(select(ModerationEvent.action))) == ["approved", "rejected"]


def test_postgresql_refuses_to_truncate_the_trail(db, make_user, make_consultation, make_submission):
    if db.engine.dialect.name != "postgresql":
        # SQLite has no TRUNCATE: its "DELETE FROM" without a WHERE is refused above.
        assert db.engine.dialect.name == "sqlite"
        return
    _an_event(db, make_user, make_consultation, make_submission)

    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("TRUNCATE moderation_events"))
    db.session.rollback()
    assert db.session.scalars(select(ModerationEvent)).one()


def test_the_orm_refuses_to_change_or_delete_an_event(db, make_user, make_consultation, make_submission):
    event = _an_event(db, make_user, make_consultation, make_submission)

    event.note = "rewritten"
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.flush()
    db.session.rollback()

    db.session.delete(db.session.scalars(select(ModerationEvent)).one())
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.flush()
    db.session.rollback()

    assert db.session.scalars(select(ModerationEvent.note)).one() is None


def test_no_page_of_the_app_offers_to_change_an_event(app):
    """The only ways in are the GET pages of the log; every other route belongs to something else."""
    for rule in app.url_map.iter_rules():
        if "audit" in rule.rule or "event" in rule.rule:
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule.rule
