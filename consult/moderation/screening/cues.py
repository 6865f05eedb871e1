"""Abuse and safeguarding cues, in the lexicons of the languages a text may be in."""

from __future__ import annotations

import re

from ... import languages
from .base import REPEATS_RE
from .lexicons import PhraseIndex, lexical
from .normalise import View, word_key

_SENTENCE_RE = re.compile(r"[^.!?;。！？；؟\n]+")


def declared_language(lang: str | None) -> str | None:
    primary = (lang or "").replace("_", "-").split("-")[0].lower()
    return primary if languages.supported(primary) else None


def _lexicon_languages(folded: str, declared: str | None) -> list[str]:
    """The lexicons to try: the declared language and every script present."""
    wanted = {declared} if declared else set()
    for script in languages.scripts_in(folded):
        wanted.update(languages.in_script(script))
    return [language for language in languages.codes() if language in wanted]


def _likely_latin_language(words: list[str]) -> str | None:
    """Which of the languages sharing a script (English, French, Spanish), by their commonest words.

    None if it cannot tell.
    """
    scores = {lang: sum(w in lexical(lang).function_words for w in words) for lang in languages.sharing_a_script()}
    best = max(scores.values())
    winners = [lang for lang, score in scores.items() if score == best]
    return winners[0] if best and len(winners) == 1 else None


def find_cues(view: View, declared: str | None) -> list[tuple[str, int, int]]:
    folded, tokens = view.folded, view.words
    tried = _lexicon_languages(folded, declared)
    words = [(start, word_key(word)) for start, word in tokens]
    # Arabic writes "and", "so" as one letter joined to the next word: "وأبي يضربني".
    words += [(start + 1, word_key(word[1:])) for start, word in tokens if word[0] in "وف" and len(word) > 3]
    squeezed = REPEATS_RE.sub(r"\1", folded)
    # General-talk filtering is language-specific: the general route runs in the language
    # the text is in, so that French "me" does not make English "Me Too" a disclosure.
    shared = languages.sharing_a_script()
    latin = declared if declared in shared else _likely_latin_language([w for _, w in tokens])
    found = []
    for language in tried:
        lexicon = lexical(language)
        topics = []
        for flag in ("abuse", "safeguarding", "topic"):
            phrases = getattr(lexicon, flag)
            if isinstance(phrases, PhraseIndex):
                hits = phrases.find(folded, words, squeezed)
            else:
                hits = [(m.lastgroup, m.start(), m.end()) for m in phrases.finditer(folded) if m.end() > m.start()]
            if flag == "topic":
                topics = hits
            else:
                found += [(f"{flag}:{category}", start, end) for category, start, end in hits]
        if (language in shared and language != latin) or lexicon.first_person is None:
            continue
        # A topic word counts as a disclosure only in a sentence about oneself that is not
        # general talk: "sextortion happened to me", not "sextortion is rising among teens".
        for category, start, end in topics:
            sentence = _sentence_around(folded, start)
            if lexicon.first_person.search(folded, *sentence) and not (
                lexicon.generic and lexicon.generic.search(folded, *sentence)
            ):
                found.append((f"safeguarding:{category}", start, end))
    return found


def _sentence_around(text: str, position: int) -> tuple[int, int]:
    for m in _SENTENCE_RE.finditer(text):
        if m.start() <= position < m.end():
            return m.start(), m.end()
    return position, position + 1
