"""Themes: responses grouped by meaning, with a label, keywords, quotes and every member's id.

Grouping: the sentence vectors (one model for six languages, so the same idea said in two languages
lies close) are centred on their mean, which leaves what answers to one question have in common out;
past NODES responses they are first gathered into NODES micro-clusters by k-means (the mean of each
is then one node), so nothing below costs more than NODES² however many responses there are. The
nodes are grouped by spectral clustering of their nearest-neighbour graph on cosine similarity: a
theme is a region where answers follow one another closely, which a single centre (k-means) misses
when ideas lie along a curve. Numpy only, deterministic: a fixed seed, ties broken by id.
Labels are phrases a participant wrote (see ``keywords.key_phrase``), one per language the theme holds.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from threadpoolctl import threadpool_limits

from .. import languages as language_table
from .keywords import Tokeniser, key_phrase, theme_terms, top_keywords

MIN_THEMES, MAX_THEMES = 2, 12
MAX_THEMES_OVERRIDE = 30
SEED = 20261128
N_INIT = 10  # k-means starts on the spectral embedding (cheap: at most NODES rows of k numbers)
NODES = 400  # past this many responses, micro-clusters are the graph's nodes
NEIGHBOURS = 8  # edges per node in the similarity graph
MICRO_SAMPLE, MICRO_ROUNDS = 8000, 8  # responses the micro-clusters are found on, and k-means rounds
EIGEN_ROUNDS, PCA_ROUNDS = 200, 8  # subspace iterations: the graph's eigenvectors, the PCA's directions
PCA_FROM, PCA_DIMENSIONS = 2000, 64
KEYWORD_SAMPLE = 300  # members per theme read for its keywords (and the labels' weights)
QUOTE_SIMILARITY_LIMIT = 0.85  # quotes at least this different from each other (cosine)
SAME_LANGUAGE, SAME_REGION = 0.06, 0.03  # how much closeness to the centre a repeated language or region costs
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
    labels: dict[str, str] = field(default_factory=dict)  # language -> phrase, for each language it holds
    keywords_by_language: dict[str, list[str]] = field(default_factory=dict)
    language: str = ""  # the language of ``label``


def theme_count(n: int, override: int | None = None) -> int:
    """How many themes for n responses: the secretariat's choice, else a bounded rule of thumb."""
    if n == 0:
        return 0
    if override:
        return max(1, min(override, n, MAX_THEMES_OVERRIDE))
    if n < 2 * MIN_THEMES:
        return 1
    # Rather too many themes than too few: the secretariat can merge two themes, not split one.
    return max(MIN_THEMES, min(MAX_THEMES, round(math.sqrt(n))))


def quote_count(size: int) -> int:
    return 2 if size < 10 else 3 if size < 50 else 5


def _unit(matrix):
    import numpy as np

    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def _kmeans(data, k: int, rng, weights=None, rounds: int = 30, starts: int = 1):
    """Spherical k-means (cosine) with k-means++ starts: (labels, unit centres) of the best start."""
    import numpy as np

    n = data.shape[0]
    weights = np.ones(n) if weights is None else weights
    best = None
    for _ in range(starts):
        centres = [data[rng.choice(n, p=weights / weights.sum())]]
        distance = np.maximum(0, 1 - data @ centres[0])
        for _ in range(k - 1):
            p = distance * weights
            pick = rng.choice(n, p=p / p.sum()) if p.sum() > 0 else int(rng.integers(n))
            centres.append(data[pick])
            distance = np.minimum(distance, np.maximum(0, 1 - data @ data[pick]))
        centres = np.array(centres)
        for _ in range(rounds):
            labels = np.argmax(data @ centres.T, axis=1)
            sums = _sums(data * weights[:, None], labels, k)
            empty = ~sums.any(axis=1)
            sums[empty] = centres[empty]
            moved = _unit(sums)
            if np.allclose(moved, centres, atol=1e-6):
                break
            centres = moved
        labels = np.argmax(data @ centres.T, axis=1)
        fit = float((weights * np.einsum("ij,ij->i", data, centres[labels])).sum())
        if best is None or fit > best[0]:
            best = (fit, labels, centres)
    return best[1], best[2]


def _sums(rows, labels, k: int):
    """The sum of the rows of each label (np.add.at is ten times slower)."""
    import numpy as np

    order = np.argsort(labels, kind="stable")
    counts = np.bincount(labels, minlength=k)
    sums = np.zeros((k, rows.shape[1]), dtype=rows.dtype)
    present = counts > 0
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))[present]
    sums[present] = np.add.reduceat(rows[order], starts, axis=0)
    return sums


def _main_eigenvectors(matrix, k: int, rng, rounds: int = EIGEN_ROUNDS):
    """The k eigenvectors of largest eigenvalue of a symmetric positive semi-definite matrix.

    Subspace iteration, so that only matrix products run: a full eigendecomposition (LAPACK) of a few
    hundred rows takes seconds when the machine's cores are busy with other work.
    """
    import numpy as np

    basis, _ = np.linalg.qr(rng.normal(size=(matrix.shape[0], k)))
    for _ in range(rounds):
        moved, _ = np.linalg.qr(matrix @ basis)
        # Converged when the new basis spans the old one (each old vector is kept whole).
        if np.linalg.norm(moved.T @ basis, axis=0).min() > 1 - 1e-6:
            return moved
        basis = moved
    return basis


def _reduce(data, mean, rng):
    """The centred vectors on their PCA_DIMENSIONS main directions (from a seeded sample's covariance)."""
    sample = data[rng.choice(data.shape[0], min(data.shape[0], MICRO_SAMPLE), replace=False)] - mean
    # A few rounds find the main directions well enough to keep the grouping (a randomised PCA).
    directions = _main_eigenvectors(sample.T @ sample, PCA_DIMENSIONS, rng, PCA_ROUNDS).astype(data.dtype)
    return data @ directions - mean @ directions


def _spectral(nodes, weights, k: int, rng):
    """Theme of each node: k-means on the main eigenvectors of the normalised nearest-neighbour graph."""
    import numpy as np

    m = nodes.shape[0]
    similarity = nodes @ nodes.T
    np.fill_diagonal(similarity, -np.inf)
    near = min(NEIGHBOURS, m - 1)
    neighbours = np.argpartition(-similarity, near - 1, axis=1)[:, :near]
    rows = np.repeat(np.arange(m), near)
    graph = np.zeros((m, m))
    graph[rows, neighbours.ravel()] = np.maximum(similarity[rows, neighbours.ravel()], 1e-3)
    graph = np.maximum(graph, graph.T)
    degree = graph.sum(axis=1)
    scale = 1 / np.sqrt(np.where(degree == 0, 1, degree))
    # Shifted by the identity: the normalised graph's eigenvalues lie in [-1, 1], its main ones near 1.
    embedding = _unit(_main_eigenvectors(scale[:, None] * graph * scale[None, :] + np.eye(m), k, rng))
    labels, _centres = _kmeans(embedding, k, rng, weights=weights, starts=N_INIT)
    return labels


def cluster(vectors, k: int) -> list[int]:
    """Theme numbers for each row of ``vectors`` (unit vectors), largest theme first."""
    import numpy as np

    n = vectors.shape[0]
    if k <= 1 or n <= 1:
        return [0] * n
    rng = np.random.default_rng(SEED)
    data = np.asarray(vectors, dtype=np.float32)
    mean = data.mean(axis=0)
    # Centred after the projection where there is one: no second copy of 100,000 rows of 512 numbers.
    data = _reduce(data, mean, rng) if n > PCA_FROM else data - mean
    data = _unit(data)
    if n <= NODES:
        nodes, weights, of_node = data.astype(np.float64), np.ones(n), np.arange(n)
    else:
        sample = data[np.sort(rng.choice(n, min(n, MICRO_SAMPLE), replace=False))]
        _labels, centres = _kmeans(sample, NODES, rng, rounds=MICRO_ROUNDS)
        of_node = np.argmax(data @ centres.T, axis=1)
        weights = np.bincount(of_node, minlength=NODES).astype(np.float64)
        sums = _sums(data, of_node, NODES).astype(np.float64)
        kept = np.flatnonzero(weights)
        renumber = np.full(NODES, -1)
        renumber[kept] = np.arange(kept.size)
        nodes, weights, of_node = _unit(sums[kept]), weights[kept], renumber[of_node]
    k = min(k, nodes.shape[0])
    labels = _spectral(nodes, weights, k, rng)[of_node] if k > 1 else np.zeros(n, dtype=int)
    # Renumber: largest first, then by the first member, so the order never depends on the seed's labels.
    first = {}
    for i, label in enumerate(labels.tolist()):
        first.setdefault(label, i)
    sizes = np.bincount(labels, minlength=k)
    order = sorted(first, key=lambda label: (-sizes[label], first[label]))
    renumber = {label: new for new, label in enumerate(order)}
    return [renumber[label] for label in labels.tolist()]


def choose_quotes(ids: Sequence[int], texts: Sequence[str], vectors, wanted: int,
                  languages: Sequence[str] | None = None,
                  regions: Sequence[str] | None = None) -> tuple[list[int], list[int]]:  # fmt: skip
    """Representative and mutually different members: near the theme's centre, none too alike, and drawn
    from as many languages and regions as the theme holds (a repeated one counts as a little farther)."""
    import numpy as np

    centre = vectors.mean(axis=0)
    norm = np.linalg.norm(centre)
    scores = vectors @ (centre / norm if norm else centre)
    order = sorted(range(len(ids)), key=lambda i: (-round(float(scores[i]), 6), ids[i]))
    # Very short answers say little out of context; prefer those of a readable length.
    readable = [i for i in order if 20 <= len(texts[i]) <= 500] or order
    language_of = languages or [""] * len(ids)
    region_of = regions or [""] * len(ids)
    chosen: list[int] = []
    seen_texts: set[str] = set()
    for limit in (QUOTE_SIMILARITY_LIMIT, 0.97, 1.01):
        while len(chosen) < wanted:
            used_languages = Counter(language_of[j] for j in chosen)
            used_regions = Counter(region_of[j] for j in chosen)
            best, best_score = None, -math.inf
            for i in readable[: 20 * wanted]:
                key = " ".join(texts[i].casefold().split())
                if i in chosen or key in seen_texts or any(float(vectors[i] @ vectors[j]) >= limit for j in chosen):
                    continue
                score = (float(scores[i]) - SAME_LANGUAGE * used_languages[language_of[i]]
                         - SAME_REGION * used_regions[region_of[i]])  # fmt: skip
                if score > best_score:
                    best, best_score = i, score
            if best is None:
                break
            chosen.append(best)
            seen_texts.add(" ".join(texts[best].casefold().split()))
        if len(chosen) >= min(wanted, 2):
            break
    candidates = [ids[i] for i in readable if i not in chosen][:CANDIDATES]
    return [ids[i] for i in chosen], candidates


def _label_language(counts: Counter, preferred: str | None) -> str:
    """The label's language: the consultation's own when the theme holds answers in it, else its commonest."""
    if preferred and counts.get(preferred):
        return preferred
    order = {code: n for n, code in enumerate(language_table.codes())}
    return min(counts, key=lambda code: (-counts[code], order.get(code, len(order)), code))


def build_themes(ids: Sequence[int], texts: Sequence[str], languages: Sequence[str], vectors,
                 k_override: int | None = None, *, regions: Sequence[str] | None = None,
                 language: str | None = None) -> tuple[list[Theme], int]:  # fmt: skip
    """Group one question's approved responses (ids ascending) into themes; ``language``: the document's."""

    k = theme_count(len(ids), k_override)
    if k == 0:
        return [], 0
    # One BLAS thread: the matrices here are small, and on a machine whose cores are busy (a web server
    # beside the worker) BLAS threads that wait on each other made a factorisation 100 times slower.
    with threadpool_limits(limits=1, user_api="blas"):
        return _build_themes(ids, texts, languages, vectors, k, regions, language)


def _build_themes(ids, texts, languages, vectors, k, regions, language) -> tuple[list[Theme], int]:
    import numpy as np  # numpy only in the job worker (summaries), never when the web app starts

    labels = cluster(vectors, k)
    k = max(labels) + 1
    members: list[list[int]] = [[] for _ in range(k)]
    for i, label in enumerate(labels):
        members[label].append(i)
    # Keywords from at most KEYWORD_SAMPLE members of each theme (a seeded sample, in id order), one
    # language at a time: a keyword is ranked against the other themes' answers in its own language.
    rng = np.random.default_rng(SEED)
    read = sorted(
        i
        for rows in members
        for i in (rows if len(rows) <= KEYWORD_SAMPLE else rng.choice(rows, KEYWORD_SAMPLE, replace=False).tolist())
    )
    tokeniser = Tokeniser()
    by_language: dict[str, list[int]] = {}
    for i in read:
        by_language.setdefault(languages[i], []).append(i)
    weights: dict[str, list[dict[str, float]]] = {}
    forms: dict[str, list] = {}
    for code, rows in by_language.items():
        documents = [tokeniser.terms(texts[i], code) for i in rows]
        weights[code], forms[code] = theme_terms(documents, [labels[i] for i in rows], k)
    themes = []
    for label in range(k):
        rows = members[label]
        theme_vectors = vectors[np.array(rows)]
        quotes, candidates = choose_quotes(
            [ids[i] for i in rows], [texts[i] for i in rows], theme_vectors, quote_count(len(rows)),
            [languages[i] for i in rows], [regions[i] for i in rows] if regions else None,
        )  # fmt: skip
        centre = theme_vectors.mean(axis=0)
        closeness = theme_vectors @ centre
        counts = Counter(languages[i] for i in rows)
        phrases, keywords = {}, {}
        for code in sorted(counts):
            scores = weights.get(code, [{}] * k)[label]
            keywords[code] = top_keywords(scores, forms[code][label]) if code in forms else []
            # The most representative answer in this language, of a readable length where there is one.
            in_language = [n for n, i in enumerate(rows) if languages[i] == code]
            readable = [n for n in in_language if 20 <= len(texts[rows[n]]) <= 500] or in_language
            nearest = max(readable, key=lambda n: (round(float(closeness[n]), 6), -ids[rows[n]]))
            phrases[code] = key_phrase(texts[rows[nearest]], code, scores, tokeniser)
        main = _label_language(counts, language)
        themes.append(
            Theme(
                label=phrases[main],
                keywords=keywords[main] or next((words for words in keywords.values() if words), []),
                members=[ids[i] for i in rows],
                quotes=quotes,
                candidates=candidates,
                labels=phrases,
                keywords_by_language=keywords,
                language=main,
            )
        )
    return themes, k
