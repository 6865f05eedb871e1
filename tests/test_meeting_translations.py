"""Meeting titles in six languages: the secretariat translates them, readers see theirs or the title as written."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from flask_babel import force_locale
from markupsafe import escape
from sqlalchemy import select
from summaries_fixtures import seeded_fixture  # noqa: F401  (its secretariat is this module's, signed in)

from consult.models import ConsultationStatus, ConsultationTranslation, Meeting, MeetingTranslation, Role
from consult.secretariat.services import InvalidInput, publishing_warnings, save_meeting
from consult.summaries.context import meeting_text
from consult.summaries.generation import generate_summary
from consult.summaries.versions import publish_summary
from consult.text import clean_single_line

MEETING_FORM = {"title": "CWG-COP March", "starts_at": "2027-03-02T09:30", "venue": "Geneva", "source_language": "en"}


@pytest.fixture
def secretariat(login, make_user):
    user = make_user(Role.SECRETARIAT)
    login(user)
    return user


def _titles(**by_language: str) -> dict:
    """Form rows for the titles in other languages, in the order the form lists them."""
    data = {}
    for n, (language, title) in enumerate(by_language.items()):
        data |= {f"translations-{n}-language": language, f"translations-{n}-title": title}
    return data


def _translations(db, meeting_id: int) -> dict[str, str]:
    rows = db.session.scalars(select(MeetingTranslation).where(MeetingTranslation.meeting_id == meeting_id))
    return {row.language: row.title for row in rows}


def test_the_form_offers_a_row_for_each_other_language(client, secretariat, make_meeting):
    page = client.get("/secretariat/meetings/new").text
    assert page.count('name="translations-') == 2 * 5  # a hidden language and a title, five times
    assert '<option selected value="en">' in page  # written in the secretariat's language
    assert 'name="translations-0-title"' in page and 'lang="ar"' in page

    meeting = make_meeting()
    page = client.get(f"/secretariat/meetings/{meeting.id}/edit").text
    assert 'value="en"' in page.split('name="translations-')[0] or 'value="en"' in page
    assert 'name="translations-4-language" type="hidden" value="es"' in page


def test_the_secretariat_translates_a_meeting_title(client, db, secretariat):
    response = client.post(
        "/secretariat/meetings/new",
        data=MEETING_FORM | _titles(ar="اجتماع مارس", zh="三月会议", fr="Réunion de mars", ru="", es="  "),
    )

    assert response.status_code == 303
    meeting = db.session.scalar(select(Meeting))
    assert meeting.source_language == "en"
    assert _translations(db, meeting.id) == {"ar": "اجتماع مارس", "zh": "三月会议", "fr": "Réunion de mars"}
    page = client.get(f"/secretariat/meetings/{meeting.id}/edit").text
    assert 'value="Réunion de mars"' in page

    # Emptied: gone, and readers see the title as written again. Changed: changed.
    again = client.post(f"/secretariat/meetings/{meeting.id}/edit",
                        data=MEETING_FORM | _titles(ar="", zh="三月的会议", fr="Réunion de mars"))  # fmt: skip
    assert again.status_code == 303
    assert _translations(db, meeting.id) == {"zh": "三月的会议", "fr": "Réunion de mars"}


def test_the_title_language_needs_no_translation_of_itself(client, db, secretariat):
    client.post("/secretariat/meetings/new", data=MEETING_FORM | _titles(fr="Réunion de mars", es="Reunión de marzo"))
    meeting = db.session.scalar(select(Meeting))

    # Now written in French: the French translation is the title itself, and goes.
    response = client.post(f"/secretariat/meetings/{meeting.id}/edit",
                           data=MEETING_FORM | {"title": "Réunion de mars", "source_language": "fr"}
                           | _titles(fr="Ignorée", es="Reunión de marzo", en="CWG-COP March"))  # fmt: skip

    assert response.status_code == 303
    db.session.refresh(meeting)
    assert (meeting.title, meeting.source_language) == ("Réunion de mars", "fr")
    assert _translations(db, meeting.id) == {"es": "Reunión de marzo", "en": "CWG-COP March"}
    page = client.get(f"/secretariat/meetings/{meeting.id}/edit").text
    assert 'value="fr"' not in page.split('name="translations-0-language"')[1]


def test_a_title_too_long_is_refused_and_what_was_typed_kept(client, db, secretariat):
    long_title = "Réunion " * 30

    response = client.post("/secretariat/meetings/new", data=MEETING_FORM | _titles(fr=long_title))

    assert response.status_code == 422
    assert str(escape(long_title)) in response.text
    assert "200" in response.text
    assert db.session.scalar(select(Meeting)) is None


def test_an_unknown_language_is_ignored_or_refused(client, db, secretariat):
    response = client.post("/secretariat/meetings/new", data=MEETING_FORM | _titles(de="Sitzung", fr="Réunion"))
    assert response.status_code == 303
    meeting = db.session.scalar(select(Meeting))
    assert _translations(db, meeting.id) == {"fr": "Réunion"}

    refused = client.post("/secretariat/meetings/new", data=MEETING_FORM | {"source_language": "de"})
    assert refused.status_code == 422
    with pytest.raises(InvalidInput):
        save_meeting(None, "Sitzung", datetime(2027, 3, 2, tzinfo=UTC), "", source_language="de")
    with pytest.raises(InvalidInput):
        save_meeting(None, "CWG-COP", datetime(2027, 3, 2, tzinfo=UTC), "", translations={"fr": "é" * 201})


def test_participants_cannot_translate_a_meeting(client, db, login, make_user, make_meeting):
    meeting = make_meeting()
    login(make_user())
    response = client.post(f"/secretariat/meetings/{meeting.id}/edit", data=MEETING_FORM | _titles(fr="Piraté"))
    assert response.status_code == 403
    assert _translations(db, meeting.id) == {}


def test_every_naughty_title_is_kept_harmlessly_or_refused_clearly(app, client, db, secretariat, make_meeting,
                                                                   make_consultation, naughty_strings):  # fmt: skip
    meeting = make_meeting(title="CWG-COP March")
    consultation = make_consultation(meeting=meeting)
    reader = app.test_client()  # anonymous, reading in French, served by the public pages' caches
    failures = []
    for index, typed in enumerate(naughty_strings):
        try:
            response = client.post(f"/secretariat/meetings/{meeting.id}/edit", data=MEETING_FORM | _titles(fr=typed))
        except Exception as error:  # a 500 in production; TESTING lets it propagate
            failures.append(f"#{index} {typed!r}: raised {error!r}")
            continue
        expected = clean_single_line(typed)
        if response.status_code == 422:
            if len(typed) <= 200 or "200" not in response.text:  # only a title too long is refused
                failures.append(f"#{index} {typed!r}: refused without a reason")
            continue
        if response.status_code != 303:
            failures.append(f"#{index} {typed!r}: status {response.status_code}")
            continue
        stored = _translations(db, meeting.id).get("fr")
        if stored != (expected or None):
            failures.append(f"#{index} {typed!r}: stored {stored!r}")
        elif stored and index % 16 == 0:  # a sample: shown escaped, in French, to a French reader
            page = reader.get(f"/consultations/{consultation.slug}", headers={"Accept-Language": "fr"}).text
            if str(escape(stored)) not in page:
                failures.append(f"#{index} {typed!r}: not shown back escaped")
    assert not failures, "\n".join(failures[:20])


def test_readers_see_the_meeting_in_their_language_or_as_written_with_the_note(client, db, make_meeting,
                                                                                make_consultation):  # fmt: skip
    meeting = make_meeting(title="CWG-COP March")
    meeting.translations.append(MeetingTranslation(language="fr", title="Réunion de mars du CWG-COP"))
    db.session.commit()
    consultation = make_consultation(meeting=meeting)

    def page(language: str) -> str:
        return client.get(f"/consultations/{consultation.slug}", headers={"Accept-Language": language}).text

    english = page("en")
    assert "For the meeting: CWG-COP March" in english and "translation-note" not in english
    french = page("fr")
    assert "Réunion de mars du CWG-COP" in french and "CWG-COP March" not in french
    russian = page("ru")  # no Russian title: as written, marked English, and the note says so
    assert '<span lang="en">CWG-COP March</span>' in russian and "translation-note" in russian
    arabic = page("ar")
    assert '<span lang="en" dir="ltr">CWG-COP March</span>' in arabic


def test_a_changed_translation_reaches_readers_of_a_cached_page(app, client, db, secretariat, make_meeting,
                                                                 make_consultation):  # fmt: skip
    meeting = make_meeting(title="CWG-COP March")
    consultation = make_consultation(meeting=meeting)
    reader = app.test_client()
    url, french = f"/consultations/{consultation.slug}", {"Accept-Language": "fr"}
    first = reader.get(url, headers=french)
    assert "CWG-COP March" in first.text

    client.post(f"/secretariat/meetings/{meeting.id}/edit", data=MEETING_FORM | _titles(fr="Réunion de mars"))

    again = reader.get(url, headers=french | {"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and "Réunion de mars" in again.text


def test_the_api_gives_the_meeting_title_with_its_translations(client, db, make_meeting, make_consultation):
    meeting = make_meeting(title="CWG-COP March")
    meeting.translations.append(MeetingTranslation(language="zh", title="CWG-COP 三月会议"))
    db.session.commit()
    consultation = make_consultation(meeting=meeting)

    for url in (f"/api/v1/consultations/{consultation.slug}", "/api/v1/consultations"):
        data = client.get(url).get_json()
        found = data if "slug" in data else data["consultations"][0]
        assert found["meeting"]["title"] == "CWG-COP March"
        assert found["meeting"]["source_language"] == "en"
        assert found["meeting"]["title_translations"] == {"zh": "CWG-COP 三月会议"}


def test_publishing_lists_the_languages_the_meeting_title_lacks(db, app, make_meeting, make_consultation):
    meeting = make_meeting(title="CWG-COP March")
    for language, title in (("fr", "Réunion de mars"), ("es", "Reunión de marzo"), ("ar", "اجتماع مارس")):
        meeting.translations.append(MeetingTranslation(language=language, title=title))
    db.session.commit()
    draft = make_consultation(status=ConsultationStatus.DRAFT, meeting=meeting)

    with app.test_request_context():
        warnings = publishing_warnings(draft)
    assert any(w.startswith("The meeting's title is not translated into: 中文, русский.") for w in warnings), warnings

    meeting.translations.append(MeetingTranslation(language="zh", title="三月会议"))
    meeting.translations.append(MeetingTranslation(language="ru", title="Мартовское собрание"))
    db.session.commit()
    with app.test_request_context():
        assert not any("meeting's title" in w for w in publishing_warnings(draft))


def test_the_confirmation_page_shows_the_missing_meeting_titles(client, login, make_user, make_meeting,
                                                               make_consultation):  # fmt: skip
    draft = make_consultation(status=ConsultationStatus.DRAFT, meeting=make_meeting(title="CWG-COP March"))
    login(make_user(Role.SECRETARIAT))
    page = client.get(f"/secretariat/consultations/{draft.id}/publish").text
    assert "The meeting&#39;s title is not translated into:" in page


def test_the_dashboard_says_which_meeting_titles_lack_a_translation(client, db, secretariat, make_meeting):
    meeting = make_meeting(title="CWG-COP March")
    for language in ("ar", "zh", "fr", "es"):
        meeting.translations.append(MeetingTranslation(language=language, title=f"March ({language})"))
    db.session.commit()

    dashboard = client.get("/secretariat/").text

    line = dashboard.split("CWG-COP March</a>")[1].split("</li>")[0]
    assert "Missing translations" in line and '<span lang="ru">русский</span>' in line and "español" not in line


def test_a_document_names_the_meeting_in_its_own_language(app, db, make_meeting, make_consultation):
    meeting = make_meeting(datetime(2027, 3, 2, 9, 0, tzinfo=UTC), title="CWG-COP March")
    meeting.translations.append(MeetingTranslation(language="fr", title="Réunion de mars du CWG-COP"))
    db.session.commit()
    view = SimpleNamespace(consultation=make_consultation(meeting=meeting))

    with app.test_request_context(), force_locale("fr"):
        assert meeting_text(view) == "Réunion de mars du CWG-COP, 2 mars 2027, Geneva"
    with app.test_request_context(), force_locale("ru"):
        assert meeting_text(view).startswith("CWG-COP March, 2 марта 2027")


def test_the_archive_names_the_consultation_and_its_meeting_in_the_readers_language(client, db, seeded,
                                                                                     make_meeting):  # fmt: skip
    consultation = seeded.consultation
    consultation.meeting = make_meeting(title="CWG-COP March")
    consultation.meeting.translations.append(MeetingTranslation(language="fr", title="Réunion de mars"))
    db.session.add(ConsultationTranslation(consultation=consultation, language="fr", title="Un internet plus sûr"))
    publish_summary(generate_summary(consultation, seeded.secretariat), seeded.secretariat)
    db.session.commit()

    client.post("/logout")  # a reader without an account, in French
    french = client.get("/archive", headers={"Accept-Language": "fr"}).text
    assert ">Un internet plus sûr</a>" in french and "Réunion de mars" in french
    russian = client.get("/archive", headers={"Accept-Language": "ru"}).text
    assert 'lang="en">Safer internet for young people</a>' in russian
    assert '<span lang="en">CWG-COP March</span>' in russian
