"""Names introduced by their owner: "my name is...", "I'm Jordan Smith", "我是张伟"."""

from __future__ import annotations

import re
from functools import cache

from .base import HAN_RE, Candidate
from .lexicons import fold_entry, words_everywhere
from .patterns import Patterns

NAME_WORD_RE = re.compile(r"[^\W\d_][\w'\-]*")
_NEXT_WORD_RE = re.compile(r"[ \t](?=[^\W\d_])")
# What follows a lone name in a self-introduction that gives an age: "I'm Will btw, 15", "soy Dolores, tengo
# 17", "je suis Inès (14 ans)", "я Ника, мне 13". A lone capitalised word after "I'm" is a name only then.
_AGE_AFTER_RE = re.compile(
    r"[ \t]*(?:btw|here|aqu[ií]|ici|тут|здесь)?[ \t]*[,(\-–—:][ \t]*"
    r"(?:(?:i'?m|i am|age[d:]?|tengo|j'ai|мне|عمري)[ \t]*)?[0-9٠-٩]{1,2}(?![0-9٠-٩])",
    re.IGNORECASE,
)


def _trim(word: str) -> str:
    """A trailing apostrophe or hyphen is no part of a name ("Jordan-")."""
    return word.rstrip("'-")


def name_words(text: str, pos: int, trim=_trim):
    """The words of a name from ``pos`` on, as (start, trimmed word), one space or tab apart: the caller takes a
    word by asking for the next one, and stops where the name stops."""
    cursor = pos
    while m := NAME_WORD_RE.match(text, cursor):
        word = trim(m.group())
        yield m.start(), word
        after = m.start() + len(word)
        if not _NEXT_WORD_RE.match(text, after):
            return
        cursor = after + 1


@cache
def _not_name_words() -> frozenset[str]:
    return frozenset(fold_entry(word) for word in words_everywhere("not_a_family_name"))


@cache
def name_links() -> frozenset[str]:
    """Arabic words that join a name to the rest of it: "بن" in "عبدالله بن فهد"."""
    return frozenset(fold_entry(word) for word in words_everywhere("name_link"))


def definite_name_word(word: str, prefixes: tuple[str, ...] = ("ال",)) -> bool:
    """An Arabic word with "ال" that goes on a name: a family name after a given name ("مريم الحسن"), a school's
    name and kind after "مدرسة" ("مدرسة الأمل الثانوية", with ``prefixes`` "للبنات", "والتقنية" too); not
    "الذي", "اليوم" (the lexicon's ``not_a_family_name``)."""
    key = fold_entry(word)
    return key.startswith(prefixes) and len(key) > 3 and key not in _not_name_words()


def name_span(text: str, words: list[tuple[int, int]], p: Patterns) -> tuple[int, int] | None:
    """From the first word to the last that is not a connector ("Jean de", not "de")."""
    while words and fold_entry(text[slice(*words[-1])]) in p.connectors:
        words.pop()
    return (words[0][0], words[-1][1]) if words else None


def find_names(text: str, folded: str, p: Patterns) -> list[Candidate]:
    found: list[Candidate] = []
    for regex, weak in ((p.self_intro, False), (p.self_intro_weak, True)):
        for m in regex.finditer(folded):
            span = capture_name(text, m.end(), p, weak=weak)
            if span:
                found.append(("name", *span))
    for m in p.self_intro_full.finditer(folded):
        span = _capture_full_name(text, m.end(), p)
        if span:
            found.append(("name", *span))
    return found


def _capture_full_name(text: str, pos: int, p: Patterns) -> tuple[int, int] | None:
    """After "I'm", "soy", "я", "我是": a name only if it looks like a full one.

    Two capitalised words ("I'm Jordan Smith", not "I'm Muslim"), one followed by an age ("I'm Will btw, 15"),
    or in Chinese a common surname and one or two characters standing alone ("我是张伟，", not "我是学生").
    """
    pos = re.compile(r"[ \t]*[,:，：]?[ \t]*").match(text, pos).end()
    if pos < len(text) and HAN_RE.match(text[pos]):
        if text[pos] not in p.surnames_han:
            return None
        end = pos + 1
        while end < len(text) and end - pos < 3 and HAN_RE.match(text[end]) and text[end] not in p.name_stop_han:
            end += 1
        alone = end == len(text) or not HAN_RE.match(text[end]) or text[end] in p.name_stop_han
        return (pos, end) if end - pos >= 2 and alone else None
    words: list[tuple[int, int]] = []
    for start, word in name_words(text, pos):
        key = fold_entry(word)
        if not word[0].isupper() or key in p.name_stop or key in p.not_a_name:
            break
        words.append((start, start + len(word)))
        if len(words) == 3:
            break
    if len(words) == 1 and len(text[slice(*words[0])]) > 1 and _AGE_AFTER_RE.match(text, words[0][1]):
        return words[0]
    return (words[0][0], words[-1][1]) if len(words) >= 2 else None


def capture_name(text: str, pos: int, p: Patterns, *, weak: bool, max_words: int = 4) -> tuple[int, int] | None:
    pos = re.compile(r"[ \t]*[:：,\-]?[ \t]*").match(text, pos).end()
    if pos < len(text) and HAN_RE.match(text[pos]):
        end = pos
        while end < len(text) and end - pos < 4 and HAN_RE.match(text[end]) and text[end] not in p.name_stop_han:
            end += 1
        return (pos, end) if end > pos else None
    words: list[tuple[int, int]] = []
    capitalised = False
    for start, word in name_words(text, pos):
        key = fold_entry(word)
        # Arabic joins "and" to the next word: "ورقمي" is "and my number".
        if key in p.name_stop or (key[:1] == "و" and key[1:] in p.name_stop):
            break
        if not words:
            capitalised = word[0].isupper()
            if weak and word[0].islower():
                return None  # Arabic and Chinese have no case: never lower case
        elif capitalised and not word[0].isupper() and key not in p.connectors:
            break
        elif key[:1] == "و":
            break  # "نور وأبي": a second word joined to "and" starts a new clause
        elif not capitalised and len(words) >= 3:
            break
        words.append((start, start + len(word)))
        if len(words) == max_words:
            break
    return name_span(text, words, p)
