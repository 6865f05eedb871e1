"""Training the classifier layer from the labelled corpus: ``flask screen train``.

Deterministic: the rows are read in file order, the folds are made of whole ``group``s (a line and its
translations or paraphrases) dealt with a fixed seed, and the logistic regression (lbfgs) has no
randomness of its own; weights are written rounded, so the same corpus
gives the same file, byte for byte. Only rows whose split does not start with ``holdout`` are read for
training and for choosing thresholds: the held-out splits stay for measuring (``evaluation.py``).

A row is read as its vector centred on its language's mean training vector (``classifier.centred``) and,
by the safeguarding head, its hashed character n-grams (``ngrams.py``, ``NGRAMS``); the hard negatives
(policy talk, news, fiction, jokes and, since the fifth round, everyday lines: nothing disclosed) weigh
``HARD_NEGATIVE_WEIGHT`` times as much as other rows. The safeguarding head's probability is multiplied by
one minus that of a second regression over the vector (never by less than ``TALK_FLOOR``), "talk about the
harms" (``TALK_CATEGORIES`` against every other row), and the worker reads a text of several sentences
sentence by sentence too (``classifier.Classifier.read``). All of this was chosen by grouped
cross-validation on the training rows only; a folded-out row's translation in the training folds would
flatter the figures, hence folds of whole groups. Since the tenth round the training rows include real
people's opinions from public Pol.is conversations (``POLIS_CONVERSATIONS``, category "opinion").

What was tried, out of fold (figures with the lexicons; "policy" is the training policy talk flagged):
- Fourth round (1,659 rows): vectors alone at full recall flagged 0.46 of the policy talk, vectors and
  n-grams 0.38/0.42; at policy talk 0.15 they caught 0.961/0.973. A multinomial head, C 1 to 16, 2**12 to
  2**16 buckets, a small MLP and nearest neighbours did no better.
- Fifth round, same rows: n-grams of CJK words skipped, or 1-2 / 2-3 characters for them, n-grams of 1-3
  or 3-5 characters, n-grams weighted by 0.5 or 2, hard negatives weighted 3, everyday lines weighted 2 or
  3, C 1 or 16: recall 0.962-0.976 at policy 0.15, within noise of each other; none lowered the everyday
  lines' flags (0.40-0.54) or the jokes' (0.73-0.86) at the same recall. Short Chinese lines stay as they
  were on that account.
- The talk discount: at full recall policy talk fell from 0.42 to 0.19-0.23 (0.15-0.18 with n-grams in the
  talk head too, kept out for the file's size), and at policy 0.15 recall rose from 0.973 to 0.995-0.998.
  It does nothing for everyday lines, jokes or opinions on other topics: at a matched share of those,
  recall is the same with and without it. A third regression "everyday or joke" as a further discount
  lowered everyday lines' flags from 0.83 to 0.56 at policy 0.15 but recall to 0.98, and raised policy
  talk at full recall from 0.19 to 0.30: not kept. Weighting everyday lines as hard negatives lowered their
  flags by 0.02-0.07 at the same recall: kept.
- Whole texts against sentences: a training disclosure put after a policy line of its fold, scored whole
  by the fold's model with the discount, reached the full-recall threshold 0.74 of the time; read
  sentence by sentence, 1.0 (and 0.93 of everyday lines so joined were watched, against 0.53).

Two thresholds are chosen per head on out-of-fold scores of the training rows. ``watch``: the highest that
still catches every positive row. Recall comes first there: a missed disclosure is a child left alone.
``watch`` keeps an answer from publication without a moderator reading it (first in the queue, never
bulk-approved, a hint on its page, kept for the safeguarding team if withdrawn or edited). The safeguarding
flag (``threshold``) is the highest at which at least ``FLAG_RECALL`` of each language's training
disclosures are flagged by the two layers together (the classifier there or the lexicons), raised if need
be until at most ``POLICY_TALK_SHARE`` of the policy talk is, never below ``watch``. No head we could train
has full recall at the flag without flagging most ordinary lines: with the fifth round's corpus, the flag at
per-language recall 0.95 / 0.97 / 0.98 / 0.99 / 1.0 caught 0.975 / 0.985 / 0.995 / 0.996 / 1.0 of the
disclosures, flagged 0.07 / 0.12 / 0.15 / 0.16 / 0.24 of the policy talk, 0.39 / 0.44 / 0.48 / 0.51 / 0.72 of
everyday lines and 0.11 / 0.16 / 0.22 / 0.26 / 0.51 of 1,500 real Pol.is comments (``bench/bench_false_alarms.py``).
Since the sixth round ``FLAG_RECALL`` is 1.0: the flag is then the lowest threshold within the policy-talk
ceiling, recall first, as the issue's targets put it (out of fold, sixth round: recall 0.999 against 0.991 at
0.98, policy talk 0.198 against 0.148, all negative rows 0.52 against 0.40). The moderators' load barely
moves: an answer at the watch threshold, a little below the flag, is already kept from bulk approval. What
moves is the help box, worded for an answer that may or may not be a disclosure
(templates/consultations/_help_box.html). Per-language flags were tried too: out of fold each language
but Arabic could have had a higher one, but each would rest on the one lowest-scored disclosure of about
160; a single flag, set by the lowest of all, is the safer guess for text nobody has seen.
``flask screen train --flag-recall`` moves it. The abuse flag is the lowest at which at most
``FALSE_ALARM_SHARE`` of its negative training rows would be. The recall each catches is recorded beside it.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import random
from dataclasses import dataclass
from pathlib import Path

from ... import languages, sentence_encoder
from . import screen
from .classifier import HEADS, centred, model_version
from .ngrams import ngram_matrix

SEED = 0
FOLDS = 5
REGULARISATION = 4.0  # sklearn's C: chosen by cross-validation on the training rows (1, 4 and 16 tried)
CENTRED = True
HARD_NEGATIVE_WEIGHT = 2.0  # 1, 2 and 4 tried by grouped cross-validation
HARD_NEGATIVES = ("policy", "news", "fiction", "joke", "everyday", "opinion")
#: Hashed character n-grams (2 to 4 characters) read beside the vector: 2**13 buckets. Only the
#: safeguarding head reads them: the abuse head's lexicons catch most abuse, and with n-grams its score
#: for a short ordinary line ("Apps should be private by default.") crossed the flag.
NGRAMS = {"bits": 13, "shortest": 2, "longest": 4}
NGRAM_HEADS = ("safeguarding",)
#: The safeguarding flag: the highest threshold at which, out of fold and with the lexicons, at least
#: ``FLAG_RECALL`` of the training disclosures of every language are flagged, raised until at most
#: ``POLICY_TALK_SHARE`` of the policy talk is (the issue's ceiling).
FLAG_RECALL = 1.0
POLICY_TALK_SHARE = 0.2
#: The heads discounted by "talk about the harms" (``classifier.Head.talk_weights``), and what that talk
#: is: a regression over the centred vector alone, these categories against every other row.
TALK_HEADS = ("safeguarding",)
TALK_CATEGORIES = ("policy", "news")
#: The least the talk discount multiplies by: talk that also discloses ("the carers say nobody believes kids
#: from the home, so complaining is useless") keeps a tenth of its score. Grouped CV, tenth round (3,774
#: rows, the Pol.is statements among them), floors 0 / 0.02 / 0.05 / 0.1 / 0.2 / 0.3: the same recall at the
#: flag (0.998) up to 0.1, then 0.995 and 0.993; everyday lines flagged 0.67 / 0.67 / 0.66 / 0.63 / 0.57 /
#: 0.53, Pol.is statements 0.22 / 0.22 / 0.21 / 0.17 / 0.12 / 0.10, and watched 0.89 / 0.74 / 0.59 / 0.59 /
#: 0.59 / 0.59 (the lowest-scored disclosure sets the watch).
TALK_FLOOR = 0.1
#: The abuse flag: at most this share of the head's negative training rows flagged in grouped
#: cross-validation. Its lexicons catch most abuse, an answer the head reads at the watch threshold is
#: kept from bulk approval all the same, and at 0.1 the head flags short lines of contact details.
FALSE_ALARM_SHARE = {"abuse": 0.01}
#: Real people's opinions on public policy, read as negatives beside the corpus (category "opinion"): the
#: statements of these public Pol.is conversations in ``../shared/data/polis`` (CC BY 4.0, The Computational
#: Democracy Project), at most ``POLIS_PER_CONVERSATION`` of each (a seeded sample; rejected statements left
#: out). The other conversations there (bg2050, football concussions, London youth policing, biodiversity,
#: taxes, vTaiwan) are never read for training: ``bench/bench_false_alarms.py --unseen`` measures on them.
#: Side by side in an experiment before this sampling was written (grouped CV and held-out splits unchanged in
#: recall), 400 of each lowered the flagged share of those unseen conversations from 0.46 to 0.34; 100 of each
#: gave 0.39, all of them (2,582) 0.35. The shipped model, with the talk floor: 0.349.
POLIS_CONVERSATIONS = (
    "15-per-hour-seattle",
    "brexit-consensus",
    "march-on.operation-marchin-orders",
    "scoop-hivemind.affordable-housing",
    "scoop-hivemind.freshwater",
    "scoop-hivemind.ubi",
)
POLIS_PER_CONVERSATION = 400
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


def polis_directory() -> Path | None:
    """Where the shared Pol.is conversations are: ``$CONSULT_SHARED_DIR/data/polis``, else ``../shared/data/polis``
    beside the project; None when neither exists."""
    shared = os.environ.get("CONSULT_SHARED_DIR")
    project = Path(__file__).resolve().parents[3]
    for candidate in ([Path(shared)] if shared else []) + [project.parent / "shared"]:
        if (candidate / "data" / "polis").is_dir():
            return candidate / "data" / "polis"
    return None


def polis_rows(
    directory: Path, conversations=POLIS_CONVERSATIONS, per_conversation=POLIS_PER_CONVERSATION
) -> list[Row]:
    """Negative training rows (category "opinion") from ``conversations`` in ``directory``: the statements not
    rejected by the conversation's moderator, ``per_conversation`` of each at most, sampled with ``SEED``; one
    author's statements share a group."""
    rows = []
    for name in conversations:
        with (directory / f"{name}.comments.csv").open(newline="", encoding="utf-8") as file:
            statements = [(item["comment-body"].strip(), item.get("author-id", "")) for item in csv.DictReader(file)
                          if item.get("comment-body", "").strip() and item.get("moderated") != "-1"]  # fmt: skip
        random.Random(f"{SEED}:{name}").shuffle(statements)  # noqa: S311  # nosec B311 - a reproducible sample, not a secret
        for body, author in statements[:per_conversation]:
            lang = languages.detect(body).language or "en"
            labels = {head: False for head in HEADS}
            rows.append(Row(body, lang, "train", labels, False, "opinion", f"polis:{name}:{author}"))
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


def features(rows: list[Row], vectors, means, grams=None):
    """What a head reads: each row's centred vector, then its hashed n-grams if ``grams`` has them."""
    from scipy.sparse import csr_matrix, hstack  # training only

    matrix = centred(vectors, [row.lang for row in rows], means)
    return matrix if grams is None else hstack([csr_matrix(matrix), grams]).tocsr()


def _fit(rows: list[Row], vectors, labels, grams=None):
    """The centres and the fitted model for these rows."""
    import numpy as np  # training only
    from sklearn.linear_model import LogisticRegression  # training only: never loaded by the app

    means = centres(rows, vectors)
    weights = np.array([HARD_NEGATIVE_WEIGHT if row.category in HARD_NEGATIVES else 1.0 for row in rows])
    model = LogisticRegression(C=REGULARISATION, class_weight="balanced", max_iter=5000, random_state=SEED)
    model.fit(features(rows, vectors, means, grams), labels, sample_weight=weights)
    return means, model


def _fit_talk(rows: list[Row], vectors):
    """The regression telling talk about the harms (``TALK_CATEGORIES``) from the rest, over the vector."""
    import numpy as np  # training only
    from sklearn.linear_model import LogisticRegression  # training only: never loaded by the app

    means = centres(rows, vectors)
    labels = np.array([row.category in TALK_CATEGORIES for row in rows])
    model = LogisticRegression(C=REGULARISATION, class_weight="balanced", max_iter=5000, random_state=SEED)
    return means, model.fit(features(rows, vectors, means), labels)


def out_of_fold(rows: list[Row], vectors, head: str):
    """Each training row's score from a model that saw neither it nor any row of its group (for a head of
    ``TALK_HEADS``, times one minus the row's talk score, out of fold as well)."""
    import numpy as np  # training only

    scores = _out_of_fold(rows, vectors, head)
    labels = np.array([row.category in TALK_CATEGORIES for row in rows])
    if head not in TALK_HEADS or len(set(labels)) < 2:
        return scores
    fold = np.array(folds(rows))
    for k in range(FOLDS):
        train, test = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        if not len(test) or len(set(labels[train])) < 2:
            continue
        means, model = _fit_talk([rows[i] for i in train], vectors[train])
        talk = model.predict_proba(features([rows[i] for i in test], vectors[test], means))[:, 1]
        scores[test] *= np.maximum(1.0 - talk, TALK_FLOOR)
    return scores


def _out_of_fold(rows: list[Row], vectors, head: str):
    import numpy as np  # training only

    grams = ngram_matrix([row.text for row in rows], **NGRAMS) if head in NGRAM_HEADS else None
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
        read = (None, None) if grams is None else (grams[train], grams[test])
        means, model = _fit([rows[i] for i in train], vectors[train], labels[train], read[0])
        scores[test] = model.predict_proba(features([rows[i] for i in test], vectors[test], means, read[1]))[:, 1]
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


def choose_recall_threshold(scores, labels, langs, lexicons, recall: float) -> float:
    """The highest threshold (6 decimals) at which at least ``recall`` of the positives of every language in
    ``langs`` are flagged by the classifier (at that threshold) or the ``lexicons``."""
    import numpy as np  # training only

    scores, labels, lexicons = np.asarray(scores), np.asarray(labels, dtype=bool), np.asarray(lexicons, dtype=bool)
    langs, highest = np.asarray(langs), 1.0
    for lang in sorted(set(langs[labels])):
        positives = labels & (langs == lang)
        missable = math.floor((1 - recall) * positives.sum() + 1e-9)
        left = np.sort(scores[positives & ~lexicons])
        if missable < len(left):
            highest = min(highest, float(left[missable]))
    return math.floor(highest * 1e6) / 1e6


def choose_policy_threshold(scores, policy, lexicons, share: float) -> float:
    """The lowest threshold (6 decimals) at which at most ``share`` of the ``policy`` rows are flagged by
    the classifier (at that threshold) or the ``lexicons``."""
    import numpy as np  # training only

    scores, policy, lexicons = np.asarray(scores), np.asarray(policy, dtype=bool), np.asarray(lexicons, dtype=bool)
    if not policy.any():
        return 0.0
    allowed = math.floor(share * policy.sum()) - int((policy & lexicons).sum())
    free = np.sort(scores[policy & ~lexicons])[::-1]
    if allowed < 0:
        return 1.0
    if allowed >= len(free):
        return 0.0
    return math.floor(float(free[allowed]) * 1e6 + 1) / 1e6


def train(rows: list[Row], vectors=None, source: str = "", false_alarms: dict[str, float] | None = None,
          policy_talk: float = POLICY_TALK_SHARE, flag_recall: float = FLAG_RECALL) -> dict:  # fmt: skip
    """The classifier document for the training rows of ``rows`` (vectors encoded here unless given)."""
    import numpy as np  # training only

    rows = [row for row in rows if not row.held_out]
    false_alarms = FALSE_ALARM_SHARE | (false_alarms or {})
    if vectors is None:
        vectors = sentence_encoder.encode([row.text for row in rows])
    vectors = np.asarray(vectors, dtype=np.float64)
    policy = policy_rows(rows)
    # What the lexicons flag already: the flag is the two layers' union, and so is its policy talk.
    lexicons = np.array([bool(set(screen(row.text, row.lang).flags) & set(HEADS)) for row in rows])
    means = centres(rows, vectors)
    grams = ngram_matrix([row.text for row in rows], **NGRAMS)
    heads, checked = {}, {}
    for head in HEADS:
        labels = np.array([row.labels[head] for row in rows])
        scores = out_of_fold(rows, vectors, head)
        talk = np.asarray(policy) & ~labels
        # Rounded down: rounding up could leave the lowest-scored positive below its threshold.
        every = math.floor(choose_threshold(scores, labels) * 1e6) / 1e6
        watch = every
        if head in false_alarms:
            flag = choose_flag_threshold(scores, labels, false_alarms[head])
        else:
            langs = [row.lang for row in rows]
            flag = max(choose_recall_threshold(scores, labels, langs, lexicons, flag_recall),
                       choose_policy_threshold(scores, talk, lexicons, policy_talk))  # fmt: skip
        threshold = max(every, flag)
        _, model = _fit(rows, vectors, labels, grams if head in NGRAM_HEADS else None)
        weights = model.coef_[0]
        heads[head] = {
            "bias": round(float(model.intercept_[0]), 6),
            "threshold": threshold,
            "watch": watch,
            "weights": [round(float(w), 6) for w in weights[: vectors.shape[1]]],
        }
        if head in NGRAM_HEADS:
            heads[head]["ngram_weights"] = [round(float(w), 6) for w in weights[vectors.shape[1] :]]
        if head in TALK_HEADS and len({row.category in TALK_CATEGORIES for row in rows}) == 2:
            _, talk_model = _fit_talk(rows, vectors)
            heads[head]["talk_bias"] = round(float(talk_model.intercept_[0]), 6)
            heads[head]["talk_weights"] = [round(float(w), 6) for w in talk_model.coef_[0]]
            heads[head]["talk_floor"] = TALK_FLOOR
        checked[head] = {
            "positives": int(labels.sum()),
            "recall_at_watch": round(float((scores[labels] >= watch).mean()), 4),
            "recall": round(float((scores[labels] >= threshold).mean()), 4),
            "negatives_flagged": round(float((scores[~labels] >= threshold).mean()), 4) if (~labels).any() else None,
            "negatives_watched": round(float((scores[~labels] >= watch).mean()), 4) if (~labels).any() else None,
            "policy_flagged": round(float((scores[talk] >= threshold).mean()), 4) if talk.any() else None,
            "policy_flagged_with_lexicons": (round(float(((scores >= threshold) | lexicons)[talk].mean()), 4)
                                             if talk.any() else None),
        }  # fmt: skip
    return {
        "version": model_version(heads, means, NGRAMS),
        "centres": means,
        "ngrams": NGRAMS,
        "encoder": sentence_encoder.MODEL_NAME,
        "method": {"model": "logistic regression (scikit-learn, lbfgs) over the centred vector and hashed n-grams",
                   "C": REGULARISATION, "class_weight": "balanced", "hard_negative_weight": HARD_NEGATIVE_WEIGHT,
                   "hard_negatives": list(HARD_NEGATIVES), "centred": "per language",
                   "folds": f"{FOLDS} grouped", "seed": SEED, "false_alarm_share": dict(sorted(false_alarms.items())),
                   "policy_talk_share": policy_talk, "flag_recall": flag_recall,
                   "ngram_heads": list(NGRAM_HEADS), "talk_heads": list(TALK_HEADS),
                   "talk_categories": list(TALK_CATEGORIES), "talk_floor": TALK_FLOOR},
        "trained_on": {"corpus": source, "rows": len(rows), "sha256": fingerprint(rows),
                       "polis": sorted({row.group.split(":")[1] for row in rows if row.group.startswith("polis:")}),
                       "polis_rows": sum(1 for row in rows if row.group.startswith("polis:"))},
        "cross_validated": checked,
        "heads": heads,
    }  # fmt: skip


def write(document: dict, path: Path) -> None:
    """Sorted keys, a weight per line: a retrained model's diff shows what moved."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1) + "\n", encoding="utf-8")
