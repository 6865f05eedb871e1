"""Training the classifier layer from the labelled corpus: ``flask screen train``.

Deterministic: the rows are read in file order, the folds are shuffled with a fixed seed, and the
logistic regression (lbfgs) has no randomness of its own; weights are written rounded, so the same corpus
gives the same file, byte for byte. Only rows whose split does not start with ``holdout`` are read for
training and for choosing thresholds: the held-out splits stay for measuring (``evaluation.py``).

A threshold is chosen per head on out-of-fold scores of the training rows (stratified by label and
language): the highest that still flags every positive row, raised if it would flag more than
``POLICY_BUDGET`` of the policy talk (answers about the same harms that disclose nothing).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ... import sentence_encoder
from .classifier import HEADS, model_version

SEED = 0
FOLDS = 5
REGULARISATION = 4.0  # sklearn's C: chosen by cross-validation on the training rows (1, 4 and 16 tried)
POLICY_BUDGET = 0.2
#: Negative categories of the corpus that talk about the harms without disclosing any.
POLICY_CATEGORIES = ("policy",)
UNCATEGORISED = "uncategorised:"


@dataclass(frozen=True)
class Row:
    text: str
    lang: str
    split: str
    labels: dict[str, bool]  # head -> positive
    pii: bool
    category: str  # the corpus's own, or one told from the labels when a row has none

    @property
    def held_out(self) -> bool:
        return self.split.startswith("holdout")


def read_corpus(path: Path) -> list[Row]:
    """Every row of a JSON-lines corpus; a row may carry a ``category`` or not."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        labels = {head: bool(item.get(head)) for head in HEADS}
        # A row without a category is grouped by its label: "uncategorised:safeguarding" and so on.
        label = next((flag for flag in ("safeguarding", "abuse", "pii") if item.get(flag)), "clean")
        category = item.get("category") or f"{UNCATEGORISED}{label}"
        rows.append(Row(item["text"], item.get("lang", ""), item.get("split", ""), labels, bool(item.get("pii")),
                        category))  # fmt: skip
    return rows


def policy_rows(rows: list[Row]) -> list[bool]:
    """Which rows count as policy talk: the corpus's ``policy`` category, or, before it has one, every
    row with no label at all (answers about online safety that need no moderator's eye)."""
    if any(row.category in POLICY_CATEGORIES for row in rows):
        return [row.category in POLICY_CATEGORIES for row in rows]
    return [row.category == f"{UNCATEGORISED}clean" for row in rows]


def fingerprint(rows: list[Row]) -> str:
    canonical = json.dumps([[r.text, r.lang, r.split, r.labels] for r in rows], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def strata(rows: list[Row], labels) -> list[str]:
    """Label and language, where each such group can be spread over every fold; the label alone otherwise."""
    keys = [f"{int(label)}-{row.lang}" for row, label in zip(rows, labels, strict=True)]
    counts = Counter(keys)
    return [key if counts[key] >= FOLDS else key.split("-")[0] for key in keys]


def _model():
    from sklearn.linear_model import LogisticRegression  # training only: never loaded by the app

    return LogisticRegression(C=REGULARISATION, class_weight="balanced", max_iter=5000, random_state=SEED)


def out_of_fold(rows: list[Row], vectors, head: str):
    """Each training row's score from a model that did not see it (stratified folds, fixed seed)."""
    import numpy as np  # training only
    from sklearn.model_selection import StratifiedKFold  # training only

    labels = np.array([row.labels[head] for row in rows])
    scores = np.zeros(len(rows))
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for train, test in folds.split(vectors, strata(rows, labels)):
        model = _model().fit(vectors[train], labels[train])
        scores[test] = model.predict_proba(vectors[test])[:, 1]
    return scores


def choose_threshold(scores, labels, policy) -> float:
    """The highest threshold that flags every positive, raised if it flags more than the policy budget."""
    import numpy as np  # training only

    scores, labels, policy = np.asarray(scores), np.asarray(labels, dtype=bool), np.asarray(policy, dtype=bool)
    threshold = float(scores[labels].min()) if labels.any() else 0.5
    talk = np.sort(scores[policy & ~labels])[::-1]
    allowed = int(POLICY_BUDGET * len(talk))
    if len(talk) > allowed and talk[allowed] >= threshold:
        threshold = float(np.nextafter(talk[allowed], 1.0))
    return threshold


def train(rows: list[Row], vectors=None, source: str = "") -> dict:
    """The classifier document for the training rows of ``rows`` (vectors encoded here unless given)."""
    import numpy as np  # training only

    rows = [row for row in rows if not row.held_out]
    if vectors is None:
        vectors = sentence_encoder.encode([row.text for row in rows])
    vectors = np.asarray(vectors, dtype=np.float64)
    policy = policy_rows(rows)
    heads, checked = {}, {}
    for head in HEADS:
        labels = np.array([row.labels[head] for row in rows])
        scores = out_of_fold(rows, vectors, head)
        threshold = choose_threshold(scores, labels, policy)
        model = _model().fit(vectors, labels)
        heads[head] = {
            "bias": round(float(model.intercept_[0]), 6),
            # Rounded down: rounding up could leave the lowest-scored positive below its threshold.
            "threshold": math.floor(threshold * 1e6) / 1e6,
            "weights": [round(float(w), 6) for w in model.coef_[0]],
        }
        talk = np.asarray(policy) & ~labels
        checked[head] = {
            "positives": int(labels.sum()),
            "recall": round(float((scores[labels] >= threshold).mean()), 4),
            "policy_flagged": round(float((scores[talk] >= threshold).mean()), 4) if talk.any() else None,
        }
    return {
        "version": model_version(heads),
        "encoder": sentence_encoder.MODEL_NAME,
        "method": {"model": "logistic regression (scikit-learn, lbfgs)", "C": REGULARISATION,
                   "class_weight": "balanced", "folds": FOLDS, "seed": SEED, "policy_budget": POLICY_BUDGET},
        "trained_on": {"corpus": source, "rows": len(rows), "sha256": fingerprint(rows)},
        "cross_validated": checked,
        "heads": heads,
    }  # fmt: skip


def write(document: dict, path: Path) -> None:
    """Sorted keys, a weight per line: a retrained model's diff shows what moved."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1) + "\n", encoding="utf-8")
