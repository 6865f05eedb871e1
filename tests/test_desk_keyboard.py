"""The desk built for speed: decisions from the list for unflagged, checked answers only (asked again by the
server, whoever posts), one audit event per decision, the keys' help, neighbours for j and k on an item, and
age bands, names and numbers isolated so that no language turns them around."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from desk_fixtures import desk_answers
from sqlalchemy import select

from consult import clock
from consult.models import Role, Submission, SubmissionStatus
from consult.moderation.events import text_hash
from consult.moderation.models import ModerationAction, ModerationEvent
from consult.moderation.screening import WATCH_BAND

INLINE_FORM = r'action="/moderation/submissions/(\d+)/from-list/approve'
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def desk(db, make_user, make_consultation, make_submission):
    """Two plain answers, and one of every kind that must be opened to be decided."""
    consultation, plain, never = desk_answers(db, make_user, make_consultation, make_submission)
    concern = make_submission(consultation.questions[0], make_user(), "Nobody would notice if I was gone")
    concern.screening_score = WATCH_BAND + 10  # the classifier's watch band, below its flag
    db.session.commit()
    return consultation, plain, {**never, "possible concern": concern}


def _decide(client, submission, decision="approve", **data):
    data.setdefault("seen", text_hash(submission.body))
    return client.post(f"/moderation/submissions/{submission.id}/from-list/{decision}", data=data)


def _now(db, submission) -> Submission:
    db.session.expire_all()
    return db.session.get(Submission, submission.id)


def _events(db, submission, action: ModerationAction) -> int:
    return len(db.session.scalars(select(ModerationEvent).where(
        ModerationEvent.submission_id == submission.id, ModerationEvent.action == action)).all())  # fmt: skip


# --- decisions from the list ---------------------------------------------------------------


def test_the_list_offers_one_keystroke_decisions_for_unflagged_checked_answers_only(client, login, make_user, desk):
    consultation, plain, never = desk
    login(make_user(Role.MODERATOR))

    page = client.get(f"/moderation/consultations/{consultation.slug}").text

    assert {int(i) for i in re.findall(INLINE_FORM, page)} == {s.id for s in plain}
    assert 'aria-keyshortcuts="a">Approve #' in page
    assert f'<select name="reason" id="reason-{plain[0].id}" required aria-keyshortcuts="r">' in page
    assert "Other (say why in the note)" not in page.split('id="bulk-approve"')[1]  # needs a note: open the answer
    for kind, submission in never.items():
        card = page.split(f'id="submission-{submission.id}"')[1].split("</article>")[0]
        assert "from-list" not in card, kind
        assert f"Open #{submission.id} to decide" in card, kind
    # Bulk approval sits above the list, nothing ticked.
    assert page.index('id="bulk-approve"') < page.index(f'id="submission-{plain[0].id}"')
    assert " checked" not in page.split('id="bulk-approve"')[1].split("</form>")[0]


def test_approving_from_the_list_publishes_once_and_carries_on_at_the_next_answer(client, db, login, make_user, desk):
    consultation, plain, _never = desk
    moderator = make_user(Role.MODERATOR)
    login(moderator)

    response = _decide(client, plain[0], focus=str(plain[1].id))

    assert response.status_code == 303
    assert response.headers["Location"].endswith(
        f"/moderation/consultations/{consultation.slug}#submission-{plain[1].id}"
    )
    approved = _now(db, plain[0])
    assert approved.status is SubmissionStatus.APPROVED
    assert approved.published_text == "Plain answer one"
    assert approved.decided_by_id == moderator.id
    assert _events(db, plain[0], ModerationAction.APPROVED) == 1
    assert "Response approved and published." in client.get(response.headers["Location"]).text

    again = _decide(client, plain[0])  # the same key pressed twice, or a second tab

    assert again.status_code == 409
    assert "Another moderator has already decided on this response" in again.text
    assert _events(db, plain[0], ModerationAction.APPROVED) == 1


def test_rejecting_from_the_list_needs_a_reason_and_is_audited_once(client, db, login, make_user, desk):
    _consultation, plain, _never = desk
    login(make_user(Role.MODERATOR))

    without = _decide(client, plain[0], "reject")
    other = _decide(client, plain[0], "reject", reason="other")  # needs a note: only on the answer's own page

    assert (without.status_code, other.status_code) == (422, 422)
    assert "Choose a reason." in without.text
    assert _now(db, plain[0]).status is SubmissionStatus.PENDING

    response = _decide(client, plain[0], "reject", reason="off_topic")

    assert response.status_code == 303
    rejected = _now(db, plain[0])
    assert (rejected.status, rejected.reject_reason) == (SubmissionStatus.REJECTED, "off_topic")
    assert _events(db, plain[0], ModerationAction.REJECTED) == 1


@pytest.mark.parametrize("kind", ["pii", "safeguarding", "reported", "unscreened", "possible concern"])
@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_flagged_reported_and_unchecked_answers_are_refused_from_the_list(client, db, login, make_user, desk, kind,
                                                                          decision):  # fmt: skip
    _consultation, _plain, never = desk
    submission = never[kind]
    login(make_user(Role.MODERATOR))

    response = _decide(client, submission, decision, reason="spam")

    assert response.status_code == 409
    assert "Open this response to decide on it" in response.text
    after = _now(db, submission)
    assert after.status is SubmissionStatus.PENDING and after.published_text is None
    assert _events(db, submission, ModerationAction.APPROVED) + _events(db, submission, ModerationAction.REJECTED) == 0


def test_an_answer_another_moderator_has_open_or_edited_since_is_refused(client, db, login, make_user, desk):
    _consultation, plain, _never = desk
    other = make_user(Role.MODERATOR)
    held = db.session.get(Submission, plain[0].id)
    held.claimed_by_id, held.claimed_until = other.id, clock.utcnow() + timedelta(minutes=5)
    db.session.commit()
    login(make_user(Role.MODERATOR))

    assert _decide(client, plain[0]).status_code == 409
    assert _decide(client, plain[1], seen=text_hash("words the moderator never read")).status_code == 409
    assert [_now(db, s).status for s in plain] == [SubmissionStatus.PENDING] * 2


@pytest.mark.parametrize("role", [None, Role.PARTICIPANT, Role.SECRETARIAT])
def test_only_moderators_decide_from_the_list(client, db, login, make_user, desk, role):
    _consultation, plain, _never = desk
    if role:
        login(make_user(role))

    response = _decide(client, plain[0])

    assert response.status_code == (302 if role is None else 403)
    assert _now(db, plain[0]).status is SubmissionStatus.PENDING


def test_a_decision_from_the_list_needs_the_pages_csrf_token(app, client, db, login, make_user, desk):
    consultation, plain, _never = desk
    login(make_user(Role.MODERATOR))
    app.config["WTF_CSRF_ENABLED"] = True

    refused = _decide(client, plain[0])

    assert refused.status_code == 400
    assert _now(db, plain[0]).status is SubmissionStatus.PENDING

    page = client.get(f"/moderation/consultations/{consultation.slug}").text
    token = TOKEN.search(page).group(1)
    assert _decide(client, plain[0], csrf_token=token).status_code == 303
    assert _now(db, plain[0]).status is SubmissionStatus.APPROVED


def test_malformed_decisions_are_refused_in_words(client, db, login, make_user, desk):
    _consultation, plain, _never = desk
    login(make_user(Role.MODERATOR))

    for data in ({"seen": "not a hash"}, {"focus": "x" * 30}, {"reason": "nonsense"}):
        response = _decide(client, plain[0], "reject" if "reason" in data else "approve", **data)
        assert response.status_code == 422, data
    assert _now(db, plain[0]).status is SubmissionStatus.PENDING


# --- the keys, on the queue and on an item -------------------------------------------------


def test_the_keys_are_listed_in_a_dialog_and_the_desk_script_is_loaded(client, login, make_user, desk):
    consultation, plain, _never = desk
    login(make_user(Role.MODERATOR))

    for path in (f"/moderation/consultations/{consultation.slug}", f"/moderation/submissions/{plain[0].id}"):
        page = client.get(path).text
        assert '<dialog id="desk-keys" class="desk-keys" aria-labelledby="desk-keys-title">' in page
        assert '<form method="dialog"><button type="submit">Close</button></form>' in page
        assert '<script src="/static/desk.js" defer></script>' in page
        # Without the script the button that opens the help stays hidden: every action is its form.
        assert 'data-keys-open hidden aria-keyshortcuts="Shift+?"' in page


def test_an_item_links_to_its_neighbours_in_queue_order(client, login, make_user, desk):
    _consultation, plain, never = desk
    login(make_user(Role.MODERATOR))

    page = client.get(f"/moderation/submissions/{plain[0].id}").text

    # The queue: the disclosure, the flagged ones, the unflagged by the classifier's score then oldest first.
    assert f'href="/moderation/submissions/{never["possible concern"].id}" rel="prev"' in page
    assert f'href="/moderation/submissions/{plain[1].id}" rel="next"' in page


# --- direction ----------------------------------------------------------------------------


def test_an_arabic_answers_age_band_and_language_are_isolated_in_an_english_page(
    client, db, login, make_user, make_consultation, make_submission
):
    consultation = make_consultation(open=True)
    author = make_user(age_band="16-17", country="EG")
    answer = make_submission(consultation.questions[0], author, "يجب أن تتحقق المنصات من العمر.", language="ar")
    login(make_user(Role.MODERATOR))

    for path in (f"/moderation/consultations/{consultation.slug}", f"/moderation/submissions/{answer.id}"):
        page = client.get(path).text
        # Unisolated, "العربية · 16–17" makes the range Arabic numbers and shows it as "17–16".
        assert '<bdi lang="ar">العربية</bdi> · <bdi>16–17</bdi> · <bdi>Egypt</bdi>' in page, path
        assert "العربية · 16–17" not in page


def test_naughty_strings_posted_to_a_decision_from_the_list_are_refused_in_words(
    client, db, login, make_user, desk, naughty_strings
):
    _consultation, plain, _never = desk
    login(make_user(Role.MODERATOR))
    failures = []
    for index, typed in enumerate(naughty_strings):
        field = ("reason", "focus", "seen")[index % 3]  # each string once, each field a third of the list
        if field == "focus" and re.fullmatch(r"[0-9]{1,18}", typed):
            continue  # an id: a valid place to carry on
        response = _decide(client, plain[0], "reject", **{"reason": "spam", field: typed})
        if response.status_code != 422:
            failures.append(f"#{index} {typed!r} as {field}: {response.status_code}")
    assert not failures, failures
    assert _now(db, plain[0]).status is SubmissionStatus.PENDING
