"""Schools and other institutions a young person can be found at."""

from __future__ import annotations

import re

from .base import ARABIC_RE, Candidate, after_last
from .lexicons import fold_entry
from .names import capture_name, definite_name_word, name_links
from .patterns import Patterns

# The end of a sentence, but not the full stop of a title: "Mr. Kamau at Starehe Boys Centre".
_SENTENCE_END_RE = re.compile(r"[!?\n。！？]|(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSr)(?<!\bSra)(?<!\bM)\.")


def _arabic_school_end(m: re.Match) -> int:
    """Where an Arabic school's name ends: Arabic has no capitals, so its first word, then the words with "ال"
    ("مدرسة الأمل الثانوية") or "بن" and the word after it ("مدرسة عمر بن الخطاب"); not the verb after it."""
    words = list(re.finditer(r"\S+", m.group("name")))
    end, index = words[0].end(), 1
    while index < len(words):
        word = fold_entry(words[index].group())
        if word in name_links() and index + 1 < len(words):
            end, index = words[index + 1].end(), index + 2
        elif definite_name_word(word, ("ال", "لل", "وال", "بال")):
            end, index = words[index].end(), index + 1
        else:
            break
    return m.start("name") + end


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
        if fold_entry(kind_word) in p.school_needs_cue and not cued(start):
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
        end = _arabic_school_end(m) if ARABIC_RE.match(m.group("name")) else m.end()
        add(m.group("kind"), m.start(), end, text[m.start("name") : end].split())
    found += [("school", m.start(), m.end()) for m in p.school_number.finditer(text)]
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
