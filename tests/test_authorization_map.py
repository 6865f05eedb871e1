"""Deny by default: every route declares who may use it, and every route answers as declared.

The walk requests every rule of the URL map (GET, and POST with empty data) as each kind of
user, with the URL filled in with real objects, and checks the answer against the declared rule.
A new route without a rule fails here and answers 403 at runtime.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from conftest import test_config as config_for
from summaries_fixtures import add_response

from consult import create_app
from consult.access import ACCESS, Access
from consult.extensions import db as _db
from consult.models import ConsultationStatus, Role, Submission, SubmissionStatus
from consult.summaries.generation import generate_summary
from consult.summaries.versions import publish_summary

IDENTITIES = ("anonymous", "participant", "other_participant", "moderator", "safeguarder", "secretariat", "admin",
              "facilitator")  # fmt: skip

# Who each rule admits; everyone else is refused (sent to log in when anonymous, 403 otherwise).
ADMITTED = {
    Access.PUBLIC: frozenset(IDENTITIES),
    Access.SIGNED_IN: frozenset(IDENTITIES) - {"anonymous"},
    Access.PARTICIPANT: frozenset({"participant", "other_participant"}),
    Access.MODERATOR: frozenset({"moderator", "safeguarder", "admin"}),
    # The safeguarding permission is granted person by person, admins included.
    Access.SAFEGUARDING: frozenset({"safeguarder"}),
    Access.SECRETARIAT: frozenset({"secretariat", "admin"}),
    # Facilitators hand in workshops' answers and nothing else staff do.
    Access.FACILITATOR: frozenset({"facilitator", "admin"}),
    Access.ADMIN: frozenset({"admin"}),
}

# Requests that end the walker's session go last, so the rest are made signed in.
LAST = {("auth.logout", "POST"), ("auth.delete_own_account", "POST")}


@dataclass
class World:
    users: dict
    open_slug: str
    summarised_slug: str
    draft_id: int
    meeting_id: int
    pending_id: int
    escalated_id: int
    approved_id: int


@pytest.fixture
def world(db, make_user, make_meeting, make_consultation, make_submission) -> World:
    users = {
        "participant": make_user(pseudonym="Participant A"),
        "other_participant": make_user(pseudonym="Participant B"),
        "moderator": make_user(Role.MODERATOR),
        "safeguarder": make_user(Role.MODERATOR),
        "secretariat": make_user(Role.SECRETARIAT),
        "admin": make_user(Role.ADMIN),
        "facilitator": make_user(Role.FACILITATOR),
    }
    users["safeguarder"].can_safeguard = True
    meeting = make_meeting()
    open_consultation = make_consultation(open=True, meeting=meeting)
    draft = make_consultation(status=ConsultationStatus.DRAFT)
    question = open_consultation.questions[0]
    author = users["participant"]
    pending = make_submission(question, author, "A's pending answer")
    escalated = make_submission(question, author, "A's escalated answer", status=SubmissionStatus.ESCALATED)
    approved = make_submission(question, author, "A's published answer", status=SubmissionStatus.APPROVED)

    summarised = make_consultation(open=False, questions=1)
    for n in range(3):
        add_response(
            db, summarised.questions[0], author, f"Safer apps for everyone, idea {n}", SubmissionStatus.APPROVED
        )
    publish_summary(generate_summary(summarised, users["secretariat"]), users["secretariat"])
    db.session.commit()
    return World(users, open_consultation.slug, summarised.slug, draft.id, meeting.id, pending.id, escalated.id,
                 approved.id)  # fmt: skip


def _values(endpoint: str, world: World) -> dict:
    """Real objects for the URL's variables, chosen so that each view reaches its access check."""
    summaries = endpoint.startswith(("summaries.", "api.summary"))
    submission_id = world.pending_id
    if endpoint.startswith("safeguarding."):
        submission_id = world.escalated_id
    elif endpoint in ("consultations.report", "consultations.endorse", "consultations.withdraw_endorsement"):
        submission_id = world.approved_id
    return {
        "slug": world.summarised_slug if summaries else world.open_slug,
        "submission_id": submission_id,
        "consultation_id": world.draft_id,
        "meeting_id": world.meeting_id,
        "position": 1,
        "number": 1,
        "decision": "reject",  # with empty data the form is refused; nothing is decided
        "file_format": "md" if endpoint in ("summaries.document", "summaries.staff_document") else "csv",
        "job_id": 1,
        "session_id": 999999,  # nobody's: ending the walker's own session would log it out
        "filename": "style.css",
        "language": "fr",
        "user_id": world.users["facilitator"].id,
    }


def _requests(app, world: World) -> list[tuple[str, str, str]]:
    requests = []
    for rule in app.url_map.iter_rules():
        values = _values(rule.endpoint, world)
        _domain, path = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)
        requests += [(rule.endpoint, method, path) for method in ("GET", "POST") if method in rule.methods]
    return sorted(requests, key=lambda r: ((r[0], r[1]) in LAST, r[1], r[0], r[2]))


def _sent_to_log_in(response) -> bool:
    if response.status_code == 401:
        return True
    return response.status_code in (302, 303) and urlsplit(response.location).path == "/login"


def test_every_route_declares_who_may_use_it(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted(endpoints - ACCESS.keys()) == [], "declare these endpoints in consult/access.py"
    assert sorted(ACCESS.keys() - endpoints) == [], "these rules in consult/access.py name no route"


@pytest.mark.parametrize("identity", IDENTITIES)
def test_every_route_answers_as_declared(app, client, login, world, identity):
    if identity != "anonymous":
        login(world.users[identity])
    wrong = []
    for endpoint, method, path in _requests(app, world):
        access = ACCESS.get(endpoint)
        if access is None:
            wrong.append(f"{method} {path}: {endpoint} has no declared rule")
            continue
        response = client.open(path, method=method, data={} if method == "POST" else None)
        code = response.status_code
        response.close()
        if identity in ADMITTED[access]:
            if code >= 500 or code in (401, 403) or _sent_to_log_in(response):
                wrong.append(f"{method} {path} ({access.value}) refused {identity}: {code}")
        elif identity == "anonymous":
            if not _sent_to_log_in(response):
                wrong.append(f"{method} {path} ({access.value}) did not ask {identity} to log in: {code}")
        elif code != 403:
            wrong.append(f"{method} {path} ({access.value}) answered {identity} with {code}, not 403")
    assert wrong == []


@pytest.fixture
def bare_app(database_url, tmp_path):
    """A fresh app that has served nothing yet, so a test can add a route to it."""
    app = create_app(config_for(database_url, tmp_path))
    yield app
    with app.app_context():
        _db.engine.dispose()


def test_a_route_without_a_rule_is_refused_at_runtime(bare_app, make_user):
    app = bare_app
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    client = app.test_client()
    assert client.get("/forgotten").status_code == 403
    admin = make_user(Role.ADMIN)
    client.post("/login", data={"username": admin.pseudonym, "password": admin.password})
    assert client.get("/forgotten").status_code == 403


def test_the_declared_rule_holds_even_without_the_view_decorator(bare_app, make_user, monkeypatch):
    """A staff view whose decorator was forgotten is still closed to participants."""
    app = bare_app
    app.add_url_rule("/moderation/forgotten", "forgotten", lambda: "queue")
    monkeypatch.setitem(ACCESS, "forgotten", Access.MODERATOR)
    client = app.test_client()
    assert _sent_to_log_in(client.get("/moderation/forgotten"))
    participant = make_user()
    client.post("/login", data={"username": participant.pseudonym, "password": participant.password})
    assert client.get("/moderation/forgotten").status_code == 403


# --- IDOR: one participant and another's words and account -----------------------------------


def test_another_participant_cannot_see_edit_or_withdraw_a_pending_answer(client, db, login, world):
    login(world.users["other_participant"])
    assert client.get(f"/responses/{world.pending_id}/edit").status_code == 404
    assert client.post(f"/responses/{world.pending_id}/edit",
                       data={"body": "taken over", "language": "en"}).status_code == 404  # fmt: skip
    assert client.post(f"/responses/{world.pending_id}/withdraw").status_code == 404
    for submission_id in (world.escalated_id, world.approved_id):
        assert client.get(f"/responses/{submission_id}/edit").status_code == 404
        assert client.post(f"/responses/{submission_id}/withdraw").status_code == 404
    page = client.get(f"/consultations/{world.open_slug}").text
    assert "A&#39;s pending answer" not in page and "A's pending answer" not in page
    assert "escalated answer" not in page
    pending = db.session.get(Submission, world.pending_id)
    assert (pending.body, pending.status) == ("A's pending answer", SubmissionStatus.PENDING)


def test_another_participant_gets_only_their_own_account_data(client, login, world):
    login(world.users["other_participant"])
    export = client.get("/account/data.json").get_json()
    assert export["account"]["pseudonym"] == "Participant B"
    assert export["answers"] == []
    assert "Participant A" not in client.get("/account").text
    # The account pages take no id: nothing in the address can point them at someone else.
    assert client.get(f"/account/data.json?user_id={world.users['participant'].id}").get_json()["answers"] == []


def test_staff_cannot_use_a_participants_pending_answer_as_their_own(client, login, world):
    for identity in ("moderator", "secretariat", "admin"):
        login(world.users[identity])
        assert client.post(f"/responses/{world.pending_id}/withdraw").status_code == 403
