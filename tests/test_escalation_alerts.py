"""The safeguarding team sees at a glance, on every page, how many escalations wait for it; nobody else does."""

from __future__ import annotations

import re

import pytest

from consult.models import Role, Submission, User
from consult.moderation import safeguarding
from consult.moderation.events import text_hash

DISCLOSURE = "I am scared to go home tonight."


@pytest.fixture
def safeguarder(db, make_user):
    user = make_user(Role.MODERATOR, pseudonym="Safeguarding Sana")
    user.can_safeguard = True
    db.session.commit()
    return user


@pytest.fixture
def consultation(make_consultation):
    return make_consultation(open=True)


@pytest.fixture
def escalate(app, make_user, make_submission, consultation):
    """``escalate()``: a moderator in another browser escalates a new disclosure through the response's page."""
    moderator = make_user(Role.MODERATOR, pseudonym="Escalating Eli")
    other = app.test_client()
    signed_in = other.post("/login", data={"username": moderator.pseudonym, "password": moderator.password})
    assert signed_in.status_code == 302

    def make(body: str = DISCLOSURE) -> Submission:
        submission = make_submission(consultation.questions[0], make_user(), body)
        response = other.post(f"/moderation/submissions/{submission.id}/escalate",
                              data={"seen": text_hash(body), "note": "Possible harm at home."})  # fmt: skip
        assert response.status_code == 303
        return submission

    return make


@pytest.fixture
def counted(monkeypatch):
    """How many times pages asked the database for the number of open escalations."""
    calls = []
    real = safeguarding.escalated_count

    def count():
        calls.append(1)
        return real()

    monkeypatch.setattr(safeguarding, "escalated_count", count)
    return calls


def _nav(page: str) -> str:
    return re.search(r'<nav aria-label="Main">.*?</nav>', page, re.S).group(0)


def _nav_count(page: str) -> tuple[str, str] | None:
    """The badge on the safeguarding link and the words screen readers hear instead, if any."""
    found = re.search(
        r'Safeguarding<span class="count-badge" aria-hidden="true">(\d+)</span>'
        r'<span class="visually-hidden">([^<]+)</span></a>',
        _nav(page),
    )
    return found.groups() if found else None


def test_the_safeguarding_link_counts_open_escalations_as_they_come_and_go(client, login, safeguarder, escalate):
    login(safeguarder)
    assert _nav_count(client.get("/moderation/").text) is None  # nothing waits: no badge
    assert "Safeguarding</a>" in _nav(client.get("/moderation/").text)

    first = escalate()
    assert _nav_count(client.get("/moderation/").text) == ("1", "1 open escalation")
    escalate("Someone online keeps asking me for photos.")
    assert _nav_count(client.get("/account/password").text) == ("2", "2 open escalations")

    recorded = client.post(f"/safeguarding/submissions/{first.id}/actions",
                           data={"action": "helpline", "note": "Called the helpline."})  # fmt: skip
    assert recorded.status_code == 303
    assert _nav_count(client.get("/moderation/").text) == ("2", "2 open escalations")  # still open
    closed = client.post(f"/safeguarding/submissions/{first.id}/reject",
                         data={"reason": "other", "note": "Kept private: a disclosure."})  # fmt: skip
    assert closed.status_code == 303
    assert _nav_count(client.get(closed.headers["Location"]).text) == ("1", "1 open escalation")


def test_the_dashboard_tells_the_team_how_many_escalations_wait_across_consultations(
    client, login, safeguarder, escalate, consultation, make_consultation, counted
):
    login(safeguarder)
    dashboard = f"/moderation/consultations/{consultation.slug}/dashboard"
    assert "No escalation is waiting for the safeguarding team." in client.get(dashboard).text

    escalate()
    escalate("Someone online keeps asking me for photos.")
    counted.clear()
    page = client.get(f"/moderation/consultations/{make_consultation(open=True).slug}/dashboard").text

    assert "2 escalations, across all consultations, are waiting for the safeguarding team." in page
    assert 'href="/safeguarding/">Go to the safeguarding queue</a>' in page
    assert _nav_count(page) == ("2", "2 open escalations")
    assert len(counted) == 1  # the navigation and the dashboard share one count


def test_moderators_without_the_permission_see_no_count(client, db, login, make_user, escalate, consultation, counted):
    escalate()
    moderator = make_user(Role.MODERATOR)
    admin = make_user(Role.ADMIN)
    counted.clear()
    for user in (moderator, admin):
        login(user)
        for path in ("/moderation/", f"/moderation/consultations/{consultation.slug}/dashboard"):
            page = client.get(path).text
            assert "/safeguarding/" not in page
            assert "escalation" not in _nav(page) and "count-badge" not in page
            assert 'id="open-escalations"' not in page
    assert counted == []


def test_the_count_goes_when_the_permission_is_withdrawn(client, db, login, safeguarder, escalate):
    escalate()
    login(safeguarder)
    assert _nav_count(client.get("/moderation/").text) == ("1", "1 open escalation")
    db.session.get(User, safeguarder.id).can_safeguard = False
    db.session.commit()
    assert "count-badge" not in client.get("/moderation/").text


def test_participants_and_readers_see_no_count_and_cost_no_query(
    app, client, login, make_user, escalate, consultation, counted
):
    reader = app.test_client()
    home, page = reader.get("/"), reader.get(f"/consultations/{consultation.slug}")
    escalate()
    counted.clear()

    # A reader's cached pages are as they were: still answered 304, and the same when fetched again.
    assert reader.get("/", headers={"If-None-Match": home.headers["ETag"]}).status_code == 304
    again = reader.get(f"/consultations/{consultation.slug}")
    assert again.headers["ETag"] == page.headers["ETag"] and "count-badge" not in again.text
    assert "escalation" not in app.test_client().get("/").text

    login(make_user())
    for path in ("/", f"/consultations/{consultation.slug}", "/account"):
        response = client.get(path)
        assert response.status_code == 200
        assert "count-badge" not in response.text and "escalation" not in _nav(response.text)
    assert counted == []
