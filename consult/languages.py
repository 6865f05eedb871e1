"""The languages consult speaks, and which of them a text is written in.

``TABLE`` is the one list of supported languages: the interface, the forms, screening and the
summaries all read it when they need it, so adding a language is one row here, its catalog under
``translations/`` and its word lists (``moderation/screening/lexicons/*-<code>.txt``,
``summaries/stopwords/<code>.txt``).

``detect`` tells a text's language offline. A script used by one supported language settles it
(Arabic, Chinese, Russian); text in a script several languages share goes to py3langid,
restricted to those languages, which decides when it is confident; a text too short to tell
takes the language its writer declared (their choice or their interface language), else English.
py3langid and its model load on the first detection in a process, never when a web worker starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True, slots=True)
class Language:
    code: str  # ISO 639-1, as the catalogs under translations/ are named
    autonym: str  # the language's name in itself, as the language switcher shows it
    script: str  # ISO 15924, a key of SCRIPT_CHARACTERS
    direction: str  # "ltr" or "rtl"
    plural_forms: str  # the catalog's gettext Plural-Forms header
    stemmer: str | None  # Snowball stemmer name; None: words are kept as written
    spaced: bool  # whether words are separated by spaces
    stopwords: str | None  # file name in consult/summaries/stopwords


# The six official languages of the United Nations, in the order ITU lists them.
TABLE: tuple[Language, ...] = (
    Language(
        "ar", "العربية", "Arab", "rtl",
        "nplurals=6; plural=(n == 0 ? 0 : n == 1 ? 1 : n == 2 ? 2 : n % 100 >= 3 && n % 100 <= 10 ? 3 : "
        "n % 100 >= 11 && n % 100 <= 99 ? 4 : 5);",
        "arabic", True, "ar.txt",
    ),
    Language("zh", "中文", "Hans", "ltr", "nplurals=1; plural=0;", None, False, "zh.txt"),
    Language("en", "English", "Latn", "ltr", "nplurals=2; plural=(n != 1);", "english", True, "en.txt"),
    Language(
        "fr", "français", "Latn", "ltr",
        "nplurals=3; plural=(n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;",
        "french", True, "fr.txt",
    ),
    Language(
        "ru", "русский", "Cyrl", "ltr",
        "nplurals=3; plural=n % 10 == 1 && n % 100 != 11 ? 0 : n % 10 >= 2 && n % 10 <= 4 && "
        "(n % 100 < 12 || n % 100 > 14) ? 1 : 2;",
        "russian", True, "ru.txt",
    ),
    Language(
        "es", "español", "Latn", "ltr", "nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2);",
        "spanish", True, "es.txt",
    ),
)  # fmt: skip

DEFAULT = "en"

#: The characters of each script, as the inside of a regular-expression class, in the order
#: detection looks for them (a Chinese text quoting an Arabic word is Chinese).
SCRIPT_CHARACTERS = {
    "Hans": "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff",
    "Arab": "\u0600-\u06ff\u0750-\u077f",
    "Cyrl": "\u0400-\u04ff",
    "Latn": "A-Za-z\u00c0-\u024f",
}
HAN = SCRIPT_CHARACTERS["Hans"]
CYRILLIC = SCRIPT_CHARACTERS["Cyrl"]
#: Arabic vowel marks, Quranic annotation signs and tatweel: left out of a word before it is counted.
ARABIC_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"

# Below this (normalised) probability the identifier is guessing: short words such as "ok" or "bien".
MIN_CONFIDENCE = 0.9


def codes() -> tuple[str, ...]:
    return tuple(language.code for language in TABLE)


def language(code: str | None) -> Language | None:
    return next((row for row in TABLE if row.code == code), None)


def supported(code: str | None) -> bool:
    return language(code) is not None


def is_rtl(code: str | None) -> bool:
    row = language(code)
    return row is not None and row.direction == "rtl"


def spaced(code: str | None) -> bool:
    """Whether words are separated by spaces; unknown codes are taken to be."""
    row = language(code)
    return row is None or row.spaced


def in_script(script: str) -> tuple[str, ...]:
    """The supported languages written in ``script``, in table order."""
    return tuple(row.code for row in TABLE if row.script == script)


def sharing_a_script() -> tuple[str, ...]:
    """The languages their script does not settle (English, French, Spanish): told apart by their words."""
    return tuple(row.code for row in TABLE if len(in_script(row.script)) > 1)


@cache
def script_pattern(script: str) -> re.Pattern:
    return re.compile(f"[{SCRIPT_CHARACTERS[script]}]")


def scripts_in(text: str) -> list[str]:
    """The scripts of ``text``, in the order of SCRIPT_CHARACTERS."""
    return [script for script in SCRIPT_CHARACTERS if script_pattern(script).search(text)]


@cache
def _snowball(name: str):
    # Only summaries stem words; the web app never needs the stemmers.
    import snowballstemmer

    return snowballstemmer.stemmer(name)


def stemmer(code: str):
    """The Snowball stemmer of a language, or None when its words are kept as written."""
    row = language(code)
    return _snowball(row.stemmer) if row and row.stemmer else None


@dataclass(frozen=True, slots=True)
class Detection:
    language: str
    method: str  # "script", "identifier", "declared" or "default"
    confidence: float  # 1.0 for a script, the identifier's probability, 0.0 when nothing could tell


@cache
def _identifier(candidates: tuple[str, ...]):
    # py3langid loads its model (a few MB) on first use: web workers start without it.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(candidates))
    return identifier


def detect(text: str, declared: str | None = None) -> Detection:
    """The language ``text`` is written in; ``declared`` (a language code) when the text cannot tell."""
    known = supported(declared)
    fallback = Detection(declared if known else DEFAULT, "declared" if known else "default", 0.0)
    for script in scripts_in(text):
        written_in = in_script(script)
        if len(written_in) == 1:
            return Detection(written_in[0], "script", 1.0)
    candidates = sharing_a_script()
    if not candidates or not any(char.isalpha() for char in text):
        return fallback
    found, confidence = _identifier(candidates).classify(text)
    if confidence >= MIN_CONFIDENCE:
        return Detection(found, "identifier", float(confidence))
    return Detection(fallback.language, fallback.method, float(confidence))


def chosen_or_detected(chosen: str | None, text: str, declared: str | None) -> str:
    """The writer's explicit choice when it is a supported language, else the detected one."""
    return chosen if supported(chosen) else detect(text, declared).language
