"""The word lists the personal-information tagger reads (``tagger_text.Lexicon``), built when it is trained.

Common words of young people's answers and of the interface; the world's given and family names and places
(Faker's providers); each language's most frequent words (wordfreq); public names and places written for the
project; the lexicons' words that stand where names do but name no one. Also ``with_other_names``: training
copies of a line with its names swapped for other names of the world. Faker and wordfreq are read here only,
at training time; the shipped tagger holds what they gave.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import pkgutil
import random
import re
from pathlib import Path

from ... import languages
from .base import HAN_RE
from .lexicons import words_everywhere
from .tagger_text import Lexicon, famous_key, folded, tokens, unaccented
from .tagger_text import script as tagger_script

#: Copies of each line with a name, the names changed (``with_other_names``).
COPIES = 2
#: A word is common once seen this many times in ordinary text.
COMMON_COUNT = 3

_MESSAGE_RE = re.compile(r'^msg(?:id|str)(?:\[\d\])? "(.+)"$', re.MULTILINE)


def ordinary_texts(screening_corpus: Path, translations: Path) -> list[str]:
    """Text without personal information: the screening corpus's training lines that hold none, and the
    interface's own sentences in every language (its message catalogues)."""
    texts = []
    for line in screening_corpus.read_text(encoding="utf-8").splitlines():
        row = json.loads(line) if line.strip() else None
        if row and not row["pii"] and not row["split"].startswith("holdout"):
            texts.append(row["text"])
    for catalogue in sorted(translations.glob("*/LC_MESSAGES/messages.po")):
        texts += _MESSAGE_RE.findall(catalogue.read_text(encoding="utf-8"))
    return texts


def names_of_the_world() -> tuple[frozenset[str], frozenset[str]]:
    """Given names and family names of every country Faker knows (folded single words, in the scripts of
    the six languages; Han names as their characters): a name no training line holds is still a name. The
    lexicons' short forms ("Юля", "Nacho", "ميدو") join the given names: friends are called by them."""
    import faker.providers.person

    given: set[str] = set()
    family: set[str] = set()
    for module in pkgutil.iter_modules(faker.providers.person.__path__):
        provider = importlib.import_module(f"faker.providers.person.{module.name}").Provider
        for attribute, value in vars(provider).items():
            if not attribute.startswith(("first_name", "last_name")) or not isinstance(value, (list, tuple, dict)):
                continue
            into = given if attribute.startswith("first_name") else family
            for name in value:
                if not isinstance(name, str):
                    continue
                for word in tokens(name):
                    if word.text[0].isalpha() and (len(word.text) > 1 or HAN_RE.match(word.text)):
                        into.add(folded(word.text))
    given.update(folded(name) for name in words_everywhere("short_name"))
    keep = re.compile(
        f"^(?:[a-z\u00c0-\u024f'-]+|[{languages.CYRILLIC}]+|[{languages.SCRIPT_CHARACTERS['Arab']}]+|[{languages.HAN}])$"
    )
    return frozenset(filter(keep.match, given)), frozenset(filter(keep.match, family))


def with_other_names(lines: list[dict], lexicon: Lexicon, copies: int = COPIES) -> list[dict]:
    """``lines`` and, for each line with a name, ``copies`` more where every name is another of the world's
    names, in the same script and case (an Arabic clitic and a Russian case ending kept): the tagger learns
    where names stand, not the names of the training lines by heart."""
    given = {script: sorted(n for n in lexicon.given if _script_of(n) == script) for script in _SCRIPTS}
    family = {script: sorted(n for n in lexicon.family if _script_of(n) == script) for script in _SCRIPTS}
    out = list(lines)
    for line in lines:
        if not any(span["kind"] == "name" for span in line["spans"]):
            continue
        seed = hashlib.sha256(line["text"].encode("utf-8")).hexdigest()
        rng = random.Random(seed)  # noqa: S311  # nosec B311 - which names stand in for others, not a secret
        for _ in range(copies):
            text, spans, cursor, pieces = line["text"], [], 0, []
            placed = sorted(((text.find(span["text"]), span) for span in line["spans"]), key=lambda p: p[0])
            for start, span in placed:
                if start < cursor:
                    break
                pieces.append(text[cursor:start])
                new = span["text"] if span["kind"] != "name" else _another_name(span["text"], given, family, rng)
                spans.append({"text": new, "kind": span["kind"]})
                pieces.append(new)
                cursor = start + len(span["text"])
            else:
                pieces.append(text[cursor:])
                new_text = "".join(pieces)
                if all(new_text.count(span["text"]) == 1 for span in spans):
                    out.append({**line, "text": new_text, "spans": spans})
    return out


_SCRIPTS = ("latin", "cyrillic", "arabic", "han")


def _script_of(name: str) -> str:
    if HAN_RE.match(name):
        return "han"
    return tagger_script(name[0])


def _another_name(name: str, given: dict[str, list[str]], family: dict[str, list[str]], rng: random.Random) -> str:
    words = [word for word in tokens(name) if word.text[0].isalpha()]
    pieces, cursor = [], 0
    for n, word in enumerate(words):
        script = _script_of(word.text)
        # A name's first word is a given name and the rest family names; Han puts the family name first.
        first = n == 0
        pool = ((family if first else given) if script == "han" else (given if first else family)).get(script)
        if not pool:
            continue
        new = rng.choice(pool)
        if script == "arabic":
            clitics = _CLITIC_RE.match(word.text)
            new = (clitics.group() if clitics else "") + new
        elif script == "cyrillic":
            ending = next((e for e in ("е", "у", "ой", "ы", "и", "ю", "ей", "ом") if folded(word.text).endswith(e)), "")
            if ending and new[-1] in "ая":
                new = new[:-1] + ending
        if word.text[0].isupper():
            new = new[:1].upper() + new[1:]
        pieces += [name[cursor : word.start], new]
        cursor = word.end
    pieces.append(name[cursor:])
    return "".join(pieces)


_CLITIC_RE = re.compile(r"^[وف]?[بل]?(?=\w{3,})")


_PLACE_LISTS = ("countries", "cities", "city_names", "states", "provinces", "regions")


def words_that_are_no_names(given: frozenset[str] = frozenset()) -> tuple[frozenset[str], frozenset[str]]:
    """Words that stand where names do but are none: the rules' lists of them (``name_stop``...), and the
    countries, regions and cities Faker knows in the six languages, but for the words of those that are
    also ``given`` names: "Victoria", "Артем", "يوسف" and "San José"'s "josé" name a friend as often as a
    place, so they are left to the regression (a run of these words alone is never dropped as no one).
    The second set: Han place names, looked up whole like public names."""
    import faker.providers.address

    words, han = set(), set()
    for entry in words_everywhere("name_stop", "not_a_family_name", "no_name_word"):
        parts = [folded(word.text) for word in tokens(entry)]
        if parts and all(HAN_RE.match(part) for part in parts):
            han.add(famous_key(parts))  # Han is read a character at a time: looked up whole, like public names
        elif len(parts) == 1:
            words.add(parts[0])
    for module in pkgutil.iter_modules(faker.providers.address.__path__):
        if module.name.split("_")[0] not in languages.codes():
            continue
        provider = importlib.import_module(f"faker.providers.address.{module.name}").Provider
        for attribute in _PLACE_LISTS:
            for place in getattr(provider, attribute, ()):
                if not isinstance(place, str):
                    continue
                parts = [folded(word.text) for word in tokens(place)]
                if parts and all(HAN_RE.match(part) for part in parts):
                    han.add(famous_key(parts))
                else:
                    words.update(part for part in parts if len(part) > 2 and part[0].isalpha() and part not in given)
    return frozenset(words), frozenset(han)


def common_words(texts: list[str]) -> frozenset[str]:
    """Words seen at least ``COMMON_COUNT`` times in ordinary text (answers without personal information, the
    interface's own sentences): what a word is far more often than a name."""
    counts: dict[str, int] = {}
    for text in texts:
        for token in tokens(text):
            if token.text[0].isalpha() and not HAN_RE.match(token.text):
                word = folded(token.text)
                counts[word] = counts.get(word, 0) + 1
    return frozenset(word for word, count in counts.items() if count >= COMMON_COUNT)


def lexicon_for(
    ordinary: list[str],
    names: tuple[frozenset[str], frozenset[str]] | None,
    public: list[str],
    more_given: list[str] = (),
) -> Lexicon:
    """The tagger's word lists: common words of ``ordinary`` text, the world's names (and ``more_given``),
    public names and places."""
    given, family = names if names is not None else names_of_the_world()
    given = given | {folded(name) for name in more_given if len(tokens(name)) == 1}
    famous = frozenset(famous_key([folded(word.text) for word in tokens(name)]) for name in public if tokens(name))
    famous |= {unaccented(key) for key in famous}  # "Vinicius" is written "Vinícius" too, and the other way
    stop, han_places = words_that_are_no_names(given)
    frequent, known = frequent_words()
    return Lexicon(common_words(list(ordinary)), given, family, famous | han_places, stop, frequent, known)


#: wordfreq's most frequent words of each language: "frequent" up to the first, "known" up to the second.
FREQUENT, KNOWN = 5000, 30000


def frequent_words() -> tuple[frozenset[str], frozenset[str]]:
    """The most frequent words of the languages written with spaces (wordfreq), folded."""
    from wordfreq import top_n_list

    frequent: set[str] = set()
    known: set[str] = set()
    for lang in languages.codes():
        if not languages.spaced(lang):
            continue
        for rank, word in enumerate(top_n_list(lang, KNOWN)):
            if word.isalpha():
                (frequent if rank < FREQUENT else known).add(folded(word))
    return frozenset(frequent), frozenset(known - frequent)
