"""A desk that cannot publish a disclosure by accident: nothing is pre-ticked for bulk approval, the
moderator selects and confirms a count, flagged, reported and unscreened answers are never approved in
bulk, and a flagged answer's page never leads with "approve as written"."""

from __future__ import annotations

import re

import pytest
from desk_fixtures import desk_answers

from consult.models import Role, Submission, SubmissionStatus
from consult.moderation.events import text_hash
from consult.moderation.services import bulk_approve

BULK_BOX = r'<input type="checkbox" form="bulk-approve" name="items" id="bulk-(\d+)" value="[^"]+"( checked)?>'
CHECKED_VERSION = r'<input checked id="version-\d" name="version" required type="radio" value="(\w+)">'
VERSIONS = r'<input (?:checked )?id="version-\d" name="version" required type="radio" value="(\w+)">'


@pytest.fixture
def desk(db, make_user, make_consultation, make_submission):
    """One consultation's queue: two plain answers and one of every kind bulk approval must never offer."""
    consultation, plain, never = desk_answers(db, make_user, make_consultation, make_submission)
    never["pii"].suggested_text = "My number is [personal information removed]"
    db.session.commit()
    return consultation, plain, list(never.values())


def _bulk(client, consultation, *submissions, confirmed=False):
    data = {"items": [f"{s.id}:{text_hash(s.body)}" for s in submissions]}
    if confirmed:
        data["confirmed"] = "yes"
    return client.post(f"/moderation/consultations/{consultation.slug}/bulk-approve", data=data)


def _status(db, submission) -> SubmissionStatus:
    db.session.expire_all()
    return db.session.get(Submission, submission.id).status


# --- bulk approval ---------------------------------------------------------------------------


def test_nothing_is_ticked_and_only_unflagged_screened_answers_are_offered(client, login, make_user, desk):
    consultation, plain, never = desk
    login(make_user(Role.MODERATOR))

    page = client.get(f"/moderation/consultations/{consultation.slug}").text

    boxes = re.findall(BULK_BOX, page)
    assert {int(ident) for ident, _ in boxes} == {s.id for s in plain}
    assert not any(checked for _, checked in boxes)
    assert "Approve the selected responses" in page
    assert all(f'id="bulk-{s.id}"' not in page for s in never)


def test_select_all_ticks_the_unflagged_screened_answers_without_a_script(client, login, make_user, desk):
    consultation, plain, never = desk
    login(make_user(Role.MODERATOR))
    page = client.get(f"/moderation/consultations/{consultation.slug}").text
    assert '<button type="submit" form="select-all" name="select" value="unflagged" class="secondary"' in page
    assert '<form method="get" id="select-all" action="/moderation/consultations/' in page

    selected = client.get(f"/moderation/consultations/{consultation.slug}", query_string={"select": "unflagged"}).text

    assert sorted(re.findall(BULK_BOX, selected)) == sorted((str(s.id), " checked") for s in plain)
    assert all(f'id="bulk-{s.id}"' not in selected for s in never)


def test_publishing_needs_a_confirmation_that_shows_the_count_and_the_list(client, db, login, make_user, desk):
    consultation, plain, never = desk
    login(make_user(Role.MODERATOR))

    confirmation = _bulk(client, consultation, *plain, never[0])

    assert confirmation.status_code == 200
    assert "Approve 2 answers" in confirmation.text
    assert all(s.body in confirmation.text for s in plain)
    assert never[0].body not in confirmation.text
    assert "1 of the responses you selected can no longer be approved in bulk and is left out." in confirmation.text
    assert [_status(db, s) for s in plain] == [SubmissionStatus.PENDING] * 2  # nothing published yet

    form = confirmation.text[confirmation.text.index('name="confirmed"') :]
    items = re.findall(r'<input type="hidden" name="items" value="([^"]+)">', form)
    response = client.post(f"/moderation/consultations/{consultation.slug}/bulk-approve",
                           data={"items": items, "confirmed": "yes"})  # fmt: skip

    assert response.status_code == 303
    assert "2 responses approved and published." in client.get(response.headers["Location"]).text
    assert [_status(db, s) for s in plain] == [SubmissionStatus.APPROVED] * 2


def test_one_answer_is_counted_in_the_singular(client, login, make_user, desk):
    consultation, plain, _never = desk
    login(make_user(Role.MODERATOR))
    assert "Approve 1 answer<" in _bulk(client, consultation, plain[0]).text


def test_flagged_reported_and_unscreened_answers_are_refused_even_when_posted(client, db, login, make_user, desk):
    consultation, _plain, never = desk
    moderator = make_user(Role.MODERATOR)
    login(moderator)

    response = _bulk(client, consultation, *never, confirmed=True)

    assert response.status_code == 303
    assert "4 responses were left out" in client.get(response.headers["Location"]).text
    assert [_status(db, s) for s in never] == [SubmissionStatus.PENDING] * 4
    assert bulk_approve([s.id for s in never], moderator) == 0


def test_a_confirmation_with_nothing_left_to_approve_goes_back_to_the_queue(client, db, login, make_user, desk):
    consultation, _plain, never = desk
    login(make_user(Role.MODERATOR))

    response = _bulk(client, consultation, never[0], never[2])

    assert response.status_code == 303
    assert "2 responses were left out" in client.get(response.headers["Location"]).text


# --- one flagged answer ----------------------------------------------------------------------


def _item(client, submission) -> str:
    return client.get(f"/moderation/submissions/{submission.id}").text


def test_personal_information_leads_with_the_suggested_redaction(client, login, make_user, desk):
    _consultation, _plain, (pii, *_rest) = desk
    login(make_user(Role.MODERATOR))

    page = _item(client, pii)

    assert re.findall(CHECKED_VERSION, page) == ["suggested"]
    assert re.findall(VERSIONS, page) == ["suggested", "edited", "as_written"]


def test_a_flag_without_a_suggestion_leaves_the_choice_to_the_moderator(client, db, login, make_user, desk):
    _consultation, _plain, (_pii, grooming, *_rest) = desk
    login(make_user(Role.MODERATOR))

    page = _item(client, grooming)

    assert re.findall(CHECKED_VERSION, page) == []
    assert re.findall(VERSIONS, page)[-1] == "as_written"
    refused = client.post(f"/moderation/submissions/{grooming.id}/approve", data={"seen": text_hash(grooming.body)})
    assert refused.status_code == 422 and "Choose what to publish." in refused.text
    assert _status(db, grooming) is SubmissionStatus.PENDING


def test_a_possible_disclosure_leads_with_escalate(client, login, make_user, desk):
    _consultation, plain, (_pii, grooming, *_rest) = desk
    login(make_user(Role.MODERATOR))

    page = _item(client, grooming)

    assert page.index("/escalate") < page.index("/approve") < page.index("/reject")
    assert '<button type="submit">Escalate to safeguarding</button>' in page
    assert '<button type="submit" class="secondary">Approve and publish</button>' in page
    assert "Escalate unless you are sure they are safe." in page

    ordinary = _item(client, plain[0])
    assert ordinary.index("/approve") < ordinary.index("/reject") < ordinary.index("/escalate")
    assert re.findall(CHECKED_VERSION, ordinary) == ["as_written"]
    assert '<button type="submit" class="secondary">Escalate to safeguarding</button>' in ordinary
