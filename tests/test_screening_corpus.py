"""The labelled screening corpus (``data/screening_corpus.jsonl``) is well formed and balanced.

``holdout-3`` to ``holdout-11`` are held out: never read to tune lexicons, thresholds, the
classifier or its training set, only to measure them once a change is made (see ``data/README.md``).
``train`` may be used for anything and grows; ``holdout-3`` keeps at least five lines of each language and
category. ``dev``, ``holdout-1`` and ``holdout-2`` are the lexicons' older splits.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from consult import languages
from consult.moderation.screening import PII_KINDS, SCREENING_FLAGS

CORPUS = Path(__file__).parent / "data" / "screening_corpus.jsonl"
LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")
SPLITS = (
    "dev",
    "holdout-1",
    "holdout-2",
    "train",
    "holdout-3",
    "holdout-4",
    "holdout-5",
    "holdout-6",
    "holdout-7",
    "holdout-8",
    "holdout-9",
    "holdout-10",
    "holdout-11",
)
FRESH = ("holdout-3", "holdout-4", "holdout-5", "holdout-6", "holdout-7", "holdout-8", "holdout-9", "holdout-10",
         "holdout-11")  # fmt: skip
SAFEGUARDING = ("grooming", "sextortion", "coercion", "self_harm", "abuse", "exploitation")
NEGATIVE = ("policy", "news", "fiction", "joke", "everyday", "pii")
HARD_NEGATIVE = ("policy", "news", "fiction", "joke")
FIELDS = {"text", "lang", "pii", "abuse", "safeguarding", "category", "split", "group"}


def _rows() -> list[dict]:
    raw = CORPUS.read_bytes().decode("utf-8")
    return [json.loads(line) for line in raw.split("\n") if line]


ROWS = _rows()


def test_languages_are_the_apps():
    assert set(LANGUAGES) == set(languages.codes())


def test_every_line_is_one_object_with_the_known_fields_and_values():
    assert CORPUS.read_text(encoding="utf-8").endswith("\n")
    for row in ROWS:
        assert FIELDS <= set(row) <= FIELDS | {"pii_kinds"}, row
        assert row["lang"] in LANGUAGES and row["split"] in SPLITS, row
        assert all(isinstance(row[flag], bool) for flag in SCREENING_FLAGS), row
        assert isinstance(row["text"], str) and row["text"] == row["text"].strip() and row["text"], row
        assert set(row.get("pii_kinds", [])) <= set(PII_KINDS), row
        assert not row.get("pii_kinds") or row["pii"], row
        assert re.fullmatch(r"g\d{4,5}", row["group"]), row


def test_category_agrees_with_the_flags():
    for row in ROWS:
        category = row["category"]
        if category in SAFEGUARDING:
            assert row["safeguarding"] and not row["abuse"], row
        elif category == "harassment":
            assert row["abuse"] and not row["safeguarding"], row
        elif category == "pii":
            assert row["pii"] and not (row["abuse"] or row["safeguarding"]), row
        else:
            assert category in NEGATIVE, row
            assert not (row["pii"] or row["abuse"] or row["safeguarding"]), row


def test_no_group_straddles_a_held_out_split():
    splits: dict[str, set[str]] = {}
    for row in ROWS:
        splits.setdefault(row["group"], set()).add(row["split"])
    assert [group for group, seen in splits.items() if seen & set(FRESH) and len(seen) > 1] == []


def test_no_text_appears_twice():
    texts = Counter(" ".join(row["text"].casefold().split()) for row in ROWS)
    assert [text for text, count in texts.items() if count > 1] == []


def _new_rows(lang: str) -> list[dict]:
    return [row for row in ROWS if row["lang"] == lang and row["split"] in ("train", "holdout-3")]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_language_has_every_category_in_both_new_splits(lang):
    rows = _new_rows(lang)
    counts = Counter((row["category"], row["split"]) for row in rows)
    fresh = Counter(row["category"] for row in ROWS if row["lang"] == lang and row["split"] in FRESH)
    for category in (*SAFEGUARDING, "harassment", *HARD_NEGATIVE, "everyday"):
        train, held = counts[category, "train"], counts[category, "holdout-3"]
        assert train >= 8 and held >= 5, (category, train, held)
        # "train" grows each round, so the held-out share falls; it never outgrows what is trained on.
        assert fresh[category] <= train, (category, train, fresh[category])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_language_has_enough_disclosures_and_at_least_as_many_negatives(lang):
    categories = Counter(row["category"] for row in _new_rows(lang))
    disclosures = sum(categories[category] for category in SAFEGUARDING)
    assert disclosures >= 90
    assert all(categories[category] >= 15 for category in (*SAFEGUARDING, "harassment")), categories
    assert sum(categories[category] for category in HARD_NEGATIVE) >= 90, categories
    negatives = sum(categories[category] for category in NEGATIVE)
    assert negatives >= disclosures + categories["harassment"], categories
