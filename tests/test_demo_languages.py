"""The demo speaks six languages: its consultations, questions and meetings in each, answers in many."""

from __future__ import annotations

import pytest
from markupsafe import escape
from sqlalchemy import delete, func, select

from consult import languages
from consult.consultations.content import consultation_content, missing_translations
from consult.demo import CLOSED_SLUG, OPEN_SLUG, seed_demo
from consult.models import (
    Consultation,
    ConsultationTranslation,
    MeetingTranslation,
    QuestionTranslation,
    Role,
    Submission,
    SubmissionStatus,
)
from consult.secretariat.services import missing_meeting_titles

SCRIPTS = {"ar": "ar", "zh": "zh", "ru": "ru"}  # languages whose script alone names them


@pytest.fixture
def demo(app, db, tmp_path):
    app.config["DEMO_LOGINS_FILE"] = str(tmp_path / "logins.txt")
    seed_demo()
    db.session.commit()
    return {slug: db.session.scalar(select(Consultation).where(Consultation.slug == slug))
            for slug in (OPEN_SLUG, CLOSED_SLUG)}  # fmt: skip


def test_each_demo_consultation_is_written_in_all_six_languages(db, demo):
    assert missing_translations(list(demo.values())) == {c.id: [] for c in demo.values()}
    for consultation in demo.values():
        assert missing_meeting_titles(consultation.meeting) == []
        for language in languages.codes():
            content = consultation_content(consultation, language)
            texts = [content.title, content.description, content.meeting, *map(content.prompt, consultation.questions)]
            assert {text.language for text in texts} == {language}, (consultation.slug, language)
            assert content.fallback_language is None
            if language in SCRIPTS:  # really in that language, not a copy of the English
                for text in texts:
                    assert languages.detect(text.text).language == SCRIPTS[language], (language, text.text)
            if language != "en":
                assert content.title.text != consultation.title and content.meeting.text != consultation.meeting.title


@pytest.mark.parametrize("language", ["ar", "zh", "ru", "fr", "es"])
def test_a_reader_sees_the_open_consultation_in_their_language_without_the_note(client, db, demo, language):
    consultation = demo[OPEN_SLUG]
    content = consultation_content(consultation, language)

    page = client.get(f"/consultations/{OPEN_SLUG}", headers={"Accept-Language": language}).text

    assert f'<html lang="{language}"' in page
    assert f"<h1>{escape(content.title.text)}</h1>" in page
    assert all(str(escape(content.prompt(q).text)) in page for q in consultation.questions)
    assert str(escape(content.meeting.text)) in page
    assert consultation.title not in page and consultation.questions[0].prompt not in page
    assert "translation-note" not in page
    home = client.get("/", headers={"Accept-Language": language}).text
    assert str(escape(content.title.text)) in home and "translation-note" not in home


@pytest.mark.parametrize("language", ["ar", "zh", "ru"])
def test_a_signed_in_participant_sees_it_in_their_language(client, db, demo, login, make_user, language):
    login(make_user(Role.PARTICIPANT, locale=language))
    content = consultation_content(demo[OPEN_SLUG], language)

    page = client.get(f"/consultations/{OPEN_SLUG}").text

    assert f"<h1>{escape(content.title.text)}</h1>" in page and "translation-note" not in page
    assert 'name="body"' in page  # and may answer


def test_the_demo_has_published_answers_in_every_language(db, demo):
    published = db.session.scalars(
        select(Submission.language)
        .join(Submission.question)
        .where(Submission.status == SubmissionStatus.APPROVED)
        .where(Submission.question.has(consultation_id=demo[OPEN_SLUG].id))
    ).all()
    assert set(published) == set(languages.codes())


def test_seeding_again_adds_nothing_and_completes_an_older_demo(app, db, demo):
    counts = [db.session.scalar(select(func.count()).select_from(model))
              for model in (ConsultationTranslation, QuestionTranslation, MeetingTranslation)]  # fmt: skip
    seed_demo()
    db.session.commit()
    assert counts == [db.session.scalar(select(func.count()).select_from(model))
                      for model in (ConsultationTranslation, QuestionTranslation, MeetingTranslation)]  # fmt: skip

    # A demo seeded before the translations existed gets them on the next seed.
    for model in (QuestionTranslation, ConsultationTranslation, MeetingTranslation):
        db.session.execute(delete(model))
    db.session.commit()
    seed_demo()
    db.session.commit()
    assert missing_translations(list(demo.values())) == {c.id: [] for c in demo.values()}


# --- the fallback note: only when a translation is really missing -----------------------------


def _translated(db, consultation, language: str, prompts: int) -> None:
    db.session.add(ConsultationTranslation(consultation=consultation, language=language, title="Sécurité en ligne",
                                           description=""))  # fmt: skip
    for question in consultation.questions[:prompts]:
        db.session.add(QuestionTranslation(question=question, language=language, prompt=f"Question {question.id} ?"))
    db.session.commit()


def test_no_note_when_everything_there_is_translated_even_without_a_description(client, db, make_consultation):
    consultation = make_consultation(questions=2)
    consultation.description = ""  # nothing to translate is nothing missing
    _translated(db, consultation, "fr", prompts=2)

    page = client.get(f"/consultations/{consultation.slug}", headers={"Accept-Language": "fr"}).text

    assert "<h1>Sécurité en ligne</h1>" in page
    assert "translation-note" not in page and 'lang="en"' not in page.split('<main id="main"')[1]


def test_the_note_when_one_prompt_is_missing(client, db, make_consultation):
    consultation = make_consultation(questions=2)
    consultation.description = ""
    _translated(db, consultation, "fr", prompts=1)

    page = client.get(f"/consultations/{consultation.slug}", headers={"Accept-Language": "fr"}).text

    assert "translation-note" in page
    assert '<p class="prompt" lang="en">Question number 2?</p>' in page
