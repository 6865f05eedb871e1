"""Guard-rails for the secretariat: sensible defaults, more rows without saving, publishing and closing asked twice."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select
from test_secretariat import _form

from consult import clock
from consult.models import Consultation, ConsultationStatus, Role


def _selected_language(page: str) -> str:
    select_html = page[page.index('name="source_language"') :].split("</select>")[0]
    return re.search(r'<option selected value="([a-z]+)"', select_html).group(1)


def test_a_new_consultation_is_written_in_the_interface_language_with_three_rows(client, login, make_user):
    login(make_user(Role.SECRETARIAT, locale="fr"))
    client.set_cookie("consult_lang", "fr")
    page = client.get("/secretariat/consultations/new").text
    assert _selected_language(page) == "fr"
    assert len(re.findall(r'name="questions-\d+-prompt"', page)) == 3


def test_another_question_row_comes_without_saving_and_keeps_what_was_typed(client, db, login, make_user):
    login(make_user(Role.SECRETARIAT))
    typed = _form(questions=("What worries you online?", "Who helps you?", "What should change?"), add_question="1")

    response = client.post("/secretariat/consultations/new", data=typed)

    assert response.status_code == 200
    assert len(re.findall(r'name="questions-\d+-prompt"', response.text)) == 4
    assert "What should change?" in response.text and "Youth voices 2026" in response.text
    assert db.session.scalar(select(func.count()).select_from(Consultation)) == 0


def test_publishing_shows_what_is_missing_and_publishes_only_when_confirmed(client, db, login, make_user,
                                                                            make_consultation):  # fmt: skip
    login(make_user(Role.SECRETARIAT))
    draft = make_consultation(status=ConsultationStatus.DRAFT)

    page = client.get(f"/secretariat/consultations/{draft.id}/publish")

    assert page.status_code == 200
    assert "Not translated, or not completely, into 5 of 6 languages" in page.text
    assert "It is not linked to a meeting" in page.text
    assert "Publish anyway" in page.text
    assert f"/secretariat/consultations/{draft.id}/preview?lang=ar" in page.text
    db.session.refresh(draft)
    assert draft.status is ConsultationStatus.DRAFT  # looking is not publishing

    assert client.post(f"/secretariat/consultations/{draft.id}/publish").status_code == 303
    db.session.refresh(draft)
    assert draft.status is ConsultationStatus.PUBLISHED


def test_the_edit_page_leads_to_the_confirmation_not_straight_to_publishing(client, login, make_user,
                                                                             make_consultation):  # fmt: skip
    login(make_user(Role.SECRETARIAT))
    draft = make_consultation(status=ConsultationStatus.DRAFT)
    page = client.get(f"/secretariat/consultations/{draft.id}/edit").text
    assert f'href="/secretariat/consultations/{draft.id}/publish"' in page
    assert f'action="/secretariat/consultations/{draft.id}/publish"' not in page


def test_close_now_asks_then_ends_the_window(client, db, login, make_user, make_consultation, frozen_clock):
    consultation = make_consultation(open=True, opens_at=frozen_clock() - timedelta(hours=2))
    login(make_user(Role.SECRETARIAT))

    assert (
        "Close “Online safety consultation” now?"
        in client.get(f"/secretariat/consultations/{consultation.id}/close").text
    )
    db.session.refresh(consultation)
    assert consultation.is_open()

    assert client.post(f"/secretariat/consultations/{consultation.id}/close").status_code == 303
    db.session.refresh(consultation)
    assert consultation.closes_at == clock.utcnow()
    assert not consultation.is_open()

    participant = make_user()
    login(participant)
    refused = client.post(f"/consultations/{consultation.slug}/questions/1/responses",
                          data={"body": "Too late, but here it is.", "language": "en"})  # fmt: skip
    assert refused.status_code >= 400 and "Too late, but here it is." in refused.text


def test_a_description_may_use_a_little_markdown_rendered_and_sanitised_once(client, db, login, make_user):
    login(make_user(Role.SECRETARIAT))
    written = (
        "**Your voice** counts, *really*.\n\n- what worries you\n- who helps you\n\n"
        "[About CWG-COP](https://www.itu.int/council/cwg-cop) [no](javascript:alert(1)) <img src=x onerror=alert(1)>"
    )
    assert client.post("/secretariat/consultations/new", data=_form(description=written)).status_code == 303

    stored = db.session.scalar(select(Consultation.description))
    assert "<strong>Your voice</strong>" in stored and "<em>really</em>" in stored
    assert "<li>what worries you</li>" in stored
    assert '<a href="https://www.itu.int/council/cwg-cop" rel="nofollow noopener">About CWG-COP</a>' in stored
    assert "javascript:" not in stored.replace("[no](javascript:alert(1))", "") and "<img" not in stored
    assert "**" not in stored
