"""What screening returns, and the names every part of it shares."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ... import languages

#: Put in place of each span of personal information; the UI may show a translation.
REDACTION_MARKER = "[personal information removed]"

#: What a screening can flag (the queue adds "reported", by readers: ``consult.models.FLAGS``).
SCREENING_FLAGS = ("pii", "abuse", "safeguarding")

#: Kinds of personal information, in the order they win when two candidates overlap.
PII_KINDS = ("email", "social", "url", "iban", "card", "id", "phone", "address", "postcode", "school", "name")
PRIORITY = {kind: rank for rank, kind in enumerate(PII_KINDS)}


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


ABUSE_CATEGORIES = ("insult", "hate", "sexual")
SAFEGUARDING_CATEGORIES = ("self_harm", "home_abuse", "grooming", "sextortion")

WORD_RE = re.compile(r"\w+")
REPEATS_RE = re.compile(r"(.)\1+")
HAN_RE = languages.script_pattern("Hans")
ARABIC_RE = languages.script_pattern("Arab")

Candidate = tuple[str, int, int]  # kind, start, end in the normalised view


def after_last(value: str, characters: str) -> int:
    """Where ``value`` continues after the last of ``characters`` in it (0 if none)."""
    return max((value.rfind(c) + 1 for c in characters), default=0)
