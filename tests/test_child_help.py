"""Help for the child, at once: helplines beside a possible disclosure, and "get help now" on every page."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale, gettext

from consult.models import Role, Submission

KIND_WORDS = (
    "Thank you for your answer. If what you wrote is about something that worries you, a trained person "
    "from our safeguarding team will read it."
)
GET_HELP = "Get help now"

# (locale, country, a disclosure screening flags in that language, that country's helpline as the page shows it)
DISCLOSURES = {
    "en": ("KE", "Sometimes I want to die and nobody notices.", "Childline Kenya", "tel:116"),
    "es": ("ES", "Quiero morir, nadie me entiende.", "Fundación ANAR", "tel:900202010"),
    "ar": ("EG", "أفكر في الانتحار كل يوم", "Child Helpline (National Council for Childhood and Motherhood)",
           "tel:16000"),
}  # fmt: skip


def _my_answers(client, consultation) -> str:
    page = client.get(f"/consultations/{consultation.slug}").text
    return re.search(r'<section aria-labelledby="your-responses".*?</section>', page, re.DOTALL).group(0)


def _post(client, consultation, text: str, language: str):
    return client.post(f"/consultations/{consultation.slug}/questions/1/responses",
                       data={"body": text, "language": language})  # fmt: skip


@pytest.mark.parametrize("locale", list(DISCLOSURES))
def test_a_flagged_answer_brings_its_author_kind_words_and_their_countrys_helplines(
    client, db, login, make_user, make_consultation, locale
):
    country, disclosure, helpline, tel = DISCLOSURES[locale]
    consultation = make_consultation(open=True)
    author = make_user(country=country, locale=locale)
    login(author)

    response = _post(client, consultation, disclosure, locale)
    assert response.status_code == 303
    submission = db.session.scalars(db.select(Submission)).one()
    assert submission.flag_safeguarding  # the job worker screened it (in-process in tests)

    page = client.get(response.headers["Location"]).text
    section = re.search(r'<section aria-labelledby="your-responses".*?</section>', page, re.DOTALL).group(0)
    with force_locale(locale):
        kind_words, get_help = gettext(KIND_WORDS), gettext(GET_HELP)
    if locale != "en":
        assert kind_words != KIND_WORDS  # really translated, not the English shown to everyone
    assert kind_words in section
    # The name keeps its own direction inside an Arabic page: "(…Childhood and Motherhood)" not turned around
    assert f"<bdi>{helpline}</bdi>" in section and f'href="{tel}"' in section
    assert 'href="/help"' in section and get_help in section
    direction = "rtl" if locale == "ar" else "ltr"
    assert f'<html lang="{locale}" dir="{direction}"' in page


def test_the_account_page_offers_the_same_help(client, db, login, make_user, make_consultation):
    consultation = make_consultation(open=True)
    login(make_user(country="GB"))
    assert KIND_WORDS not in client.get("/account").text
    _post(client, consultation, DISCLOSURES["en"][1], "en")
    page = client.get("/account").text
    assert KIND_WORDS in page and "Childline" in page and 'href="tel:08001111"' in page


def test_no_help_box_for_an_answer_screening_found_nothing_in(client, db, login, make_user, make_consultation):
    consultation = make_consultation(open=True)
    login(make_user())
    _post(client, consultation, "Schools should teach online safety.", "en")
    assert KIND_WORDS not in _my_answers(client, consultation)


def test_the_help_box_is_for_the_author_alone(client, db, login, make_user, make_consultation):
    consultation = make_consultation(open=True)
    login(make_user())
    _post(client, consultation, DISCLOSURES["en"][1], "en")
    login(make_user())
    assert KIND_WORDS not in client.get(f"/consultations/{consultation.slug}").text
    client.post("/logout")
    assert KIND_WORDS not in client.get(f"/consultations/{consultation.slug}").text


def test_without_a_helpline_for_the_country_the_international_directory_is_shown(
    client, db, login, make_user, make_consultation
):
    consultation = make_consultation(open=True)
    login(make_user(country="IS"))  # Iceland: not in the shipped list
    _post(client, consultation, DISCLOSURES["en"][1], "en")
    section = _my_answers(client, consultation)
    assert KIND_WORDS in section
    assert 'href="https://childhelplineinternational.org/helplines/"' in section


# --- "get help now", from every page ---------------------------------------------------------


def _pages(make_user, make_consultation, make_submission, db):
    consultation = make_consultation(open=True)
    answer = make_submission(consultation.questions[0], None, "Published words")
    participant = make_user()
    safeguarder = make_user(Role.MODERATOR)
    safeguarder.can_safeguard = True
    db.session.commit()
    return {
        None: ["/", f"/consultations/{consultation.slug}", "/help", "/login", "/signup", "/privacy", "/archive",
               "/no-such-page"],
        participant: ["/", f"/consultations/{consultation.slug}", "/account", "/account/password",
                      f"/responses/{make_submission(consultation.questions[0], participant).id}/edit",
                      f"/responses/{make_submission(consultation.questions[0], participant).id}/withdraw", "/help"],
        safeguarder: ["/moderation/", f"/moderation/consultations/{consultation.slug}",
                      f"/moderation/submissions/{answer.id}", "/safeguarding/"],
        make_user(Role.SECRETARIAT): ["/secretariat/"],
    }  # fmt: skip


def test_every_kind_of_page_links_to_help(client, db, login, make_user, make_consultation, make_submission):
    for user, paths in _pages(make_user, make_consultation, make_submission, db).items():
        if user is None:
            client.post("/logout")
        else:
            login(user)
        for path in paths:
            response = client.get(path)
            assert response.status_code in (200, 404), (path, response.status_code)
            assert f'<a class="get-help" href="/help">{GET_HELP}</a>' in response.text, path


def test_the_help_page_lists_the_participants_country_first(client, db, login, make_user):
    login(make_user(country="ES", locale="es"))
    page = client.get("/help").text
    with force_locale("es"):
        everywhere, others = gettext("In every country:"), gettext("Other countries")
    assert page.index("Fundación ANAR") < page.index(everywhere) < page.index(others)
    assert page.count("Fundación ANAR") == 1  # not listed again among the others
    assert "Childline Kenya" in page.split(others, 1)[1]


def test_a_reader_without_an_account_may_choose_their_country(client, db):
    page = client.get("/help").text
    assert "childhelplineinternational.org" in page
    assert 'name="country"' in page
    chosen = client.get("/help?country=ke").text
    assert chosen.index("Childline Kenya") < chosen.index("Other countries")
    assert client.get("/help?country=%3Cscript%3E").status_code == 200


def test_the_help_page_reads_right_to_left_in_arabic_with_numbers_left_to_right(client, db, login, make_user):
    login(make_user(country="FR", locale="ar"))
    page = client.get("/help").text
    assert '<html lang="ar" dir="rtl"' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    # A number such as "0800 1111" must not be reordered into "1111 0800" by the right-to-left text around it.
    assert '<a href="tel:119" dir="ltr">119</a>' in page
    assert '<a href="tel:08001111" dir="ltr">0800 1111</a>' in page
