"""Screening at intake: personal information, abusive language and safeguarding cues.

``screen(text, lang)`` reads one response in any of the six UN languages and
returns suggestions for the moderator who decides on it: the spans of personal
information with a redacted copy of the text, and flags for abusive language and
for a young person who may be disclosing harm. It never publishes or rejects
anything by itself.

Matching runs on a normalised copy of the text (NFKC, invisible characters and
Arabic diacritics removed, digits of every script made ASCII, spaced-out letters
joined) that remembers, for each of its characters, the slice of the original it
came from: every span reported points into the text as the participant wrote it.

Word lists live in ``lexicons/*.txt``, read once on first use (format below, in
``_read_lexicon``). Pure functions, no Flask: callable from a view, a command or a
test alike.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from .. import languages

#: Put in place of each span of personal information; the UI may show a translation.
REDACTION_MARKER = "[personal information removed]"

#: What a screening can flag (the queue adds "reported", by readers: ``consult.models.FLAGS``).
SCREENING_FLAGS = ("pii", "abuse", "safeguarding")

#: Kinds of personal information, in the order they win when two candidates overlap.
PII_KINDS = ("email", "social", "url", "iban", "card", "id", "phone", "address", "postcode", "school", "name")
_PRIORITY = {kind: rank for rank, kind in enumerate(PII_KINDS)}


@dataclass(frozen=True, slots=True)
class Span:
    """``text[start:end]`` of the original text, of a given kind."""

    kind: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    pii: list[Span]
    flags: list[str]
    redacted: str
    #: flag -> sorted detail, e.g. {"pii": ["email"], "safeguarding": ["self_harm"]}
    categories: dict[str, list[str]]
    #: what raised "abuse" and "safeguarding", as spans of kind "abuse:insult", "safeguarding:grooming"...
    cues: list[Span]


# --- Normalisation -----------------------------------------------------------------------------

# Removed before matching: format characters, joiners, variation selectors, tatweel and
# Arabic diacritics (so "انتحـــار" and vowelled spellings match the plain word).
_INVISIBLE_RE = re.compile(
    "[\u00ad\u034f\u061c\u0640\u064b-\u065f\u0670\u115f\u1160\u17b4\u17b5\u180b-\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff\U000e0000-\U000e007f]"
)
_NON_ASCII_DIGIT_RE = re.compile(r"(?![0-9])\d")

# One character for one character, so that offsets survive.
_FOLD = str.maketrans(
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


class _View:
    """A normalised copy of a text; ``starts[i]:ends[i]`` is where its character i came from."""

    __slots__ = ("ends", "folded", "keys", "starts", "text", "words")

    def __init__(self, text: str, starts: list[int] | None = None, ends: list[int] | None = None):
        self.text = text
        self.starts = starts  # None: same offsets as the original
        self.ends = ends
        self.folded = _fold_for_matching(text)
        self.words = [(m.start(), m.group()) for m in _WORD_RE.finditer(self.folded)]
        self.keys = {_word_key(word) for _, word in self.words}

    def original(self, start: int, end: int) -> tuple[int, int]:
        if self.starts is None:
            return start, end
        return self.starts[start], self.ends[end - 1]


def _normalise(text: str) -> _View:
    if text.isascii() or not (
        not unicodedata.is_normalized("NFKC", text) or _INVISIBLE_RE.search(text) or _NON_ASCII_DIGIT_RE.search(text)
    ):
        text_view, starts, ends = text.translate(_FOLD), None, None
    else:
        text_view, starts, ends = _rebuild(text)
    return _join_spaced_out_letters(text_view, starts, ends)


def _rebuild(text: str) -> tuple[str, list[int], list[int]]:
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        # A base character with its combining marks normalises as one cluster.
        while j < n and unicodedata.combining(text[j]) and not _INVISIBLE_RE.match(text[j]):
            j += 1
        cluster = _INVISIBLE_RE.sub("", text[i:j])
        for char in unicodedata.normalize("NFKC", cluster) if cluster else "":
            if char.isdecimal() and not char.isascii():
                char = str(unicodedata.decimal(char))
            chars.append(char)
            starts.append(i)
            ends.append(j)
        i = j
    return "".join(chars).translate(_FOLD), starts, ends


def _join_spaced_out_letters(text: str, starts: list[int] | None, ends: list[int] | None) -> _View:
    """Spaced-out letters are joined: "j o h n @ g m a i l . c o m" reads as "john@gmail.com"."""
    runs = list(_SPACED_OUT_RE.finditer(text))
    if not runs:
        return _View(text, starts, ends)
    if starts is None:
        starts, ends = list(range(len(text))), list(range(1, len(text) + 1))
    drop = {k for run in runs for k in range(run.start() + 1, run.end(), 2)}
    keep = [k for k in range(len(text)) if k not in drop]
    return _View("".join(text[k] for k in keep), [starts[k] for k in keep], [ends[k] for k in keep])


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


# --- Lexicons ----------------------------------------------------------------------------------


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
    words in between; ``*`` is any word ending (or beginning); an apostrophe may be
    left out ("don't" matches "dont"); ``.`` is a full stop. With ``stretch``, each
    letter may be repeated ("dieee", "stuuupid").
    """
    pieces = _LITE_TOKEN_RE.findall(phrase)
    parts = []
    for k, piece in enumerate(pieces):
        following = pieces[k + 1] if k + 1 < len(pieces) else ""
        if piece.startswith("@") and len(piece) > 1:
            parts.append(f"(?:{groups[piece[1:]]})")
        elif piece.strip() == "~":
            parts.append(r"\s+(?:\S+\s+){0,4}?" if spaced else r"\s*.{0,8}?\s*")
        elif piece.isspace():
            parts.append(r"\s+" if spaced else r"\s*")
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


def _fold_entry(entry: str) -> str:
    return unicodedata.normalize("NFKC", entry).translate(_FOLD).lower()


@cache
def _read_lexicon(name: str) -> _Lexicon:
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
            raw_groups[group.strip()] = _fold_entry(value.strip())
            groups[group.strip()] = _lite_to_regex(_fold_entry(value.strip()), groups, spaced=spaced, stretch=spaced)
        else:
            current.append(_fold_entry(line))
    return _Lexicon(sections, groups, raw_groups)


def _alternation(entries: list[str], groups: dict[str, str] | None = None, *, spaced=True, stretch=False) -> str:
    # Longest first, so that "high school" wins over "school" at the same place.
    compiled = [_lite_to_regex(e, groups or {}, spaced=spaced, stretch=stretch) for e in entries]
    return "|".join(sorted(set(compiled), key=lambda p: (-len(p), p))) or "(?!)"


def _bounded(source: str, spaced: bool = True) -> str:
    return rf"(?<!\w)(?:{source})(?!\w)" if spaced else f"(?:{source})"


def _words_everywhere(*sections: str) -> list[str]:
    """The entries of these sections of the personal-information lexicons of every language."""
    return [
        word
        for lang in languages.codes()
        for section in sections
        for word in _read_lexicon(f"pii-{lang}").words(section)
    ]


def _unspaced_words(section: str) -> list[str]:
    """The entries of a section of the personal-information lexicons of languages written without spaces."""
    return [
        word
        for lang in languages.codes()
        if not languages.spaced(lang)
        for word in _read_lexicon(f"pii-{lang}").words(section)
    ]


def _cue_regex(section: str) -> re.Pattern:
    """Cue phrases of every language as one pattern; those of languages without spaces need no word boundary."""
    spaced = [
        w for lang in languages.codes() if languages.spaced(lang) for w in _read_lexicon(f"pii-{lang}").words(section)
    ]
    unspaced = _unspaced_words(section)
    parts = [_bounded(_alternation(spaced))]
    if unspaced:
        parts.append(_alternation(unspaced, spaced=False))
    return re.compile("|".join(parts))


# --- Compiled patterns -------------------------------------------------------------------------

_HAN = languages.HAN
_HAN_RE = languages.script_pattern("Hans")
_CYRILLIC_RE = languages.script_pattern("Cyrl")
_SENTENCE_RE = re.compile(r"[^.!?;。！？；؟\n]+")
_CAPITAL = "A-ZÀ-ÖØ-ÞА-ЯЁ\u0620-\u064a"  # capitals, and Arabic (which has no case)


ABUSE_CATEGORIES = ("insult", "hate", "sexual")
SAFEGUARDING_CATEGORIES = ("self_harm", "home_abuse", "grooming", "sextortion")

_WORD_RE = re.compile(r"\w+")
_REPEATS_RE = re.compile(r"(.)\1+")
_LEADING_WORD_RE = re.compile(r"[\w']+")


@lru_cache(maxsize=1 << 16)
def _word_key(word: str) -> str:
    """What a word is indexed by: its first three letters once repeats are squeezed."""
    return _REPEATS_RE.sub(r"\1", word[:12])[:3]


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
    if following in ("*", "("):
        key = _word_key(word.replace("'", ""))
        return {key} if len(key) == 3 else None  # a short prefix would be tried everywhere
    variants = {word.split("'")[0], word.replace("'", "")}
    if following == "?":
        variants |= {v[:-1] for v in variants if len(v) > 1}
    return {_word_key(v) for v in variants if v}


@dataclass(frozen=True, slots=True)
class _PhraseIndex:
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


def _phrase_index(lexicon: _Lexicon, sections: dict[str, str]) -> _PhraseIndex:
    by_key: dict[tuple[str, str], list[str]] = {}
    scanned = []
    for category, section in sections.items():
        for phrase in lexicon.words(section):
            keys = _first_word_keys(phrase, lexicon.raw_groups)
            if keys is None:
                core = max(re.findall(r"[^\W\d_]+", phrase) or [""], key=len)
                source = _bounded(_lite_to_regex(phrase, lexicon.groups, spaced=True, stretch=True))
                scanned.append((category, _REPEATS_RE.sub(r"\1", core), re.compile(source)))
            else:
                for key in keys:
                    by_key.setdefault((key, category), []).append(phrase)
    index: dict[str, list[tuple[str, re.Pattern]]] = {}
    for (key, category), phrases in sorted(by_key.items()):
        source = _alternation(phrases, lexicon.groups, spaced=True, stretch=True)
        index.setdefault(key, []).append((category, re.compile(f"(?:{source})(?!\\w)")))
    return _PhraseIndex({k: tuple(v) for k, v in index.items()}, tuple(scanned))


@dataclass(frozen=True, slots=True)
class _Lexical:
    """The abuse and safeguarding phrases of one language."""

    abuse: _PhraseIndex | re.Pattern
    safeguarding: _PhraseIndex | re.Pattern
    topic: _PhraseIndex | re.Pattern
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
            parts.append(f"(?P<{category}>{_alternation(entries, lexicon.groups, spaced=False)})")
    return re.compile("|".join(parts) or "(?!)")


@cache
def _lexical(lang: str) -> _Lexical:
    spaced = languages.spaced(lang)
    abuse = _read_lexicon(f"abuse-{lang}")
    guard = _read_lexicon(f"safeguarding-{lang}")
    build = _phrase_index if spaced else _scanning_pattern

    def optional(section: str) -> re.Pattern | None:
        entries = guard.words(section)
        if not entries:
            return None
        return re.compile(_bounded(_alternation(entries, guard.groups, spaced=spaced, stretch=spaced), spaced))

    return _Lexical(
        abuse=build(abuse, {c: c for c in ABUSE_CATEGORIES}),
        safeguarding=build(guard, {c: c for c in SAFEGUARDING_CATEGORIES}),
        topic=build(guard, {c: f"topic:{c}" for c in SAFEGUARDING_CATEGORIES}),
        first_person=optional("first_person"),
        generic=optional("generic"),
        function_words=frozenset(guard.words("function_words")),
    )


@dataclass(frozen=True, slots=True)
class _Gate:
    """Whether a text may hold one of some cue phrases, judged from the words it contains.

    Most texts have none of the cue words of a detector; they skip its pattern.
    """

    keys: frozenset[str]
    literals: tuple[str, ...]  # phrases without a first word (Chinese): looked for as they are

    def opens(self, view: _View) -> bool:
        return not self.keys.isdisjoint(view.keys) or any(literal in view.folded for literal in self.literals)


def _gate(entries: list[str], glued: tuple[str, ...] = ()) -> _Gate:
    keys: set[str] = {_word_key(word) for word in glued}
    literals = list(glued)
    for entry in entries:
        found = None if _HAN_RE.search(entry) else _first_word_keys(entry, {})
        if found is None:
            literals.append(max(re.findall(r"[^\W\d_]+", entry) or [entry], key=len))
        else:
            keys |= found
    return _Gate(frozenset(keys), tuple(literals))


@dataclass(frozen=True, slots=True)
class _Patterns:
    email: re.Pattern
    email_words: re.Pattern
    email_words_spelled: re.Pattern
    email_provider: re.Pattern
    email_cue: re.Pattern
    url: re.Pattern
    social_hosts: frozenset[str]
    handle_at: re.Pattern
    discord: re.Pattern
    handle_cued: re.Pattern
    handle_stop: frozenset[str]
    platform_short: frozenset[str]
    number: re.Pattern
    phone_cue: re.Pattern
    iban: re.Pattern
    china_id: re.Pattern
    id_cued: re.Pattern
    street_after: re.Pattern
    street_before: re.Pattern
    street_glued: re.Pattern
    street_number_first: re.Pattern
    street_zh: re.Pattern
    address_cued: re.Pattern
    home_cue: re.Pattern
    postcode: re.Pattern
    postcode_cue: re.Pattern
    self_intro: re.Pattern
    self_intro_weak: re.Pattern
    self_intro_full: re.Pattern
    not_a_name: frozenset[str]
    surnames_han: frozenset[str]
    name_stop: frozenset[str]
    name_stop_han: frozenset[str]
    connectors: frozenset[str]
    school_after: re.Pattern
    school_before: re.Pattern
    school_number: re.Pattern
    school_han: re.Pattern
    school_cue: re.Pattern
    school_cued_after: re.Pattern
    school_cued_before: re.Pattern
    school_capture: re.Pattern
    school_needs_cue: frozenset[str]
    school_generic: frozenset[str]
    school_trim_han: str
    at_words: _Gate
    platforms: _Gate
    id_cues: _Gate
    streets: _Gate
    address_cues: _Gate
    postcode_cues: _Gate
    self_intros: _Gate
    schools: _Gate


@cache
def _patterns() -> _Patterns:
    common = _read_lexicon("common")
    tld = _alternation(common.words("tld"))
    wordlike = set(common.words("tld_wordlike"))
    tld_strong = _alternation([t for t in common.words("tld") if t not in wordlike])
    second_level = _alternation(common.words("second_level"))
    at_words = _alternation(common.words("at_word"))
    providers = _alternation(common.words("mail_provider"))
    dot_words = _alternation(common.words("dot_word"))
    platforms = common.words("platform")
    latin_platforms = _alternation([p for p in platforms if p.isascii()])
    other_platforms = _alternation([p for p in platforms if not p.isascii() and not _HAN_RE.search(p)])
    # Latin names written against Chinese ("我的QQ号是...") are not words of their own.
    glued_platforms = tuple(common.words("platform_glued"))
    han_platforms = _alternation([p for p in platforms if _HAN_RE.search(p)] + list(glued_platforms))

    local = r"[A-Za-z0-9](?:[A-Za-z0-9._%+\-]{0,62}[A-Za-z0-9_])?"
    label = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
    at = rf"(?:\s?@\s?|\s*[\[({{<]\s*(?:{at_words})\s*[\])}}>]\s*)"
    dot = rf"(?:\s?\.\s?|\s*[\[({{<]\s*(?:{dot_words})\s*[\])}}>]\s*|\s+(?:{dot_words})\s+)"
    word_dot = rf"(?:\.|\s*[\[({{<]\s*(?:{dot_words})\s*[\])}}>]\s*|\s+(?:{dot_words})\s+)"
    email = rf"(?<![A-Za-z0-9._%+\-]){local}{at}{label}(?:{dot}{label})*?{dot}(?:{tld})(?![A-Za-z0-9\-])"
    email_words = (
        rf"(?<![A-Za-z0-9._%+\-@]){local}(?:{word_dot}{local})*\s+(?:{at_words})\s+{label}(?:{word_dot}{label})*?"
        rf"{word_dot}(?:{tld_strong})(?![A-Za-z0-9\-])"
    )
    email_provider = rf"(?<![A-Za-z0-9._%+\-@]){local}\s+(?:{at_words}|@)\s+(?:{providers})(?![A-Za-z0-9\-.@])"

    path = r"(?:[/?#][^\s<>\"'\u3000-\u303f\uff00-\uffef]*)?"
    url = (
        r"(?<![A-Za-z0-9])(?:https?|ftp)://[^\s<>\"'\u3000-\u303f\uff00-\uffef]+"
        rf"|(?<![A-Za-z0-9.@/_-])www\d?\.{label}(?:\.{label})*{path}"
        rf"|(?<![A-Za-z0-9.@/_-])(?:{label}\.)+(?:{tld_strong})(?:\.(?:{tld}))?(?![A-Za-z0-9-])(?::\d{{2,5}})?{path}"
        rf"|(?<![A-Za-z0-9.@/_-])(?:{label}\.)+(?:{second_level})\.(?:{tld})(?![A-Za-z0-9-]){path}"
        rf"|(?<![A-Za-z0-9.@/_-])(?:{label}\.)+(?:{tld})(?:/[^\s<>\"']+)"
        rf"|(?<![A-Za-z0-9.@/_-]){label}\s+(?:{dot_words})\s+(?:{tld_strong})(?![A-Za-z0-9-])"
    )

    handle = r"@?[A-Za-z0-9_](?:[A-Za-z0-9_.\-]{0,30}[A-Za-z0-9_])?"
    my_cue = _alternation(common.words("handle_my"))
    add_cue = _alternation(common.words("handle_add"))
    account = r"(?:id|handle|username|user ?name|name|account|ник|номер|аккаунт)"
    separator = rf"\s*{account}?\s*[:=]\s*|\s+-\s+"
    handle_cued = (
        rf"(?<!\w)(?P<p1>{latin_platforms}|{other_platforms})(?!\w)(?:{separator})(?P<h1>{handle})"
        rf"|(?<!\w)(?:{my_cue})\s+(?:{latin_platforms}|{other_platforms})\w*\s*(?:{account}\s*)?(?:[:=,\-]\s*)?"
        rf"(?:(?:is|it's|its|=|c'est|est|es|это|هو|هي)\s+)?(?P<h2>{handle})"
        rf"|(?<!\w)(?:{add_cue})\s+(?:{latin_platforms}|{other_platforms})\w*\s*(?:{account}\s*)?(?:[:=,\-]\s*)?"
        rf"(?:(?:it's|its|i'm|im|je suis|soy|я)\s+)?(?P<h3>{handle})"
        rf"|(?:{han_platforms})(?:号码|账号|帳號|号|號|id)?\s*(?P<s4>是|为|為|:|=)?\s*(?P<h4>[A-Za-z0-9_\-]{{5,20}})(?![A-Za-z0-9_])"
        rf"|(?<!\w)(?:{other_platforms})\w*\s*(?:[:\-]|هو|это)?\s*(?P<h5>@?[A-Za-z][A-Za-z0-9_.]{{2,30}})"
    )

    street_after = _alternation(_words_everywhere("street_after"))
    street_before = _alternation(_words_everywhere("street_before"))
    street_glued = _alternation(common.words("street_glued"))
    connectors = _words_everywhere("name_connector") + common.words("name_connector")
    connector = _alternation(connectors)
    house_mark = _alternation(common.words("house_mark"))
    capital_word = rf"[{_CAPITAL}][\w'\-]*"
    any_word = r"[^\W\d_][\w'\-]*"
    street_name = rf"(?:(?:{connector})\s+|d')?{capital_word}(?:\s+(?:(?:{connector})\s+|d')?{capital_word}){{0,3}}"
    number = r"\d{1,5}(?:\s?(?:bis|ter)|[A-Za-z](?![A-Za-z]))?"
    street_zh = _alternation(_unspaced_words("street_suffix"), spaced=False)
    estate_zh = _alternation(_unspaced_words("estate_suffix"), spaced=False)

    school_after = _alternation(_words_everywhere("school_after", "school_after_cue"))
    school_before = _alternation(_words_everywhere("school_before", "school_before_cue"))
    school_cue = _cue_regex("school_cue")
    school_han = _alternation(_unspaced_words("school_suffix") + _unspaced_words("school_after_cue"), spaced=False)
    school_number = _alternation(_words_everywhere("school_number"))
    proper = rf"(?:[{_CAPITAL}][\w'.\-]*|\d{{1,3}}(?:st|nd|rd|th)?)"

    return _Patterns(
        email=re.compile(email, re.I),
        email_words=re.compile(email_words, re.I),
        # "sam at gmail.com", "sam at school dot org"; not "a video at instagram.com"
        email_words_spelled=re.compile(
            rf"[\s\[({{<](?:{dot_words})[\s\])}}>]|(?<![A-Za-z0-9])(?:{providers})(?![A-Za-z0-9])", re.I
        ),
        email_provider=re.compile(email_provider, re.I),
        email_cue=_cue_regex("email_cue"),
        url=re.compile(url, re.I),
        social_hosts=frozenset(common.words("social_host")),
        handle_at=re.compile(r"(?<![A-Za-z0-9_.@#])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?(?![A-Za-z0-9_@])"),
        discord=re.compile(r"(?<![\w#])[A-Za-z0-9_.]{2,32}#\d{4}(?!\d)"),
        handle_cued=re.compile(handle_cued, re.I),
        handle_stop=frozenset(common.words("handle_stop")),
        platform_short=frozenset(common.words("platform_short")),
        number=re.compile(r"(?<![0-9A-Za-z+.,])(?:\+\s?|00)?\(?\d(?:[\d \-.()/]{0,24}\d)?"),
        phone_cue=_cue_regex("phone_cue"),
        iban=re.compile(
            r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])", re.I
        ),
        china_id=re.compile(r"(?<!\d)\d{6}(?:19|20)\d{2}[01]\d[0-3]\d\d{3}[\dXx](?![\dA-Za-z])"),
        id_cued=re.compile(
            rf"(?:{_cue_regex('id_cue').pattern})\s*(?:(?:number|no|num|nr|n°|nº|#|№|номер|серия|رقم|号码|号)\.?\s*)?"
            r"(?:(?:is|est|es|это|هو|是|:|=|：)\s*)?"
            r"(?P<id>[A-Za-z0-9](?:[A-Za-z0-9\-]*)(?: [A-Za-z0-9\-]+){0,3})",
            re.I,
        ),
        street_after=re.compile(
            rf"(?<![\w.,])(?P<number>{number}),?\s+(?P<name>{any_word}(?:\s+{any_word}){{0,3}})\s+"
            rf"(?P<kind>{street_after})\.?(?!\w)",
            re.I,
        ),
        street_before=re.compile(
            rf"(?<!\w)(?i:{street_before})\.?\s*(?P<name>{street_name}),?\s*(?:(?i:{house_mark})\.?\s*)?"
            rf"(?P<number>\d{{1,4}}[A-Za-z]?)(?![\d.,]?\d)(?:,?\s*(?i:кв|квартира|apt|appartement|piso|شقه)\.?\s*\d{{1,4}})?"
        ),
        street_glued=re.compile(
            rf"(?<!\w)[{_CAPITAL}][\w'\-]*?[ \-]?(?i:{street_glued})\.?\s*\d{{1,4}}[A-Za-z]?(?![\d.,]?\d)"
        ),
        street_number_first=re.compile(
            rf"(?<![\w.,])\d{{1,5}}(?:\s?(?:bis|ter))?,?\s+(?:{street_before})\.?\s+(?:(?:{connector})\s+|d')?"
            rf"{any_word}(?-i:(?:\s+(?:(?:{connector})\s+|d')?{capital_word}){{0,3}})",
            re.I,
        ),
        street_zh=re.compile(
            rf"[{_HAN}]{{1,14}}(?:{street_zh})\d{{1,5}}[号號](?:\d{{1,5}}(?:号楼|號樓|栋|棟|幢|单元|單元|室|楼|樓|层|層))*"
            rf"|[{_HAN}]{{2,14}}(?:{estate_zh})\d{{1,4}}(?:号楼|號樓|栋|棟|幢)"
            rf"(?:\d{{1,5}}(?:单元|單元|室|楼|樓|层|層))*"
        ),
        address_cued=re.compile(rf"(?:{_cue_regex('address_cue').pattern})\s*[:：,]?\s*", re.I),
        home_cue=_cue_regex("home_cue"),
        postcode=re.compile(
            r"(?<![A-Za-z0-9])(?:[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|[A-Z]\d[A-Z] ?\d[A-Z]\d|\d{5}(?:-\d{4})?|\d{6})"
            r"(?![A-Za-z0-9])",
            re.I,
        ),
        postcode_cue=_cue_regex("postcode_cue"),
        self_intro=_cue_regex("self_intro"),
        self_intro_weak=_cue_regex("self_intro_weak"),
        self_intro_full=_cue_regex("self_intro_full"),
        not_a_name=frozenset(common.words("not_a_name")),
        surnames_han=frozenset("".join(_unspaced_words("surname_han"))),
        name_stop=frozenset(_words_everywhere("name_stop")),
        name_stop_han=frozenset("".join(_unspaced_words("name_stop_han"))),
        connectors=frozenset(connectors),
        school_after=re.compile(rf"(?<![\w'])(?P<name>(?:{proper}\s+){{1,5}})(?P<kind>(?i:{school_after}))(?![\w-])"),
        school_before=re.compile(
            rf"(?<!\w)(?P<kind>(?i:{school_before}))\s+(?P<name>(?:(?:{connector})\s+|d')?"
            rf"(?:{capital_word}|«[^»]{{2,40}}»|\"[^\"]{{2,40}}\")(?:\s+(?:(?:{connector})\s+|d')?{capital_word}){{0,4}})"
        ),
        school_number=re.compile(
            rf"(?<!\w)(?:{school_number})\s*(?:№|n[°º]|no\.?|nr\.?|num\.?|номер|#)\s*\d{{1,4}}(?!\d)", re.I
        ),
        # "第四中学" ends in "四中学", not "四中"; "四中学生" are its pupils.
        school_han=re.compile(rf"(?P<name>[{_HAN}\d]{{1,14}}?)(?P<kind>{school_han})(?:(?<=中)学)?(?![生])"),
        school_cue=school_cue,
        school_cued_after=re.compile(
            rf"(?:{school_cue.pattern})\s+(?P<name>(?:[\w'.\-]+\s+){{1,5}}?(?:{school_after}))(?!\w)",
            re.I,
        ),
        school_cued_before=re.compile(
            rf"(?:{school_cue.pattern})\s+(?P<name>(?:{school_before})\s+\S+(?:\s+\S+){{0,3}})",
            re.I,
        ),
        school_capture=re.compile(rf"(?:{_cue_regex('school_capture').pattern})\s*[:：,]?\s*", re.I),
        school_needs_cue=frozenset(_words_everywhere("school_after_cue", "school_before_cue")),
        school_generic=frozenset(_words_everywhere("school_generic")),
        school_trim_han="".join(_unspaced_words("school_trim_han")),
        at_words=_gate(common.words("at_word")),
        platforms=_gate(platforms, glued=glued_platforms),
        id_cues=_gate(_words_everywhere("id_cue")),
        streets=_gate(
            _words_everywhere("street_before") + _unspaced_words("street_suffix") + _unspaced_words("estate_suffix")
        ),
        address_cues=_gate(_words_everywhere("address_cue")),
        postcode_cues=_gate(_words_everywhere("postcode_cue")),
        self_intros=_gate(_words_everywhere("self_intro", "self_intro_weak", "self_intro_full")),
        schools=_gate(
            _words_everywhere(
                "school_after",
                "school_after_cue",
                "school_before",
                "school_before_cue",
                "school_number",
                "school_capture",
                "school_suffix",
            )
        ),
    )


# --- Personal information ----------------------------------------------------------------------

_Candidate = tuple[str, int, int]  # kind, start, end in the normalised view


_URL_HINT_RE = re.compile(r"[A-Za-z0-9][.:/][A-Za-z]|\s(?:dot|punto|point|точка)\s", re.I)


def _find_pii(view: _View) -> list[_Candidate]:
    p = _patterns()
    text, folded = view.text, view.folded
    found: list[_Candidate] = []
    at_words = p.at_words.opens(view)  # "name at gmail dot com"
    if at_words:
        for m in p.email_words.finditer(text):
            if p.email_words_spelled.search(m.group()):
                found.append(("email", m.start(), m.end()))
    if at_words or "@" in text:
        found += [("email", m.start(), m.end()) for m in p.email.finditer(text)]
        for m in p.email_provider.finditer(text):
            if p.email_cue.search(folded, max(0, m.start() - 40), m.start()):
                found.append(("email", m.start(), m.end()))
    if _URL_HINT_RE.search(text):
        found += _urls(text, p)
    found += _handles(view, p)
    found += _numbers(view, p)
    addresses = _addresses(view, p)
    found += addresses
    if addresses or p.postcode_cues.opens(view):
        found += _postcodes(text, folded, addresses, p)
    if p.self_intros.opens(view):
        found += _names(text, folded, p)
    if p.schools.opens(view):
        found += _schools(text, folded, p)
    return found


_URL_TRAILING = ".,;:!?'\"»」』。，！？、"


def _urls(text: str, p: _Patterns) -> list[_Candidate]:
    found = []
    for m in p.url.finditer(text):
        url = m.group().rstrip(_URL_TRAILING)
        while url.endswith(")") and url.count(")") > url.count("("):
            url = url[:-1].rstrip(_URL_TRAILING)
        host, _, rest = re.sub(r"^[a-z]+://", "", url.lower()).partition("/")
        host = re.sub(r"^(?:www\d?|m|mobile)\.", "", host.split(":")[0])
        kind = "social" if host in p.social_hosts and rest.strip("/@?#") else "url"
        found.append((kind, m.start(), m.start() + len(url)))
    return found


_TIME_RE = re.compile(r"@\d{1,2}(?:[:h.]\d{2})?(?:am|pm|h)?$", re.I)


def _handles(view: _View, p: _Patterns) -> list[_Candidate]:
    text = view.text
    found = []
    if "@" in text:
        for m in p.handle_at.finditer(text):
            if not _TIME_RE.match(m.group()) and m.group()[1:].lower() not in p.handle_stop:
                found.append(("social", m.start(), m.end()))
    if "#" in text:
        found += [("social", m.start(), m.end()) for m in p.discord.finditer(text)]
    if not p.platforms.opens(view):
        return found
    for m in p.handle_cued.finditer(text):
        group = m.lastgroup
        start, end = m.span(group)
        handle = m.group(group).lstrip("@").lower()
        if handle in p.handle_stop or not any(c.isalnum() for c in handle):
            continue
        handle_like = m.group(group).startswith("@") or any(c in "0123456789_." for c in handle)
        if group in ("h2", "h3") and not handle_like and len(handle) < 3:
            continue
        if group == "h1" and not handle_like and _fold_entry(m.group("p1")) not in p.platform_short:
            continue  # "Instagram: bullying, ..." is a list, not an account
        if group == "h4" and not m.group("s4") and not any(c in "0123456789_-" for c in handle):
            continue  # "WeChat users"
        found.append(("social", start, end))
    return found


_DIGIT_RE = re.compile(r"\d")
_SEQUENTIAL = "01234567890 9876543210"
_YEAR_RE = re.compile(r"(?:1[89]|20)\d\d")
_DATE_RE = re.compile(r"(\d{1,4})[./\- ](\d{1,2})[./\- ](\d{1,4})")
_THOUSANDS_RE = re.compile(r"[1-9]\d{0,2}(?:[ .]\d{3})+")
_MONEY_BEFORE_RE = re.compile(r"(?:[$€£¥₽]|usd|eur|gbp|rs\.?|руб\.?)\s*$", re.I)
_QUANTITY_AFTER_RE = re.compile(
    r"\s*(?:%|‰|percent|per cent|pour ?cent|por ?ciento|процент|[$€£¥₽]|euros?|dollars?|usd|eur|"
    r"dólares|pesos|рубл|ريال|دولار|元|块|人|个|名|次|km|kg|mb|gb|ms)",
    re.I,
)


def _luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _numbers(view: _View, p: _Patterns) -> list[_Candidate]:
    text, folded = view.text, view.folded
    found: list[_Candidate] = []
    if not _DIGIT_RE.search(text):
        return found
    for m in p.iban.finditer(text):
        compact = m.group().replace(" ", "").upper()
        rearranged = compact[4:] + compact[:4]
        if 15 <= len(compact) <= 34 and int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1:
            found.append(("iban", m.start(), m.end()))
    found += [("id", m.start(), m.end()) for m in p.china_id.finditer(text)]
    if p.id_cues.opens(view):
        for m in p.id_cued.finditer(text):
            start, end = _trim_id(text, *m.span("id"))
            if end and sum(c.isdigit() for c in text[start:end]) >= 5:
                found.append(("id", start, end))
    for m in p.number.finditer(text):
        raw = m.group()
        start = m.start()
        if raw.startswith("(") and ")" not in raw:
            raw, start = raw[1:], start + 1
        kind = _number_kind(text, folded, raw, start, p)
        if kind:
            found.append((kind, start, start + len(raw)))
    return found


def _trim_id(text: str, start: int, end: int) -> tuple[int, int]:
    """Keep the words of an identity number, stop at the first ordinary word."""
    kept = start
    for word in re.finditer(r"\S+", text[start:end]):
        token = word.group()
        if any(c.isdigit() for c in token) or (token.isupper() and len(token) <= 3):
            kept = start + word.end()
        else:
            break
    return (start, kept) if kept > start else (0, 0)


def _number_kind(text: str, folded: str, raw: str, start: int, p: _Patterns) -> str | None:
    digits = re.sub(r"\D", "", raw)
    count = len(digits)
    if count < 6:
        return None
    international = raw.startswith(("+", "00"))
    if (
        13 <= count <= 19
        and _luhn(digits)
        and re.fullmatch(r"\d{4}(?:[ -]?\d{4}){2,3}(?:[ -]?\d{1,3})?|\d{4}[ -]?\d{6}[ -]?\d{5}|\d{13,19}", raw)
    ):
        return "card"
    if re.fullmatch(r"\d{3}-\d{2}-\d{4}", raw):
        return "id"
    if count > 15:
        return "id" if raw.isdigit() and count <= 20 else None
    if _DATE_RE.fullmatch(raw) and _plausible_date(*_DATE_RE.fullmatch(raw).groups()):
        return None
    groups = [g for g in re.split(r"[ \-.()/]+", raw.strip("+() ")) if g]
    if all(_YEAR_RE.fullmatch(g) or (k and len(g) == 2) for k, g in enumerate(groups)) and len(groups) > 1:
        return None  # 2019-2020, 2019/20
    cue = bool(p.phone_cue.search(folded, max(0, start - 40), start))
    if count < 7 or (count == 7 and not (international or cue)):
        return None
    if not (international or cue):
        if digits in _SEQUENTIAL or len(set(digits)) == 1:
            return None  # "12345678", "00000000": placeholders and passwords, not numbers
        after = text[start + len(raw) : start + len(raw) + 12]
        if (
            _THOUSANDS_RE.fullmatch(raw)
            or re.fullmatch(r"\d+[.,]\d+", raw)
            or "/" in raw
            or len(groups) > 6
            or sum(len(g) == 1 for g in groups) > 1
            or (digits.endswith("0000") and not digits.startswith("0"))
            or _MONEY_BEFORE_RE.search(text[max(0, start - 6) : start])
            or _QUANTITY_AFTER_RE.match(after)
        ):
            return None
    return "phone"


def _plausible_date(first: str, second: str, third: str) -> bool:
    if len(first) == 4:
        year, month, day = first, second, third
    else:
        day, month, year = first, second, third
        if int(day) <= 12 < int(month):
            day, month = month, day  # month/day/year
    return len(year) in (2, 4) and 1 <= int(month) <= 12 and 1 <= int(day) <= 31


def _addresses(view: _View, p: _Patterns) -> list[_Candidate]:
    text, folded = view.text, view.folded
    found: list[_Candidate] = []
    if not _DIGIT_RE.search(text):
        return found
    found += [("address", m.start(), m.end()) for m in p.street_glued.finditer(text)]
    for m in p.street_after.finditer(text):
        words = [*m.group("name").split(), m.group("kind")]
        capitalised = all(w[0].isupper() or w.lower() in p.connectors for w in words)
        if capitalised or p.home_cue.search(folded, max(0, m.start() - 30), m.start()):
            found.append(("address", m.start(), m.end()))
    if p.streets.opens(view):
        found += [("address", m.start(), m.end()) for m in p.street_before.finditer(text)]
        found += [("address", m.start(), m.end()) for m in p.street_number_first.finditer(text)]
        for m in p.street_zh.finditer(text):
            start = m.start() + _after_last(m.group(), "在是住于於：:")
            found.append(("address", start, m.end()))
    if not p.address_cues.opens(view):
        return found
    for m in p.address_cued.finditer(folded):
        # "my address is ...": up to the end of the clause, if it looks like an address.
        clause = re.match(r"[^\n.;!?。！？]{4,80}", text[m.end() :])
        if clause and re.search(r"\d", clause.group()):
            # Up to its last word with a digit, leaving a postcode at the end to its own span.
            words_with_digits = [w for w in re.finditer(r"\S+", clause.group()) if re.search(r"\d", w.group())]
            value = clause.group()[: words_with_digits[-1].end()].rstrip(" ,")
            postcode = p.postcode.search(value, len(value) - 9)
            if postcode and postcode.end() == len(value) and postcode.start() > 0:
                found.append(("postcode", m.end() + postcode.start(), m.end() + postcode.end()))
                value = value[: postcode.start()].rstrip(" ,")
            found.append(("address", m.end(), m.end() + len(value)))
    return found


def _after_last(value: str, characters: str) -> int:
    return max((value.rfind(c) + 1 for c in characters), default=0)


def _postcodes(text: str, folded: str, addresses: list[_Candidate], p: _Patterns) -> list[_Candidate]:
    found = []
    for m in p.postcode.finditer(text):
        near_address = any(0 <= m.start() - end <= 40 or 0 <= start - m.end() <= 20 for _, start, end in addresses)
        if near_address or p.postcode_cue.search(folded, max(0, m.start() - 30), m.start()):
            found.append(("postcode", m.start(), m.end()))
    return found


_NAME_WORD_RE = re.compile(r"[^\W\d_][\w'\-]*")


def _names(text: str, folded: str, p: _Patterns) -> list[_Candidate]:
    found = []
    for regex, weak in ((p.self_intro, False), (p.self_intro_weak, True)):
        for m in regex.finditer(folded):
            span = _capture_name(text, m.end(), p, weak=weak)
            if span:
                found.append(("name", *span))
    for m in p.self_intro_full.finditer(folded):
        span = _capture_full_name(text, m.end(), p)
        if span:
            found.append(("name", *span))
    return found


def _capture_full_name(text: str, pos: int, p: _Patterns) -> tuple[int, int] | None:
    """After "I'm", "soy", "я", "我是": a name only if it looks like a full one.

    Two capitalised words ("I'm Jordan Smith", not "I'm Muslim"), or in Chinese a common
    surname and one or two characters standing alone ("我是张伟，", not "我是学生").
    """
    pos = re.compile(r"[ \t]*[,:，：]?[ \t]*").match(text, pos).end()
    if pos < len(text) and _HAN_RE.match(text[pos]):
        if text[pos] not in p.surnames_han:
            return None
        end = pos + 1
        while end < len(text) and end - pos < 3 and _HAN_RE.match(text[end]) and text[end] not in p.name_stop_han:
            end += 1
        alone = end == len(text) or not _HAN_RE.match(text[end]) or text[end] in p.name_stop_han
        return (pos, end) if end - pos >= 2 and alone else None
    words: list[tuple[int, int]] = []
    cursor = pos
    while len(words) < 3:
        m = _NAME_WORD_RE.match(text, cursor)
        if not m:
            break
        word = m.group().rstrip("'-")
        key = _fold_entry(word)
        if not word[0].isupper() or key in p.name_stop or key in p.not_a_name:
            break
        words.append((m.start(), m.start() + len(word)))
        after = m.start() + len(word)
        if not re.match(r"[ \t](?=[^\W\d_])", text[after : after + 2]):
            break
        cursor = after + 1
    return (words[0][0], words[-1][1]) if len(words) >= 2 else None


def _capture_name(text: str, pos: int, p: _Patterns, *, weak: bool, max_words: int = 4) -> tuple[int, int] | None:
    pos = re.compile(r"[ \t]*[:：,\-]?[ \t]*").match(text, pos).end()
    if pos < len(text) and _HAN_RE.match(text[pos]):
        end = pos
        while end < len(text) and end - pos < 4 and _HAN_RE.match(text[end]) and text[end] not in p.name_stop_han:
            end += 1
        return (pos, end) if end > pos else None
    words: list[tuple[int, int]] = []
    capitalised = False
    cursor = pos
    while len(words) < max_words:
        m = _NAME_WORD_RE.match(text, cursor)
        if not m:
            break
        word = m.group().rstrip("'-")
        key = _fold_entry(word)
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
        words.append((m.start(), m.start() + len(word)))
        after = m.start() + len(word)
        if not re.match(r"[ \t](?=[^\W\d_])", text[after : after + 2]):
            break
        cursor = after + 1
    while words and _fold_entry(text[words[-1][0] : words[-1][1]]) in p.connectors:
        words.pop()
    return (words[0][0], words[-1][1]) if words else None


def _schools(text: str, folded: str, p: _Patterns) -> list[_Candidate]:
    found: list[_Candidate] = []

    def cued(start: int) -> bool:
        sentence_start = max(text.rfind(c, 0, start) for c in ".!?\n。！？")
        return bool(p.school_cue.search(folded, max(sentence_start + 1, start - 60), start))

    def add(kind_word: str, start: int, end: int, name_words: list[str]) -> None:
        named = [w for w in name_words if _fold_entry(w) not in p.school_generic and _fold_entry(w) not in p.connectors]
        if not any(c.isalpha() for w in named for c in w):
            return  # "the local high school", "161 high-wealth"
        if _fold_entry(kind_word) in p.school_needs_cue and not cued(start):
            return
        found.append(("school", start, end))

    for m in p.school_after.finditer(text):
        words = list(re.finditer(r"\S+", m.group("name")))
        # Drop sentence openers and generic words in front of the name ("Yesterday St Mary's...").
        while words and _fold_entry(words[0].group()) in p.school_generic:
            words.pop(0)
        if words:
            add(m.group("kind"), m.start("name") + words[0].start(), m.end(), [w.group() for w in words])
    for m in p.school_before.finditer(text):
        add(m.group("kind"), m.start(), m.end(), m.group("name").split())
    found += [("school", m.start(), m.end()) for m in p.school_number.finditer(text)]
    for m in p.school_han.finditer(text):
        cut = _after_last(m.group("name"), p.school_trim_han)
        prefix = m.group("name")[cut:]
        if len(prefix) >= 2 and prefix not in p.school_generic:
            add(m.group("kind"), m.start() + cut, m.end(), [prefix])
    for m in p.school_cued_after.finditer(text):
        words = m.group("name").split()
        if not all(_fold_entry(w) in p.school_generic for w in words[:-1]) and len(words) > 1:
            found.append(("school", *m.span("name")))
    for m in p.school_cued_before.finditer(text):
        start = m.start("name")
        end = _capture_name(text, start + len(m.group("name").split()[0]) + 1, p, weak=False)
        if end:
            found.append(("school", start, end[1]))
    for m in p.school_capture.finditer(folded):
        han = p.school_han.match(text, m.end())
        span = han.span() if han else _capture_name(text, m.end(), p, weak=True, max_words=5)
        if span:
            found.append(("school", *span))
    return found


def _resolve(candidates: list[_Candidate]) -> list[_Candidate]:
    """Keep the best of overlapping candidates: by kind, then the longest."""
    chosen: list[_Candidate] = []
    for kind, start, end in sorted(set(candidates), key=lambda c: (_PRIORITY[c[0]], c[1] - c[2], c[1])):
        if end > start and all(end <= s or start >= e for _, s, e in chosen):
            chosen.append((kind, start, end))
    return sorted(chosen, key=lambda c: (c[1], c[2]))


# --- Abuse and safeguarding --------------------------------------------------------------------


def _declared(lang: str | None) -> str | None:
    primary = (lang or "").replace("_", "-").split("-")[0].lower()
    return primary if languages.supported(primary) else None


def _languages(folded: str, declared: str | None) -> list[str]:
    """The lexicons to try: the declared language and every script present."""
    wanted = {declared} if declared else set()
    for script in languages.scripts_in(folded):
        wanted.update(languages.in_script(script))
    return [language for language in languages.codes() if language in wanted]


def _likely_latin_language(words: list[str]) -> str | None:
    """Which of the languages sharing a script (English, French, Spanish), by their commonest words.

    None if it cannot tell.
    """
    scores = {lang: sum(w in _lexical(lang).function_words for w in words) for lang in languages.sharing_a_script()}
    best = max(scores.values())
    winners = [lang for lang, score in scores.items() if score == best]
    return winners[0] if best and len(winners) == 1 else None


def _find_cues(view: _View, declared: str | None) -> list[tuple[str, int, int]]:
    folded, tokens = view.folded, view.words
    tried = _languages(folded, declared)
    words = [(start, _word_key(word)) for start, word in tokens]
    # Arabic writes "and", "so" as one letter joined to the next word: "وأبي يضربني".
    words += [(start + 1, _word_key(word[1:])) for start, word in tokens if word[0] in "وف" and len(word) > 3]
    squeezed = _REPEATS_RE.sub(r"\1", folded)
    # General-talk filtering is language-specific: the general route runs in the language
    # the text is in, so that French "me" does not make English "Me Too" a disclosure.
    shared = languages.sharing_a_script()
    latin = declared if declared in shared else _likely_latin_language([w for _, w in tokens])
    found = []
    for language in tried:
        lexical = _lexical(language)
        topics = []
        for flag in ("abuse", "safeguarding", "topic"):
            phrases = getattr(lexical, flag)
            if isinstance(phrases, _PhraseIndex):
                hits = phrases.find(folded, words, squeezed)
            else:
                hits = [(m.lastgroup, m.start(), m.end()) for m in phrases.finditer(folded) if m.end() > m.start()]
            if flag == "topic":
                topics = hits
            else:
                found += [(f"{flag}:{category}", start, end) for category, start, end in hits]
        if (language in shared and language != latin) or lexical.first_person is None:
            continue
        # A topic word counts as a disclosure only in a sentence about oneself that is not
        # general talk: "sextortion happened to me", not "sextortion is rising among teens".
        for category, start, end in topics:
            sentence = _sentence_around(folded, start)
            if lexical.first_person.search(folded, *sentence) and not (
                lexical.generic and lexical.generic.search(folded, *sentence)
            ):
                found.append((f"safeguarding:{category}", start, end))
    return found


def _sentence_around(text: str, position: int) -> tuple[int, int]:
    for m in _SENTENCE_RE.finditer(text):
        if m.start() <= position < m.end():
            return m.start(), m.end()
    return position, position + 1


# --- Screening ---------------------------------------------------------------------------------


def screen(text: str, lang: str | None = None) -> ScreeningResult:
    """Screen one response; ``lang`` is the language the participant chose, a hint only."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, not {type(text).__name__}")
    view = _normalise(text)
    pii = []
    for kind, start, end in _resolve(_find_pii(view)):
        start, end = view.original(start, end)
        pii.append(Span(kind, start, end, text[start:end]))
    cues = []
    for kind, start, end in _find_cues(view, _declared(lang)):
        start, end = view.original(start, end)
        cues.append(Span(kind, start, end, text[start:end]))
    cues = sorted(set(cues), key=lambda s: (s.start, s.end, s.kind))

    categories: dict[str, list[str]] = {}
    if pii:
        categories["pii"] = sorted({span.kind for span in pii}, key=PII_KINDS.index)
    for span in cues:
        flag, category = span.kind.split(":")
        categories.setdefault(flag, [])
        if category not in categories[flag]:
            categories[flag].append(category)
    for flag in ("abuse", "safeguarding"):
        if flag in categories:
            categories[flag].sort()
    return ScreeningResult(
        pii=pii,
        flags=[flag for flag in SCREENING_FLAGS if flag in categories],
        redacted=redact(text, pii),
        categories={flag: categories[flag] for flag in SCREENING_FLAGS if flag in categories},
        cues=cues,
    )


def redact(text: str, spans: list[Span], marker: str = REDACTION_MARKER) -> str:
    """``text`` with each span replaced by ``marker``; the spans must not overlap."""
    pieces, cursor = [], 0
    for span in sorted(spans, key=lambda s: s.start):
        pieces += [text[cursor : span.start], marker]
        cursor = span.end
    pieces.append(text[cursor:])
    return "".join(pieces)
