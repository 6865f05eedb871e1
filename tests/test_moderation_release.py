"""A moderator who opened a response can hand it back at once, rather than make others wait for the claim to lapse."""

from __future__ import annotations

import re

import pytest

from consult.models import Role, Submission, SubmissionStatus

RELEASED = "Response released: another moderator can open it now."
NOT_YOURS = "You did not have this response open, so nothing was released."
RELEASE_BUTTON = "Release this response for others"


@pytest.fixture
def waiting(make_user, make_consultation, make_submission):
    consultation = make_consultation(open=True)
    return make_submission(consultation.questions[0], make_user(), "Teach online safety in primary school")


def _browser(app, user):
    """A second browser, for a second moderator working at the same time."""
    other = app.test_client()
    assert other.post("/login", data={"username": user.pseudonym, "password": user.password}).status_code == 302
    return other


def _next(client, submission) -> str:
    return client.post(f"/moderation/consultations/{submission.question.consultation.slug}/next").headers["Location"]


def _open(client, submission, query: str = "") -> str:
    """Open a response and start reviewing it (the POST that holds it), as the moderator's buttons do."""
    assert client.post(f"/moderation/submissions/{submission.id}/claim{query}").status_code == 303
    return client.get(f"/moderation/submissions/{submission.id}{query}").text


def _claim(db, submission) -> tuple[int | None, object]:
    db.session.expire_all()
    held = db.session.get(Submission, submission.id)
    return held.claimed_by_id, held.claimed_until


def test_a_released_response_goes_to_the_next_moderator_at_once(app, client, db, login, make_user, waiting):
    first = make_user(Role.MODERATOR)
    login(first)
    page = _open(client, waiting)
    assert RELEASE_BUTTON in page
    second = _browser(app, make_user(Role.MODERATOR))
    queue = f"/moderation/consultations/{waiting.question.consultation.slug}"
    assert _next(second, waiting) == queue  # held by the first moderator: nothing for the second

    released = client.post(f"/moderation/submissions/{waiting.id}/release")

    assert released.status_code == 303
    assert released.headers["Location"] == queue
    assert RELEASED in client.get(queue).text
    assert _claim(db, waiting) == (None, None)
    assert _next(second, waiting) == f"/moderation/submissions/{waiting.id}"
    assert db.session.get(Submission, waiting.id).status is SubmissionStatus.PENDING  # released, not decided


def test_releasing_keeps_the_queue_filters(client, login, make_user, waiting):
    login(make_user(Role.MODERATOR))
    page = _open(client, waiting, "?language=en")
    assert f'action="/moderation/submissions/{waiting.id}/release?language=en"' in page

    released = client.post(f"/moderation/submissions/{waiting.id}/release?language=en")
    assert released.headers["Location"] == f"/moderation/consultations/{waiting.question.consultation.slug}?language=en"


def test_releasing_another_moderators_claim_changes_nothing(app, client, db, login, make_user, waiting):
    holder = make_user(Role.MODERATOR, pseudonym="Moderator Ama")
    login(holder)
    _open(client, waiting)
    claim = _claim(db, waiting)
    assert claim[0] == holder.id

    intruder = _browser(app, make_user(Role.MODERATOR))
    page = intruder.get(f"/moderation/submissions/{waiting.id}").text
    assert "<bdi>Moderator Ama</bdi> has this response open until" in page and RELEASE_BUTTON not in page
    refused = intruder.post(f"/moderation/submissions/{waiting.id}/release")

    assert refused.status_code == 303
    assert NOT_YOURS in intruder.get(refused.headers["Location"]).text
    assert _claim(db, waiting) == claim
    assert _next(intruder, waiting) == f"/moderation/consultations/{waiting.question.consultation.slug}"


def test_releasing_a_response_nobody_holds_says_so(client, db, login, make_user, waiting):
    login(make_user(Role.MODERATOR))
    released = client.post(f"/moderation/submissions/{waiting.id}/release")
    assert NOT_YOURS in client.get(released.headers["Location"]).text
    assert _claim(db, waiting) == (None, None)


def test_releasing_an_unknown_response_is_not_found(client, login, make_user):
    login(make_user(Role.MODERATOR))
    assert client.post("/moderation/submissions/999999/release").status_code == 404


def test_release_is_only_taken_by_post(client, db, login, make_user, waiting):
    moderator = make_user(Role.MODERATOR)
    login(moderator)
    _open(client, waiting)
    assert client.get(f"/moderation/submissions/{waiting.id}/release").status_code == 405
    assert _claim(db, waiting)[0] == moderator.id


def test_release_needs_the_forms_token(app, client, db, make_user, waiting):
    app.config["WTF_CSRF_ENABLED"] = True
    moderator = make_user(Role.MODERATOR)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"username": moderator.pseudonym, "password": moderator.password, "csrf_token": token})
    unclaimed = client.get(f"/moderation/submissions/{waiting.id}").text
    start = re.search(r'action="[^"]*/claim"[^>]*>\s*<input type="hidden" name="csrf_token" value="([^"]+)"', unclaimed)
    assert (
        client.post(f"/moderation/submissions/{waiting.id}/claim", data={"csrf_token": start.group(1)}).status_code
        == 303
    )
    page = client.get(f"/moderation/submissions/{waiting.id}").text
    form = re.search(r'<form method="post" action="[^"]*/release"[^>]*>\s*<input type="hidden" name="csrf_token" '
                     r'value="([^"]+)"', page)  # fmt: skip

    refused = client.post(f"/moderation/submissions/{waiting.id}/release")
    assert refused.status_code == 400
    assert _claim(db, waiting)[0] == moderator.id

    released = client.post(f"/moderation/submissions/{waiting.id}/release", data={"csrf_token": form.group(1)})
    assert released.status_code == 303
    assert _claim(db, waiting) == (None, None)


def test_participants_and_secretariat_cannot_release(client, db, login, make_user, waiting):
    moderator = make_user(Role.MODERATOR)
    login(moderator)
    _open(client, waiting)
    for role in (Role.PARTICIPANT, Role.SECRETARIAT):
        login(make_user(role))
        assert client.post(f"/moderation/submissions/{waiting.id}/release").status_code == 403
    assert _claim(db, waiting)[0] == moderator.id


def test_anonymous_visitors_are_asked_to_log_in(client, waiting):
    response = client.post(f"/moderation/submissions/{waiting.id}/release")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
