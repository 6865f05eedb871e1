"""Every screen in six languages: complete catalogs, same placeholders, no English left outside _()."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

PROJECT = Path(__file__).resolve().parents[1]
TRANSLATIONS = PROJECT / "translations"
TRANSLATED = ("ar", "zh", "fr", "ru", "es")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def _catalog(language: str):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def _template():
    with (TRANSLATIONS / "messages.pot").open("rb") as handle:
        return read_po(handle)


def _ids(catalog) -> set:
    # A msgctxt makes a separate entry: "Closed" of a consultation is not "Closed" of a case.
    return {(message.context, message.id) for message in catalog if message.id}


def test_message_template_is_up_to_date(tmp_path):
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
         "-k", "lazy_pgettext:1c,2", "--no-location", "--sort-output", "-o", str(fresh), "."],
        cwd=PROJECT, check=True, capture_output=True,
    )  # fmt: skip
    with fresh.open("rb") as handle:
        extracted = _ids(read_po(handle))
    committed = _ids(_template())
    missing = sorted(map(str, extracted - committed))
    assert not missing, f"run `flask translate update`: {len(missing)} new strings, e.g. {missing[:5]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalog_translates_every_message_without_fuzzy_entries(language):
    catalog = _catalog(language)
    entries = {(message.context, message.id): message for message in catalog if message.id}
    absent = [str(i) for i in _ids(_template()) if i not in entries]
    # A plural entry holds one string per form; every form must be filled.
    forms = {i: m.string if isinstance(m.string, tuple) else (m.string,) for i, m in entries.items()}
    untranslated = [str(i) for i, strings in forms.items() if not all(strings)]
    fuzzy = [str(i) for i, m in entries.items() if m.fuzzy]
    assert not absent, f"{language}: {len(absent)} messages missing, e.g. {absent[:3]}"
    assert not untranslated, f"{language}: {len(untranslated)} untranslated, e.g. {untranslated[:3]}"
    assert not fuzzy, f"{language}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:3]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_same_placeholders(language):
    wrong = []
    for message in _catalog(language):
        if not message.id:
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        targets = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set().union(*(set(PLACEHOLDER.findall(s)) for s in sources))
        for target in targets:
            found = set(PLACEHOLDER.findall(target))
            # A plural form may leave out the number (Arabic "one" and "two" forms name it in words).
            if found - expected or (not isinstance(message.id, tuple) and found != expected):
                wrong.append((sources[0], target))
    assert not wrong, f"{language}: placeholders differ in {len(wrong)} messages, e.g. {wrong[:3]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_plural_forms_match_the_language(language):
    catalog = _catalog(language)
    expected = {"ar": 6, "ru": 3, "zh": 1, "fr": 3, "es": 3}[language]  # CLDR plural categories
    assert catalog.num_plurals == expected


_JINJA = re.compile(r"{#.*?#}|{%.*?%}|{{.*?}}", re.DOTALL)
_TAG = re.compile(r"<[^>]*>", re.DOTALL)
_CODE = re.compile(r"<(style|script)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
# Names that read the same in every language: acronyms and file formats.
_NAMES = {"UTC", "ITU", "CWG", "COP", "consult", "CSV", "JSON", "DOCX", "PDF", "API", "Markdown", "CC", "BY"}
_TEXT_ATTRIBUTES = re.compile(r'\b(?:alt|title|placeholder|aria-label|aria-description)="([^"]*)"')


def test_templates_show_no_english_outside_translation_calls():
    leftovers = []
    for template in sorted((PROJECT / "templates").rglob("*.html")):
        source = template.read_text(encoding="utf-8")
        for value in _TEXT_ATTRIBUTES.findall(source):
            if re.search(r"[A-Za-z]{2,}", _JINJA.sub("", value)):
                leftovers.append((template.name, value))
        text = _TAG.sub(" ", _CODE.sub(" ", _JINJA.sub(" ", source)))
        for word in re.findall(r"[A-Za-z][A-Za-z']+", text):
            if word not in _NAMES:
                leftovers.append((template.name, word))
    assert not leftovers, leftovers[:20]
