"""The second layer of screening: a logistic regression over the answer's sentence vector and its n-grams.

The lexicons catch what is said with their words; a child who writes "he says he'll show everyone the
pictures unless I send more" uses none of them. Each head (``safeguarding``, ``abuse``) is a weight per
dimension of the sentence vector, a bias and a threshold chosen by grouped cross-validation on the training
rows of the project's labelled corpus (``training.py``, ``flask screen train``), and two thresholds: at
``watch`` (the lowest cross-validated score of any positive) an answer is a possible concern, put first
and never approved in bulk; at ``threshold`` (where at most a set share of ordinary answers would be
flagged) the head raises its flag, which for safeguarding also shows the child the help box. Before the heads read a
vector, the mean training vector of its language is taken away and the rest normalised again: the encoder
puts every sentence of one language in a common region, and what is left is closer to what is said.
The weights are a small JSON file in ``model/``; its version is a hash of what it holds, recorded on
every answer it screened.

Besides the vector, a model may read the text's hashed character n-grams (``ngrams.py``; the document's
``ngrams`` says how many buckets): the vector says what is talked about, the n-grams who does what to
whom ("he hits me", not "teachers who hit").

The safeguarding head also reads a second regression over the vector (``talk``): how likely the text is talk
about the harms (an opinion, a report) rather than something lived. Its score is the first's times one minus
the second's, so "teachers who hit pupils should be sacked" scores low however close it sits to "the
teacher hits us". Because a disclosure inside a long opinion would be read as talk, a text of several
sentences is also read sentence by sentence (``Classifier.read``), and the highest score counts.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ... import sentence_encoder
from .ngrams import ngram_features

MODEL_FILE = Path(__file__).resolve().parent / "model" / "classifier.json"
#: What the classifier decides, in the order of SCREENING_FLAGS.
HEADS = ("abuse", "safeguarding")
#: The heads that read a longer text sentence by sentence as well as whole.
SENTENCE_HEADS = ("safeguarding",)
#: At most this many pieces of one text are encoded apart (neighbouring sentences are joined beyond it):
#: each costs a sentence vector, and the worker must screen at least 40 answers a second.
MOST_PIECES = 6
#: After a sentence's end and a space ("3.5" is no end), after a CJK or Arabic mark, or at a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?;…])\s+|(?<=[。！？；؟؛])\s*|\s*\n+\s*")
_WORD = re.compile(r"\w")


@dataclass(frozen=True)
class Head:
    weights: tuple[float, ...]
    bias: float
    threshold: float  # the flag
    #: at or above it a possible concern, below the flag: never bulk-approved (older files: the flag's)
    watch: float | None = None
    #: a weight per n-gram bucket (empty: the head reads the vector alone)
    ngram_weights: tuple[float, ...] = ()
    #: weights and bias over the centred vector of "talk about the harms, not an experience": the head's
    #: probability is multiplied by one minus it, but never by less than ``talk_floor`` (empty: no discount)
    talk_weights: tuple[float, ...] = ()
    talk_bias: float = 0.0
    talk_floor: float = 0.0

    @property
    def watch_at(self) -> float:
        return self.threshold if self.watch is None else min(self.watch, self.threshold)


@dataclass(frozen=True)
class Classifier:
    version: str
    encoder: str
    heads: dict[str, Head]
    #: the mean training vector per language, and under "" the mean of all, for a language it has not seen
    centres: dict[str, tuple[float, ...]] = field(default_factory=dict)
    #: how texts are cut into n-grams, e.g. {"bits": 13, "shortest": 2, "longest": 4}; empty: vectors alone
    ngrams: dict[str, int] = field(default_factory=dict)

    def scores(self, vectors, langs=None, texts=None) -> list[dict[str, float]]:
        """Each head's probability for each row of ``vectors`` (float32, L2-normalised), written in ``langs``;
        a model that reads n-grams needs the ``texts`` too."""
        import numpy as np  # only the screening worker scores vectors

        matrix = centred(np.asarray(vectors, dtype=np.float64), langs or [None] * len(vectors), self.centres)
        if self.ngrams and texts is None:
            raise ValueError(f"model {self.version} reads the texts' n-grams: pass texts")
        grams = [ngram_features(text, **self.ngrams) for text in texts] if self.ngrams else []
        columns = {}
        for name, head in self.heads.items():
            logits = matrix @ np.asarray(head.weights) + head.bias
            if grams and head.ngram_weights:
                logits += [sum(value * head.ngram_weights[b] for b, value in found.items()) for found in grams]
            columns[name] = 1.0 / (1.0 + np.exp(-logits))
            if head.talk_weights:
                talk = 1.0 / (1.0 + np.exp(-(matrix @ np.asarray(head.talk_weights) + head.talk_bias)))
                columns[name] *= np.maximum(1.0 - talk, head.talk_floor)
        return [{name: float(column[i]) for name, column in columns.items()} for i in range(len(vectors))]

    def read(self, texts: list[str], langs: list[str | None], vectors) -> list[dict[str, float]]:
        """``scores`` of whole texts (``vectors`` are theirs), where each head of ``SENTENCE_HEADS`` keeps the
        highest of the whole text's score and each of its sentences' (``pieces``), encoded here in one batch."""
        scores = self.scores(vectors, langs, texts)
        pieces = [pieces_of(text) for text in texts]
        flat = [piece for found in pieces for piece in found]
        if not flat:
            return scores
        owners = [i for i, found in enumerate(pieces) for _ in found]
        piece_scores = self.scores(sentence_encoder.encode(flat), [langs[i] for i in owners], flat)
        for i, found in zip(owners, piece_scores, strict=True):
            for name in SENTENCE_HEADS:
                if name in found:
                    scores[i][name] = max(scores[i][name], found[name])
        return scores

    def flags(self, scores: dict[str, float]) -> set[str]:
        return {name for name, score in scores.items() if score >= self.heads[name].threshold}

    def watches(self, scores: dict[str, float]) -> set[str]:
        """The heads at or above their watch threshold: what evaluation counts as caught at watch."""
        return {name for name, score in scores.items() if score >= self.heads[name].watch_at}

    def watched(self, scores: dict[str, float]) -> bool:
        """A possible disclosure: the safeguarding head at or above its watch threshold."""
        return scores.get("safeguarding", 0.0) >= self.heads["safeguarding"].watch_at


def pieces_of(text: str) -> list[str]:
    """The sentences of a text, at most ``MOST_PIECES`` (neighbours joined beyond); none for one sentence."""
    found = [piece.strip() for piece in _SENTENCE_END.split(text)]
    found = [piece for piece in found if len(_WORD.findall(piece)) >= 2]
    if len(found) < 2:
        return []
    size = -(-len(found) // MOST_PIECES)  # sentences per piece, rounded up
    return [" ".join(found[start : start + size]) for start in range(0, len(found), size)]


def centred(matrix, langs, centres: dict):
    """Each row less its language's centre (the overall one for another language), normalised again."""
    import numpy as np  # only processes that score or train load numpy

    if not centres:
        return matrix
    means = np.asarray([centres.get(_primary(lang), centres[""]) for lang in langs], dtype=np.float64)
    moved = matrix - means.reshape(matrix.shape)
    norms = np.linalg.norm(moved, axis=1, keepdims=True)
    return moved / np.where(norms == 0, 1, norms)


def _primary(lang: str | None) -> str:
    return (lang or "").replace("_", "-").split("-")[0].lower()


def model_version(heads: dict[str, dict], centres: dict | None = None, ngrams: dict | None = None) -> str:
    """A name for these weights that changes whenever they do: ``lr-`` and 12 hex digits of their hash."""
    content = {"centres": centres, "heads": heads} if centres else heads
    if ngrams:
        content = {**content, "ngrams": ngrams}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return "lr-" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def _head(head: dict) -> Head:
    watch = float(head["watch"]) if "watch" in head else None
    return Head(tuple(head["weights"]), float(head["bias"]), float(head["threshold"]), watch,
                tuple(head.get("ngram_weights", ())), tuple(head.get("talk_weights", ())),
                float(head.get("talk_bias", 0.0)), float(head.get("talk_floor", 0.0)))  # fmt: skip


def from_document(document: dict) -> Classifier:
    heads = {name: _head(head) for name, head in document["heads"].items()}
    centres = {lang: tuple(mean) for lang, mean in document.get("centres", {}).items()}
    return Classifier(document["version"], document["encoder"], heads, centres, dict(document.get("ngrams", {})))


@cache
def shipped() -> Classifier:
    """The classifier in the package, read once per process."""
    return from_document(json.loads(MODEL_FILE.read_text(encoding="utf-8")))
