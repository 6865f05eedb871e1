"""Theme keywords in any of the six UN languages, from published texts only.

Chinese has no spaces, so Chinese runs are cut into overlapping two-character terms (most Chinese
words have two characters); other scripts are cut into words, function words are left out, and
words are reduced to their Snowball stem so that "school" and "schools", or "школа" and "школы",
count as one term. Each keyword is shown in the form its theme's members use most.
Terms are ranked by class-based TF-IDF: frequent in the theme, rare in the other themes.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from .. import languages

STOPWORDS_DIR = Path(__file__).resolve().parent / "stopwords"
KEYWORDS_PER_THEME = 8

_CJK = re.compile(f"[{languages.HAN}]+")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_ARABIC_MARKS = re.compile(f"[{languages.ARABIC_MARKS}]")


@cache
def stopwords() -> frozenset[str]:
    words: set[str] = set()
    for row in languages.TABLE:
        if not row.stopwords:
            continue
        for line in (STOPWORDS_DIR / row.stopwords).read_text(encoding="utf-8").splitlines():
            if not line.startswith("#"):
                words.update(word.casefold() for word in line.split())
    return frozenset(words)


@cache
def _cjk_stop_characters() -> frozenset[str]:
    return frozenset(word for word in stopwords() if len(word) == 1 and _CJK.fullmatch(word))


class Tokeniser:
    """Cuts texts into (term, surface form) pairs, remembering every word it has stemmed."""

    def __init__(self) -> None:
        self._stop = stopwords()
        self._cjk_stop = _cjk_stop_characters()
        self._words: dict[tuple[str, str], str] = {}  # (word, language) -> its term, "" when left out

    def terms(self, text: str, language: str) -> list[tuple[str, str]]:
        text = unicodedata.normalize("NFKC", text)
        found: list[tuple[str, str]] = []
        if _CJK.search(text):
            for run in _CJK.findall(text):
                for i in range(len(run) - 1):
                    pair = run[i : i + 2]
                    if not (pair[0] in self._cjk_stop or pair[1] in self._cjk_stop):
                        found.append((pair, pair))
            text = _CJK.sub(" ", text)
        if languages.script_pattern("Arab").search(text):
            text = _ARABIC_MARKS.sub("", text)
        words = self._words
        for word in _WORD.findall(text):
            term = words.get((word, language))
            if term is None:
                term = words[(word, language)] = self._term(word, language)
            if term:
                found.append((term, word))
        return found

    def _term(self, word: str, language: str) -> str:
        folded = word.casefold().replace("’", "'")
        if len(folded) < 2 or folded in self._stop or folded.split("'")[0] in self._stop:
            return ""
        stemmer = languages.stemmer(language)
        return (stemmer.stemWord(folded) or folded) if stemmer else folded


def theme_keywords(
    documents: Sequence[list[tuple[str, str]]],
    texts: Sequence[str],
    labels: Sequence[int],
    n_themes: int,
    per_theme: int = KEYWORDS_PER_THEME,
) -> list[list[str]]:
    """Keywords for each theme: ``documents[i]`` are the terms of response i, ``labels[i]`` its theme."""
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
    average = sum(sizes.values()) / max(1, n_themes)

    keywords = []
    for label in range(n_themes):
        counts = in_theme[label]
        size = max(1, sizes[label])
        floor = 2 if size >= 4 else 1
        scored = sorted(
            (((count / size) * math.log(1 + average / overall[term]), term) for term, count in counts.items()
             if count >= floor),
            key=lambda item: (-item[0], item[1]),
        )  # fmt: skip
        chosen: list[str] = []
        for _score, term in scored:
            form = min(surfaces[label][term].items(), key=lambda item: (-item[1], item[0]))[0]
            if form.casefold() not in {word.casefold() for word in chosen}:
                chosen.append(form)
            if len(chosen) >= per_theme * 2:
                break
        member_texts = [text for text, member in zip(texts, labels, strict=True) if member == label]
        keywords.append(_join_cjk_pairs(chosen, member_texts)[:per_theme])
    return keywords


def _join_cjk_pairs(chosen: list[str], texts: list[str]) -> list[str]:
    """Join two overlapping Chinese pairs ("計程" and "程車") into the word they belong to ("計程車").

    Only where the three characters nearly always come together, best-attested joins first, and each
    pair at most once, so a chain such as 計程車司機 does not grow into a non-word.
    """
    pairs = [term for term in chosen if len(term) == 2 and _CJK.fullmatch(term)]
    if len(pairs) < 2:
        return chosen
    count = {term: sum(term in text for text in texts) for term in pairs}
    candidates = []
    for a in pairs:
        for b in pairs:
            if a != b and a[1] == b[0]:
                joined = a + b[1]
                together = sum(joined in text for text in texts)
                ratio = together / max(count[a], count[b], 1)
                if ratio >= 0.6:
                    candidates.append((-ratio, joined, a, b))
    result, used = list(chosen), set()
    for _ratio, joined, a, b in sorted(candidates):
        if a in used or b in used:
            continue
        used.update((a, b))
        result[result.index(a)] = joined
        result.remove(b)
    # A pair that mostly continues a longer keyword across a word boundary ("車司" after "計程車") is a fragment.
    words = [term for term in result if len(term) > 2 and _CJK.fullmatch(term)]
    fragments = {
        pair
        for pair in result
        if pair in count
        for word in words
        if (word[-1] == pair[0] and sum(word + pair[1] in text for text in texts) >= 0.6 * count[pair])
        or (word[0] == pair[1] and sum(pair[0] + word in text for text in texts) >= 0.6 * count[pair])
    }
    return [term for term in result if term not in fragments]
