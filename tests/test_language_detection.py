"""Each response records the language it is written in: detected offline, or as the participant says."""

import os
import subprocess
import sys

import pytest
from conftest import PROJECT
from sqlalchemy import select

from consult.languages import detect
from consult.models import Submission, SubmissionStatus

SENTENCES = {
    "ar": "يجب على الكبار أن يستمعوا إلينا أكثر عندما نتحدث عن الإنترنت.",
    "zh": "成年人应该多听听我们对网络安全的意见。",
    "en": "Adults should listen to us more when we talk about the internet.",
    "fr": "Les adultes devraient nous écouter davantage quand nous parlons d'internet.",
    "ru": "Взрослые должны больше слушать нас, когда мы говорим об интернете.",
    "es": "Los adultos deberían escucharnos más cuando hablamos de internet.",
}


@pytest.mark.parametrize("language", SENTENCES)
def test_each_un_language_is_detected(language):
    assert detect(SENTENCES[language], "en" if language != "en" else "fr").language == language


@pytest.mark.parametrize("text", ["ok", "bien", "Internet", "42 !", "🙂"])
def test_text_too_short_to_tell_takes_the_participants_language(text):
    assert detect(text, "ru").language == "ru"
    assert detect(text, "de").language == "en"  # not a UN language: English


def _answer(client, consultation, body, language="auto"):
    return client.post(
        f"/consultations/{consultation.slug}/questions/1/responses", data={"body": body, "language": language}
    )


def test_the_form_offers_automatic_detection_first_and_by_default(client, login, make_user, make_consultation):
    consultation = make_consultation()
    login(make_user(locale="fr"))
    page = client.get(f"/consultations/{consultation.slug}").text
    select_html = page[page.index('id="language-1"') : page.index("</select>", page.index('id="language-1"'))]
    assert select_html.index('value="auto"') < select_html.index('value="ar"')
    assert 'selected value="auto"' in select_html or 'value="auto" selected' in select_html


def test_a_response_left_to_detection_records_the_detected_language(client, db, login, make_user, make_consultation):
    consultation = make_consultation()
    login(make_user(locale="en"))

    assert _answer(client, consultation, SENTENCES["es"]).status_code == 303
    assert _answer(client, consultation, "ok").status_code == 303

    languages = db.session.scalars(select(Submission.language).order_by(Submission.id)).all()
    assert languages == ["es", "en"]


def test_the_participants_choice_wins_over_detection(client, db, login, make_user, make_consultation):
    consultation = make_consultation()
    login(make_user())

    assert _answer(client, consultation, SENTENCES["fr"], language="es").status_code == 303
    assert _answer(client, consultation, SENTENCES["fr"], language="xx").status_code == 422

    assert db.session.scalars(select(Submission.language)).all() == ["es"]


def test_editing_with_detection_detects_the_new_text(client, db, login, make_user, make_consultation):
    consultation = make_consultation()
    login(make_user(locale="en"))
    _answer(client, consultation, SENTENCES["en"], language="en")
    submission = db.session.scalar(select(Submission))

    edit_page = client.get(f"/responses/{submission.id}/edit").text
    assert 'value="en" selected' in edit_page or 'selected value="en"' in edit_page
    client.post(f"/responses/{submission.id}/edit", data={"body": SENTENCES["ru"], "language": "auto"})

    assert db.session.scalar(select(Submission.language)) == "ru"


def test_published_answers_carry_their_language(client, make_consultation, make_submission):
    consultation = make_consultation()
    arabic = make_submission(
        consultation.questions[0], body=SENTENCES["ar"], status=SubmissionStatus.APPROVED, language="ar"
    )

    page = client.get(f"/consultations/{consultation.slug}").text

    assert f'id="response-{arabic.id}" lang="ar" dir="auto"' in page


def test_the_web_app_does_not_import_the_detector():
    code = "import sys, wsgi; assert 'py3langid' not in sys.modules, 'py3langid imported at start'"
    # The demo's environment: an unset CONSULT_ENV is production, which wants a real secret.
    environment = {**os.environ, "CONSULT_ENV": "development"}
    subprocess.run([sys.executable, "-c", code], cwd=PROJECT, check=True, capture_output=True, env=environment)
