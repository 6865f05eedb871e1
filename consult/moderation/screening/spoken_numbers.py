"""Phone numbers written in words or disguised with look-alike letters, in the six UN languages.

Young people hide a number from moderation by spelling it out ("zero seven seven double nine", "zéro six,
douze, trente-quatre", "восемь девятьсот двенадцать", "صفر واحد صفر", "一三七 零零九八") or by putting
look-alike letters among its digits ("+7-9О5-1ОО-2З-45", "O1O 9eight7 65 43").

How it works, in one pass over the text, linear in its length and with bounded memory:

1. A tokenizer (one regular expression without nested repetition, so it cannot backtrack) cuts the text into
   chunks of letters and digits, stretches of Chinese characters and anything else, each with the separators
   (spaces, commas, dashes) that follow it.
2. Each chunk is read as number elements: digits, number words of a lexicon ("cuatro", "двенадцать",
   "ثلاثه"), Chinese numerals, and look-alike letters (O/О = 0, l/I/| = 1, З = 3, б = 6) when they sit in
   a chunk with digits or number words. A chunk that cannot be read, a long gap or a full stop ends the run.
3. A run is cut where a connector, "double" or a bare "o" joins nothing ("dos y tres", "2019 o 2020"), and a
   small grammar reads each part the way its language reads numbers ("soixante-dix-neuf" = 79,
   "quatre-vingt-dix" = 90, "девятьсот двенадцать" = 912, "treinta y cuatro" = 34, "double nine" = 99).
4. A part is a phone when it yields 9 to 15 digits (8 after a cue word such as "number", "номер", "号码"),
   holds at least one word or look-alike (plain digits are ``numbers.py``'s job), and is neither counting
   ("one two three ... nine ten") nor years ("nineteen ninety-nine, twenty twenty-four").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from ... import languages
from .base import Candidate
from .normalise import View
from .patterns import Patterns
from .spoken_number_words import HAN_DIGITS, lookup

#: A number element: (category, value, start, end, flags).
#: Categories: "d" a digit, "U" a unit word (0-9), "X" 10-19, "N" another complete two-digit word
#: ("veinticuatro"), "T" tens (20-90), "H" hundreds, "D" double/triple, "C" a connector ("y", "et"),
#: "!" a stretch of Chinese numerals too long to be a phone.
#: Flags: "w" written as a word or look-alike, "o" the bare letter "o", "v" French "vingt",
#: "m" a hundred that can be multiplied ("deux cents"), "x" French "dix", "a" Arabic "و" ("and") in front.
Element = tuple[str, int, int, int, str]

_MIN_DIGITS = 9
_MIN_DIGITS_CUED = 8
_MAX_DIGITS = 15
#: No chunk of a phone number is longer than this ("6SIETE8", "3cuatro5", "veintisiete"...).
_MAX_CHUNK = 40
_MAX_GAP = 5
#: A digit takes at most two words ("quatre vingt dix sept" = 97): a part longer than this is no phone.
_MAX_PART = 4 * _MAX_DIGITS + 4

#: Letters that pass for digits when they sit among digits: Latin and Cyrillic O, l, I, |, Cyrillic З and б.
_LOOK_ALIKES = {**dict.fromkeys("OoОо", 0), **dict.fromkeys("lI|", 1), **dict.fromkeys("Зз", 3), "б": 6}
_LOOK_ALIKE_LETTERS = "".join(_LOOK_ALIKES)
_ZEROS = "OoОо"

_HAN = "\u3007" + languages.HAN  # and 〇, the ideographic zero
_MARKS = "\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670"
_SEPARATORS = " \t\n\r\u00a0\u2009\u202f\u3000,،，、\\-\u2010-\u2015\u2212.·+()_*~"
#: A Chinese stretch, a chunk of letters and digits, or anything else; then the separators that follow it.
_TOKEN_RE = re.compile(
    rf"(?:(?P<han>[{_HAN}○]+)|(?P<chunk>(?:[^\W_{_HAN}]|[|{_MARKS}])+)|[^\w|{_MARKS}{_SEPARATORS}○]+|.)"
    rf"(?P<sep>[{_SEPARATORS}]*)",
    re.S,
)
#: A full stop then a space ends a sentence, and a run: "... six oh five. Zero seven ..." are two numbers.
_SENTENCE_END_RE = re.compile(r"\.\s")
_HAN_PART_RE = re.compile(rf"(?P<digits>[{''.join(HAN_DIGITS)}]+)|[^{''.join(HAN_DIGITS)}]+")
#: Inside a chunk: one digit, a run of letters, or "|".
_PIECE_RE = re.compile(rf"(?P<digit>\d)|(?P<letters>(?:[^\W\d_]|[{_MARKS}])+)|(?P<bar>\|)")

#: Counting, which is not a phone number: "one two three four five six seven eight nine ten".
_COUNTING_UP = "".join(str(n) for n in range(21))
_COUNTING_DOWN = "".join(str(n) for n in range(20, -1, -1))


def _read_chunk(chunk: str, offset: int) -> list[Element] | None:
    """The number elements of a chunk of letters and digits, or None if it is not all number."""
    if len(chunk) > _MAX_CHUNK:
        return None
    if chunk.isalpha():
        entry = lookup(chunk)
        if entry is not None:
            return [(entry[0], entry[1], offset, offset + len(chunk), entry[2] + "w")]
        # A chunk of look-alikes alone only counts when they are all zeros: "OO", not "lol" or "I".
        if len(chunk) > 1 and not chunk.strip(_ZEROS):
            return [("d", 0, offset + i, offset + i + 1, "w") for i in range(len(chunk))]
        return None
    elements: list[Element] = []
    real = False
    position = 0
    for m in _PIECE_RE.finditer(chunk):
        if m.start() != position:
            return None
        position = m.end()
        start = offset + m.start()
        kind = m.lastgroup
        if kind == "digit":
            elements.append(("d", unicodedata.decimal(m.group(), 0), start, start + 1, ""))
            real = True
        elif kind == "letters":
            letters = m.group()
            entry = lookup(letters)
            if entry is not None and entry[0] in "UXNTH" and "o" not in entry[2]:
                elements.append((entry[0], entry[1], start, start + len(letters), entry[2] + "w"))
                real = True
            elif not letters.strip(_LOOK_ALIKE_LETTERS):
                elements += [("d", _LOOK_ALIKES[c], start + i, start + i + 1, "w") for i, c in enumerate(letters)]
            else:
                return None
        else:
            elements.append(("d", 1, start, start + 1, "w"))
    if position != len(chunk) or not real:
        return None
    return elements


def _fits(before: Element | None, element: Element, after: Element | None) -> bool:
    """Whether ``element`` joins its neighbours: connectors, "double" and a bare "o" may join nothing.

    "dos y tres" is two numbers, not 23; "2019 o 2020" is "or", not a zero.
    """
    category = element[0]
    if category == "C":
        return (
            before is not None
            and after is not None
            and before[0] == "T"
            and ((after[0] == "U" and after[1] > 0) or (after[0] == "X" and before[1] in (60, 80)))
        )
    if category == "D":
        return after is not None and after[0] in "Ud"
    if "o" in element[4]:
        # A bare "o" reads as zero beside words ("six o five"), not between plain digits.
        return any(
            neighbour is not None and "w" in neighbour[4] and "o" not in neighbour[4] for neighbour in (before, after)
        )
    return True


class _Runs:
    """Number elements as they come, cut into parts where one does not fit; the phones among the parts.

    Each element is settled once its next neighbour is known. A part grown too long for a phone is
    dropped as it grows, so memory stays bounded however long the text.
    """

    __slots__ = ("before", "cued", "dead", "found", "part", "pending", "text")

    def __init__(self, text: str, cued: Callable[[int], bool]) -> None:
        self.text, self.cued = text, cued
        self.found: list[tuple[str, int, int]] = []
        self.part: list[Element] = []
        self.dead = False
        self.before: Element | None = None
        self.pending: Element | None = None

    def add(self, element: Element) -> None:
        pending = self.pending
        if pending is not None:
            self._settle(pending, element)
        self.before, self.pending = pending, element

    def close(self) -> None:
        """End the run: a word or character that is no number, or a long gap."""
        if self.pending is not None:
            self._settle(self.pending, None)
            self.before = self.pending = None
        if self.part or self.dead:
            self._end_part()

    def _settle(self, element: Element, after: Element | None) -> None:
        if (element[0] in "dUXNTH" and "o" not in element[4]) or _fits(self.before, element, after):
            if not self.dead:
                self.part.append(element)
                if len(self.part) > _MAX_PART:
                    self.dead = True
                    self.part.clear()
        else:
            self._end_part()

    def _end_part(self) -> None:
        if self.part and not self.dead:
            phone = _phone_in(self.text, self.cued, self.part)
            if phone:
                self.found.append(phone)
        self.part = []
        self.dead = False


def _teen(elements: list[Element], i: int) -> tuple[int, int]:
    """10-19 at ``elements[i]``, with French "dix-sept", "dix-huit", "dix-neuf"; and the next index."""
    value = elements[i][1]
    after = elements[i + 1] if i + 1 < len(elements) else None
    if "x" in elements[i][4] and after is not None and after[0] == "U" and 7 <= after[1] <= 9:
        return value + after[1], i + 2
    return value, i + 1


def _below_hundred(elements: list[Element], i: int) -> tuple[int, int]:
    """The value of the number word at ``elements[i]`` below 100 ("soixante-dix-neuf" = 79), and the next index."""
    category, value = elements[i][0], elements[i][1]
    n = len(elements)
    if category == "X":
        return _teen(elements, i)
    if category == "U":
        after = elements[i + 1] if i + 1 < n else None
        if after is not None and after[0] == "T" and "a" in after[4]:
            return value + after[1], i + 2  # Arabic: "خمسة وأربعين" = 45
        if value == 4 and after is not None and "v" in after[4]:
            category, value, i = "T", 80, i + 1  # "quatre-vingt"
        else:
            return value, i + 1
    if category != "T":
        return value, i + 1
    j = i + 1
    if j < n and elements[j][0] == "C":
        j += 1
    after = elements[j] if j < n else None
    if after is not None and after[0] == "U" and after[1] > 0:
        return value + after[1], j + 1
    if after is not None and after[0] == "X" and value in (60, 80):
        teen, k = _teen(elements, j)
        return value + teen, k
    return value, i + 1


def _groups(elements: list[Element]) -> list[str]:
    """The digits a run of number elements reads as, one string per digit, number word or group of words."""
    out: list[str] = []
    i, n = 0, len(elements)
    while i < n:
        category, value = elements[i][0], elements[i][1]
        if category == "d":
            out.append(str(value))
            i += 1
        elif category == "D":
            out.append(str(elements[i + 1][1]) * value)
            i += 2
        elif category == "C":
            i += 1
        elif category == "H" or (category == "U" and i + 1 < n and "m" in elements[i + 1][4] and value):
            if category == "U":
                value, i = value * elements[i + 1][1], i + 1
            i += 1
            if i < n and elements[i][0] in "UXNT":
                rest, i = _below_hundred(elements, i)
                value += rest
            out.append(str(value))
        else:
            value, i = _below_hundred(elements, i)
            out.append(str(value))
    return out


def _years(groups: list[str]) -> bool:
    """Years in words, read in pairs: "nineteen ninety-nine, twenty twenty-four"."""
    return (
        len(groups) % 2 == 0
        and all(len(group) == 2 for group in groups)
        and all(century in ("19", "20") for century in groups[::2])
    )


def _phone_in(text: str, cued: Callable[[int], bool], elements: list[Element]) -> tuple[str, int, int] | None:
    """The phone a part of a run is, from its first to its last number element; None if it is none."""
    # A bare "o" at either end is Spanish "or" or an English letter, not a zero: "612 345 678 o al ...".
    first, last = 0, len(elements) - 1
    while first <= last and "o" in elements[first][4]:
        first += 1
    while last >= first and "o" in elements[last][4]:
        last -= 1
    elements = elements[first : last + 1]
    if not any("w" in element[4] for element in elements) or any(element[0] == "!" for element in elements):
        return None
    groups = _groups(elements)
    digits = "".join(groups)
    count = len(digits)
    if count > _MAX_DIGITS or count < _MIN_DIGITS_CUED:
        return None
    start, end = elements[0][2], elements[-1][3]
    if count < _MIN_DIGITS and not cued(start):
        return None
    if digits in _COUNTING_UP or digits in _COUNTING_DOWN or _years(groups):
        return None
    # Plain digits with a stray number word beside them ("call 0771 234 567 twice... two") are numbers.py's.
    plain = [i for i, element in enumerate(elements) if element[0] == "d" and "w" not in element[4]]
    if plain:
        core = elements[plain[0] : plain[-1] + 1]
        if not any("w" in element[4] for element in core) and len(core) >= _MIN_DIGITS:
            return None
    if start and text[start - 1] == "+":
        start -= 1
    return ("phone", start, end)


def find_spoken_phones(view: View, p: Patterns) -> list[Candidate]:
    """("phone", start, end) for each phone number in ``view.text`` written in words or disguised. The cue words
    are the lexicons' ``[phone_cue]``, as for the numbers in digits."""
    text, folded = view.text, view.folded
    runs = _Runs(text, lambda start: p.phone_cued(folded, start))
    add, close = runs.add, runs.close
    read: dict[str, list[Element] | None] = {}
    for m in _TOKEN_RE.finditer(text):
        chunk, han = m.group("chunk", "han")
        if chunk:
            if chunk in read:
                elements = read[chunk]
            else:
                elements = read[chunk] = _read_chunk(chunk, 0)
            if elements is None:
                close()
            else:
                offset = m.start()
                for category, value, start, end, flags in elements:
                    add((category, value, start + offset, end + offset, flags))
        elif han:
            _read_han(han, m.start(), add, close)
        else:
            close()
        gap = m.group("sep")
        if len(gap) > 1 and (len(gap) > _MAX_GAP or gap.count("\n") > 1 or _SENTENCE_END_RE.search(gap)):
            close()
    close()
    return runs.found


def _read_han(han: str, offset: int, add: Callable[[Element], None], close: Callable[[], None]) -> None:
    """The Chinese numerals of a stretch of Chinese characters, closing the run at other characters."""
    if len(han) == 1:
        value = HAN_DIGITS.get(han)
        if value is None:
            close()
        else:
            add(("d", value, offset, offset + 1, "w"))
        return
    for m in _HAN_PART_RE.finditer(han):
        if m.lastgroup != "digits":
            close()
            continue
        start, end = offset + m.start(), offset + m.end()
        if end - start > _MAX_DIGITS:
            add(("!", 0, start, end, "w"))  # too long to be a phone, whatever it joins
        else:
            for i, char in enumerate(m.group()):
                add(("d", HAN_DIGITS[char], start + i, start + i + 1, "w"))
