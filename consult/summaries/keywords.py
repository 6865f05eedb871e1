"""Theme keywords and key phrases in any of the six UN languages, from published texts only.

Each language is read with its own function-word list (``stopwords/<code>.txt``). Chinese has no
spaces, so Chinese runs are cut into words by jieba's dictionary segmenter (single characters and
function words are left out); other scripts are cut into words and reduced to their Snowball stem, so
that "school" and "schools", or "школа" and "школы", count as one term. Each keyword is shown in the
form its theme's members use most. Terms are ranked by class-based TF-IDF within one language:
frequent in the theme, rare in that language's answers in the other themes.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import cache, lru_cache
from pathlib import Path

from .. import languages

STOPWORDS_DIR = Path(__file__).resolve().parent / "stopwords"
KEYWORDS_PER_THEME = 8
PHRASE_WORDS, PHRASE_CHARACTERS = 12, 18  # longest label: words (spaced scripts) or Chinese characters

_CJK = re.compile(f"[{languages.HAN}]+")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_ARABIC_MARKS = re.compile(f"[{languages.ARABIC_MARKS}]")
_CLAUSE = re.compile(r"[.!?;:。！？；：…\n\r،؛()\[\]\"“”«»]+|[,，、](?:\s|$)|[,，、]")
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")


def _read(name: str) -> set[str]:
    words: set[str] = set()
    for line in (STOPWORDS_DIR / name).read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(word.casefold() for word in line.split())
    return words


@cache
def stopwords(language: str | None = None) -> frozenset[str]:
    """A language's function words (and English ones, which turn up everywhere); all languages' for None."""
    rows = [row for row in languages.TABLE if row.stopwords and (language is None or row.code in (language, "en"))]
    return frozenset(word for row in rows for word in _read(row.stopwords))


@cache
def _segmenter():
    # jieba loads a 350,000-word dictionary (seconds): only a summary with Chinese answers needs it.
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def warm_up() -> None:
    """Load the Chinese dictionary now (a job worker at start), so that no summary waits for it."""
    _segmenter()


@lru_cache(maxsize=200_000)
def _term(word: str, language: str) -> str:
    """The stem a word is counted under, "" when it is left out; kept across summaries in a worker."""
    folded = word.casefold().replace("’", "'")
    stop = stopwords(language)
    if len(folded) < 2 or folded in stop or folded.split("'")[0] in stop:
        return ""
    stemmer = languages.stemmer(language)
    return (stemmer.stemWord(folded) or folded) if stemmer else folded


@lru_cache(maxsize=50_000)
def _chinese_words(run: str) -> tuple[str, ...]:
    stop = stopwords("zh")
    return tuple(word for word in _segmenter().lcut(run) if len(word) > 1 and word not in stop)


class Tokeniser:
    """Cuts texts into (term, surface form) pairs."""

    def terms(self, text: str, language: str) -> list[tuple[str, str]]:
        text = unicodedata.normalize("NFKC", text)
        found: list[tuple[str, str]] = []
        if _CJK.search(text):
            for run in _CJK.findall(text):
                found.extend((word, word) for word in _chinese_words(run))
            text = _CJK.sub(" ", text)
        if languages.script_pattern("Arab").search(text):
            text = _ARABIC_MARKS.sub("", text)
        for word in _WORD.findall(text):
            term = _term(word, language)
            if term:
                found.append((term, word))
        return found


def theme_terms(
    documents: Sequence[list[tuple[str, str]]], labels: Sequence[int], n_themes: int
) -> tuple[list[dict[str, float]], list[dict[str, Counter]]]:
    """(score of each term in each theme, surface forms of each term in each theme), by class-based TF-IDF."""
    in_theme: list[Counter] = [Counter() for _ in range(n_themes)]
    surfaces: list[dict[str, Counter]] = [{} for _ in range(n_themes)]
    sizes = Counter(labels)
    for terms, label in zip(documents, labels, strict=True):
        in_theme[label].update({term for term, _surface in terms})
        forms = surfaces[label]
        for term, surface in terms:
            forms.setdefault(term, Counter())[surface] += 1
    overall: Counter = Counter()
    for counts in in_theme:
        overall.update(counts)
    average = sum(sizes.values()) / max(1, len(sizes))
    scores = []
    for label in range(n_themes):
        size = max(1, sizes[label])
        floor = 2 if size >= 4 else 1
        scores.append({term: (count / size) * math.log(1 + average / overall[term])
                       for term, count in in_theme[label].items() if count >= floor})  # fmt: skip
    return scores, surfaces


def top_keywords(scores: dict[str, float], surfaces: dict[str, Counter], per_theme: int = KEYWORDS_PER_THEME):
    """The best terms of one theme, each in the form its members use most, best first."""
    chosen: list[str] = []
    for term in sorted(scores, key=lambda term: (-scores[term], term)):
        form = min(surfaces[term].items(), key=lambda item: (-item[1], item[0]))[0]
        if form.casefold() not in {word.casefold() for word in chosen}:
            chosen.append(form)
        if len(chosen) >= per_theme:
            break
    return chosen


def theme_keywords(
    documents: Sequence[list[tuple[str, str]]],
    labels: Sequence[int],
    n_themes: int,
    per_theme: int = KEYWORDS_PER_THEME,
) -> list[list[str]]:
    """Keywords for each theme: ``documents[i]`` are the terms of response i, ``labels[i]`` its theme."""
    scores, surfaces = theme_terms(documents, labels, n_themes)
    return [top_keywords(scores[label], surfaces[label], per_theme) for label in range(n_themes)]


def key_phrase(text: str, language: str, weights: dict[str, float], tokeniser: Tokeniser) -> str:
    """The clause of ``text`` that says most of what its theme is about, cut to a label's length.

    A phrase the participant wrote, in their language, never a list of keywords; empty only for an
    empty text (a published answer never is).
    """
    text = " ".join(unicodedata.normalize("NFKC", text).split())
    best, best_score = "", -1.0
    for clause in _CLAUSE.split(text):
        clause = _EDGE.sub("", clause.strip())
        if not clause:
            continue
        clause = _window(clause, language, weights, tokeniser)
        terms = {term for term, _surface in tokeniser.terms(clause, language)}
        # Rather a clause of a few words that names the theme than a fragment or a long sentence.
        score = sum(weights.get(term, 0.0) for term in terms) + 0.01 * min(len(terms), 4)
        if score > best_score:
            best, best_score = clause, score
    # A text of symbols alone (emoji, say) is its own label: a theme never goes without one.
    phrase = best or _EDGE.sub("", text)[: PHRASE_CHARACTERS * 4] or text[: PHRASE_CHARACTERS * 4]
    return phrase[:1].upper() + phrase[1:]


def _window(clause: str, language: str, weights: dict[str, float], tokeniser: Tokeniser) -> str:
    """The clause itself, or its part of a label's length that weighs most; no function word at its end."""
    if _CJK.search(clause) and not languages.spaced(language):
        if len(clause) <= PHRASE_CHARACTERS:
            return clause

        def weigh(start: int) -> tuple[float, int]:
            words = _chinese_words(clause[start : start + PHRASE_CHARACTERS])
            return sum(weights.get(word, 0.0) for word in words), -start

        start = max(range(len(clause) - PHRASE_CHARACTERS + 1), key=weigh)
        return clause[start : start + PHRASE_CHARACTERS]
    words = clause.split()
    if len(words) > PHRASE_WORDS:
        scored = [sum(weights.get(term, 0.0) for term, _ in tokeniser.terms(word, language)) for word in words]
        start = max(range(len(words) - PHRASE_WORDS + 1), key=lambda s: (sum(scored[s : s + PHRASE_WORDS]), -s))
        words = words[start : start + PHRASE_WORDS]
    stop = stopwords(language)
    while len(words) > 2 and _EDGE.sub("", words[-1]).casefold() in stop:
        words.pop()
    return _EDGE.sub("", " ".join(words))
