"""A normalised copy of a text that remembers where each of its characters came from.

NFKC, invisible characters and Arabic diacritics removed, digits of every script made ASCII,
spaced-out letters joined; then, for matching, lower case with look-alike letters and leetspeak undone.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ... import languages
from .base import REPEATS_RE, WORD_RE

# Removed before matching: format characters, joiners, variation selectors, tatweel and
# Arabic diacritics (so "انتحـــار" and vowelled spellings match the plain word).
_INVISIBLE_RE = re.compile(
    "[\u00ad\u034f\u061c\u0640\u064b-\u065f\u0670\u115f\u1160\u17b4\u17b5\u180b-\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff\U000e0000-\U000e007f]"
)
_NON_ASCII_DIGIT_RE = re.compile(r"(?![0-9])\d")

# One character for one character, so that offsets survive.
FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
        "\u00b4": "'",
        "`": "'",
        "\u2032": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u0623": "\u0627",  # أ إ آ ٱ -> ا
        "\u0625": "\u0627",
        "\u0622": "\u0627",
        "\u0671": "\u0627",
        "\u0649": "\u064a",  # ى ی -> ي
        "\u06cc": "\u064a",
        "\u06a9": "\u0643",  # ک -> ك
        "\u0629": "\u0647",  # ة -> ه
        "\u0451": "\u0435",  # ё -> е
        "\u0401": "\u0415",
    }
)

_CYRILLIC_RE = languages.script_pattern("Cyrl")
# Look-alike letters inside a word that mixes Latin and Cyrillic ("kіll", "хoчу").
_CYRILLIC_TO_LATIN = str.maketrans("аеорсухкіјѕԁһмтв", "aeopcyxkijsdhmtb")
_LATIN_TO_CYRILLIC = str.maketrans("aeopcyxk", "аеорсухк")
_MIXED_SCRIPT_RE = re.compile(f"[a-z][{languages.CYRILLIC}]|[{languages.CYRILLIC}][a-z]")
_MIXED_WORD_RE = re.compile(f"[a-z{languages.CYRILLIC}]+")

# Digits and symbols standing for letters inside a word ("k1ll y0urs3lf", "b!tch", "@ss").
_LEET = str.maketrans("013457@$!|", "oieastasil")
_LEET_HINT_RE = re.compile(r"[^\W\d_][0134578@$!|]|[0134578@$!|][^\W\d_]")
_LEET_WORD_RE = re.compile(r"[\w@$!|]+")

_SPACED_OUT_RE = re.compile(r"(?<!\S)\S(?: \S){3,}(?!\S)")


class View:
    """A normalised copy of a text; ``starts[i]:ends[i]`` is where its character i came from."""

    __slots__ = ("ends", "folded", "keys", "starts", "text", "words", "written")

    def __init__(self, text: str, starts: list[int] | None, ends: list[int] | None, written: str):
        self.text = text
        #: ``text`` before its letters were folded (``FOLD``: "أ" and "إ" to "ا", "ى" to "ي", "ة" to "ه", "ё" to
        #: "е"), its punctuation as written ("，" stays): what the tagger reads, as it learnt to. Same offsets.
        self.written = written
        self.starts = starts  # None: same offsets as the original
        self.ends = ends
        self.folded = _fold_for_matching(text)
        self.words = [(m.start(), m.group()) for m in WORD_RE.finditer(self.folded)]
        self.keys = {word_key(word) for _, word in self.words}

    def original(self, start: int, end: int) -> tuple[int, int]:
        if self.starts is None:
            return start, end
        return self.starts[start], self.ends[end - 1]


def normalise(text: str) -> View:
    if text.isascii() or not (
        not unicodedata.is_normalized("NFKC", text) or _INVISIBLE_RE.search(text) or _NON_ASCII_DIGIT_RE.search(text)
    ):
        return _join_spaced_out_letters(text, None, None, text)
    normal, written, starts, ends = _rebuild(text)
    return _join_spaced_out_letters(normal, starts, ends, written)


def _rebuild(text: str) -> tuple[str, str, list[int], list[int]]:
    """``text`` without invisible characters and Arabic diacritics, in NFKC, digits ASCII; the same with its
    punctuation and spaces as written ("，", "　", which NFKC makes "," and " "); where each character came from."""
    chars: list[str] = []
    written: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        # A base character with its combining marks normalises as one cluster.
        while j < n and unicodedata.combining(text[j]) and not _INVISIBLE_RE.match(text[j]):
            j += 1
        cluster = _INVISIBLE_RE.sub("", text[i:j])
        normal = unicodedata.normalize("NFKC", cluster) if cluster else ""
        as_written = len(cluster) == 1 == len(normal) and unicodedata.category(cluster)[0] in "PZ"
        for char in normal:
            if char.isdecimal() and not char.isascii():
                char = str(unicodedata.decimal(char))
            chars.append(char)
            written.append(cluster if as_written else char)
            starts.append(i)
            ends.append(j)
        i = j
    return "".join(chars), "".join(written), starts, ends


def _join_spaced_out_letters(text: str, starts: list[int] | None, ends: list[int] | None, written: str) -> View:
    """Spaced-out letters are joined: "j o h n @ g m a i l . c o m" reads as "john@gmail.com"."""
    runs = list(_SPACED_OUT_RE.finditer(text))
    if not runs:
        return View(text.translate(FOLD), starts, ends, written)
    if starts is None:
        starts, ends = list(range(len(text))), list(range(1, len(text) + 1))
    drop = {k for run in runs for k in range(run.start() + 1, run.end(), 2)}
    keep = [k for k in range(len(text)) if k not in drop]
    return View("".join(text[k] for k in keep).translate(FOLD), [starts[k] for k in keep], [ends[k] for k in keep],
                "".join(written[k] for k in keep))  # fmt: skip


def _fold_for_matching(text: str) -> str:
    """Lower case, look-alikes and leetspeak undone; always as long as ``text``."""
    folded = text.lower()
    if len(folded) != len(text):
        folded = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    if _MIXED_SCRIPT_RE.search(folded):
        folded = _MIXED_WORD_RE.sub(_unmix_scripts, folded)
    if _LEET_HINT_RE.search(folded):
        folded = _LEET_WORD_RE.sub(_unleet, folded)
    return folded


def _unmix_scripts(match: re.Match) -> str:
    word = match.group()
    cyrillic = len(_CYRILLIC_RE.findall(word))
    if cyrillic * 2 > len(word):
        return word.translate(_LATIN_TO_CYRILLIC)
    return word.translate(_CYRILLIC_TO_LATIN)


def _unleet(match: re.Match) -> str:
    word = match.group()
    if not any(c.isalpha() for c in word) or (word[0] == "@" and len(word) > 3):
        return word  # a number, or an @handle
    # A trailing "!" or digit is punctuation or a number ("me!", "mp3"), not a letter.
    body = word.rstrip("0123456789!|")
    return body.translate(_LEET) + word[len(body) :]


@lru_cache(maxsize=1 << 16)
def word_key(word: str) -> str:
    """What a word is indexed by: its first three letters once repeats are squeezed."""
    return REPEATS_RE.sub(r"\1", word[:12])[:3]
