"""Each participant's receipts on the account page, the publication notices they asked for, and the API."""

from __future__ import annotations

import re
from html import unescape

from outcome_fixtures import LESSONS, PRIVATE, chain_fixture, outcome_form, publish_handmade_summary  # noqa: F401
from sqlalchemy import select

from consult.models import Role, Submission, User
from consult.moderation.arrivals import screen_arrivals


def _record(client, login, chain, **overrides):
    login(chain.secretariat)
    response = client.post(
        f"/secretariat/consultations/{chain.consultation.id}/outcome", data=outcome_form(**overrides)
    )
    assert response.status_code == 303
    client.post("/logout")


def _receipt(page: str, submission_id: int) -> str:
    """The card of one answer on the account page ("" when the page does not show it)."""
    found = re.search(rf'<article class="card mine receipt" id="receipt-{submission_id}">(.*?)</article>', page, re.S)
    return found.group(1) if found else ""


def test_each_answer_shows_its_status_theme_quote_and_what_the_meeting_did(client, login, chain):
    _record(client, login, chain)
    login(chain.ana)
    page = client.get("/account").text

    quoted = _receipt(page, chain.quoted)
    assert "Published" in quoted and PRIVATE in quoted
    assert "Quoted in the input document." in quoted
    assert f'href="/consultations/{chain.consultation.slug}/responses/{chain.quoted}"' in quoted
    assert "Taken up in the outcome" in quoted and "Recommendation 4 asks platforms" in quoted

    unquoted = _receipt(page, chain.unquoted)
    assert PRIVATE in unquoted and "Not quoted in the input document." in unquoted
    assert "/responses/" not in unquoted and "Taken up in the outcome" in unquoted

    lesson = _receipt(page, chain.lesson)
    assert LESSONS in lesson and "Noted" in lesson and "Quoted in the input document." in lesson

    pending = _receipt(page, chain.pending)
    assert "Waiting for a moderator" in pending and "Theme:" not in pending
    rejected = _receipt(page, chain.rejected)
    assert "Not published" in rejected and "advertising" in rejected and "Theme:" not in rejected
    # An escalated answer looks exactly like any waiting one: same words, same status class, nothing more.
    escalated = _receipt(page, chain.escalated)
    assert escalated.replace("ANA-E2 someone is scaring me", "BODY") == pending.replace(
        "ANA-PENDING Apps should be private by default.", "BODY")  # fmt: skip
    assert "safeguarding" not in page.lower() and "escalat" not in page.lower()
    # Withdrawn: gone for its author
    assert "ANA-WITHDRAWN" not in page and _receipt(page, chain.withdrawn) == ""
    # The meeting's report heads the consultation's receipts
    assert "CWG-COP/25/INF/3" in page and "Report of the 25th meeting" in page
    assert f'href="/consultations/{chain.consultation.slug}/what-happened"' in page
    # Nobody else's answers
    assert "Platforms must answer reports" not in page and "Omar Other" not in page


def test_before_the_outcome_the_receipts_say_it_is_not_recorded_yet(client, login, chain):
    login(chain.ana)
    page = unescape(client.get("/account").text)
    assert "The meeting's outcome is not recorded yet." in page
    assert PRIVATE in _receipt(page, chain.quoted) and "Taken up" not in page


def test_another_participant_sees_only_their_own_receipts(client, login, chain):
    _record(client, login, chain)
    login(chain.other)
    page = client.get("/account").text
    assert all(_receipt(page, answer) == "" for answer in (chain.quoted, chain.pending, chain.escalated))
    assert "Ana Receipts" not in page and "ANA-" not in page
    assert "Platforms must answer reports within a day." in _receipt(page, chain.others[1])
    assert "Discussed" in _receipt(page, chain.others[1])


def test_a_deleted_account_leaves_nothing_of_its_author_anywhere(app, client, db, login, chain):
    _record(client, login, chain)
    login(chain.ana)
    assert client.post("/account/delete", data={"password": chain.ana.password, "confirm": "y"}).status_code == 303
    assert db.session.scalar(select(User).where(User.pseudonym == "Ana Receipts")) is None
    assert client.post("/login", data={"username": "Ana Receipts", "password": chain.ana.password}).status_code == 422

    reader = app.test_client()
    slug = chain.consultation.slug
    pages = [reader.get(f"/consultations/{slug}/what-happened").text, reader.get(f"/consultations/{slug}").text,
             reader.get(f"/api/v1/consultations/{slug}/outcome").text, reader.get("/archive").text]  # fmt: skip
    login(chain.other)
    pages.append(client.get("/account").text)
    for page in pages:
        assert "Ana Receipts" not in page
        assert "ANA-" not in page
    # Her unpublished answers are gone or kept only for the safeguarding team, with no author; one screening has
    # not read yet is held, nameless and withdrawn, until it has (then gone, unless a possible disclosure)
    held = db.session.scalars(select(Submission).where(Submission.body.startswith("ANA-PENDING"))).all()
    assert all(s.author_id is None and s.withdrawn_at is not None for s in held)
    with app.app_context():
        screen_arrivals(100)
        db.session.commit()
    assert db.session.scalars(select(Submission).where(Submission.body.startswith("ANA-PENDING"))).all() == []
    assert all(s.author_id is None for s in db.session.scalars(select(Submission).where(Submission.id.in_(
        [chain.quoted, chain.escalated]))))  # fmt: skip


def _signup(client, pseudonym: str, notices: bool):
    data = {"pseudonym": pseudonym, "password": "correct horse 42", "age": "15", "country": "BR", "language": "en",
            "consent": "y"}  # fmt: skip
    if notices:
        data["publication_notices"] = "y"
    response = client.post("/signup", data=data)
    assert response.status_code == 302
    return db_user(pseudonym)


def db_user(pseudonym: str):
    from consult.extensions import db

    return db.session.scalar(select(User).where(User.pseudonym == pseudonym))


def test_publication_notices_for_those_who_asked_at_sign_up(
    app, client, db, login, make_consultation, make_user, chain
):
    from summaries_fixtures import add_response

    from consult.models import SubmissionStatus

    closed = make_consultation(open=False, questions=2, title="Games and young players")
    asked, quiet = app.test_client(), app.test_client()
    bea = _signup(asked, "Bea Asks", notices=True)
    carl = _signup(quiet, "Carl Quiet", notices=False)
    assert bea.publication_notices_since is not None and carl.publication_notices_since is None
    answers = [add_response(db, q, user, f"An answer from {user.pseudonym} to {q.position}", SubmissionStatus.APPROVED)
               for user in (bea, carl) for q in closed.questions]  # fmt: skip
    db.session.commit()
    assert "News about what you answered" not in asked.get("/account").text

    publish_handmade_summary(db, closed, chain.secretariat, [
        [("q1-t1", "Fair games", [answers[0].id, answers[2].id], [answers[0].id])],
        [("q2-t1", "Time limits", [answers[1].id, answers[3].id], [])],
    ])  # fmt: skip
    page = asked.get("/account").text
    assert "The summary of Games and young players is published." in page
    assert f'href="/archive/{closed.slug}"' in page
    assert "News about what you answered" not in quiet.get("/account").text
    # Shown until dismissed
    assert "The summary of Games and young players is published." in asked.get("/account").text
    assert asked.post("/account/publication-notices/seen").status_code == 303
    assert "News about what you answered" not in asked.get("/account").text

    secretariat = app.test_client()
    secretariat.post("/login", data={"username": chain.secretariat.pseudonym, "password": chain.secretariat.password})
    response = secretariat.post(f"/secretariat/consultations/{closed.id}/outcome", data=outcome_form(**{
        "decision-q1-t1": "taken_up", "decision-q2-t1": "noted", "decision-q1-t2": None, "note-q1-t2": None,
        "note-q2-t1": "Time limits were noted."}))  # fmt: skip
    assert response.status_code == 303
    page = unescape(asked.get("/account").text)
    assert "The meeting's outcome for Games and young players is published." in page
    assert "The summary of Games and young players" not in page  # seen already
    assert f'href="/consultations/{closed.slug}/what-happened"' in page
    # The outcome of a consultation Bea never answered is not hers to be told of
    _record(client, login, chain)
    assert "Safer apps for young people" not in asked.get("/account").text

    # Opting out keeps nothing
    assert asked.post("/account/publication-notices", data={}).status_code == 303
    db.session.expire_all()
    assert db_user("Bea Asks").publication_notices_since is None
    assert "News about what you answered" not in asked.get("/account").text


def test_opting_in_later_tells_only_of_what_is_published_afterwards(client, db, login, chain):
    login(chain.ana)
    assert chain.ana.publication_notices_since is None
    response = client.post("/account/publication-notices", data={"wanted": "y"})
    assert response.status_code == 303
    page = client.get("/account").text
    assert "We will tell you here" in page
    assert 'id="publication-notices" value="y" checked' in page
    assert "News about what you answered" not in page  # the summary was published before she asked
    assert client.get("/account/data.json").json["account"]["publication_notices_since"]  # in her own data
    client.post("/logout")
    _record(client, login, chain)
    login(chain.ana)
    assert "The meeting's outcome for Safer apps for young people is published." in unescape(
        client.get("/account").text
    )


def test_notice_preferences_are_for_participants_only(client, login, make_user):
    login(make_user(Role.MODERATOR))
    assert client.post("/account/publication-notices", data={"wanted": "y"}).status_code == 403
    assert client.post("/account/publication-notices/seen").status_code == 403


def test_the_api_gives_the_chain_in_every_language_written(app, client, login, chain):
    _record(client, login, chain)
    login(chain.secretariat)
    translated = client.post(
        f"/secretariat/consultations/{chain.consultation.id}/outcome/fr",
        data={"document_title": "Rapport de la 25e réunion", "note-q1-t1": "Comptes privés par défaut."},
    )
    assert translated.status_code == 303
    reader = app.test_client()
    index = reader.get("/api/v1/").get_json()
    assert index["endpoints"]["outcome"].endswith("/api/v1/consultations/{slug}/outcome")
    slug = chain.consultation.slug
    assert reader.get(f"/api/v1/consultations/{slug}").get_json()["outcome_url"].endswith(f"/{slug}/outcome")

    response = reader.get(f"/api/v1/consultations/{slug}/outcome")
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
    data = response.get_json()
    assert data["document"] == {"number": "CWG-COP/25/INF/3",
                                "title": {"en": "Report of the 25th meeting", "fr": "Rapport de la 25e réunion"},
                                "url": "https://www.itu.int/md/S25-CWGCOP25-INF-0003/en"}  # fmt: skip
    assert data["source_language"] == "en" and data["summary_version"] == 1
    first = data["questions"][0]
    assert first["prompt"] == chain.consultation.questions[0].prompt
    theme = first["themes"][0]
    assert theme["label"] == PRIVATE and theme["decision"] == "taken_up"
    assert theme["note"] == {"en": "Recommendation 4 asks platforms to make minors' accounts private by default.",
                             "fr": "Comptes privés par défaut."}  # fmt: skip
    assert [q["id"] for q in theme["quotes"]] == [chain.quoted, chain.others[0]]
    assert theme["quotes"][0]["url"].endswith(f"/consultations/{slug}/responses/{chain.quoted}")
    assert [t["decision"] for q in data["questions"] for t in q["themes"]] == ["taken_up", "discussed", "noted"]
    assert "ANA-" not in response.text and "Ana Receipts" not in response.text
    assert reader.get("/api/v1/consultations/no-such-consultation/outcome").status_code == 404


def test_the_demo_shows_the_whole_chain(app, client, db, runner, tmp_path):
    app.config["DEMO_LOGINS_FILE"] = str(tmp_path / "logins.txt")
    from flask import current_app

    current_app.config["DEMO_LOGINS_FILE"] = app.config["DEMO_LOGINS_FILE"]
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    from consult.demo import CLOSED_SLUG, PARTICIPANT

    page = client.get(f"/consultations/{CLOSED_SLUG}/what-happened")
    assert page.status_code == 200
    assert "Taken up in the outcome" in page.text and "Recommendation 3 of the report" in page.text
    assert "CWG-COP/DEMO/INF/5" in page.text
    french = app.test_client()
    french.set_cookie("consult_lang", "fr")
    assert "La recommandation 3 du rapport" in french.get(f"/consultations/{CLOSED_SLUG}/what-happened").text
    assert f'href="/consultations/{CLOSED_SLUG}/what-happened"' in client.get(f"/consultations/{CLOSED_SLUG}").text

    password = next(line.split()[-1] for line in result.output.splitlines() if PARTICIPANT in line)
    assert client.post("/login", data={"username": PARTICIPANT, "password": password}).status_code == 302
    account = unescape(client.get("/account").text)
    assert "News about what you answered" in account
    assert "The meeting's outcome for Youth voices on online safety is published." in account
    assert "Quoted in the input document." in account and "What the meeting did" in account
    assert "Not published" in account  # the demo participant's rejected answer, with why
