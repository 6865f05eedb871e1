"""Training the classifier layer from the labelled corpus: ``flask screen train``.

Deterministic: the rows are read in file order, the folds are made of whole ``group``s (a line and its
translations or paraphrases) dealt with a fixed seed, and the logistic regression (lbfgs) has no
randomness of its own; weights are written rounded, so the same corpus
gives the same file, byte for byte. Only rows whose split does not start with ``holdout`` are read for
training and for choosing thresholds: the held-out splits stay for measuring (``evaluation.py``).

A vector is read centred on its language's mean training vector (``classifier.centred``), and the hard
negatives (policy talk, news, fiction, jokes: the same words, nothing disclosed) weigh ``HARD_NEGATIVE_WEIGHT``
times as much as other rows. Both were chosen by grouped cross-validation on the training rows only: at
the threshold that catches every positive, they flagged 0.514 of the negatives for safeguarding (0.532
without) and 0.073 for abuse (0.114 without); C (0.5 to 64), a linear SVM, a small MLP and nearest
neighbours did no better. A folded-out row's translation in the training folds would flatter these
figures, hence folds of whole groups.

Two thresholds are chosen per head on out-of-fold scores of the training rows. ``watch``: the highest that
still catches every positive row. Recall comes first there: a missed disclosure is a child left alone. But
with these vectors no linear head has both full recall and few false alarms: at ``watch`` half of the
ordinary answers score as possible disclosures. So ``watch`` only orders the queue and keeps an answer out
of bulk approval, and the flag (``threshold``) is the lowest at which at most ``FALSE_ALARM_SHARE`` of all
the head's negative training rows would be flagged (never below ``watch``). The recall each catches is
recorded beside it.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path

from ... import sentence_encoder
from .classifier import HEADS, centred, model_version

SEED = 0
FOLDS = 5
REGULARISATION = 4.0  # sklearn's C: chosen by cross-validation on the training rows (1, 4 and 16 tried)
CENTRED = True
HARD_NEGATIVE_WEIGHT = 2.0  # 1, 2 and 4 tried by grouped cross-validation
HARD_NEGATIVES = ("policy", "news", "fiction", "joke")
#: The flag's threshold: at most this share of each head's negative training rows flagged in grouped
#: cross-validation. Abuse is stricter: its lexicons catch most of it, an answer its head reads at the
#: watch threshold is kept from bulk approval all the same, and at 0.1 the head flags short lines of
#: contact details ("call me on ..."); 0.01 keeps the cross-validated recall of 0.02 (0.912).
FALSE_ALARM_SHARE = {"abuse": 0.01, "safeguarding": 0.1}
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
    group: str = ""  # rows saying the same thing (translations, paraphrases): never split between folds

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
                        category, str(item.get("group") or item["text"])))  # fmt: skip
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


def folds(rows: list[Row]) -> list[int]:
    """Each row's fold: whole groups dealt round-robin in an order shuffled with a fixed seed."""
    import numpy as np  # training only

    groups = sorted({row.group for row in rows})
    order = np.random.RandomState(SEED).permutation(len(groups))
    fold_of = {group: int(order[i]) % FOLDS for i, group in enumerate(groups)}
    return [fold_of[row.group] for row in rows]


def centres(rows: list[Row], vectors) -> dict[str, list[float]]:
    """The mean vector of each language's rows, and under "" the mean of them all."""
    import numpy as np  # training only

    if not CENTRED:
        return {}
    langs = np.array([row.lang for row in rows])
    means = {"": vectors.mean(axis=0)}
    means.update({lang: vectors[langs == lang].mean(axis=0) for lang in sorted(set(langs)) if lang})
    return {lang: [round(float(x), 6) for x in mean] for lang, mean in means.items()}


def _fit(rows: list[Row], vectors, labels):
    """The centres and the fitted model for these rows."""
    import numpy as np  # training only
    from sklearn.linear_model import LogisticRegression  # training only: never loaded by the app

    means = centres(rows, vectors)
    weights = np.array([HARD_NEGATIVE_WEIGHT if row.category in HARD_NEGATIVES else 1.0 for row in rows])
    model = LogisticRegression(C=REGULARISATION, class_weight="balanced", max_iter=5000, random_state=SEED)
    model.fit(centred(vectors, [row.lang for row in rows], means), labels, sample_weight=weights)
    return means, model


def out_of_fold(rows: list[Row], vectors, head: str):
    """Each training row's score from a model that saw neither it nor any row of its group."""
    import numpy as np  # training only

    labels = np.array([row.labels[head] for row in rows])
    scores = np.zeros(len(rows))
    fold = np.array(folds(rows))
    for k in range(FOLDS):
        train, test = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        if not len(test):
            continue
        if len(set(labels[train])) < 2:  # a tiny corpus: no model can be fitted on one class
            scores[test] = float(labels[train].mean()) if len(train) else 0.5
            continue
        means, model = _fit([rows[i] for i in train], vectors[train], labels[train])
        scores[test] = model.predict_proba(centred(vectors[test], [rows[i].lang for i in test], means))[:, 1]
    return scores


def choose_threshold(scores, labels) -> float:
    """The highest threshold that flags every positive: ``watch``."""
    import numpy as np  # training only

    scores, labels = np.asarray(scores), np.asarray(labels, dtype=bool)
    return float(scores[labels].min()) if labels.any() else 0.5


def choose_flag_threshold(scores, labels, share: float) -> float:
    """The lowest threshold (6 decimals) at which at most ``share`` of the negatives are flagged."""
    import numpy as np  # training only

    scores, labels = np.asarray(scores), np.asarray(labels, dtype=bool)
    negatives = np.sort(scores[~labels])[::-1]
    allowed = math.floor(share * len(negatives))
    if allowed >= len(negatives):
        return 0.0
    # Just above the first negative that must stay unflagged, rounded up so that it stays so once written.
    return math.floor(float(negatives[allowed]) * 1e6 + 1) / 1e6


def train(rows: list[Row], vectors=None, source: str = "", false_alarms: dict[str, float] | None = None) -> dict:
    """The classifier document for the training rows of ``rows`` (vectors encoded here unless given)."""
    import numpy as np  # training only

    rows = [row for row in rows if not row.held_out]
    false_alarms = FALSE_ALARM_SHARE | (false_alarms or {})
    if vectors is None:
        vectors = sentence_encoder.encode([row.text for row in rows])
    vectors = np.asarray(vectors, dtype=np.float64)
    policy = policy_rows(rows)
    means = centres(rows, vectors)
    heads, checked = {}, {}
    for head in HEADS:
        labels = np.array([row.labels[head] for row in rows])
        scores = out_of_fold(rows, vectors, head)
        # Rounded down: rounding up could leave the lowest-scored positive below its threshold.
        watch = math.floor(choose_threshold(scores, labels) * 1e6) / 1e6
        threshold = max(watch, choose_flag_threshold(scores, labels, false_alarms[head]))
        _, model = _fit(rows, vectors, labels)
        heads[head] = {
            "bias": round(float(model.intercept_[0]), 6),
            "threshold": threshold,
            "watch": watch,
            "weights": [round(float(w), 6) for w in model.coef_[0]],
        }
        talk = np.asarray(policy) & ~labels
        checked[head] = {
            "positives": int(labels.sum()),
            "recall_at_watch": round(float((scores[labels] >= watch).mean()), 4),
            "recall": round(float((scores[labels] >= threshold).mean()), 4),
            "negatives_flagged": round(float((scores[~labels] >= threshold).mean()), 4) if (~labels).any() else None,
            "negatives_watched": round(float((scores[~labels] >= watch).mean()), 4) if (~labels).any() else None,
            "policy_flagged": round(float((scores[talk] >= threshold).mean()), 4) if talk.any() else None,
        }
    return {
        "version": model_version(heads, means),
        "centres": means,
        "encoder": sentence_encoder.MODEL_NAME,
        "method": {"model": "logistic regression (scikit-learn, lbfgs)", "C": REGULARISATION,
                   "class_weight": "balanced", "hard_negative_weight": HARD_NEGATIVE_WEIGHT,
                   "hard_negatives": list(HARD_NEGATIVES), "centred": "per language",
                   "folds": f"{FOLDS} grouped", "seed": SEED, "false_alarm_share": dict(sorted(false_alarms.items()))},
        "trained_on": {"corpus": source, "rows": len(rows), "sha256": fingerprint(rows)},
        "cross_validated": checked,
        "heads": heads,
    }  # fmt: skip


def write(document: dict, path: Path) -> None:
    """Sorted keys, a weight per line: a retrained model's diff shows what moved."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1) + "\n", encoding="utf-8")
