"""Schools and other institutions a young person can be found at."""

from __future__ import annotations

import re

from .base import ARABIC_RE, Candidate, after_last
from .lexicons import fold_entry
from .names import capture_name, definite_name_word, name_links
from .patterns import Patterns

# The end of a sentence, but not the full stop of a title: "Mr. Kamau at Starehe Boys Centre".
_SENTENCE_END_RE = re.compile(r"[!?\n。！？]|(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSr)(?<!\bSra)(?<!\bM)\.")


def _arabic_school_end(m: re.Match, p: Patterns) -> int:
    """Where an Arabic school's name ends: Arabic has no capitals, so its first word, then the words with "ال"
    ("مدرسة الأمل الثانوية") or "بن" and the word after it ("مدرسة عمر بن الخطاب"), the words that go on a
    school's name ("بنات", "لكرة القدم", a number), a title and the name after it ("مدرسة الشهيد سامي فرج
    الابتدائية"); not the verb after it."""
    words = list(re.finditer(r"\S+", m.group("name")))
    first = fold_entry(words[0].group())
    end, index = words[0].end(), 1
    if (first.isdigit() or first in p.school_name_titles) and len(words) > 1:
        end, index = words[1].end(), 2  # "مدرسة ٦ أكتوبر", "ثانوية ابن سينا"
    while index < len(words):
        word = fold_entry(words[index].group())
        if word in name_links() and index + 1 < len(words):
            end, index = words[index + 1].end(), index + 2
        elif word in p.school_name_titles and index + 1 < len(words):
            # A title and one or two words of a name, if a word with "ال" closes it.
            end, index = words[index + 1].end(), index + 2
            if index + 1 < len(words) and definite_name_word(fold_entry(words[index + 1].group()), ("ال",)):
                end, index = words[index].end(), index + 1
        elif definite_name_word(word, ("ال", "لل", "وال", "بال")) or word in p.school_name_words:
            end, index = words[index].end(), index + 1
            if word == "لكرة" and index < len(words):
                end, index = words[index].end(), index + 1  # "لكرة القدم"
        elif word.isdigit() or word.strip("()") in p.school_name_words:
            end, index = words[index].end(), index + 1
        else:
            break
    return m.start("name") + end


# A number after a school's name: "CEG Zogbadjè 2", "فوج الزيتون ٣"; not "12 ans", "3 days".
_TRAILING_NUMBER_RE = re.compile(
    r"\s+\d{1,3}(?![\w.,:/%°])(?!\s*(?i:ans|años|years?|days?|jours?|días|лет|года?|سنة|سنوات|سنين|h|min)(?!\w))"
)
# Russian adjectives before a school ("в шахматном клубе", "кадетской школе-интернате", "физмат-лицей").
_RUSSIAN_ADJECTIVE_RE = re.compile(
    r"(?:[А-ЯЁа-яё]+(?:ой|ом|ая|ый|ий|ей|ую|ого|его|ому|ем|ых|их|ие|ые)\s+|[А-ЯЁа-яё]+-)$"
)


def _russian_start(text: str, start: int, p: Patterns) -> int:
    for _ in range(2):
        m = _RUSSIAN_ADJECTIVE_RE.search(text, max(0, start - 30), start)
        if not m or fold_entry(m.group().strip(" -")) in p.school_generic:
            break
        if m.start() > 0 and (text[m.start() - 1].isalnum() or text[m.start() - 1] == "-"):
            break
        start = m.start()
    return start


def find_schools(text: str, folded: str, p: Patterns) -> list[Candidate]:
    found: list[Candidate] = []

    def cued(start: int) -> bool:
        sentence_start = max(
            (m.start() for m in _SENTENCE_END_RE.finditer(text, max(0, start - 60), start)), default=-1
        )
        return bool(p.school_context.search(folded, max(sentence_start + 1, start - 60), start))

    def add(kind_word: str, start: int, end: int, name_words: list[str]) -> None:
        named = [w for w in name_words if fold_entry(w) not in p.school_generic and fold_entry(w) not in p.connectors]
        if not any(c.isalpha() for w in named for c in w):
            return  # "the local high school", "161 high-wealth"
        if any(fold_entry(w).strip("'’.,") in p.school_famous for w in named[:2]):
            return  # "Real Madrid Academy", "نادي الأهلي": known to all, no one is placed by it
        arabic_named = (
            ARABIC_RE.match(named[0]) and named[0] == name_words[0] and len(named) >= 2 and not named[1].startswith("و")
        )
        if fold_entry(kind_word) in p.school_needs_cue and not arabic_named and not cued(start):
            return
        found.append(("school", start, end))

    for m in p.school_after.finditer(text):
        words = list(re.finditer(r"\S+", m.group("name")))
        # Drop sentence openers and generic words in front of the name ("Yesterday St Mary's...").
        while words and fold_entry(words[0].group()) in p.school_generic:
            words.pop(0)
        if words:
            add(m.group("kind"), m.start("name") + words[0].start(), m.end(), [w.group() for w in words])
    for m in p.school_before.finditer(text):
        arabic = ARABIC_RE.match(m.group("name"))
        end = _arabic_school_end(m, p) if arabic else m.end()
        name = text[m.start("name") : end].split()
        if arabic and len(name) == 1 and not definite_name_word(name[0], ("ال", "لل")) and not cued(m.start()):
            # One word without "ال" after "مدرسة" names a school only where a school is talked of ("أدرس في
            # مدرسة خديجة"): "في كل مدرسة مسؤول عن الأمان" says "a person in charge".
            continue
        number = _TRAILING_NUMBER_RE.match(text, end)
        if number:
            end = number.end()
        start = _russian_start(text, m.start(), p)
        add(m.group("kind"), start, end, text[m.start("name") : end].split())
    for pattern in (p.school_number, p.school_numbered, p.school_quoted):
        for m in pattern.finditer(text):
            end = m.end()
            after = re.match(r"\s+(?=[\u0620-\u064a])", text[end:])
            if after and ARABIC_RE.search(m.group()):
                # "الثانوية ٣٢ للبنات": the words that go on the name.
                for word in re.finditer(r"\S+", text[end : end + 40]):
                    key = fold_entry(word.group())
                    if not (key.startswith("لل") or key in p.school_name_words):
                        break
                    end = m.end() + word.end()
            if pattern is not p.school_quoted:
                name = re.match(
                    r"\s+((?:[A-ZÀ-ÖØ-Þ][\w'\-]*|de|del|la|las|los)(?:\s+(?:[A-ZÀ-ÖØ-Þ][\w'\-]*|de|del|la|las|los)){0,4})",
                    text[end:],
                )
                if name and name.group(1)[0].isupper():
                    words = name.group(1).split()
                    while words and words[-1] in ("de", "del", "la", "las", "los"):
                        words.pop()
                    end += name.start(1) + len(" ".join(words))
            found.append(("school", _russian_start(text, m.start(), p), end))
    for m in p.school_arabizi.finditer(text):
        found.append(("school", m.start(), m.end()))
    for m in p.school_han.finditer(text):
        cut = after_last(m.group("name"), p.school_trim_han)
        prefix = m.group("name")[cut:]
        if len(prefix) >= 2 and prefix not in p.school_generic:
            add(m.group("kind"), m.start() + cut, m.end(), [prefix])
    for m in p.school_cued_after.finditer(text):
        words = m.group("name").split()
        if not all(fold_entry(w) in p.school_generic for w in words[:-1]) and len(words) > 1:
            found.append(("school", *m.span("name")))
    for m in p.school_cued_before.finditer(text):
        start = m.start("name")
        end = capture_name(text, start + len(m.group("name").split()[0]) + 1, p, weak=False)
        if end:
            found.append(("school", start, end[1]))
    for m in p.school_capture.finditer(folded):
        han = p.school_han.match(text, m.end())
        span = han.span() if han else capture_name(text, m.end(), p, weak=True, max_words=5)
        if span:
            found.append(("school", *span))
    return found
