"""Themes: responses grouped by meaning, with keywords, a label, quotes and every member's id.

Deterministic: responses in id order, k-means with a fixed seed, ties broken by id.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from .keywords import Tokeniser, theme_keywords

MIN_THEMES, MAX_THEMES = 2, 12
MAX_THEMES_OVERRIDE = 30
SEED = 20261128
N_INIT = 3
SAMPLE = 8000  # responses the k-means starts are run on; all responses are then refined
REFINE_ROUNDS = 10
PCA_FROM, PCA_DIMENSIONS = 2000, 64
KEYWORD_SAMPLE = 500  # members per theme read for its keywords
QUOTE_SIMILARITY_LIMIT = 0.85  # quotes at least this different from each other (cosine)
CANDIDATES = 12


def theme_share(size: int, total: int) -> float:
    """A theme's share of its question's responses, in percent to one decimal."""
    return round(100 * size / total, 1) if total else 0.0


@dataclass
class Theme:
    label: str
    keywords: list[str]
    members: list[int]  # response ids, ascending
    quotes: list[int]
    candidates: list[int] = field(default_factory=list)  # other representative responses, best first


def theme_count(n: int, override: int | None = None) -> int:
    """How many themes for n responses: the secretariat's choice, else a bounded rule of thumb."""
    if n == 0:
        return 0
    if override:
        return max(1, min(override, n, MAX_THEMES_OVERRIDE))
    if n < 2 * MIN_THEMES:
        return 1
    # Rather too many themes than too few: the secretariat can merge two themes, not split one.
    return max(MIN_THEMES, min(MAX_THEMES, round(math.sqrt(n / 4))))


def quote_count(size: int) -> int:
    return 2 if size < 10 else 3 if size < 50 else 5


def cluster(vectors, k: int) -> list[int]:
    """Theme numbers for each row of ``vectors`` (unit vectors), largest theme first.

    k-means with a fixed seed. Past PCA_FROM responses it runs on the PCA_DIMENSIONS main directions
    of the vectors (PCA, exact), which keeps the grouping and costs an eighth; past
    SAMPLE responses the centres are found on a seeded sample (the several starts are what costs),
    then refined for a few rounds on every response.
    """
    import numpy as np

    n = vectors.shape[0]
    if k <= 1 or n <= 1:
        return [0] * n
    from sklearn.cluster import KMeans

    data = vectors.astype(np.float32, copy=False)
    if n > PCA_FROM:
        from sklearn.decomposition import PCA

        data = PCA(PCA_DIMENSIONS, svd_solver="covariance_eigh").fit_transform(data)
    sample = data
    if n > SAMPLE:
        rows = np.sort(np.random.default_rng(SEED).choice(n, SAMPLE, replace=False))
        sample = data[rows]
    model = KMeans(n_clusters=k, n_init=N_INIT, random_state=SEED, max_iter=100, tol=1e-4).fit(sample)
    if n > SAMPLE:
        model = KMeans(n_clusters=k, init=model.cluster_centers_, n_init=1, max_iter=REFINE_ROUNDS,
                       random_state=SEED).fit(data)  # fmt: skip
    labels = model.labels_
    # Renumber: largest first, then by the first member, so the order never depends on the seed's labels.
    first = {}
    for i, label in enumerate(labels):
        first.setdefault(int(label), i)
    sizes = np.bincount(labels, minlength=k)
    order = sorted(first, key=lambda label: (-sizes[label], first[label]))
    renumber = {label: new for new, label in enumerate(order)}
    return [renumber[int(label)] for label in labels]


def choose_quotes(ids: Sequence[int], texts: Sequence[str], vectors, wanted: int) -> tuple[list[int], list[int]]:
    """Representative and mutually different members: nearest the theme's centre, none too alike."""
    import numpy as np

    centre = vectors.mean(axis=0)
    norm = np.linalg.norm(centre)
    scores = vectors @ (centre / norm if norm else centre)
    order = sorted(range(len(ids)), key=lambda i: (-round(float(scores[i]), 6), ids[i]))
    # Very short answers say little out of context; prefer those of a readable length.
    readable = [i for i in order if 20 <= len(texts[i]) <= 500] or order
    chosen: list[int] = []
    seen_texts: set[str] = set()
    for limit in (QUOTE_SIMILARITY_LIMIT, 0.97, 1.01):
        for i in readable:
            if len(chosen) >= wanted:
                break
            key = " ".join(texts[i].casefold().split())
            if i in chosen or key in seen_texts:
                continue
            if all(float(vectors[i] @ vectors[j]) < limit for j in chosen):
                chosen.append(i)
                seen_texts.add(key)
        if len(chosen) >= min(wanted, 2):
            break
    candidates = [ids[i] for i in readable if i not in chosen][:CANDIDATES]
    return [ids[i] for i in chosen], candidates


def label_from_keywords(keywords: Sequence[str]) -> str:
    if not keywords:
        return ""
    words = list(keywords[:3])
    words[0] = words[0][:1].upper() + words[0][1:]
    return ", ".join(words)


def build_themes(ids: Sequence[int], texts: Sequence[str], languages: Sequence[str], vectors,
                 k_override: int | None = None) -> tuple[list[Theme], int]:  # fmt: skip
    """Group one question's approved responses (ids ascending) into themes."""
    import numpy as np  # numpy only in the job worker (summaries), never when the web app starts

    k = theme_count(len(ids), k_override)
    if k == 0:
        return [], 0
    labels = cluster(vectors, k)
    k = max(labels) + 1
    members: list[list[int]] = [[] for _ in range(k)]
    for i, label in enumerate(labels):
        members[label].append(i)
    # Keywords from at most KEYWORD_SAMPLE members of each theme (a seeded sample, in id order).
    rng = np.random.default_rng(SEED)
    read = sorted(
        i
        for rows in members
        for i in (rows if len(rows) <= KEYWORD_SAMPLE else rng.choice(rows, KEYWORD_SAMPLE, replace=False).tolist())
    )
    tokeniser = Tokeniser()
    documents = [tokeniser.terms(texts[i], languages[i]) for i in read]
    keywords = theme_keywords(documents, [texts[i] for i in read], [labels[i] for i in read], k)
    themes = []
    for label in range(k):
        rows = members[label]
        quotes, candidates = choose_quotes(
            [ids[i] for i in rows], [texts[i] for i in rows], vectors[np.array(rows)], quote_count(len(rows))
        )
        themes.append(
            Theme(
                label=label_from_keywords(keywords[label]),
                keywords=keywords[label],
                members=[ids[i] for i in rows],
                quotes=quotes,
                candidates=candidates,
            )
        )
    return themes, k
