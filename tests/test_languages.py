"""One table of languages and one detector: adding a language is one row of consult/languages.py."""

import dataclasses
import re
from pathlib import Path

import pytest
from conftest import PROJECT
from sqlalchemy import select
from test_language_detection import SENTENCES  # one sentence per language, shared

from consult import languages
from consult.languages import Detection, Language, chosen_or_detected, detect
from consult.models import Submission
from consult.moderation.screening import screen
from consult.summaries.keywords import Tokeniser
from consult.summaries.stats import published_language_codes

PORTUGUESE = "Os adultos deveriam ouvir-nos mais quando falamos sobre a internet e as redes sociais."


@pytest.fixture
def portuguese(monkeypatch):
    """A seventh language, added through the table alone (no catalog, no word lists)."""
    row = Language(
        code="pt",
        autonym="português",
        script="Latn",
        direction="ltr",
        plural_forms="nplurals=2; plural=(n != 1);",
        stemmer="portuguese",
        spaced=True,
        stopwords=None,
    )
    monkeypatch.setattr(languages, "TABLE", (*languages.TABLE, row))
    return row


# --- the table --------------------------------------------------------------------------------


def test_the_table_lists_the_six_un_languages_in_itus_order():
    assert languages.codes() == ("ar", "zh", "en", "fr", "ru", "es")
    assert [code for code in languages.codes() if languages.is_rtl(code)] == ["ar"]
    assert languages.sharing_a_script() == ("en", "fr", "es")
    assert not languages.spaced("zh") and languages.spaced("ru")


def test_every_language_has_its_catalog_and_word_lists():
    for row in languages.TABLE:
        assert row.direction in ("ltr", "rtl") and row.script in languages.SCRIPT_CHARACTERS
        if row.code != "en":  # the source language has no catalog of its own
            catalog = (PROJECT / "translations" / row.code / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
            header = re.search(r"Plural-Forms: (.*?)\\n", catalog.replace('"\n"', "")).group(1)
            assert header == row.plural_forms
        assert (PROJECT / "consult" / "summaries" / "stopwords" / row.stopwords).is_file()


def test_no_other_module_names_a_script_range_or_the_language_list():
    others = [path for path in (PROJECT / "consult").rglob("*.py") if path != PROJECT / "consult" / "languages.py"]
    for path in others:
        source = Path(path).read_text(encoding="utf-8")
        for needle in (r"\u4e00", r"\u0600", r"\u0400-\u04ff", '"en", "fr", "es"', '"ar", "zh"', "LANGUAGES"):
            assert needle not in source, f"{path.relative_to(PROJECT)} names {needle}"


# --- detect -----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ar", "zh", "ru"])
def test_a_script_with_one_language_settles_it_whatever_was_declared(language):
    assert detect(SENTENCES[language], "en") == Detection(language, "script", 1.0)


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_latin_languages_are_told_apart_by_the_identifier(language):
    detection = detect(SENTENCES[language], "ru")
    assert (detection.language, detection.method) == (language, "identifier")
    assert detection.confidence >= languages.MIN_CONFIDENCE


@pytest.mark.parametrize("text", ["ok", "bien", "42 !", "🙂", ""])
def test_too_short_text_falls_back_to_the_declared_language(text):
    detection = detect(text, "fr")
    assert (detection.language, detection.method) == ("fr", "declared")


@pytest.mark.parametrize("declared", [None, "de", "", "EN"])
def test_without_a_supported_declared_language_english_is_the_default(declared):
    assert (detect("ok", declared).language, detect("ok", declared).method) == ("en", "default")


def test_the_declared_language_wins_when_it_is_supported_and_the_text_cannot_tell():
    assert detect("Internet", "es").language == "es"
    assert detect("Internet", "ar").language == "ar"
    assert detect("Internet", "xx").language == "en"


def test_a_supported_choice_wins_over_detection():
    assert chosen_or_detected("es", SENTENCES["fr"], "en") == "es"
    assert chosen_or_detected("auto", SENTENCES["fr"], "en") == "fr"
    assert chosen_or_detected("auto", "ok", "ru") == "ru"


def test_a_detection_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        detect("ok").language = "fr"


# --- a seventh language through the table alone ------------------------------------------------


def test_a_new_language_is_detected_and_declared(portuguese):
    assert detect(PORTUGUESE, "en").language == "pt"
    assert detect("ok", "pt").language == "pt"
    assert chosen_or_detected("pt", SENTENCES["es"], "en") == "pt"


def test_a_new_language_is_screened(portuguese):
    text = "Chamo-me Joana, o meu número é +351 912 345 678 e o meu email é joana.silva@gmail.com"
    result = screen(text, "pt")
    assert {"phone", "email"} <= {span.kind for span in result.pii}
    assert "joana.silva@gmail.com" not in result.redacted and "pii" in result.flags


def test_a_new_language_is_stemmed_and_counted_in_summaries(portuguese):
    terms = Tokeniser().terms("As escolas e a escola precisam de professores", "pt")
    stems = [term for term, _surface in terms]
    assert stems.count("escol") == 2  # "escolas" and "escola" are one term
    assert "pt" in published_language_codes()


def test_the_interface_offers_a_new_language(portuguese, client, login, make_user, make_consultation):
    assert 'value="pt"' in client.get("/signup").text
    assert "português" in client.get("/").text

    page = client.get("/", headers={"Accept-Language": "pt-PT,pt;q=0.9"}).text
    assert '<html lang="pt" dir="ltr">' in page

    consultation = make_consultation()
    login(make_user(locale="en"))
    form = client.get(f"/consultations/{consultation.slug}").text
    assert 'value="pt"' in form


def test_a_new_language_can_be_chosen_for_the_pages(portuguese, client):
    client.get("/language?lang=pt&next=/")
    assert '<html lang="pt" dir="ltr">' in client.get("/").text


def test_a_new_language_is_recorded_on_answers(portuguese, client, db, login, make_user, make_consultation):
    consultation = make_consultation()
    login(make_user(locale="en"))
    url = f"/consultations/{consultation.slug}/questions/1/responses"
    client.post(url, data={"body": PORTUGUESE, "language": "auto"})
    client.post(url, data={"body": "Sim.", "language": "pt"})
    assert db.session.scalars(select(Submission.language).order_by(Submission.id)).all() == ["pt", "pt"]


def test_the_command_line_accepts_a_new_language(portuguese, runner):
    assert "pt" in runner.invoke(args=["consultations", "import", "--help"]).output
