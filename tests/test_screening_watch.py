"""The classifier's two thresholds, with the real sentence encoder: at ``watch`` a possible disclosure is put
first, shown to the moderator as one, never approved in bulk and kept for the safeguarding team when its
author withdraws it; only at the flag's threshold is it flagged, and only a flagged answer shows its author
the helplines."""

from __future__ import annotations

import re

from sqlalchemy import select

from consult import outbox
from consult.models import Role, Submission, SubmissionStatus
from consult.moderation.arrivals import screen_arrivals
from consult.moderation.events import text_hash
from consult.moderation.screening import screen_batch
from consult.moderation.screening.classifier import shipped

# No word of the lexicons; the safeguarding head reads it above watch, below the flag.
WATCHED = "I have few friends at school."
ORDINARY = "Apps should have a report button."
HINT = "The automatic check sees a possible safeguarding concern in this response"
KIND_WORDS = (
    "Thank you for your answer. If what you wrote is about something that worries you, a trained person "
    "from our safeguarding team will read it."
)


def _post(client, consultation, text):
    return client.post(f"/consultations/{consultation.slug}/questions/1/responses",
                       data={"body": text, "language": "en"})  # fmt: skip


def _answer(db, text) -> Submission:
    return db.session.scalars(select(Submission).where(Submission.body == text)).one()


def test_the_texts_sit_where_these_tests_need_them():
    watched, ordinary = screen_batch([WATCHED, ORDINARY], ["en", "en"])
    head = shipped().heads["safeguarding"]
    assert head.watch_at <= watched.scores["safeguarding"] < head.threshold
    assert watched.watch and watched.result.flags == []
    assert ordinary.scores["safeguarding"] < head.watch_at and not ordinary.watch and ordinary.result.flags == []


def test_an_answer_above_watch_is_not_flagged_but_shown_as_a_possible_concern_and_never_bulk_approved(
    app, client, db, login, make_user, make_consultation
):
    consultation = make_consultation(open=True)
    author = make_user()
    login(author)
    _post(client, consultation, WATCHED)
    _post(client, consultation, ORDINARY)
    watched, ordinary = _answer(db, WATCHED), _answer(db, ORDINARY)
    assert watched.screened_at is not None and watched.flags == [] and not watched.flag_safeguarding
    assert ordinary.screened_at is not None and ordinary.flags == []
    # No help box for the author: nothing was flagged.
    assert KIND_WORDS not in client.get(f"/consultations/{consultation.slug}").text

    login(make_user(Role.MODERATOR))
    queue = client.get(f"/moderation/consultations/{consultation.slug}?select=unflagged").text
    offered = {int(ident) for ident in re.findall(r'name="items" id="bulk-(\d+)"', queue)}
    assert offered == {ordinary.id}
    assert queue.index(f"/moderation/submissions/{watched.id}") < queue.index(f"/moderation/submissions/{ordinary.id}")
    assert HINT in client.get(f"/moderation/submissions/{watched.id}").text
    assert HINT not in client.get(f"/moderation/submissions/{ordinary.id}").text

    # Its id posted by hand, with the right hash and the confirmation: still left out.
    items = [f"{s.id}:{text_hash(s.body)}" for s in (watched, ordinary)]
    response = client.post(f"/moderation/consultations/{consultation.slug}/bulk-approve",
                           data={"items": items, "confirmed": "yes"})  # fmt: skip
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).text
    assert "1 response approved and published." in page and "1 response was left out" in page
    db.session.expire_all()
    assert db.session.get(Submission, watched.id).status is SubmissionStatus.PENDING
    assert db.session.get(Submission, ordinary.id).status is SubmissionStatus.APPROVED


def test_a_flagged_disclosure_shows_its_author_the_help_box_and_no_watch_hint(
    client, db, login, make_user, make_consultation
):
    consultation = make_consultation(open=True)
    login(make_user())
    disclosure = "A man I met in a game keeps asking me to meet him alone and says not to tell my parents"
    _post(client, consultation, disclosure)
    answer = _answer(db, disclosure)
    assert answer.flag_safeguarding
    assert KIND_WORDS in client.get(f"/consultations/{consultation.slug}").text

    login(make_user(Role.MODERATOR))
    assert HINT not in client.get(f"/moderation/submissions/{answer.id}").text  # the flag says it already


def _withdraw(client, answer):
    return client.post(f"/responses/{answer.id}/withdraw", data={"confirmed": "yes"})


def test_a_possible_disclosure_below_the_flag_is_kept_for_the_team_when_withdrawn(
    client, db, login, make_user, make_consultation
):
    consultation = make_consultation(open=True)
    author = make_user()
    login(author)
    _post(client, consultation, WATCHED)
    _post(client, consultation, ORDINARY)
    watched, ordinary = _answer(db, WATCHED), _answer(db, ORDINARY)
    watched_id, ordinary_id = watched.id, ordinary.id
    assert not watched.flag_safeguarding

    assert _withdraw(client, watched).status_code == 303
    assert _withdraw(client, ordinary).status_code == 303
    # The child sees both gone, the same way.
    page = client.get(f"/consultations/{consultation.slug}").text
    assert WATCHED not in page and ORDINARY not in page

    db.session.expire_all()
    kept = db.session.get(Submission, watched_id)
    assert kept is not None and kept.body == WATCHED
    assert kept.withdrawn_at is not None and kept.status is SubmissionStatus.ESCALATED
    assert db.session.get(Submission, ordinary_id) is None  # nothing to keep: deleted as before

    team = make_user(Role.MODERATOR)
    team.can_safeguard = True
    db.session.commit()
    login(team)
    assert WATCHED in client.get(f"/safeguarding/submissions/{watched_id}").text


def test_a_possible_disclosure_withdrawn_before_screening_is_kept_once_screening_reads_it(
    client, db, login, make_user, make_consultation, monkeypatch
):
    monkeypatch.setattr(outbox, "_dispatcher", lambda name, args: None)  # nobody screens yet
    consultation = make_consultation(open=True)
    login(make_user())
    _post(client, consultation, WATCHED)
    _post(client, consultation, ORDINARY)
    watched, ordinary = _answer(db, WATCHED), _answer(db, ORDINARY)
    watched_id, ordinary_id = watched.id, ordinary.id
    assert watched.screened_at is None
    assert _withdraw(client, watched).status_code == 303
    assert _withdraw(client, ordinary).status_code == 303

    with client.application.app_context():
        screen_arrivals(100)
        db.session.commit()

    db.session.expire_all()
    kept = db.session.get(Submission, watched_id)
    assert kept is not None and kept.status is SubmissionStatus.ESCALATED and kept.withdrawn_at is not None
    assert not kept.flag_safeguarding and kept.screening_score >= 1000
    assert db.session.get(Submission, ordinary_id) is None
