"""Which of the six UN languages a response is written in, told offline from its text.

The participant may say which language they wrote in; by default the text is looked at. Arabic,
Chinese and Russian are told by their script alone. For text in Latin script, py3langid (restricted
to English, French and Spanish here) decides when it is confident, and a text too short to tell
takes the participant's own language. py3langid and its model load on the first detection in a
process, never when a web worker starts.
"""

from __future__ import annotations

from functools import cache

from ..config import LANGUAGES
from ..summaries.keywords import script_language

AUTO = "auto"
LATIN_LANGUAGES = ("en", "fr", "es")
# Below this (normalised) probability the detector is guessing: short words such as "ok" or "bien".
MIN_CONFIDENCE = 0.9


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LATIN_LANGUAGES))
    return identifier


def detect_language(text: str, fallback: str) -> str:
    """The language ``text`` is written in, or ``fallback`` (the writer's locale) when it cannot be told."""
    fallback = fallback if fallback in LANGUAGES else "en"
    scripted = script_language(text, "")
    if scripted in ("ar", "zh", "ru"):
        return scripted
    if not any(char.isalpha() for char in text):
        return fallback
    language, confidence = _identifier().classify(text)
    return language if confidence >= MIN_CONFIDENCE else fallback


def response_language(chosen: str, text: str, locale: str) -> str:
    """The participant's explicit choice, or the detected language when they left it to us."""
    return chosen if chosen in LANGUAGES else detect_language(text, locale)
