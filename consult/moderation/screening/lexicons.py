"""The word lists under ``lexicons/`` and the patterns compiled from them.

``lexicons/<kind>-<language>.txt`` (``pii``, ``abuse``, ``safeguarding``) and ``common.txt`` are read
once, on first use (format in ``read_lexicon``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ... import languages
from .base import ABUSE_CATEGORIES, HAN_RE, REPEATS_RE, SAFEGUARDING_CATEGORIES
from .normalise import FOLD, View, word_key

_LEADING_WORD_RE = re.compile(r"[\w']+")


@dataclass(frozen=True, slots=True)
class _Lexicon:
    sections: dict[str, list[str]]
    groups: dict[str, str]  # name -> compiled regex source
    raw_groups: dict[str, str]  # name -> the phrase as written (folded)

    def words(self, section: str) -> list[str]:
        return self.sections.get(section, [])


_LITE_TOKEN_RE = re.compile(r"@\w+|\s*~\s*|\s+|[()|?*']|.", re.S)


def _lite_to_regex(phrase: str, groups: dict[str, str], *, spaced: bool, stretch: bool) -> str:
    """Compile one lexicon phrase.

    Words are separated by spaces; ``(a|b)`` and ``x?`` work as in regular expressions;
    ``@name`` stands for a group defined by ``@name = ...``; ``~`` allows up to four
    words in between; a comma may come wherever a phrase has a space ("my stepdad, when
    drunk, hits me"; Russian puts one before every "что" and "если"); ``*`` is any word
    ending (or beginning); an apostrophe may be left out ("don't" matches "dont"); ``.``
    is a full stop. With ``stretch``, each letter may be repeated ("dieee", "stuuupid").
    An optional group carries its own space: "i (really )?want", not "i (really)? want", which
    needs two spaces when the group is absent.
    """
    pieces = _LITE_TOKEN_RE.findall(phrase)
    parts = []
    for k, piece in enumerate(pieces):
        following = pieces[k + 1] if k + 1 < len(pieces) else ""
        if piece.startswith("@") and len(piece) > 1:
            parts.append(f"(?:{groups[piece[1:]]})")
        elif piece.strip() == "~":
            parts.append(r"[,;:،]?\s+(?:\S+\s+){0,4}?" if spaced else r"\s*.{0,8}?\s*")
        elif piece.isspace():
            parts.append(r"[,;:،]?\s+" if spaced else r"\s*")
        elif piece == "(":
            parts.append("(" if following == "?" else "(?:")
        elif piece in ")|?":
            parts.append(piece)
        elif piece == "*":
            parts.append(r"\w*")
        elif piece == "'":
            parts.append("'?")
        elif stretch and piece.isalpha():
            parts.append(f"(?:{re.escape(piece)}+)" if following == "?" else f"{re.escape(piece)}+")
        else:
            parts.append(re.escape(piece))
    return "".join(parts)


def fold_entry(entry: str) -> str:
    return unicodedata.normalize("NFKC", entry).translate(FOLD).lower()


@cache
def read_lexicon(name: str) -> _Lexicon:
    """Read ``lexicons/<name>.txt``.

    ``# ...`` lines are comments, ``[section]`` starts a list, ``@name = a | b`` defines
    a group usable in later phrases; every other line is one entry of the current section.
    """
    source = resources.files(__package__).joinpath("lexicons").joinpath(f"{name}.txt")
    spaced = languages.spaced(name.rpartition("-")[2])
    sections: dict[str, list[str]] = {}
    groups: dict[str, str] = {}
    raw_groups: dict[str, str] = {}
    current = sections.setdefault("", [])
    # A language added without its word lists yet is screened for what needs no words (e-mails, numbers...).
    lines = source.read_text(encoding="utf-8").splitlines() if source.is_file() else []
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1].strip(), [])
        elif line.startswith("@") and "=" in line:
            group, _, value = line[1:].partition("=")
            raw_groups[group.strip()] = fold_entry(value.strip())
            groups[group.strip()] = _lite_to_regex(fold_entry(value.strip()), groups, spaced=spaced, stretch=spaced)
        else:
            current.append(fold_entry(line))
    return _Lexicon(sections, groups, raw_groups)


def alternation(entries: list[str], groups: dict[str, str] | None = None, *, spaced=True, stretch=False) -> str:
    # Longest first, so that "high school" wins over "school" at the same place.
    compiled = [_lite_to_regex(e, groups or {}, spaced=spaced, stretch=stretch) for e in entries]
    return "|".join(sorted(set(compiled), key=lambda p: (-len(p), p))) or "(?!)"


def _bounded(source: str, spaced: bool = True) -> str:
    return rf"(?<!\w)(?:{source})(?!\w)" if spaced else f"(?:{source})"


def words_everywhere(*sections: str) -> list[str]:
    """The entries of these sections of the personal-information lexicons of every language."""
    return [
        word
        for lang in languages.codes()
        for section in sections
        for word in read_lexicon(f"pii-{lang}").words(section)
    ]


def unspaced_words(section: str) -> list[str]:
    """The entries of a section of the personal-information lexicons of languages written without spaces."""
    return [
        word
        for lang in languages.codes()
        if not languages.spaced(lang)
        for word in read_lexicon(f"pii-{lang}").words(section)
    ]


def cue_regex(*sections: str) -> re.Pattern:
    """Cue phrases of every language as one pattern; those of languages without spaces need no word boundary."""
    spaced = [
        w
        for lang in languages.codes()
        if languages.spaced(lang)
        for section in sections
        for w in read_lexicon(f"pii-{lang}").words(section)
    ]
    unspaced = [w for section in sections for w in unspaced_words(section)]
    parts = [_bounded(alternation(spaced))]
    if unspaced:
        parts.append(alternation(unspaced, spaced=False))
    return re.compile("|".join(parts))


def _closing_paren(phrase: str) -> int:
    depth = 0
    for index, char in enumerate(phrase):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return index
    raise ValueError(f"unbalanced parentheses in lexicon phrase {phrase!r}")


def _split_alternatives(inner: str) -> list[str]:
    parts, depth, current = [], 0, []
    for char in inner:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "|" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    return [*parts, "".join(current)]


def _first_word_keys(phrase: str, groups: dict[str, str]) -> set[str] | None:
    """The keys of the words a phrase can start with; None when it can start anywhere."""
    phrase = phrase.lstrip()
    if phrase.startswith(("(", "@")):
        if phrase[0] == "@":
            name = re.match(r"@(\w+)", phrase).group(1)
            inner, rest = groups[name], phrase[len(name) + 1 :]
        else:
            close = _closing_paren(phrase)
            inner, rest = phrase[1:close], phrase[close + 1 :]
        keys: set[str] = set()
        alternatives = _split_alternatives(inner)
        if rest.startswith("?"):
            rest = rest[1:]
            alternatives.append("")
        for alternative in alternatives:
            found = _first_word_keys(alternative + rest, groups)
            if found is None:
                return None
            keys |= found
        return keys
    word = _LEADING_WORD_RE.match(phrase)
    if not word or word.group().startswith("'"):
        return None
    word = word.group()
    following = phrase[len(word) : len(word) + 1]
    if following == "(" and len(word_key(word.replace("'", ""))) < 3:
        # "i('m| am|m) ...": the word goes on into the alternatives ("i'm", "i am", "im").
        rest = phrase[len(word) :]
        close = _closing_paren(rest)
        alternatives, after = _split_alternatives(rest[1:close]), rest[close + 1 :]
        if after.startswith("?"):
            after = after[1:]
            alternatives.append("")
        keys = set()
        for alternative in alternatives:
            found = _first_word_keys(word + alternative + after, groups)
            if found is None:
                return None
            keys |= found
        return keys
    if following in ("*", "("):
        key = word_key(word.replace("'", ""))
        return {key} if len(key) == 3 else None  # a short prefix would be tried everywhere
    variants = {word.split("'")[0], word.replace("'", "")}
    if following == "?":
        variants |= {v[:-1] for v in variants if len(v) > 1}
    return {word_key(v) for v in variants if v}


def _required_word(phrase: str) -> str:
    """The longest word a text must contain for the phrase to match ("" if none is required).

    Words inside parentheses or groups are alternatives or optional: "i('m| am) not safe at home"
    requires "home", not "safe" nor "am".
    """
    outside, depth = [], 0
    for char in phrase:
        depth += {"(": 1, ")": -1}.get(char, 0)
        outside.append(char if depth == 0 and char not in "()" else " ")
    words = re.findall(r"(?<![@\w])[^\W\d_]+(?!\w*[?(])", "".join(outside))
    return max(words, key=len, default="")


@dataclass(frozen=True, slots=True)
class PhraseIndex:
    """The phrases of some categories, tried only where a word they can start with begins.

    A big alternation of phrases tried at every position of every text is what made
    screening slow; most phrases start with a word, and most texts lack most words.
    """

    by_key: dict[str, tuple[tuple[str, re.Pattern], ...]]
    # (category, a literal the text must contain, pattern) for phrases with no first word
    scanned: tuple[tuple[str, str, re.Pattern], ...]

    def find(self, folded: str, words: list[tuple[int, str]], squeezed: str) -> list[tuple[str, int, int]]:
        found = []
        for start, key in words:
            for category, pattern in self.by_key.get(key, ()):
                m = pattern.match(folded, start)
                if m and m.end() > m.start():
                    found.append((category, m.start(), m.end()))
        for category, core, pattern in self.scanned:
            if core in squeezed:
                found += [(category, m.start(), m.end()) for m in pattern.finditer(folded)]
        return found


def _phrase_index(lexicon: _Lexicon, sections: dict[str, str]) -> PhraseIndex:
    by_key: dict[tuple[str, str], list[str]] = {}
    scanned = []
    for category, section in sections.items():
        for phrase in lexicon.words(section):
            keys = _first_word_keys(phrase, lexicon.raw_groups)
            if keys is None:
                core = _required_word(phrase)
                source = _bounded(_lite_to_regex(phrase, lexicon.groups, spaced=True, stretch=True))
                scanned.append((category, REPEATS_RE.sub(r"\1", core), re.compile(source)))
            else:
                for key in keys:
                    by_key.setdefault((key, category), []).append(phrase)
    index: dict[str, list[tuple[str, re.Pattern]]] = {}
    for (key, category), phrases in sorted(by_key.items()):
        source = alternation(phrases, lexicon.groups, spaced=True, stretch=True)
        index.setdefault(key, []).append((category, re.compile(f"(?:{source})(?!\\w)")))
    return PhraseIndex({k: tuple(v) for k, v in index.items()}, tuple(scanned))


@dataclass(frozen=True, slots=True)
class _Lexical:
    """The abuse and safeguarding phrases of one language."""

    abuse: PhraseIndex | re.Pattern
    safeguarding: PhraseIndex | re.Pattern
    topic: PhraseIndex | re.Pattern
    first_person: re.Pattern | None
    generic: re.Pattern | None
    function_words: frozenset[str]


def _scanning_pattern(lexicon: _Lexicon, sections: dict[str, str]) -> re.Pattern:
    """Chinese has no spaces between words: one pattern per language, tried everywhere.

    Its phrases are not stretched: reduplication is grammar there (妈妈, 常常).
    """
    parts = []
    for category, section in sections.items():
        entries = lexicon.words(section)
        if entries:
            parts.append(f"(?P<{category}>{alternation(entries, lexicon.groups, spaced=False)})")
    return re.compile("|".join(parts) or "(?!)")


@cache
def lexical(lang: str) -> _Lexical:
    spaced = languages.spaced(lang)
    abuse = read_lexicon(f"abuse-{lang}")
    guard = read_lexicon(f"safeguarding-{lang}")
    build = _phrase_index if spaced else _scanning_pattern

    def optional(section: str) -> re.Pattern | None:
        entries = guard.words(section)
        if not entries:
            return None
        return re.compile(_bounded(alternation(entries, guard.groups, spaced=spaced, stretch=spaced), spaced))

    return _Lexical(
        abuse=build(abuse, {c: c for c in ABUSE_CATEGORIES}),
        safeguarding=build(guard, {c: c for c in SAFEGUARDING_CATEGORIES}),
        topic=build(guard, {c: f"topic:{c}" for c in SAFEGUARDING_CATEGORIES}),
        first_person=optional("first_person"),
        generic=optional("generic"),
        function_words=frozenset(guard.words("function_words")),
    )


@dataclass(frozen=True, slots=True)
class Gate:
    """Whether a text may hold one of some cue phrases, judged from the words it contains.

    Most texts have none of the cue words of a detector; they skip its pattern.
    """

    keys: frozenset[str]
    literals: tuple[str, ...]  # phrases without a first word (Chinese): looked for as they are

    def opens(self, view: View) -> bool:
        return not self.keys.isdisjoint(view.keys) or any(literal in view.folded for literal in self.literals)

    def matches(self, pattern: re.Pattern, view: View, text: str | None = None) -> list[re.Match]:
        """The matches of a cue pattern, tried only where one of its first words starts (scanning
        the whole text only when it holds a literal): a big alternation tried at every position is slow.
        """
        subject = view.folded if text is None else text
        if any(literal in view.folded for literal in self.literals):
            return list(pattern.finditer(subject))
        found, end = [], 0
        for start, word in view.words:
            if start >= end and word_key(word) in self.keys:
                m = pattern.match(subject, start)
                if m:
                    found.append(m)
                    end = m.end()
        return found


def gate(entries: list[str], glued: tuple[str, ...] = ()) -> Gate:
    keys: set[str] = {word_key(word) for word in glued}
    literals = list(glued)
    for entry in entries:
        found = None if HAN_RE.search(entry) else _first_word_keys(entry, {})
        if found is None:
            literals.append(max(re.findall(r"[^\W\d_]+", entry) or [entry], key=len))
        else:
            keys |= found
    return Gate(frozenset(keys), tuple(literals))
