"""The secretariat previews a consultation, a draft perhaps, exactly as participants will see it, in each language."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from consult.languages import codes
from consult.models import ConsultationStatus, ConsultationTranslation, MeetingTranslation, QuestionTranslation, Role


def _preview_url(consultation, language: str | None = None) -> str:
    url = f"/secretariat/consultations/{consultation.id}/preview"
    return f"{url}?lang={language}" if language else url


@pytest.fixture
def draft(db, make_consultation, make_meeting):
    consultation = make_consultation(status=ConsultationStatus.DRAFT, meeting=make_meeting(title="CWG-COP March"))
    db.session.add(ConsultationTranslation(consultation=consultation, language="ar", title="استشارة تجريبية",
                                           description="<p>أخبرنا برأيك.</p>"))  # fmt: skip
    for question in consultation.questions:
        db.session.add(QuestionTranslation(question=question, language="ar", prompt=f"السؤال رقم {question.position}؟"))
    consultation.meeting.translations.append(MeetingTranslation(language="ar", title="اجتماع مارس"))
    db.session.commit()
    return consultation


def test_the_preview_shows_the_participants_page_in_arabic_right_to_left(client, db, login, make_user, draft):
    login(make_user(Role.SECRETARIAT))

    response = client.get(_preview_url(draft, "ar"))

    assert response.status_code == 200
    page = response.text
    assert '<html lang="ar" dir="rtl">' in page
    assert "استشارة تجريبية" in page and "السؤال رقم 2؟" in page and "أخبرنا برأيك." in page
    assert "معاينة — غير منشورة" in page  # the banner, in the previewed language
    assert f'href="{_preview_url(draft, "ar")}" lang="ar" dir="rtl" aria-current="page"' in page
    assert f'href="{_preview_url(draft, "zh")}" lang="zh" dir="ltr">' in page
    assert "اجتماع مارس" in page
    assert "translation-note" not in page  # everything is in Arabic: no fallback note
    # The answer forms as a participant sees them while it is open, inside a fieldset that disables them.
    frame = page.split('<fieldset class="preview-frame" disabled>')[1]
    assert len(re.findall(r"<textarea", frame)) == 3
    assert "إرسال إجابتي" in frame  # "Send my answer", shown but disabled
    assert 'id="your-responses"' in frame  # as a participant who has not answered yet


def test_the_preview_notes_what_is_not_translated(client, login, make_user, draft):
    login(make_user(Role.SECRETARIAT))

    page = client.get(_preview_url(draft, "fr")).text

    assert '<html lang="fr" dir="ltr">' in page
    assert "Online safety consultation" in page
    assert "Pas encore disponible dans votre langue" in page  # the fallback note, in French
    english = client.get(_preview_url(draft, "en")).text
    assert "translation-note" not in english


def test_the_edit_page_links_to_the_preview_in_every_language(client, login, make_user, draft):
    login(make_user(Role.SECRETARIAT))
    page = client.get(f"/secretariat/consultations/{draft.id}/edit").text
    for code in codes():
        assert f'href="/secretariat/consultations/{draft.id}/preview?lang={code}"' in page


def test_the_preview_publishes_nothing_and_is_never_kept_by_a_cache_or_indexed(client, db, login, make_user, draft):
    login(make_user(Role.SECRETARIAT))

    response = client.get(_preview_url(draft, "ar"))

    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]
    db.session.refresh(draft)
    assert draft.status is ConsultationStatus.DRAFT
    client.post("/logout")
    assert client.get(f"/consultations/{draft.slug}").status_code == 404
    anonymous = client.get(_preview_url(draft, "ar"))
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert "استشارة" not in anonymous.text


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.MODERATOR])
def test_only_the_secretariat_may_preview(client, login, make_user, draft, role):
    login(make_user(role))
    response = client.get(_preview_url(draft, "ar"))
    assert response.status_code == 403
    assert "استشارة" not in response.text


def test_an_admin_may_preview(client, login, make_user, draft):
    login(make_user(Role.ADMIN))
    assert client.get(_preview_url(draft)).status_code == 200


def test_an_unknown_language_or_consultation_is_not_found(client, login, make_user, draft):
    login(make_user(Role.SECRETARIAT))
    for url in (_preview_url(draft, "xx"), _preview_url(draft, "../en"), "/secretariat/consultations/999999/preview"):
        assert client.get(url).status_code == 404, url


def test_a_participant_sending_to_a_draft_through_the_previewed_form_is_refused(client, db, login, make_user, draft):
    login(make_user())
    response = client.post(f"/consultations/{draft.slug}/questions/1/responses", data={"body": "Hi", "language": "en"})
    assert response.status_code == 404
    assert db.session.scalars(select(QuestionTranslation)).all()  # nothing else changed
