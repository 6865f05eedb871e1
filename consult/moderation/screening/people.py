"""Other people's names, in the context that makes them names: "my friend Sarah Jones", "Mr. Kamau",
"мой друг Саша Петров", "mi amiga Lucía", "我的朋友王小明", "王老师", "صديقي أحمد".

Only after a cue: a capitalised word alone is not a name ("Will", "May", "Rose", "China", a sentence's first
word), and a lower-case word after a cue is an ordinary one ("my friend will come"). Arabic has no capitals:
there a name is one of the common given names of the lexicon. Chinese has no spaces: a common surname and one
or two characters, unless they make an ordinary word ("朋友周末" is "my friend at the weekend").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .base import ARABIC_RE, HAN_RE, WORD_RE, Candidate
from .lexicons import Gate, alternation, cue_regex, fold_entry, gate, unspaced_words, words_everywhere
from .names import NAME_WORD_RE, definite_name_word, name_links, name_span, name_words
from .normalise import View
from .patterns import Patterns

_GAP_RE = re.compile(r"[ \t]*[,:\-–]?[ \t]*")
_NEXT_WORD_RE = re.compile(r"[ \t](?=[^\W\d_])")
# A first name and a patronymic are a name wherever they stand: "Мария Ивановна".
# And the surname after them: "Галина Фёдоровна Мезенцева".
_PATRONYMIC_RE = re.compile(
    r"(?<!\w)[А-ЯЁ][а-яё]+\s+[А-ЯЁ][а-яё]+(?:ович|евич|ьич|овна|евна|ична|инична)(?:\s+[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?)?(?!\w)"
)


@dataclass(frozen=True, slots=True)
class _People:
    person: re.Pattern  # on the folded text: "my friend", "mon prof", "صديقي", "同学"
    title: re.Pattern  # on the folded text, groups "any", "capital", "lower" say how it must be written
    title_after: re.Pattern  # on the text: a surname before "老师", "阿姨"...
    titles: frozenset[str]
    given_names: frozenset[str]  # folded
    not_a_name_han: frozenset[str]
    compound_surnames: frozenset[str]
    persons: Gate
    titled: Gate
    #: Arabic titles with a conjunction or preposition written onto them: "والأستاذة", "للأستاذ", "بالدكتور"
    arabic_titled: re.Pattern
    #: a subject or a role before a title ("历史老师", "班主任老师"): no surname in it
    subject_before_title: re.Pattern


@cache
def _people() -> _People:
    def titles(section: str) -> str:
        entries = [rf"{re.escape(t)}" if t.endswith(".") else rf"{re.escape(t)}\.?" for t in words_everywhere(section)]
        return "|".join(sorted(entries, key=len, reverse=True)) or "(?!)"

    surnames = "".join(unspaced_words("surname_han"))
    title_after = alternation(unspaced_words("title_after"), spaced=False)
    # "الاستاذه" (folded) is also written "والاستاذه", "بالاستاذه", "للاستاذه" (ل and ال make لل), "وللاستاذه".
    arabic = sorted({fold_entry(t)[2:] for t in words_everywhere("title") if fold_entry(t).startswith("ال")}, key=len)
    arabic_stems = "|".join(re.escape(stem) for stem in reversed(arabic) if len(stem) >= 3) or "(?!)"
    return _People(
        person=cue_regex("person"),
        title=re.compile(
            rf"(?<![\w.])(?:(?P<any>{titles('title')})|(?P<capital>{titles('title_capital')})"
            rf"|(?P<lower>{titles('title_lower')}))(?=[ \t])"
        ),
        title_after=re.compile(rf"(?<![{surnames}])[{surnames}](?={title_after})"),
        titles=frozenset(
            t.rstrip(".") for section in ("title", "title_capital", "title_lower") for t in words_everywhere(section)
        ),
        given_names=frozenset(fold_entry(n) for n in words_everywhere("given_name")),
        not_a_name_han=frozenset(unspaced_words("not_a_name_han")),
        compound_surnames=frozenset(unspaced_words("surname_han_compound")),
        persons=gate(words_everywhere("person")),
        titled=gate(words_everywhere("title", "title_capital", "title_lower")),
        arabic_titled=re.compile(rf"(?<![\w.])(?:[وف][بك]?ال|[بك]ال|[وف]?لل)(?:{arabic_stems})(?=[ \t])"),
        subject_before_title=re.compile(
            rf"(?:{alternation(unspaced_words('before_title_han'), spaced=False)})(?={title_after})"
        ),
    )


def find_people(view: View, p: Patterns) -> list[Candidate]:
    text, folded = view.text, view.folded
    found: list[Candidate] = [("name", m.start(), m.end()) for m in _PATRONYMIC_RE.finditer(text)]
    people = _people()
    for m in people.persons.matches(people.person, view):
        span = _capture(text, m.end(), p, people)
        if span:
            found.append(("name", *span))
    for m in people.titled.matches(people.title, view):
        first = text[m.start()]
        if (m.lastgroup == "capital" and not first.isupper()) or (m.lastgroup == "lower" and not first.islower()):
            continue  # "I miss home", "Don Quijote"
        span = _capture(text, m.end(), p, people)
        if span:
            found.append(("name", *span))
    if ARABIC_RE.search(folded):
        for m in people.arabic_titled.finditer(folded):
            span = _capture_arabic(text, _GAP_RE.match(text, m.end()).end(), people)
            if span:
                found.append(("name", *span))
    if not HAN_RE.search(folded):
        return found
    for m in people.title_after.finditer(text):
        if text[m.start() : m.start() + 2] not in people.not_a_name_han:
            found.append(("name", m.start(), m.end()))
    return found


def no_one(text: str, found: list[Candidate]) -> list[Candidate]:
    """``found`` without the names that lie in a subject or a role before a title ("史" of "历史老师", "任" of
    "班主任老师", a learned "美术" of "美术老师"), nor the names and places inside the title of a work in
    quotes ("the song "Hope"", "أغنية «أمل»", "мультфильм «Лука»", 《平安》)."""
    titles = _quoted_titles(text)
    subjects = [m.span() for m in _people().subject_before_title.finditer(text)] if HAN_RE.search(text) else []
    if not titles and not subjects:
        return found
    return [
        (kind, start, end)
        for kind, start, end in found
        if not (kind == "name" and any(s <= start and end <= e for s, e in subjects))
        and not (kind in ("name", "school", "address") and any(s <= start and end <= e for s, e in titles))
    ]


def every_mention(text: str, found: list[Candidate]) -> list[Candidate]:
    """``found`` with every other mention of the names in it: a name found once, beside its cue, is the same
    person's where it comes again without one ("my friend Rosa Diaz ... but Rosa said", "صديقتي ريم ... وريم",
    "我的朋友王小明 ... 王小明").

    Written exactly as found (a capitalised "Will" found after a cue never takes the verb "will"; a name of
    several words also by each of its capitalised words of three letters or more that is not a title), a
    whole word (in Arabic also after the conjunction or preposition written onto it: "وريم"), or two Han
    characters at least. A shorter name found inside a mention grows to it; a mention that crosses another
    kind of candidate is left to it."""
    names = {text[start:end] for kind, start, end in found if kind == "name"}
    if not names:
        return found
    searched = set(names)
    titles = _people().titles
    for name in names:
        words = name.split()
        if len(words) > 1 and not HAN_RE.search(name):
            searched.update(w for w in words if len(w) >= 3 and w[:1].isupper() and w.rstrip(".") not in titles)
    spans = list(found)  # not overlapping: each character belongs to one candidate at most
    owner = {at: index for index, (_, start, end) in enumerate(spans) for at in range(start, end)}
    kept = [True] * len(spans)
    for start, end in _mentions(text, searched):
        crossed = sorted({owner[at] for at in range(start, end) if at in owner})
        if any(spans[i][0] != "name" for i in crossed):
            continue
        if any(spans[i][1] <= start and end <= spans[i][2] for i in crossed):
            continue  # already a name as long, or longer
        grown = ("name", min([start, *(spans[i][1] for i in crossed)]), max([end, *(spans[i][2] for i in crossed)]))
        for i in crossed:
            kept[i] = False
        spans.append(grown)
        kept.append(True)
        owner.update(dict.fromkeys(range(grown[1], grown[2]), len(spans) - 1))
    return sorted((c for c, keep in zip(spans, kept, strict=True) if keep), key=lambda c: (c[1], c[2]))


def _mentions(text: str, names: set[str]) -> list[tuple[int, int]]:
    """Where ``names`` are written in ``text``, longest first where two begin together, none overlapping.

    One pass over the words (and a search per name in Han characters), however many names: a long answer
    full of names costs no more per name."""
    by_first: dict[str, list[str]] = {}
    found: list[tuple[int, int]] = []
    for name in names:
        if HAN_RE.match(name):
            if len(name) >= 2:  # a single character is a surname only beside a title, which the rules find
                at = text.find(name)
                while at >= 0:
                    found.append((at, at + len(name)))
                    at = text.find(name, at + len(name))
        elif sum(ch.isalpha() for ch in name) >= 2 and (ARABIC_RE.match(name) or not name[:1].islower()):
            # (a lower-case "name" in a cased script may be a word everywhere else)
            first = WORD_RE.match(name)
            if first:
                by_first.setdefault(first.group(), []).append(name)
    for candidates in by_first.values():
        candidates.sort(key=len, reverse=True)
    for word in WORD_RE.finditer(text):
        at, candidates = word.start(), by_first.get(word.group())
        # In Arabic a one-letter conjunction or preposition is written onto the word it comes before: the
        # mention is the name without it.
        if candidates is None and word.group()[:1] in _PROCLITICS and ARABIC_RE.match(word.group()):
            at, candidates = at + 1, by_first.get(word.group()[1:])
        for name in candidates or ():
            end = at + len(name)
            if text.startswith(name, at) and not WORD_RE.match(text, end):  # a whole word, not a word's start
                found.append((at, end))
                break
    mentions: list[tuple[int, int]] = []
    for start, end in sorted(found, key=lambda span: (span[0], -span[1])):
        if not mentions or start >= mentions[-1][1]:
            mentions.append((start, end))
    return mentions


_PROCLITICS = frozenset("وفبل")


_CLOSING = {"«": "»", "“": "”", '"': '"', "„": "“", "《": "》", "「": "」", "『": "』", "‹": "›"}
_OPENING_RE = re.compile('[«“"„《「『‹]')
#: How far a title's closing quote may be, and how many words before the quotes may name the kind of work.
_LONGEST_TITLE = 80
_WORK_WORDS = 3
#: How much of the text before the quotes is read for them: enough for three words, never the whole text again
#: at every quote.
_BEFORE_TITLE = 60


@cache
def _work_kinds() -> tuple[frozenset[str], re.Pattern]:
    """The words for a kind of work ("song", "أغنية", "мультфильм") folded, and the Chinese ones as a pattern
    that ends a text."""
    spaced = frozenset(fold_entry(word) for word in words_everywhere("work_kind") if not HAN_RE.search(word))
    return spaced, re.compile(f"(?:{alternation(unspaced_words('work_kind'), spaced=False)})$")


def _quoted_titles(text: str) -> list[tuple[int, int]]:
    """Where the titles of works in ``text`` are: inside 《》, or inside quotes after a word for a kind of work
    ("the song “Hope”", "a cartoon called "Heidi"", "песня «Кукла колдуна»", "歌曲“小雨”")."""
    found, pos = [], 0
    while m := _OPENING_RE.search(text, pos):
        close = text.find(_CLOSING[m.group()], m.end(), m.end() + _LONGEST_TITLE)
        if close < 0:
            pos = m.end()
            continue
        if m.group() == "《" or _after_a_kind_of_work(text[max(0, m.start() - _BEFORE_TITLE) : m.start()]):
            found.append((m.end(), close))
        pos = close + 1
    return found


def _after_a_kind_of_work(before: str) -> bool:
    spaced, han = _work_kinds()
    before = before.rstrip(" \t:：,，")
    if before and HAN_RE.match(before[-1]):
        return bool(han.search(before))
    words = [fold_entry(word) for word in NAME_WORD_RE.findall(before)][-_WORK_WORDS:]
    return any(word in spaced or fold_entry(word[1:]) in spaced for word in words)  # "وأغنية": "و" written onto it


def _capture(text: str, pos: int, p: Patterns, people: _People) -> tuple[int, int] | None:
    pos = _GAP_RE.match(text, pos).end()
    if pos >= len(text):
        return None
    if HAN_RE.match(text[pos]):
        return _capture_han(text, pos, p, people)
    if ARABIC_RE.match(text[pos]):
        return _capture_arabic(text, pos, people)
    words: list[tuple[int, int]] = []
    for start, word in name_words(text, pos, trim=_trim_possessive):
        key = fold_entry(word)
        if words and key in p.connectors:
            pass  # "Jean de la Fontaine"
        elif (
            not word[0].isupper()
            or (len(word) > 1 and word.isupper())  # "our IT teacher", "notre CPE"
            or key in p.name_stop
            or key in p.not_a_name
            or key in people.titles  # "el director Sr. Ortega": the title's own match takes the name
        ):
            break
        words.append((start, start + len(word)))
        if len(words) == 3:
            break
    return name_span(text, words, p)


def _trim_possessive(word: str) -> str:
    """ "Sarah's" is Sarah; a trailing apostrophe or hyphen is no part of a name."""
    return re.sub(r"'s$|['\-]+$", "", word)


def _capture_han(text: str, pos: int, p: Patterns, people: _People) -> tuple[int, int] | None:
    """A common surname and one or two characters that do not end the name ("王小明在..." -> "王小明")."""
    start = pos
    if text[pos : pos + 2] in people.compound_surnames:  # "欧阳俊杰"
        pos += 1
    elif text[pos] not in p.surnames_han or text[pos : pos + 2] in people.not_a_name_han:
        return None
    end = pos + 1
    while end < len(text) and end - pos < 3 and HAN_RE.match(text[end]) and text[end] not in p.name_stop_han:
        end += 1
    return (start, end) if end - pos >= 2 else None


def _capture_arabic(text: str, pos: int, people: _People) -> tuple[int, int] | None:
    """A common given name, a second one after it ("علي حسن") and a family name ("مريم الحسن"); "أبو محمد",
    "أم خالد", "عبد الله" whole."""
    first = NAME_WORD_RE.match(text, pos)
    if not first:
        return None
    key = fold_entry(first.group())
    end = first.end()
    following = NAME_WORD_RE.match(text, end + 1) if _NEXT_WORD_RE.match(text, end) else None
    if key in ("ابو", "ام", "عبد", "بن") and following:
        return pos, following.end()
    if key not in people.given_names:
        return None
    for _ in range(4):  # "علي حسن", "عبدالله بن فهد المطيري"
        if not following:
            break
        word = fold_entry(following.group())
        after = NAME_WORD_RE.match(text, following.end() + 1) if _NEXT_WORD_RE.match(text, following.end()) else None
        if word in name_links() and after:
            end = after.end()
        elif word in people.given_names:
            end = following.end()
        elif definite_name_word(following.group()):
            end = following.end()
            break  # a family name ends it
        else:
            break
        following = NAME_WORD_RE.match(text, end + 1) if _NEXT_WORD_RE.match(text, end) else None
    return pos, end
