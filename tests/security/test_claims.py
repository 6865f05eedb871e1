"""Claims need intent: reading a response, or following a link another site made, holds nothing."""

from __future__ import annotations

import re

from consult.models import Role, Submission


def _holder(db, submission):
    db.session.expire_all()
    return db.session.get(Submission, submission.id).claimed_by_id


def test_opening_a_response_does_not_hold_it(client, db, login, make_user, make_consultation, make_submission):
    consultation = make_consultation(open=True)
    waiting = make_submission(consultation.questions[0], make_user(), "Schools should teach online safety")
    login(make_user(Role.MODERATOR))

    page = client.get(f"/moderation/submissions/{waiting.id}")

    assert page.status_code == 200
    assert "Start reviewing" in page.text
    assert _holder(db, waiting) is None


def test_next_is_not_taken_by_a_link(client, db, login, make_user, make_consultation, make_submission):
    consultation = make_consultation(open=True)
    waiting = make_submission(consultation.questions[0], make_user(), "Schools should teach online safety")
    login(make_user(Role.MODERATOR))

    assert client.get(f"/moderation/consultations/{consultation.slug}/next").status_code == 405
    assert _holder(db, waiting) is None


def test_a_cross_site_form_cannot_claim(app, client, db, make_user, make_consultation, make_submission):
    """With CSRF on, a POST without the page's token (what another site can send) claims nothing."""
    app.config["WTF_CSRF_ENABLED"] = True
    consultation = make_consultation(open=True)
    waiting = make_submission(consultation.questions[0], make_user(), "Schools should teach online safety")
    moderator = make_user(Role.MODERATOR)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"username": moderator.pseudonym, "password": moderator.password, "csrf_token": token})

    assert client.post(f"/moderation/submissions/{waiting.id}/claim").status_code == 400
    assert client.post(f"/moderation/consultations/{consultation.slug}/next").status_code == 400
    assert _holder(db, waiting) is None

    page = client.get(f"/moderation/submissions/{waiting.id}").text
    start = re.search(r'action="[^"]*/claim"[^>]*>\s*<input type="hidden" name="csrf_token" value="([^"]+)"', page)
    claimed = client.post(f"/moderation/submissions/{waiting.id}/claim", data={"csrf_token": start.group(1)})
    assert claimed.status_code == 303
    assert _holder(db, waiting) == moderator.id
    assert "This response is yours until" in client.get(claimed.headers["Location"]).text


def test_a_response_someone_else_holds_is_not_taken_over(app, client, db, login, make_user, make_consultation,
                                                         make_submission):  # fmt: skip
    consultation = make_consultation(open=True)
    waiting = make_submission(consultation.questions[0], make_user(), "Schools should teach online safety")
    first = make_user(Role.MODERATOR, pseudonym="Moderator Ama")
    login(first)
    client.post(f"/moderation/submissions/{waiting.id}/claim")
    login(make_user(Role.MODERATOR))

    client.post(f"/moderation/submissions/{waiting.id}/claim")

    assert _holder(db, waiting) == first.id
    page = client.get(f"/moderation/submissions/{waiting.id}").text
    assert "<bdi>Moderator Ama</bdi> has this response open until" in page
