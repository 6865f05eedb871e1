"""The words a tagger reads: tokens, their script and form, and the lexicon it looks them up in (given and
family names, public names, common and frequent words), with the forms a name takes in Arabic (clitics) and
Russian (case endings)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ... import languages
from .base import HAN_RE

# A token: one Han character, a run of letters (with their marks), a run of digits, or one other character.
_TOKEN_RE = re.compile(f"[{languages.HAN}]|[^\\W\\d_{languages.HAN}]+|\\d+|[^\\s\\w]|_")
# Arabic: a conjunction or preposition written onto the word, then the article ("ولمريم", "بالمدرسة").
_ARABIC_CLITICS_RE = re.compile(r"^(?:[وف]?[بلك]?)(?:ال)?(?=\w{2,})")


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]


def script(char: str) -> str:
    if HAN_RE.match(char):
        return "han"
    if char.isdigit():
        return "digit"
    if not char.isalpha():
        return "punct"
    name = unicodedata.name(char, "")
    for writing in ("LATIN", "CYRILLIC", "ARABIC"):
        if name.startswith(writing):
            return writing.lower()
    return "other"


def shape(token: str) -> str:
    if token.isdigit():
        return f"d{min(len(token), 5)}"
    if not token[0].isalpha():
        return token if len(token) == 1 else "sym"
    if token.isupper() and len(token) > 1:
        return "UP"
    if token[0].isupper():
        return "Cap"
    if token[0].islower():
        return "low"
    return "caseless"  # Arabic, Han...


def folded(token: str) -> str:
    return token.casefold().replace("ё", "е")


@dataclass(frozen=True)
class Lexicon:
    """Word lists the tagger reads beside the weights (folded)."""

    #: words common in ordinary answers: a capitalised "Will" or "Вера" is more often a word than a name
    common: frozenset[str] = frozenset()
    #: given names and family names of many countries (single words; Han: the characters of either)
    given: frozenset[str] = frozenset()
    family: frozenset[str] = frozenset()
    #: public figures, fictional characters, brands and places with a person's name ("aya nakamura",
    #: "周杰伦"): their words as one string, joined by a space (Han: not joined)
    famous: frozenset[str] = frozenset()
    #: words that are no one's name though they stand where names do: "I am Muslim", "British", countries,
    #: cities, regions (the rules' own lists and the world's place names)
    stop: frozenset[str] = frozenset()
    #: the most frequent words of the six languages (wordfreq's first 5,000 of each), and the next 25,000:
    #: "Security", "Citizens", "Green" written with a capital are still words
    frequent: frozenset[str] = frozenset()
    known: frozenset[str] = frozenset()


NO_LEXICON = Lexicon()
# Russian case endings, longest first: "Ксюше", "с Димой", "про Артёма" are the names Ксюша, Дима, Артём.
_RUSSIAN_ENDINGS = ("ами", "ями", "ой", "ей", "ою", "ею", "ом", "ем", "ым", "им", "ам", "ям", "ах", "ях",
                    "а", "я", "у", "ю", "е", "и", "ы")  # fmt: skip
_RUSSIAN_NOMINATIVE = ("", "а", "я", "й", "ь")


def name_forms(word: str, writing: str) -> list[str]:
    """``word`` and what it may be once an Arabic clitic or a Russian case ending is taken away."""
    forms = [word]
    if writing == "arabic":
        forms.append(_ARABIC_CLITICS_RE.sub("", word))
    elif writing == "cyrillic":
        for ending in _RUSSIAN_ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 2:
                forms += [word[: -len(ending)] + nominative for nominative in _RUSSIAN_NOMINATIVE]
                break
    return forms


def gazetteer(forms: list[str], lexicon: Lexicon) -> list[str]:
    """ "given" and "family" for the word itself, "given~" and "family~" for a base form of it."""
    features = set()
    for n, form in enumerate(forms):
        label = "~" if n else ""
        if form in lexicon.given:
            features.add(f"given{label}")
        if form in lexicon.family:
            features.add(f"family{label}")
    return sorted(features)


#: The longest public name looked for, in words.
_LONGEST_FAMOUS = 4


def famous_key(texts: list[str]) -> str:
    """How a public name's words (folded) are looked up: joined by a space, Han characters by nothing."""
    return ("" if all(HAN_RE.match(text) for text in texts) else " ").join(texts)


def folded_words(words: list[Token]) -> list[str]:
    return [folded(word.text) for word in words]


def unaccented(text: str) -> str:
    """``text`` without the accents of Latin letters ("vinícius" -> "vinicius"); Cyrillic and Arabic as they
    are ("й" stays)."""
    if text.isascii() or any(script(char) in ("cyrillic", "arabic") for char in text if char.isalpha()):
        return text
    return "".join(char for char in unicodedata.normalize("NFD", text) if not unicodedata.combining(char))


def is_famous(key: str, word: str, lexicon: Lexicon) -> bool:
    """Whether ``key`` (folded words) is a public name, written with or without accents; a single Russian word
    in another case too ("Моргенштерна", "с Моргенштерном")."""
    if key in lexicon.famous or unaccented(key) in lexicon.famous:
        return True
    if " " not in key and word[:1].isalpha() and script(word[0]) == "cyrillic":
        return any(form in lexicon.famous for form in name_forms(key, "cyrillic")[1:])
    return False


def famous_marks(words: list[Token], lexicon: Lexicon, texts: list[str] | None = None) -> list[bool]:
    """Which of ``words`` (folded: ``texts``) belong to a public figure's (or a character's, a brand's) name."""
    marks = [False] * len(words)
    if not lexicon.famous:
        return marks
    texts = texts if texts is not None else folded_words(words)
    for i in range(len(words)):
        for n in range(min(_LONGEST_FAMOUS * 2, len(words) - i), 0, -1):
            key = famous_key(texts[i : i + n])
            if n > _LONGEST_FAMOUS and " " in key:
                continue
            if is_famous(key, words[i].text, lexicon) and (n > 1 or len(texts[i]) > 1):
                for k in range(i, i + n):
                    marks[k] = True
                break
    return marks
