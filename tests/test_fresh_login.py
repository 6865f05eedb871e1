"""Sensitive staff actions ask for the password again once it was typed a while ago, and lose nothing typed.

OWASP ASVS 5.0 L2: re-authentication before highly sensitive operations (consult/auth/fresh.py).
"""

from __future__ import annotations

import json
import logging
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from conftest import test_config as config_for
from sqlalchemy import select
from summaries_fixtures import Seeded, secretariat_fixture, seeded_fixture  # noqa: F401
from test_rate_limits import limited_app, storage_uri  # noqa: F401 - three logins a minute per account, memory and Redis

from consult import clock, create_app
from consult.access import ACCESS, Access
from consult.auth.fresh import REAUTH_FIELD, fresh_login_required
from consult.extensions import db as _db
from consult.models import Consultation, ConsultationStatus, Role, Submission, SubmissionStatus
from consult.moderation.events import text_hash
from consult.moderation.models import SafeguardingNote
from consult.moderation.services import escalate_submission
from consult.summaries.generation import generate_summary
from consult.summaries.models import Summary

CONFIRM = "Confirm it's you"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class _Forms(HTMLParser):
    """Every form of a page: its action and its inputs, as a browser would send them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action"), "inputs": [], "tags": []})
        elif tag == "input" and self.forms:
            self.forms[-1]["tags"].append(attrs)
            if attrs.get("name"):
                self.forms[-1]["inputs"].append((attrs["name"], attrs.get("value") or ""))


def confirm_form(page: str) -> dict:
    parser = _Forms()
    parser.feed(page)
    return next(form for form in parser.forms if any(name == REAUTH_FIELD for name, _ in form["inputs"]))


def hidden_fields(page: str) -> list[tuple[str, str]]:
    form = confirm_form(page)
    return [(t["name"], t.get("value") or "") for t in form["tags"] if t.get("type") == "hidden" and t.get("name")]


def confirm(client, page: str, password: str, *, csrf: bool = True):
    """Send the confirm page as it stands, with the password typed in."""
    form = confirm_form(page)
    data: dict[str, list[str]] = {}
    for name, value in hidden_fields(page):
        if name != "csrf_token" or csrf:
            data.setdefault(name, []).append(value)
    data[REAUTH_FIELD] = [password]
    return client.post(form["action"], data=data)


def stale(app, frozen_clock, extra_minutes: int = 0) -> None:
    frozen_clock.advance(minutes=app.config["STAFF_FRESH_LOGIN_MINUTES"] + extra_minutes, seconds=1)


@pytest.fixture
def staff(frozen_clock, login, make_user):
    """``staff(role)``: signed in now, at the frozen time, so the test can move past the window."""

    def make(role: Role = Role.SECRETARIAT, **profile):
        user = make_user(role, **profile)
        login(user)
        return user

    return make


@pytest.fixture
def draft(make_consultation):
    return make_consultation(
        open=False, status=ConsultationStatus.DRAFT, opens_at=clock.utcnow() + timedelta(days=3), title="Before"
    )


@pytest.fixture
def security_lines(caplog):
    caplog.set_level(logging.INFO, logger="consult.security")
    return lambda: [json.loads(r.getMessage()) for r in caplog.records if r.name == "consult.security"]


def edit_data(consultation, title: str, prompts: list[str], description: str = "<p>New words.</p>") -> dict:
    data = {
        "meeting_id": "0",
        "slug": consultation.slug,
        "title": title,
        "description": description,
        "source_language": "en",
        "opens_at": "2026-12-01T10:00",
        "closes_at": "2026-12-02T10:00",
    }
    ids = [str(q.id) for q in consultation.questions]
    for n, prompt in enumerate(prompts):
        data |= {
            f"questions-{n}-id": ids[n] if n < len(ids) else "",
            f"questions-{n}-prompt": prompt,
            f"questions-{n}-max_length": "500",
        }
    return data


def stored(db, consultation_id: int) -> tuple[str, str, list[str]]:
    db.session.expire_all()
    consultation = db.session.get(Consultation, consultation_id)
    return consultation.title, consultation.description, [q.prompt for q in consultation.questions]


# --- fresh, then stale --------------------------------------------------------------------------


def test_staff_who_just_logged_in_act_without_being_asked(app, client, db, staff, draft, frozen_clock):
    staff()
    frozen_clock.advance(minutes=app.config["STAFF_FRESH_LOGIN_MINUTES"] - 1)
    url = f"/secretariat/consultations/{draft.id}/edit"

    assert client.get(url).status_code == 200
    saved = client.post(url, data=edit_data(draft, "After", ["One?", "Two?", "Three?"]))

    assert saved.status_code == 303
    assert stored(db, draft.id)[0] == "After"


def test_after_the_window_a_page_asks_for_the_password_then_opens(app, client, staff, draft, frozen_clock):
    user = staff(pseudonym="Sam Secretariat")
    stale(app, frozen_clock)
    url = f"/secretariat/consultations/{draft.id}/edit"

    page = client.get(url)

    assert page.status_code == 401
    assert f"<h1>{CONFIRM}</h1>" in page.text
    assert 'name="title"' not in page.text  # the page itself is not shown
    form = confirm_form(page.text)
    assert form["action"] == "/login"
    assert ("next", url) in hidden_fields(page.text)
    pseudonym = next(t for t in form["tags"] if t.get("id") == "reauth-pseudonym")
    assert pseudonym["value"] == user.pseudonym and "readonly" in pseudonym and "name" not in pseudonym
    password = next(t for t in form["tags"] if t.get("name") == REAUTH_FIELD)
    assert password["type"] == "password" and password["autocomplete"] == "current-password"
    assert f'<label for="{password["id"]}">Password</label>' in page.text
    assert "<script>" not in page.text.split("</head>")[1] and " style=" not in page.text  # strict CSP

    confirmed = confirm(client, page.text, user.password)

    assert confirmed.status_code == 303 and confirmed.location == url
    assert client.get(url).status_code == 200
    stale(app, frozen_clock)  # and after another window, once more
    assert client.get(url).status_code == 401


def test_the_confirm_page_only_ever_returns_to_a_page_of_this_site(app, client, staff, frozen_clock):
    user = staff()
    stale(app, frozen_clock)
    for target in ("//evil.example/", "https://evil.example/", "/\t/evil.example", "javascript:alert(1)"):
        response = client.post("/login", data={REAUTH_FIELD: user.password, "next": target})
        assert response.status_code == 303 and response.location == "/", target


def test_a_session_from_before_the_rule_asks_once(client, staff, draft):
    user = staff()
    with client.session_transaction() as session:
        del session["_authenticated_at"]
    page = client.get(f"/secretariat/consultations/{draft.id}/edit")
    assert page.status_code == 401
    assert confirm(client, page.text, user.password).status_code == 303
    assert client.get(f"/secretariat/consultations/{draft.id}/edit").status_code == 200


# --- a stale form keeps everything typed --------------------------------------------------------


def test_a_stale_edit_keeps_every_field_and_saves_it_exactly_after_confirming(
    app, client, db, staff, draft, frozen_clock, naughty_strings
):
    user = staff()
    breakout = next(s for s in naughty_strings if s.startswith('" autofocus onkeyup='))
    entities = next(s for s in naughty_strings if s.startswith("&lt;script&gt;"))
    data = edit_data(draft, breakout, ["Who helps you & why?", entities, "  Line one\nLine two  ", "A new fourth?"],
                     description="<p>Tell us <strong>everything</strong>.</p>")  # fmt: skip
    data["csrf_token"] = "the spent token"
    url = f"/secretariat/consultations/{draft.id}/edit"
    stale(app, frozen_clock)

    page = client.post(url, data=data)

    assert page.status_code == 401
    assert CONFIRM in page.text and "What you typed is kept" in page.text
    assert breakout not in page.text and entities not in page.text  # written back escaped, once more
    assert confirm_form(page.text)["action"] == url
    kept = hidden_fields(page.text)
    assert sorted(kept) == sorted([(k, v) for k, v in data.items() if k != "csrf_token"] + [("csrf_token", kept[0][1])])
    assert kept[0][0] == "csrf_token" and kept[0][1] != "the spent token"
    assert stored(db, draft.id)[0] == "Before"

    saved = confirm(client, page.text, user.password)

    assert saved.status_code == 303
    assert saved.location == url
    title, description, prompts = stored(db, draft.id)
    assert title == breakout
    assert description == "<p>Tell us <strong>everything</strong>.</p>"
    assert (prompts[0], prompts[1], prompts[3]) == ("Who helps you & why?", entities, "A new fourth?")
    assert len(prompts) == 4


def test_a_stale_edit_is_saved_just_as_a_fresh_one_would_be(app, client, db, staff, make_consultation,
                                                           frozen_clock, naughty_strings):  # fmt: skip
    """Every naughty string through the confirm page lands as it lands without it."""
    user = staff()
    later = clock.utcnow() + timedelta(days=3)
    fresh, old = (make_consultation(open=False, status=ConsultationStatus.DRAFT, opens_at=later) for _ in range(2))
    typed = {"title": "Naughty", "prompts": naughty_strings, "description": "\n".join(naughty_strings)}

    assert client.post(f"/secretariat/consultations/{fresh.id}/edit", data=edit_data(fresh, **typed)).status_code == 303
    stale(app, frozen_clock)
    page = client.post(f"/secretariat/consultations/{old.id}/edit", data=edit_data(old, **typed))
    assert page.status_code == 401
    assert confirm(client, page.text, user.password).status_code == 303

    assert stored(db, old.id) == stored(db, fresh.id)
    assert len(stored(db, old.id)[2]) > 400


def test_a_wrong_password_keeps_the_fields_and_changes_nothing(app, client, db, staff, draft, frozen_clock,
                                                              security_lines, caplog):  # fmt: skip
    user = staff()
    data = edit_data(draft, "Typed carefully", ["One?", "Two?", "Three?"])
    url = f"/secretariat/consultations/{draft.id}/edit"
    stale(app, frozen_clock)
    page = client.post(url, data=data)

    wrong = confirm(client, page.text, "not my password 9")

    assert wrong.status_code == 401
    assert "That password is not right." in wrong.text
    assert re.search(rf'<input[^>]*aria-describedby="{REAUTH_FIELD}-error"[^>]*>', wrong.text)
    assert f'id="{REAUTH_FIELD}-error" role="alert"' in wrong.text
    assert "not my password 9" not in wrong.text
    assert dict(hidden_fields(wrong.text)) | {"csrf_token": ""} == data | {"csrf_token": ""}
    assert stored(db, draft.id)[0] == "Before"
    empty = confirm(client, wrong.text, "")
    assert empty.status_code == 401 and "Enter your password to continue." in empty.text

    assert confirm(client, empty.text, user.password).status_code == 303
    assert stored(db, draft.id)[0] == "Typed carefully"
    events = [e for e in security_lines() if e["event"].startswith("reauth")]
    assert [e["event"] for e in events] == ["reauth_failed", "reauth"]
    assert all(e["user_id"] == user.id and e["role"] == "secretariat" for e in events)
    assert events[1]["endpoint"] == "secretariat.edit_consultation"
    assert "not my password 9" not in caplog.text and user.password not in caplog.text


def test_the_confirm_page_asks_in_the_staff_members_language(app, client, db, staff, draft, frozen_clock):
    user = staff()
    client.post("/language", data={"lang": "ar", "next": "/"})
    stale(app, frozen_clock)
    page = client.get(f"/secretariat/consultations/{draft.id}/edit")
    assert page.status_code == 401
    assert '<html lang="ar" dir="rtl">' in page.text
    assert confirm(client, page.text, user.password).status_code == 303


def test_without_its_csrf_token_the_confirmation_is_refused(app, client, db, make_user, draft, frozen_clock):
    app.config["WTF_CSRF_ENABLED"] = True
    user = make_user(Role.SECRETARIAT)
    login_page = client.get("/login").text
    client.post("/login", data={"username": user.pseudonym, "password": user.password,
                                "csrf_token": TOKEN.search(login_page).group(1)})  # fmt: skip
    url = f"/secretariat/consultations/{draft.id}/edit"
    token = TOKEN.search(client.get(url).text).group(1)
    stale(app, frozen_clock)
    page = client.post(url, data=edit_data(draft, "With a token", ["One?"]) | {"csrf_token": token})
    assert page.status_code == 401

    refused = confirm(client, page.text, user.password, csrf=False)

    assert refused.status_code == 400
    assert stored(db, draft.id)[0] == "Before"
    saved = confirm(client, page.text, user.password)
    assert saved.status_code == 303
    assert stored(db, draft.id)[0] == "With a token"


def test_the_window_is_configurable(app, client, staff, draft, frozen_clock, database_url, tmp_path, monkeypatch):
    app.config["STAFF_FRESH_LOGIN_MINUTES"] = 60
    staff()
    url = f"/secretariat/consultations/{draft.id}/edit"
    frozen_clock.advance(minutes=59)
    assert client.get(url).status_code == 200
    frozen_clock.advance(minutes=2)
    assert client.get(url).status_code == 401

    monkeypatch.setenv("CONSULT_STAFF_FRESH_LOGIN_MINUTES", "5")
    configured = create_app(config_for(database_url, tmp_path))
    assert configured.config["STAFF_FRESH_LOGIN_MINUTES"] == 5
    with configured.app_context():
        _db.engine.dispose()


# --- what is guarded, and what is not -------------------------------------------------------------


def test_publishing_a_consultation_goes_ahead_after_confirming(app, client, db, staff, draft, frozen_clock):
    user = staff()
    stale(app, frozen_clock)
    page = client.post(f"/secretariat/consultations/{draft.id}/publish")
    assert page.status_code == 401
    assert db.session.get(Consultation, draft.id).status is ConsultationStatus.DRAFT

    assert confirm(client, page.text, user.password).status_code == 303
    db.session.expire_all()
    assert db.session.get(Consultation, draft.id).status is not ConsultationStatus.DRAFT


def test_a_stale_summary_edit_keeps_every_ticked_quote(app, client, db, frozen_clock, login, seeded: Seeded):
    summary = generate_summary(seeded.consultation, seeded.secretariat)
    db.session.commit()
    theme = next(q for q in summary.content["questions"] if q["position"] == 1)["themes"][0]
    ticked = [str(quote) for quote in theme["quotes"][:2]]
    assert len(ticked) == 2
    slug, key = seeded.consultation.slug, theme["key"]
    login(seeded.secretariat)
    stale(app, frozen_clock)

    typed = {"intro": "Hello", "key_messages": "One\nTwo", f"label-{key}": "Renamed", f"quote-{key}": ticked}
    page = client.post(f"/summaries/{slug}/v1/edit", data=typed)
    assert page.status_code == 401
    assert [v for k, v in hidden_fields(page.text) if k == f"quote-{key}"] == ticked

    assert confirm(client, page.text, seeded.secretariat.password).status_code == 303
    newest = db.session.scalars(select(Summary).order_by(Summary.version.desc())).first()
    renamed = next(t for q in newest.content["questions"] for t in q["themes"] if t["key"] == key)
    assert newest.version == 2 and renamed["label"] == "Renamed"
    assert [str(quote) for quote in renamed["quotes"]] == ticked
    assert newest.content["key_messages"] == ["One", "Two"]


@pytest.fixture
def escalation(db, make_user, make_consultation, make_submission):
    consultation = make_consultation(open=True)
    submission = make_submission(consultation.questions[0], make_user(), body="Someone at school scares me.")
    escalate_submission(submission, make_user(Role.MODERATOR), "Please look at this today.")
    db.session.commit()
    return submission


def test_the_safeguarding_pages_ask_and_keep_the_note(app, client, db, frozen_clock, login, make_user, escalation):
    member = make_user(Role.MODERATOR)
    member.can_safeguard = True
    db.session.commit()
    login(member)
    stale(app, frozen_clock)

    for url in ("/safeguarding/", f"/safeguarding/submissions/{escalation.id}"):
        page = client.get(url)
        assert page.status_code == 401 and "Someone at school scares me." not in page.text, url
    note = 'Called the helpline with Amina\'s teacher "today" & wrote it down.'
    page = client.post(f"/safeguarding/submissions/{escalation.id}/actions", data={"action": "helpline", "note": note})
    assert page.status_code == 401
    assert db.session.scalars(select(SafeguardingNote)).all() == []

    assert confirm(client, page.text, member.password).status_code == 303
    assert [record.note for record in db.session.scalars(select(SafeguardingNote))] == [note]
    assert "Someone at school scares me." in client.get(f"/safeguarding/submissions/{escalation.id}").text


def test_routine_moderation_is_not_interrupted_but_the_audit_export_is(
    app, client, db, frozen_clock, staff, make_user, make_consultation, make_submission
):
    consultation = make_consultation(open=True)
    submission = make_submission(consultation.questions[0], make_user(), "Ask us before deciding for us.")
    staff(Role.MODERATOR)
    stale(app, frozen_clock, extra_minutes=120)

    assert client.get(f"/moderation/consultations/{consultation.slug}").status_code == 200
    decided = client.post(f"/moderation/submissions/{submission.id}/approve",
                          data={"seen": text_hash(submission.body), "version": "as_written"})  # fmt: skip
    assert decided.status_code == 303
    assert db.session.get(Submission, submission.id).status is SubmissionStatus.APPROVED
    assert client.get(f"/moderation/consultations/{consultation.slug}/audit").status_code == 200
    export = client.get(f"/moderation/consultations/{consultation.slug}/audit.csv")
    assert export.status_code == 401 and export.mimetype == "text/html"


def test_participants_are_never_asked(app, client, db, staff, make_consultation, frozen_clock):
    consultation = make_consultation(open=True)
    staff(Role.PARTICIPANT, age_band="16-17", country="KE", consent_version="test")
    stale(app, frozen_clock, extra_minutes=120)

    answered = client.post(f"/consultations/{consultation.slug}/questions/1/responses",
                           data={"body": "Listen to us.", "language": "en"})  # fmt: skip

    assert answered.status_code in (302, 303)
    assert db.session.scalar(select(Submission.body)) == "Listen to us."
    for url in ("/account", "/account/data.json", f"/consultations/{consultation.slug}"):
        assert client.get(url).status_code == 200, url


# --- limits and files -----------------------------------------------------------------------------


def test_wrong_passwords_count_against_the_login_forms_own_limits(
    limited_app,  # noqa: F811 - the fixture imported above
    frozen_clock,
    make_user,
    draft,
    security_lines,
):
    user = make_user(Role.SECRETARIAT)
    client = limited_app.test_client()
    assert client.post("/login", data={"username": user.pseudonym, "password": user.password}).status_code == 302
    frozen_clock.advance(minutes=limited_app.config["STAFF_FRESH_LOGIN_MINUTES"], seconds=1)
    page = client.post(f"/secretariat/consultations/{draft.id}/edit", data=edit_data(draft, "Kept", ["One?"]))

    for _attempt in range(2):  # the login above was the first of three
        page = confirm(client, page.text, "a wrong guess 1")
        assert page.status_code == 401
    slowed = confirm(client, page.text, user.password)

    assert slowed.status_code == 429
    assert "Wait a minute and try again." in slowed.text
    assert dict(hidden_fields(slowed.text))["title"] == "Kept"  # still nothing lost
    assert "rate_limited" in [e["event"] for e in security_lines()]
    # The same account's login form is slowed too, from anywhere.
    elsewhere = limited_app.test_client().post("/login", data={"username": user.pseudonym, "password": user.password},
                                               environ_base={"REMOTE_ADDR": "198.51.100.9"})  # fmt: skip
    assert elsewhere.status_code == 429


def test_a_stale_upload_asks_to_choose_the_file_again(app, client, db, staff, frozen_clock, monkeypatch):
    """No sensitive route takes files today; one that does gets a page, never an error."""
    from io import BytesIO

    from flask import request

    def upload():
        return f"received {sorted(request.files)} {request.form['label']}"

    app.add_url_rule("/secretariat/upload", "upload", fresh_login_required(upload), methods=["POST"])
    monkeypatch.setitem(ACCESS, "upload", Access.SECRETARIAT)
    user = staff()
    stale(app, frozen_clock)

    page = client.post("/secretariat/upload", data={"label": "Agenda", "file": (BytesIO(b"%PDF"), "agenda.pdf")},
                       content_type="multipart/form-data")  # fmt: skip

    assert page.status_code == 401
    assert "choose your file again" in page.text
    assert dict(hidden_fields(page.text))["label"] == "Agenda"
    after = confirm(client, page.text, user.password)
    assert after.status_code == 200 and after.text == "received [] Agenda"
