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

Beside the rules, a tagger learned from the labelled lines (``tagger.py``) finds names, schools and
addresses that no cue word announces; the union of both is suggested.

Word lists live in ``lexicons/*.txt``, read once on first use (format in
``lexicons.read_lexicon``). Pure functions, no Flask: callable from a view, a command or a
test alike.

``screen_batch(texts, langs)`` is the whole screening, as the job worker and ``flask screen`` run it:
the lexicons above, and a classifier over each text's sentence vector (``classifier.py``), encoded once
per batch. A flag is raised when either layer raises it; below the classifier's flag, its watch threshold
marks a possible disclosure for the moderators alone (``Screening.watch``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ... import languages, sentence_encoder
from ...screening_score import WATCH_BAND
from .base import (
    ABUSE_CATEGORIES,
    PII_KINDS,
    REDACTION_MARKER,
    SAFEGUARDING_CATEGORIES,
    SCREENING_FLAGS,
    ScreeningResult,
    Span,
)
from .classifier import Classifier, shipped
from .cues import declared_language, find_cues
from .normalise import normalise
from .pii import in_original, joined
from .tagger import find_tagged
from .tagger import shipped as shipped_tagger

__all__ = [
    "ABUSE_CATEGORIES",
    "PII_KINDS",
    "REDACTION_MARKER",
    "SAFEGUARDING_CATEGORIES",
    "SCREENING_FLAGS",
    "WATCH_BAND",
    "Screening",
    "ScreeningResult",
    "Span",
    "redact",
    "screen",
    "screen_batch",
]


def screen(text: str, lang: str | None = None) -> ScreeningResult:
    """Screen one response; ``lang`` is the language the participant chose, a hint only."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, not {type(text).__name__}")
    view = normalise(text)
    # The tagger reads the text as written (without invisible characters, vowel marks, letters spaced out),
    # not the rules' folded copy; its spans are put back where they came from.
    tagged = [(kind, *view.original(start, end)) for kind, start, end in find_tagged(view.written)]
    found = joined(text, in_original(view), tagged)
    pii = [Span(kind, start, end, text[start:end]) for kind, start, end in found]
    cues = []
    for kind, start, end in find_cues(view, declared_language(lang)):
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


@dataclass(frozen=True)
class Screening:
    """Both layers' verdict on one text: ``result`` holds the union of their flags."""

    result: ScreeningResult
    #: each classifier head's probability, e.g. {"abuse": 0.01, "safeguarding": 0.97}
    scores: dict[str, float]
    vector: object  # float32, L2-normalised: stored so that summaries never compute it again
    model: str  # the classifier's version and the tagger's (``models``)
    #: a possible disclosure (the safeguarding head at or above its watch threshold): first in the queue,
    #: never approved in bulk; it raises no flag unless the head also reaches the flag's threshold
    watch: bool = False

    @property
    def score(self) -> float:
        """The highest head's probability: what orders the moderation queue within a priority."""
        return max(self.scores.values(), default=0.0)

    @property
    def stored_score(self) -> int:
        """``Submission.screening_score``: the score per mille, plus ``WATCH_BAND`` for a possible disclosure.

        The band puts possible disclosures first within a priority and tells bulk approval which to leave
        out, as the screening model decided it: the abuse head's scores overlap the safeguarding watch, so
        the score alone could not say.
        """
        return round(1000 * self.score) + (WATCH_BAND if self.watch else 0)


def screen_batch(texts: list[str], langs: list[str | None], classifier: Classifier | None = None) -> list[Screening]:
    """Screen ``texts`` with both layers; the sentence vectors are encoded in one go."""
    classifier = classifier or shipped()
    vectors = sentence_encoder.encode(texts)
    screenings = []
    model = models(classifier)
    all_scores = classifier_scores(classifier, texts, langs, vectors)
    for text, lang, vector, scores in zip(texts, langs, vectors, all_scores, strict=True):
        result = screen(text, lang)
        raised = classifier.flags(scores)
        if raised:
            categories = {flag: list(found) for flag, found in result.categories.items()}
            for flag in raised:
                categories[flag] = sorted({*categories.get(flag, ()), "classifier"})
            flags = [flag for flag in SCREENING_FLAGS if flag in categories]
            result = replace(result, flags=flags, categories={flag: categories[flag] for flag in flags})
        screenings.append(Screening(result, scores, vector, model, classifier.watched(scores)))
    return screenings


def classifier_scores(classifier: Classifier, texts: list[str], langs: list[str | None], vectors) -> list[dict]:
    """The classifier's scores of ``texts``, each vector centred on the language the text is written in: the one
    detected, ``langs`` (the declared ones) a hint only, which Arabizi or a wrong choice would mislead."""
    written_in = [languages.detect(text, lang).language for text, lang in zip(texts, langs, strict=True)]
    return classifier.read(texts, written_in, vectors)


def models(classifier: Classifier) -> str:
    """What screened an answer: the classifier's version, and the tagger's ("lr-…+tag-…")."""
    tagger = shipped_tagger()
    return f"{classifier.version}+{tagger.version}" if tagger else classifier.version
