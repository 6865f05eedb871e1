"""The secretariat records what the meeting did with each theme; everyone can follow the chain."""

from __future__ import annotations

import pytest
from markupsafe import escape
from outcome_fixtures import LESSONS, PRIVATE, REPORTS, chain_fixture, outcome_form  # noqa: F401
from sqlalchemy import func, select

from consult.models import Role
from consult.outcomes.models import Decision, Outcome, OutcomeTheme, OutcomeThemeTranslation, OutcomeTranslation


def _edit_url(chain) -> str:
    return f"/secretariat/consultations/{chain.consultation.id}/outcome"


def _page(chain) -> str:
    return f"/consultations/{chain.consultation.slug}/what-happened"


def record(client, login, chain, **overrides):
    login(chain.secretariat)
    return client.post(_edit_url(chain), data=outcome_form(**overrides))


def test_the_secretariat_records_the_outcome_and_anyone_follows_the_chain(app, client, db, login, chain):
    login(chain.secretariat)
    form = client.get(_edit_url(chain)).text
    assert PRIVATE in form and REPORTS in form and LESSONS in form
    assert "Taken up in the outcome" in form and "Not discussed" in form

    response = client.post(_edit_url(chain), data=outcome_form())
    assert response.status_code == 303
    assert "Outcome saved." in client.get(response.location).text
    outcome = db.session.scalar(select(Outcome))
    assert outcome.document_number == "CWG-COP/25/INF/3" and outcome.published_at is not None
    assert {t.theme_key: t.decision for t in outcome.themes} == {
        "q1-t1": Decision.TAKEN_UP, "q1-t2": Decision.DISCUSSED, "q2-t1": Decision.NOTED}  # fmt: skip

    reader = app.test_client()
    page = reader.get(_page(chain))
    assert page.status_code == 200
    text = page.text
    # question → themes → quotes → what the meeting did, in that order
    order = [chain.consultation.questions[0].prompt, PRIVATE, "Make every account private by default until 18.",
             "Taken up in the outcome", "Recommendation 4 asks platforms", REPORTS, "Discussed",
             chain.consultation.questions[1].prompt, LESSONS, "Noted"]  # fmt: skip
    positions = [text.index(str(escape(part))) for part in order]
    assert positions == sorted(positions)
    assert f'href="/consultations/{chain.consultation.slug}/responses/{chain.quoted}"' in text
    assert "Report of the 25th meeting" in text and 'href="https://www.itu.int/md/S25-CWGCOP25-INF-0003/en"' in text
    # The unquoted answer, and anything not published, never appears
    for hidden in ("Private profiles should be", "ANA-PENDING", "ANA-REJECTED", "ANA-E2", "ANA-WITHDRAWN",
                   "Ana Receipts"):  # fmt: skip
        assert hidden not in text

    detail = reader.get(f"/consultations/{chain.consultation.slug}").text
    assert f'href="{_page(chain)}"' in detail
    assert f'href="/consultations/{chain.consultation.slug}/reach"' in detail  # the public reach page, now linked
    assert reader.get(f"/consultations/{chain.consultation.slug}/reach").status_code == 200
    assert f'href="{_page(chain)}"' in reader.get("/archive").text


def test_nothing_is_public_until_the_outcome_is_published(app, client, login, chain):
    assert record(client, login, chain, publish=None).status_code == 303
    reader = app.test_client()
    assert reader.get(_page(chain)).status_code == 404
    assert reader.get(f"/api/v1/consultations/{chain.consultation.slug}/outcome").status_code == 404
    assert f'href="{_page(chain)}"' not in reader.get(f"/consultations/{chain.consultation.slug}").text


@pytest.mark.parametrize(
    ("overrides", "message", "kept"),
    [
        ({"document_title": "   "}, "Give the title of the meeting", "Recommendation 4"),
        ({"document_url": "http://example.org/report"}, "starting with https://", "http://example.org/report"),
        ({"document_url": "javascript:alert(1)"}, "starting with https://", "javascript:alert(1)"),
        ({"decision-q1-t2": ""}, "Say what the meeting did with every theme.", "Members discussed response"),
        ({"decision-q2-t1": "celebrated"}, "Say what the meeting did with every theme.", "Report of the 25th"),
        ({"note-q1-t1": "x" * 4001}, "That is too long.", "Members discussed response"),
        ({"source_language": "xx"}, "Not a valid choice", "Report of the 25th"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_what_was_typed_is_kept(client, db, login, chain, overrides,
                                                                       message, kept):  # fmt: skip
    response = record(client, login, chain, **overrides)
    assert response.status_code == 422
    assert message in response.text
    assert str(escape(kept)) in response.text
    assert db.session.scalar(select(func.count()).select_from(Outcome)) == 0


def test_refusals_are_in_the_secretariats_language(client, login, chain):
    login(chain.secretariat)
    client.post("/language", data={"lang": "fr"})  # signed in: kept as the secretariat's own language
    response = client.post(_edit_url(chain), data=outcome_form(document_title=""))
    assert response.status_code == 422
    assert "Donnez le titre du rapport ou du document de la réunion." in response.text


def test_no_outcome_before_the_summary_is_published_or_while_the_consultation_is_open(
    client, db, login, make_user, make_consultation
):
    secretariat = make_user(Role.SECRETARIAT)
    login(secretariat)
    for consultation in (make_consultation(open=False), make_consultation(open=True)):
        url = f"/secretariat/consultations/{consultation.id}/outcome"
        page = client.get(url).text
        assert "Publish the summary before recording" in page or "once the consultation has closed" in page
        response = client.post(url, data=outcome_form())
        assert response.status_code in (400, 422)
    assert db.session.scalar(select(func.count()).select_from(Outcome)) == 0


def test_only_the_secretariat_may_record_an_outcome(app, client, db, login, make_user, chain):
    for role in (Role.PARTICIPANT, Role.MODERATOR):
        login(make_user(role))
        assert client.get(_edit_url(chain)).status_code == 403
        assert client.post(_edit_url(chain), data=outcome_form()).status_code == 403
        assert client.post(f"{_edit_url(chain)}/fr", data={"document_title": "x"}).status_code == 403
    anonymous = app.test_client()
    response = anonymous.post(_edit_url(chain), data=outcome_form())
    assert response.status_code in (302, 303) and "/login" in response.location
    assert db.session.scalar(select(func.count()).select_from(Outcome)) == 0
    login(make_user(Role.ADMIN))
    assert client.post(_edit_url(chain), data=outcome_form()).status_code == 303


def test_recording_needs_the_csrf_token(app, client, db, login, chain):
    login(chain.secretariat)
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(_edit_url(chain), data=outcome_form())
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Outcome)) == 0


def test_recording_is_written_to_the_security_log(caplog, client, login, chain):
    caplog.set_level("INFO", logger="consult.security")
    record(client, login, chain)
    lines = [r.getMessage() for r in caplog.records if r.name == "consult.security"]
    assert any('"event": "outcome_saved"' in line and f'"consultation_id": {chain.consultation.id}' in line
               and f'"user_id": {chain.secretariat.id}' in line for line in lines)  # fmt: skip
    assert not any("Recommendation 4" in line for line in lines)


def test_translations_are_shown_in_the_readers_language_with_a_note_where_missing(app, client, login, chain):
    record(client, login, chain)
    response = client.post(f"{_edit_url(chain)}/fr", data={
        "document_title": "Rapport de la 25e réunion",
        "note-q1-t1": "La recommandation 4 demande des comptes privés par défaut.",
        "note-q1-t2": "",
    })  # fmt: skip
    assert response.status_code == 303

    french = app.test_client()
    french.set_cookie("consult_lang", "fr")
    page = french.get(_page(chain)).text
    assert "Rapport de la 25e réunion" in page
    assert "La recommandation 4 demande des comptes privés par défaut." in page
    assert "Repris dans le résultat" in page  # the decision, in French
    # The note left untranslated is shown in English, marked so
    assert 'lang="en"' in page and "Members discussed response times for reports." in page
    assert "Pas encore disponible dans votre langue" in page

    spanish = app.test_client()
    spanish.set_cookie("consult_lang", "es")
    page = spanish.get(_page(chain)).text
    assert "Report of the 25th meeting" in page and "Recommendation 4 asks platforms" in page
    assert "Aún no está disponible en tu idioma" in page


def test_a_translation_into_the_source_language_or_an_unknown_one_is_not_found(client, login, chain):
    record(client, login, chain)
    assert client.get(f"{_edit_url(chain)}/en").status_code == 404
    assert client.get(f"{_edit_url(chain)}/xx").status_code == 404
    assert client.get(f"{_edit_url(chain)}/ar").status_code == 200


def test_changing_the_outcome_reaches_cached_readers_at_once(app, client, login, chain):
    record(client, login, chain)
    reader = app.test_client()
    first = reader.get(_page(chain))
    assert "public" in first.headers["Cache-Control"] and first.headers.get("ETag")
    assert reader.get(_page(chain), headers={"If-None-Match": first.headers["ETag"]}).status_code == 304

    record(client, login, chain, **{"note-q2-t1": "Annex 2 lists the lessons proposed."})

    again = reader.get(_page(chain), headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    assert "Annex 2 lists the lessons proposed." in again.text


def test_a_later_summary_version_brings_its_own_themes(client, db, login, chain):
    from outcome_fixtures import publish_handmade_summary

    record(client, login, chain)
    publish_handmade_summary(db, chain.consultation, chain.secretariat, [
        [("q1-t1", PRIVATE, [chain.quoted, chain.unquoted, chain.others[0]], [chain.quoted]),
         ("q1-t2", REPORTS, [chain.others[1]], [chain.others[1]]),
         ("q1-t3", "A new theme", [], [])],
        [("q2-t1", LESSONS, [chain.lesson, chain.others[2]], [chain.lesson])],
    ])  # fmt: skip
    form = client.get(_edit_url(chain)).text
    assert "A new theme" in form
    assert record(client, login, chain).status_code == 422  # the new theme needs a decision
    assert record(client, login, chain, **{"decision-q1-t3": "not_discussed"}).status_code == 303
    keys = set(db.session.scalars(select(OutcomeTheme.theme_key)))
    assert keys == {"q1-t1", "q1-t2", "q1-t3", "q2-t1"}


def _naughty_round(client, reader, chain, url: str, data: dict, stored, baseline: int) -> str | None:
    """What went wrong when ``data`` was posted to ``url``: a 500, a refusal without a message, a stored value
    (``stored()``) not shown back escaped on the what-happened page, a script let through; None if nothing."""
    try:
        response = client.post(url, data=data)
    except Exception as error:  # a 500 in production
        return f"raised {error!r}"
    if response.status_code != 303:
        refused_clearly = 400 <= response.status_code < 500 and 'role="alert"' in response.text
        return None if refused_clearly else f"{response.status_code} without a message"
    page = reader.get(_page(chain)).text
    if any(str(escape(value)) not in page for value in stored() if value):
        return "stored but not shown back escaped"
    if page.lower().count("<script") != baseline:
        return "a <script> tag came through"
    return None


def _scripts(reader, chain) -> int:
    return reader.get(_page(chain)).text.lower().count("<script")  # the page's own, before any naughty text


def test_every_naughty_string_is_kept_harmlessly_or_refused_clearly(app, client, db, login, chain, naughty_strings):
    record(client, login, chain)
    reader = app.test_client()
    baseline = _scripts(reader, chain)

    def stored():
        outcome = db.session.scalar(select(Outcome))
        db.session.refresh(outcome)
        return [outcome.document_title] + [t.note for t in outcome.themes]

    failures = []
    for first in range(0, len(naughty_strings), 4):
        typed = (naughty_strings[first : first + 4] + ["plain"] * 4)[:4]
        notes = {f"note-{key}": typed[n + 1] for n, key in enumerate(("q1-t1", "q1-t2", "q2-t1"))}
        data = outcome_form(document_title=typed[0] if typed[0].strip() else "A title", **notes)
        if problem := _naughty_round(client, reader, chain, _edit_url(chain), data, stored, baseline):
            failures.append(f"#{first}: {problem}")
    assert failures == []


def test_every_naughty_string_in_a_translation_is_kept_harmlessly(app, client, db, login, chain, naughty_strings):
    record(client, login, chain)
    reader = app.test_client()
    reader.set_cookie("consult_lang", "ar")
    baseline = _scripts(reader, chain)

    def stored():
        db.session.expire_all()
        titles = list(db.session.scalars(select(OutcomeTranslation.document_title)))
        return titles + list(db.session.scalars(select(OutcomeThemeTranslation.note)))

    failures = []
    for first in range(0, len(naughty_strings), 3):
        typed = (naughty_strings[first : first + 3] + ["plain"] * 3)[:3]
        data = {"document_title": typed[0], "note-q1-t1": typed[1], "note-q2-t1": typed[2]}
        if problem := _naughty_round(client, reader, chain, f"{_edit_url(chain)}/ar", data, stored, baseline):
            failures.append(f"#{first}: {problem}")
    assert failures == []
