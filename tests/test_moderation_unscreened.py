"""Answers the job worker has not screened yet: marked, never bulk-approved; a stalled worker is told."""

from sqlalchemy import select

from consult import outbox
from consult.models import Role, Submission, SubmissionStatus
from consult.moderation.events import text_hash
from consult.moderation.models import ModerationAction, ModerationEvent

BEING_CHECKED = "Being checked"
NOT_YET = "This answer is still being checked for personal information and signs of harm."
STALLED = "Is the job worker running?"


def _approve(client, submission, **extra):
    data = {"seen": text_hash(submission.body), "version": "as_written", **extra}
    return client.post(f"/moderation/submissions/{submission.id}/approve", data=data)


def test_an_unscreened_answer_is_marked_and_left_out_of_bulk_approval(client, db, login, make_user, make_consultation,
                                                                      make_submission):  # fmt: skip
    consultation = make_consultation()
    waiting = make_submission(consultation.questions[0], make_user(), body="Just arrived.", screened=False)
    clear = make_submission(consultation.questions[0], make_user(), body="Screened and clear.")
    login(make_user(Role.MODERATOR))

    page = client.get(f"/moderation/consultations/{consultation.slug}").get_data(as_text=True)
    assert BEING_CHECKED in page
    assert f'id="bulk-{clear.id}"' in page and f'id="bulk-{waiting.id}"' not in page
    assert page.index(f"submission-{clear.id}") < page.index(f"submission-{waiting.id}")  # last in the queue

    items = [f"{s.id}:{text_hash(s.body)}" for s in (waiting, clear)]
    confirmed = {"items": items, "confirmed": "yes"}  # as from the confirmation page
    client.post(f"/moderation/consultations/{consultation.slug}/bulk-approve", data=confirmed)
    db.session.expire_all()
    assert db.session.get(Submission, waiting.id).status is SubmissionStatus.PENDING
    assert db.session.get(Submission, clear.id).status is SubmissionStatus.APPROVED


def test_approving_an_unscreened_answer_needs_the_moderator_to_say_so_and_is_audited(
    client, db, login, make_user, make_consultation, make_submission
):
    consultation = make_consultation()
    waiting = make_submission(consultation.questions[0], make_user(), body="Before the check.", screened=False)
    login(make_user(Role.MODERATOR))
    assert "Approve before the automatic check has finished" in client.get(
        f"/moderation/submissions/{waiting.id}").get_data(as_text=True)  # fmt: skip

    refused = _approve(client, waiting)
    assert refused.status_code == 409 and NOT_YET in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Submission, waiting.id).status is SubmissionStatus.PENDING

    assert _approve(client, waiting, before_screening="y").status_code == 303
    db.session.expire_all()
    assert db.session.get(Submission, waiting.id).status is SubmissionStatus.APPROVED
    event = db.session.scalar(select(ModerationEvent).where(ModerationEvent.action == ModerationAction.APPROVED.value))
    assert event.note == "unscreened"
    audit = client.get(f"/moderation/consultations/{consultation.slug}/audit").get_data(as_text=True)
    assert "before the automatic check had finished" in audit


def test_a_screened_answer_is_approved_without_the_box(client, db, login, make_user, make_consultation,
                                                       make_submission):  # fmt: skip
    consultation = make_consultation()
    screened = make_submission(consultation.questions[0], make_user(), body="Checked already.")
    login(make_user(Role.MODERATOR))

    page = client.get(f"/moderation/submissions/{screened.id}").get_data(as_text=True)
    assert BEING_CHECKED not in page and "Approve before the automatic check" not in page
    assert _approve(client, screened).status_code == 303


def test_the_dashboard_warns_when_answers_wait_too_long_for_screening(app, client, login, make_user,
                                                                      make_consultation, make_submission,
                                                                      frozen_clock):  # fmt: skip
    consultation = make_consultation()
    make_submission(consultation.questions[0], make_user(), screened=False)
    login(make_user(Role.MODERATOR))
    dashboard = f"/moderation/consultations/{consultation.slug}/dashboard"

    assert STALLED not in client.get(dashboard).get_data(as_text=True)
    assert STALLED not in client.get("/moderation/").get_data(as_text=True)

    frozen_clock.advance(seconds=app.config["UNSCREENED_WARNING_SECONDS"] + 5)
    page = client.get(dashboard).get_data(as_text=True)
    assert STALLED in page and "1 answer is waiting for the automatic check, the oldest for 1 minute." in page
    assert STALLED in client.get(f"/moderation/consultations/{consultation.slug}").get_data(as_text=True)
    # The first page a moderator opens says it too, not only the pages of each consultation.
    assert STALLED in client.get("/moderation/").get_data(as_text=True)


def test_the_warning_in_arabic_keeps_the_command_readable(app, client, login, make_user, make_consultation,
                                                          make_submission, frozen_clock):  # fmt: skip
    consultation = make_consultation()
    make_submission(consultation.questions[0], make_user(), screened=False)
    login(make_user(Role.MODERATOR, locale="ar"))
    frozen_clock.advance(seconds=app.config["UNSCREENED_WARNING_SECONDS"] + 5)

    page = client.get("/moderation/").get_data(as_text=True)
    assert "هل عامل المهام يعمل؟" in page and "منذ دقيقة" in page  # how long, in words: "for a minute"
    # Isolated and left to right: in an Arabic sentence its three words would otherwise be shown reordered.
    assert '(<bdi><code dir="ltr">flask jobs worker</code></bdi>)' in page


def test_an_edited_answer_has_waited_since_its_edit(app, client, login, make_user, make_consultation, make_submission,
                                                    frozen_clock, monkeypatch):  # fmt: skip
    consultation = make_consultation()
    author = make_user()
    answer = make_submission(consultation.questions[0], author, body="First words.")
    frozen_clock.advance(hours=2)
    monkeypatch.setattr(outbox, "_dispatcher", None)  # no job worker: the edit waits for one
    login(author)
    assert (
        client.post(f"/responses/{answer.id}/edit", data={"body": "Second words.", "language": "en"}).status_code == 303
    )
    login(make_user(Role.MODERATOR))

    # Posted two hours ago, changed a moment ago: no worker is late yet.
    assert STALLED not in client.get("/moderation/").get_data(as_text=True)
    frozen_clock.advance(seconds=app.config["UNSCREENED_WARNING_SECONDS"] + 5)
    assert "1 answer is waiting for the automatic check, the oldest for 1 minute." in client.get(
        "/moderation/"
    ).get_data(as_text=True)
