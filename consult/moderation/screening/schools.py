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
    الابتدائية"); not the verb after it, nor a word that names nothing after a number ("فوج 3 من الطلاب")."""
    words = list(re.finditer(r"\S+", m.group("name")))
    end, index = 0, 0
    while index < len(words):
        word = fold_entry(words[index].group())
        if index == 0 and (word in p.name_stop or word in p.school_generic):
            break  # "فوج 3 من الطلاب": a number, then no name
        if index == 0 and word.isdigit():
            end, index = words[0].end(), 1  # "مدرسة ٦ أكتوبر"; not "٣ من"
            after = fold_entry(words[index].group()) if index < len(words) else ""
            if after and after not in p.name_stop and after not in p.school_generic:
                end, index = words[index].end(), index + 1
        elif word in name_links() and index + 1 < len(words):
            end, index = words[index + 1].end(), index + 2
        elif word in p.school_name_titles and index + 1 < len(words):
            # A title and one or two words of a name, if a word with "ال" closes it.
            end, index = words[index + 1].end(), index + 2
            if index + 1 < len(words) and definite_name_word(fold_entry(words[index + 1].group()), ("ال",)):
                end, index = words[index].end(), index + 1
        elif definite_name_word(word, ("ال", "لل", "وال", "بال")) or word in p.school_name_words:
            end, index = words[index].end(), index + 1
            if word in p.school_name_word_pairs and index < len(words):
                end, index = words[index].end(), index + 1  # "لكرة القدم"
        elif word.isdigit() or word.strip("()") in p.school_name_words or index == 0:
            end, index = words[index].end(), index + 1  # the first word: "مدرسة خديجة"
        else:
            break
    return m.start("name") + end


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


_NUMBER_RE = re.compile(r"\s*\d")
_NEXT_WORD_RE = re.compile(r"[^\S\n]+(\S+)")
_ARABIC_NAME_WORDS = 4  # "الثانوية ٣٢ للبنات", "متوسطة رقم ٥ للمتفوقين"
_NUMBER_NAME_WORDS = 5


def _number_name_end(text: str, end: int, p: Patterns) -> int:
    """Where the name after a numbered school ends: "secu 247 Benito Juárez", "PS 118 Lincoln"; not the next
    sentence ("PS 118\nToday I learned"), nor a word that names nothing ("PS 118 The teacher")."""
    pos = end
    for _ in range(_NUMBER_NAME_WORDS):
        word = p.school_number_name.match(text, pos)
        if not word:
            break
        if word.group("word"):
            key = fold_entry(word.group("word"))
            # Arabic has no capitals: its words are taken above.
            if not word.group("word")[0].isupper() or key in p.school_generic or key in p.name_stop:
                break
            end = word.end()
        pos = word.end()  # "de", "del": kept only before a capitalised word
    return end


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
        number = p.school_trailing_number.match(text, end)  # "CEG Zogbadjè 2", "فوج الزيتون ٣"; not "12 ans"
        if number:
            end = number.end()
        start = _russian_start(text, m.start(), p)
        add(m.group("kind"), start, end, text[m.start("name") : end].split())
    for pattern in (p.school_number, p.school_numbered, p.school_quoted):
        for m in pattern.finditer(text):
            end = m.end()
            if ARABIC_RE.search(m.group()):
                # "الثانوية ٣٢ للبنات": the words that go on the name.
                for _ in range(_ARABIC_NAME_WORDS):
                    word = _NEXT_WORD_RE.match(text, end)
                    if not word or not ARABIC_RE.match(word.group(1)):
                        break
                    key = fold_entry(word.group(1))
                    if not (key.startswith("لل") or key in p.school_name_words):
                        break
                    end = word.end()
            elif pattern is not p.school_quoted:
                end = _number_name_end(text, end, p)
            if pattern is not p.school_quoted and end == m.end() and not cued(m.start()):
                kind = fold_entry(_NUMBER_RE.split(m.group(), maxsplit=1)[0].rstrip(" #№"))
                if kind in p.school_numbered_cue:
                    continue  # "FC 25", "UE 27", "pack 12 of cards", "prepa 2"; not "Prepa 14 de la UANL"
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
        named = text[start + len(m.group("name").split()[0]) : end[1]].split() if end else []
        if end and not all(fold_entry(w) in p.school_generic for w in named):  # not "au lycée technique 2 fois"
            found.append(("school", start, end[1]))
    for m in p.school_capture.finditer(folded):
        han = p.school_han.match(text, m.end())
        span = han.span() if han else capture_name(text, m.end(), p, weak=True, max_words=5)
        if span:
            found.append(("school", *span))
    return found
