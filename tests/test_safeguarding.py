"""The safeguarding team reads escalated responses with the helplines to call, records what it did,
and alone decides whether an escalated response is ever published."""

from __future__ import annotations

import ast
import json
import re

import pytest
from babel import Locale
from conftest import PROJECT
from markupsafe import escape
from sqlalchemy import select

from consult.models import Role, Submission, SubmissionStatus
from consult.moderation.models import EarlierWording, ModerationEvent, SafeguardingNote
from consult.moderation.safeguarding import HELPLINES_FILE, _read_helplines
from consult.moderation.services import AlreadyDecided, approve_submission, bulk_approve, escalate_submission

DISCLOSURE = "My stepdad hits me when he drinks and I am scared to go home tonight."
ESCALATION_NOTE = "Possible abuse at home, author is in the 13-15 band."
DIRECTORY_URL = "https://childhelplineinternational.org/helplines/"
ALREADY_CLOSED = "Someone on the safeguarding team has already closed this item; nothing was changed."
RECORD_FIRST = "Record what the team did before closing this item."


@pytest.fixture
def safeguarder(db, make_user):
    """A staff member holding the safeguarding permission."""

    def make(role: Role = Role.MODERATOR, pseudonym: str | None = None):
        user = make_user(role, pseudonym=pseudonym)
        user.can_safeguard = True
        db.session.commit()
        return user

    return make


@pytest.fixture
def escalated(db, make_user, make_consultation, make_submission):
    """``escalated(body, country=..., age_band=...)``: a participant's response a moderator escalated."""
    made = {}

    def make(body: str = DISCLOSURE, *, country: str | None = "KE", age_band: str | None = "13-15",
             note: str | None = ESCALATION_NOTE, anonymous: bool = False, author=None) -> Submission:  # fmt: skip
        if "consultation" not in made:
            made["consultation"] = make_consultation(open=True)
            made["moderator"] = make_user(Role.MODERATOR, pseudonym="Escalating Moderator")
        if author is None and not anonymous:
            author = make_user(country=country, age_band=age_band)
        submission = make_submission(made["consultation"].questions[0], author, body=body)
        escalate_submission(submission, made["moderator"], note)
        db.session.commit()
        return submission

    return make


def _ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<article class="card escalated" id="submission-(\d+)"', page)]


def _record(client, submission, action="helpline", note="Called the national helpline with the team lead."):
    return client.post(f"/safeguarding/submissions/{submission.id}/actions", data={"action": action, "note": note})


def _approve(client, submission, text="Something safe to publish.", confirm=True):
    data = {"published_text": text, **({"confirm": "y"} if confirm else {})}
    return client.post(f"/safeguarding/submissions/{submission.id}/approve", data=data)


def _reject(client, submission, reason="other", note="Kept private: a disclosure."):
    return client.post(f"/safeguarding/submissions/{submission.id}/reject", data={"reason": reason, "note": note})


def _state(db, submission) -> Submission:
    db.session.expire_all()
    return db.session.get(Submission, submission.id)


# --- who may see it -------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.ADMIN])
def test_staff_with_the_safeguarding_permission_read_escalated_responses(client, login, safeguarder, escalated, role):
    submission = escalated()
    login(safeguarder(role))

    listing = client.get("/safeguarding/")
    detail = client.get(f"/safeguarding/submissions/{submission.id}")

    assert listing.status_code == 200
    assert detail.status_code == 200
    assert DISCLOSURE in listing.text
    assert DISCLOSURE in detail.text
    assert 'href="/safeguarding/"' in listing.text  # the way back is in the navigation


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.ADMIN])
def test_moderators_and_admins_without_the_permission_are_refused(client, db, login, make_user, escalated, role):
    submission = escalated()
    moderator = make_user(role)
    login(moderator)

    assert client.get("/safeguarding/").status_code == 403
    assert client.get(f"/safeguarding/submissions/{submission.id}").status_code == 403
    assert _record(client, submission).status_code == 403
    assert _approve(client, submission).status_code == 403
    assert _reject(client, submission).status_code == 403
    assert DISCLOSURE not in client.get("/safeguarding/").text
    assert 'href="/safeguarding/"' not in client.get("/moderation/").text
    assert _state(db, submission).status is SubmissionStatus.ESCALATED
    assert db.session.scalars(select(SafeguardingNote)).all() == []


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.SECRETARIAT])
def test_the_permission_alone_opens_nothing_to_participants_or_secretariat(client, db, login, safeguarder, escalated,
                                                                          role):  # fmt: skip
    submission = escalated()
    login(safeguarder(role))  # set in the database by mistake

    assert client.get("/safeguarding/").status_code == 403
    assert client.get(f"/safeguarding/submissions/{submission.id}").status_code == 403
    assert _approve(client, submission).status_code == 403
    assert _state(db, submission).status is SubmissionStatus.ESCALATED


def test_anonymous_visitors_are_asked_to_log_in(client, db, escalated):
    submission = escalated()

    for response in (
        client.get("/safeguarding/"),
        client.get(f"/safeguarding/submissions/{submission.id}"),
        _record(client, submission),
        _approve(client, submission),
    ):
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    assert _state(db, submission).status is SubmissionStatus.ESCALATED


def test_a_response_that_was_never_escalated_is_not_found_here(client, login, safeguarder, make_consultation,
                                                              make_submission, make_user):  # fmt: skip
    pending = make_submission(make_consultation().questions[0], make_user(), body="Just an ordinary answer.")
    login(safeguarder())

    assert client.get(f"/safeguarding/submissions/{pending.id}").status_code == 404
    assert _record(client, pending).status_code == 404
    assert _approve(client, pending).status_code == 404


# --- the queue ------------------------------------------------------------------------------


def test_queue_shows_escalated_responses_oldest_first_with_what_the_team_needs(
    client, login, safeguarder, escalated, make_submission, make_user
):
    first = escalated(country="KE", age_band="13-15")
    second = escalated("Someone online says they will post my photos unless I pay.", country="GB", age_band="16-17",
                       note=None)  # fmt: skip
    question = first.question
    make_submission(question, make_user(), body="Still waiting for a moderator.")
    make_submission(question, make_user(), body="Already published answer.", status=SubmissionStatus.APPROVED)
    login(safeguarder())

    page = client.get("/safeguarding/").text

    assert _ids(page) == [first.id, second.id]
    assert "2 responses are waiting for the safeguarding team." in page
    first_card, second_card = page.split(f'id="submission-{second.id}"')
    assert DISCLOSURE in first_card
    assert "Age group: <bdi>13–15</bdi>" in first_card
    assert "Country: <bdi>Kenya</bdi>" in first_card
    assert "Escalated by <bdi>Escalating Moderator</bdi>" in first_card
    assert ESCALATION_NOTE in first_card
    assert "Country: <bdi>United Kingdom</bdi>" in second_card
    assert "The moderator left no note." in second_card
    assert "Still waiting for a moderator." not in page
    assert "Already published answer." not in page


def test_nothing_escalated_is_said_plainly(client, login, safeguarder):
    login(safeguarder())
    assert "Nothing is waiting for the safeguarding team." in client.get("/safeguarding/").text


def test_a_long_queue_is_read_page_by_page_without_gaps_or_repeats(app, client, login, safeguarder, escalated):
    app.config["PENDING_PER_PAGE"] = 2
    items = [escalated(f"Escalated response number {n}.") for n in range(5)]
    login(safeguarder())

    seen, url, pages = [], "/safeguarding/", 0
    while url:
        page = client.get(url).text
        seen += _ids(page)
        pages += 1
        found = re.search(r'href="(/safeguarding/\?after=\d+)" rel="next"', page)
        url = found.group(1) if found else None

    assert seen == [item.id for item in items]
    assert pages == 3


@pytest.mark.parametrize("after", ["abc", "-1", "1e3", "9" * 19])
def test_an_invalid_queue_position_is_not_found(client, login, safeguarder, after):
    login(safeguarder())
    assert client.get("/safeguarding/", query_string={"after": after}).status_code == 404


# --- helplines ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "shown"),
    [
        ("KE", ["Childline Kenya", 'href="tel:116"']),
        ("GB", ["Childline", 'href="tel:08001111"', "0800 1111"]),
        ("CA", ["Kids Help Phone", 'href="tel:18006686868"']),
        ("AU", ["Kids Helpline", "1800 55 1800"]),
        ("US", ["988 Suicide &amp; Crisis Lifeline", 'href="tel:988"']),
        ("IN", ["Childline India", 'href="tel:1098"']),
    ],
)
def test_helplines_of_the_participants_country_come_with_the_international_directory(
    client, login, safeguarder, escalated, country, shown
):
    submission = escalated(country=country)
    login(safeguarder())

    for page in (client.get("/safeguarding/").text, client.get(f"/safeguarding/submissions/{submission.id}").text):
        helplines = page.split('class="helplines"')[1]
        for text in shown:
            assert text in helplines
        assert f'href="{DIRECTORY_URL}"' in helplines
        assert "Pro Juventute" not in helplines  # another country's line


def test_a_country_without_a_listed_helpline_gets_the_international_directory(client, login, safeguarder, escalated):
    escalated(country="LI")
    escalated("Written by someone whose account is gone.", anonymous=True)
    login(safeguarder())

    page = client.get("/safeguarding/").text

    assert "No helpline is listed for <bdi>Liechtenstein</bdi> yet." in page
    assert "The participant's country is not known." in page
    assert "The participant has deleted their account" in page
    assert page.count(f'href="{DIRECTORY_URL}"') == 2


def test_the_helpline_list_can_be_replaced_and_keeps_the_directory(app, client, login, safeguarder, escalated,
                                                                  tmp_path):  # fmt: skip
    replacement = tmp_path / "helplines.json"
    replacement.write_text(json.dumps({"countries": {"KE": [
        {"name": "Nairobi Youth Line", "phone": "+254 700 000 111", "url": "https://nairobi.example.org/"}
    ]}}), encoding="utf-8")  # fmt: skip
    app.config["HELPLINES_FILE"] = str(replacement)
    escalated(country="KE")
    login(safeguarder())

    page = client.get("/safeguarding/").text

    assert '<a href="https://nairobi.example.org/" rel="noreferrer"><bdi>Nairobi Youth Line</bdi></a>' in page
    assert 'href="tel:+254700000111"' in page
    assert "Childline Kenya" not in page
    assert f'href="{DIRECTORY_URL}"' in page


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        json.dumps({"countries": {"KE": [{"name": "Bad", "url": "javascript:alert(1)"}]}}),
        json.dumps({"countries": {"Kenya": [{"name": "Childline Kenya", "phone": "116"}]}}),
        json.dumps({"countries": {"KE": [{"name": "No way to reach it"}]}}),
        json.dumps(["KE"]),
    ],
)
def test_a_broken_helpline_list_warns_the_team_and_still_shows_the_directory(app, client, login, safeguarder,
                                                                            escalated, tmp_path, content):  # fmt: skip
    broken = tmp_path / "helplines.json"
    broken.write_text(content, encoding="utf-8")
    app.config["HELPLINES_FILE"] = str(broken)
    escalated(country="KE")
    login(safeguarder())

    response = client.get("/safeguarding/")

    assert response.status_code == 200
    assert "The list of helplines could not be read" in response.text
    assert DISCLOSURE in response.text
    assert f'href="{DIRECTORY_URL}"' in response.text
    assert "javascript:" not in response.text


def test_the_shipped_helpline_list_is_valid_and_covers_many_countries():
    shipped = _read_helplines(str(HELPLINES_FILE), 0)
    territories = Locale("en").territories

    assert len(shipped.by_country) >= 40
    assert all(code in territories for code in shipped.by_country)
    assert DIRECTORY_URL in {line.url for line in shipped.fallback}
    every_line = [line for lines in shipped.by_country.values() for line in lines]
    assert all(line.url is None or line.url.startswith("https://") for line in every_line)
    numbers = {code: {line.phone for line in lines} for code, lines in shipped.by_country.items()}
    assert "0800 1111" in numbers["GB"]
    assert "1-800-668-6868" in numbers["CA"]
    assert "1800 55 1800" in numbers["AU"]
    assert "988" in numbers["US"]
    assert "1098" in numbers["IN"]
    assert "116" in numbers["KE"]


# --- recording what the team did ------------------------------------------------------------


def test_a_recorded_action_is_kept_shown_and_audited_without_any_text(client, db, login, safeguarder, escalated):
    submission = escalated()
    member = safeguarder(pseudonym="Duty Lead")
    login(member)

    response = _record(client, submission, "helpline", "Called Childline Kenya; they will phone the school counsellor.")

    assert response.status_code == 303
    assert response.headers["Location"] == f"/safeguarding/submissions/{submission.id}"
    note = db.session.scalars(select(SafeguardingNote)).one()
    assert (note.submission_id, note.author_id, note.action) == (submission.id, member.id, "helpline")
    assert note.note == "Called Childline Kenya; they will phone the school counsellor."
    event = db.session.scalars(select(ModerationEvent).where(ModerationEvent.action == "safeguarding")).one()
    assert (event.submission_id, event.actor_id, event.reason) == (submission.id, member.id, "helpline")
    assert DISCLOSURE not in (event.note or "")
    assert "school counsellor" not in (event.note or "")
    assert _state(db, submission).status is SubmissionStatus.ESCALATED  # recording closes nothing
    for page in (client.get(response.headers["Location"]).text, client.get("/safeguarding/").text):
        assert "Contacted a helpline or the authorities" in page
        assert "they will phone the school counsellor." in page
        assert "Duty Lead" in page


@pytest.mark.parametrize(
    ("action", "label"),
    [
        ("partner", "Referred to a partner organisation"),
        ("followed_up", "Followed up with the participant through the platform"),
        ("no_action", "No further action needed after review"),
    ],
)
def test_every_kind_of_action_can_be_recorded_without_a_note(client, db, login, safeguarder, escalated, action, label):
    submission = escalated()
    login(safeguarder())

    assert _record(client, submission, action, "").status_code == 303

    assert db.session.scalars(select(SafeguardingNote.action)).all() == [action]
    assert label in client.get(f"/safeguarding/submissions/{submission.id}").text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "other", "note": "  "}, "Describe what the team did."),
        ({"note": "Phoned someone."}, "Choose what the team did."),
        ({"action": "ignored_it", "note": "x"}, None),
        ({"action": "helpline", "note": "x" * 4001}, "Keep the note under 4000 characters."),
    ],
)
def test_an_incomplete_record_is_explained_and_nothing_is_kept(client, db, login, safeguarder, escalated, data,
                                                              message):  # fmt: skip
    submission = escalated()
    login(safeguarder())

    response = client.post(f"/safeguarding/submissions/{submission.id}/actions", data=data)

    assert response.status_code == 422
    assert 'class="error"' in response.text
    if message:
        assert message in response.text
    assert db.session.scalars(select(SafeguardingNote)).all() == []
    assert db.session.scalars(select(ModerationEvent).where(ModerationEvent.action == "safeguarding")).all() == []


# --- closing --------------------------------------------------------------------------------


def test_closing_is_refused_until_the_team_has_recorded_what_it_did(client, db, login, safeguarder, escalated):
    submission = escalated()
    login(safeguarder())

    for response in (_approve(client, submission), _reject(client, submission)):
        assert response.status_code == 422
        assert RECORD_FIRST in response.text
    assert _state(db, submission).status is SubmissionStatus.ESCALATED
    assert _state(db, submission).published_text is None


def test_publishing_takes_an_explicit_checked_decision_and_the_redaction_is_prefilled(
    client, db, login, safeguarder, escalated, frozen_clock
):
    submission = escalated("I am Amina Otieno from Kisumu Girls High and I feel unsafe online.")
    submission.suggested_text = "I am [personal information removed] and I feel unsafe online."
    db.session.commit()
    member = safeguarder()
    login(member)
    _record(client, submission, "no_action", "Reviewed with the author: general worry, no risk.")

    form = client.get(f"/safeguarding/submissions/{submission.id}").text
    unchecked = _approve(client, submission, "I feel unsafe online.", confirm=False)
    published = _approve(client, submission, "I feel unsafe online.")

    assert re.search(r"<textarea[^>]*>\s*I am \[personal information removed\] and I feel unsafe online\.</textarea>",
                     form)  # fmt: skip
    assert unchecked.status_code == 422
    assert "Confirm that publishing this text is safe." in unchecked.text
    assert published.status_code == 303
    state = _state(db, submission)
    assert state.status is SubmissionStatus.APPROVED
    assert state.published_text == "I feel unsafe online."
    assert state.decided_by_id == member.id
    assert state.decided_at == frozen_clock.now
    public = client.get(f"/consultations/{state.question.consultation.slug}").text
    assert "I feel unsafe online." in public
    assert "Amina" not in public


def test_rejecting_keeps_the_response_unpublished_for_good(client, db, login, safeguarder, escalated):
    submission = escalated()
    member = safeguarder()
    login(member)
    _record(client, submission)

    response = _reject(client, submission, "personal_info", "Identifying details.")

    assert response.status_code == 303
    state = _state(db, submission)
    assert (state.status, state.reject_reason, state.published_text) == (SubmissionStatus.REJECTED, "personal_info",
                                                                          None)  # fmt: skip
    events = db.session.scalars(select(ModerationEvent.action).where(ModerationEvent.submission_id == submission.id))
    assert list(events) == ["escalated", "safeguarding", "rejected"]
    closed = client.get(f"/safeguarding/submissions/{submission.id}").text
    assert "Rejected: Personal information." in closed
    assert 'action="/safeguarding/submissions/' not in closed  # no forms left on a closed item
    assert DISCLOSURE not in client.get("/safeguarding/").text
    assert DISCLOSURE not in client.get(f"/consultations/{state.question.consultation.slug}").text


@pytest.mark.parametrize(
    ("data", "message"),
    [({"reason": "", "note": ""}, "Choose a reason."), ({"reason": "other", "note": ""}, "Say why in a note")],
)
def test_a_rejection_needs_its_reason(client, db, login, safeguarder, escalated, data, message):
    submission = escalated()
    login(safeguarder())
    _record(client, submission)

    response = client.post(f"/safeguarding/submissions/{submission.id}/reject", data=data)

    assert response.status_code == 422
    assert message in response.text
    assert _state(db, submission).status is SubmissionStatus.ESCALATED


@pytest.mark.parametrize(("first", "second"), [("approve", "reject"), ("reject", "approve"), ("approve", "approve")])
def test_a_second_decision_is_refused_and_changes_nothing(app, client, db, login, safeguarder, escalated, first,
                                                         second):  # fmt: skip
    submission = escalated()
    early, late = safeguarder(), safeguarder()
    login(early)
    _record(client, submission)
    closing = {
        "approve": lambda browser: _approve(browser, submission, "Published by this member."),
        "reject": lambda browser: _reject(browser, submission, "spam"),
    }
    other = app.test_client()
    other.post("/login", data={"username": late.pseudonym, "password": late.password})
    other.get(f"/safeguarding/submissions/{submission.id}")  # both have the item open

    assert closing[first](client).status_code == 303
    before = _state(db, submission)
    before = (before.status, before.published_text, before.reject_reason, before.decided_by_id)
    refused = closing[second](other)

    assert refused.status_code == 409
    assert ALREADY_CLOSED in refused.text
    after = _state(db, submission)
    assert (after.status, after.published_text, after.reject_reason, after.decided_by_id) == before
    assert before[3] == early.id
    decisions = db.session.scalars(
        select(ModerationEvent).where(ModerationEvent.action.in_(("approved", "rejected")))
    ).all()
    assert len(decisions) == 1
    assert _record(other, submission).status_code == 409  # nor can anything be added once closed


# --- never published while escalated --------------------------------------------------------


def test_an_escalated_response_never_appears_on_public_pages(client, db, login, make_user, escalated):
    submission = escalated()
    slug = submission.question.consultation.slug
    public_pages = ["/", f"/consultations/{slug}"]

    for page in public_pages:
        assert DISCLOSURE not in client.get(page).text
    login(make_user())  # another participant
    for page in public_pages:
        assert DISCLOSURE not in client.get(page).text
    assert "0 answers have been published." in client.get(f"/consultations/{slug}").text


def test_no_other_path_publishes_an_escalated_response(client, db, login, make_user, escalated):
    author = make_user()
    submission = escalated(author=author)
    moderator = make_user(Role.MODERATOR)

    with pytest.raises(AlreadyDecided):
        approve_submission(db.session.get(Submission, submission.id), moderator)
    db.session.rollback()
    assert bulk_approve([submission.id], moderator) == 0
    db.session.commit()
    login(moderator)
    assert client.post(f"/moderation/submissions/{submission.id}/approve").status_code == 409
    login(author)
    client.post(f"/responses/{submission.id}/edit", data={"body": "Edited to slip through.", "language": "en"})

    # The author's change is accepted, and the answer stays with the team, its disclosure kept.
    state = _state(db, submission)
    assert state.status is SubmissionStatus.ESCALATED
    assert state.published_text is None
    assert db.session.scalars(
        select(EarlierWording.body).where(EarlierWording.submission_id == submission.id)
    ).all() == [DISCLOSURE]


def test_only_the_safeguarding_module_approves_from_the_escalated_state():
    """A structural guard: any new code that would publish an escalated item must go through the team."""
    allowed = PROJECT / "consult" / "moderation" / "safeguarding.py"
    callers = set()
    for path in (PROJECT / "consult").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and any(
                keyword.arg == "from_statuses" and "ESCALATED" in ast.unparse(keyword.value)
                for keyword in node.keywords
            ):
                callers.add(path)
    assert callers == {allowed}


# --- command line ---------------------------------------------------------------------------


def test_the_permission_is_granted_and_revoked_from_the_command_line(client, db, runner, login, make_user, escalated):
    escalated()
    moderator = make_user(Role.MODERATOR, pseudonym="Night Owl")
    login(moderator)
    assert client.get("/safeguarding/").status_code == 403

    granted = runner.invoke(args=["users", "safeguarding", "NIGHT owl", "--grant"])

    assert granted.exit_code == 0, granted.output
    assert "'Night Owl' can now read and act on safeguarding escalations." in granted.output
    assert client.get("/safeguarding/").status_code == 200
    assert 'href="/safeguarding/"' in client.get("/").text

    revoked = runner.invoke(args=["users", "safeguarding", "Night Owl", "--revoke"])

    assert revoked.exit_code == 0, revoked.output
    assert client.get("/safeguarding/").status_code == 403  # at once, in the session already open
    db.session.expire_all()
    assert db.session.get(type(moderator), moderator.id).can_safeguard is False


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.SECRETARIAT])
def test_the_permission_is_only_for_moderators_and_admins(db, runner, make_user, role):
    user = make_user(role, pseudonym="Not Staff Enough")

    result = runner.invoke(args=["users", "safeguarding", "Not Staff Enough", "--grant"])

    assert result.exit_code == 1
    assert "only moderators and admins can handle safeguarding" in result.output
    db.session.expire_all()
    assert db.session.get(type(user), user.id).can_safeguard is False


def test_the_command_explains_what_it_needs(runner, make_user):
    make_user(Role.MODERATOR, pseudonym="River Song")

    unknown = runner.invoke(args=["users", "safeguarding", "Nobody Here", "--grant"])
    undecided = runner.invoke(args=["users", "safeguarding", "River Song"])

    assert unknown.exit_code == 1
    assert "no account called 'Nobody Here'" in unknown.output
    assert undecided.exit_code == 2
    assert "say --grant or --revoke" in undecided.output


# --- with CSRF protection on, as in production ----------------------------------------------


def test_forms_need_the_token_from_their_own_page(app, client, db, login, safeguarder, escalated):
    submission = escalated()
    login(safeguarder())
    app.config["WTF_CSRF_ENABLED"] = True

    forged = _record(client, submission)
    page = client.get(f"/safeguarding/submissions/{submission.id}").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    genuine = client.post(
        f"/safeguarding/submissions/{submission.id}/actions",
        data={"action": "partner", "note": "Referred to the partner NGO.", "csrf_token": token},
    )

    assert forged.status_code == 400
    assert "Your page expired" in forged.text
    assert genuine.status_code == 303
    assert db.session.scalars(select(SafeguardingNote.note)).all() == ["Referred to the partner NGO."]
    assert str(escape("Referred to the partner NGO.")) in client.get(genuine.headers["Location"]).text
