"""Consultations in several languages: the secretariat translates, readers see their language or the source."""

import pytest
from sqlalchemy import event, select

from consult.consultations.content import consultation_content, consultation_titles, missing_translations
from consult.models import ConsultationStatus, ConsultationTranslation, QuestionTranslation, Role


@pytest.fixture
def secretariat(login, make_user):
    user = make_user(Role.SECRETARIAT)
    login(user)
    return user


def _translation_url(consultation, language: str) -> str:
    return f"/secretariat/consultations/{consultation.id}/translations/{language}"


def _translate(client, consultation, language: str, title: str, description: str = "", prompts=()):
    data = {"title": title, "description": description}
    for n, (question, prompt) in enumerate(zip(consultation.questions, prompts, strict=False)):
        data |= {f"prompts-{n}-question_id": str(question.id), f"prompts-{n}-prompt": prompt}
    return client.post(_translation_url(consultation, language), data=data)


FRENCH_PROMPTS = ("Qu'est-ce qui t'inquiète en ligne ?", "Qui t'aide ?", "Que faudrait-il changer ?")


def test_secretariat_translates_title_description_and_prompts(client, db, secretariat, make_consultation):
    consultation = make_consultation(questions=3)

    form = client.get(_translation_url(consultation, "fr"))
    assert form.status_code == 200
    assert 'lang="fr"' in form.text and "Question number 2?" in form.text

    response = _translate(
        client,
        consultation,
        "fr",
        "Consultation sur la sécurité en ligne",
        '<p>Dis-nous <script>alert(1)</script><a href="javascript:x()">ce</a> que tu penses.</p>',
        FRENCH_PROMPTS,
    )

    assert response.status_code == 303
    translation = db.session.scalar(select(ConsultationTranslation))
    assert (translation.language, translation.title) == ("fr", "Consultation sur la sécurité en ligne")
    assert "<script" not in translation.description and "javascript" not in translation.description
    prompts = db.session.scalars(select(QuestionTranslation).order_by(QuestionTranslation.question_id)).all()
    assert [(p.language, p.prompt) for p in prompts] == [("fr", prompt) for prompt in FRENCH_PROMPTS]

    again = _translate(client, consultation, "fr", "Consultation (révisée)", "", (*FRENCH_PROMPTS[:2], ""))
    assert again.status_code == 303
    assert db.session.scalar(select(ConsultationTranslation.title)) == "Consultation (révisée)"
    assert len(db.session.scalars(select(QuestionTranslation)).all()) == 2


def test_translation_needs_a_title_and_another_language(client, db, secretariat, make_consultation):
    consultation = make_consultation()
    assert _translate(client, consultation, "fr", "   ").status_code == 422
    assert client.get(_translation_url(consultation, "en")).status_code == 404  # the source language
    assert client.get(_translation_url(consultation, "de")).status_code == 404
    assert db.session.scalar(select(ConsultationTranslation)) is None


def test_participants_cannot_translate(client, db, login, make_user, make_consultation):
    consultation = make_consultation()
    login(make_user())
    assert _translate(client, consultation, "fr", "Piraté").status_code == 403
    assert db.session.scalar(select(ConsultationTranslation)) is None


def test_secretariat_sees_which_translations_are_missing(client, db, secretariat, make_consultation):
    consultation = make_consultation(questions=2, open=False)
    _translate(client, consultation, "fr", "Sécurité en ligne", "", FRENCH_PROMPTS[:2])
    _translate(client, consultation, "es", "Seguridad en línea", "", ("¿Qué te preocupa?",))  # one prompt missing

    assert missing_translations([consultation]) == {consultation.id: ["ar", "zh", "ru", "es"]}
    dashboard = client.get("/secretariat/").text
    assert '<bdi lang="ru">русский</bdi>' in dashboard and '<bdi lang="fr">' not in dashboard
    edit = client.get(f"/secretariat/consultations/{consultation.id}/edit").text
    assert f'href="{_translation_url(consultation, "fr")}"' in edit
    assert "Missing or incomplete" in edit


def test_readers_see_their_language_with_lang_attributes(client, db, secretariat, make_consultation):
    consultation = make_consultation(questions=2)
    _translate(client, consultation, "fr", "Sécurité en ligne", "<p>Donne ton avis.</p>", FRENCH_PROMPTS[:2])
    client.post("/logout")

    page = client.get(f"/consultations/{consultation.slug}", headers={"Accept-Language": "fr"}).text
    assert "<h1>Sécurité en ligne</h1>" in page
    assert "Donne ton avis." in page and "Tell us what you think." not in page
    assert f'<p class="prompt">{FRENCH_PROMPTS[0]}</p>'.replace("'", "&#39;") in page
    assert "Not yet available" not in page and "translation-note" not in page

    home = client.get("/", headers={"Accept-Language": "fr"}).text
    assert ">Sécurité en ligne</a>" in home


def test_readers_without_a_translation_see_the_source_marked_and_explained(client, db, make_consultation):
    consultation = make_consultation(questions=1)

    page = client.get(f"/consultations/{consultation.slug}", headers={"Accept-Language": "ar"}).text
    assert '<h1 lang="en" dir="ltr">Online safety consultation</h1>' in page
    assert '<p class="prompt" lang="en" dir="ltr">Question number 1?</p>' in page
    assert 'class="description" lang="en" dir="ltr"' in page
    assert 'class="hint translation-note"' in page  # in Arabic, naming English in Arabic
    assert "الإنجليزية" in page

    russian = client.get(f"/consultations/{consultation.slug}", headers={"Accept-Language": "ru"}).text
    assert '<h1 lang="en">Online safety consultation</h1>' in russian  # same direction: no dir
    assert "английском" in russian or "английский" in russian

    home = client.get("/", headers={"Accept-Language": "zh"}).text
    assert 'lang="en">Online safety consultation</a>' in home and "translation-note" in home

    english = client.get(f"/consultations/{consultation.slug}", headers={"Accept-Language": "en"}).text
    assert "<h1>Online safety consultation</h1>" in english and "translation-note" not in english


def test_arabic_content_is_right_to_left_on_a_french_page(client, db, secretariat, make_consultation):
    consultation = make_consultation(questions=1)
    _translate(client, consultation, "ar", "السلامة على الإنترنت", "", ("ما الذي يقلقك؟",))
    client.post("/logout")

    arabic = client.get(f"/consultations/{consultation.slug}", headers={"Accept-Language": "ar"}).text
    assert "<h1>السلامة على الإنترنت</h1>" in arabic and '<p class="prompt">ما الذي يقلقك؟</p>' in arabic
    # The description has no Arabic version: it stays English, marked left-to-right, with the note.
    assert 'class="description" lang="en" dir="ltr"' in arabic and "translation-note" in arabic

    french = client.get(f"/consultations/{consultation.slug}", headers={"Accept-Language": "fr"}).text
    assert '<h1 lang="en">Online safety consultation</h1>' in french


def test_a_partial_translation_falls_back_per_question(db, app, make_consultation):
    consultation = make_consultation(questions=2)
    db.session.add(ConsultationTranslation(consultation=consultation, language="es", title="Seguridad", description=""))
    db.session.add(QuestionTranslation(question=consultation.questions[0], language="es", prompt="¿Primera?"))
    db.session.commit()

    content = consultation_content(consultation, "es")

    assert (content.title.text, content.title.language) == ("Seguridad", "es")
    assert content.description.language == "en"  # no translated description: the source one
    assert [content.prompt(q).language for q in consultation.questions] == ["es", "en"]
    assert content.fallback_language == "en"
    assert consultation_content(consultation, "en").fallback_language is None


def test_the_content_of_a_page_takes_the_same_queries_however_many_questions(db, app, make_consultation):
    small, large = make_consultation(questions=1), make_consultation(questions=12)
    counted = [0]

    def count(*_args, **_kwargs):
        counted[-1] += 1

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        for consultation in (small, large):
            db.session.expire_all()
            consultation = db.session.get(type(consultation), consultation.id)
            _ = consultation.questions
            counted.append(0)
            consultation_content(consultation, "fr")
            counted.append(0)
        _ = (small.title, large.title)  # loaded as the home page's listing has them
        counted.append(0)
        consultation_titles([small, large], "fr")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert counted[1] == counted[3] <= 2  # the consultation translation, and all the prompts at once
    assert counted[-1] == 1


def test_deleting_a_question_deletes_its_translations(client, db, secretariat, make_consultation):
    consultation = make_consultation(questions=2, status=ConsultationStatus.DRAFT)
    _translate(client, consultation, "fr", "Sécurité", "", FRENCH_PROMPTS[:2])
    first = consultation.questions[0]
    data = {
        "meeting_id": "0",
        "slug": consultation.slug,
        "title": consultation.title,
        "description": "",
        "source_language": "en",
        "opens_at": consultation.opens_at.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": consultation.closes_at.strftime("%Y-%m-%dT%H:%M"),
        "questions-0-id": str(first.id),
        "questions-0-prompt": first.prompt,
        "questions-0-max_length": "500",
    }
    assert client.post(f"/secretariat/consultations/{consultation.id}/edit", data=data).status_code == 303
    assert [t.question_id for t in db.session.scalars(select(QuestionTranslation))] == [first.id]
