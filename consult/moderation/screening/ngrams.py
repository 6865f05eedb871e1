"""Character n-grams of a text, hashed into a fixed number of buckets: the classifier's second features.

The sentence vector says what a text is about; it says less about how it is written. A child's "the
teacher hits us with the stick" and a policy line "teachers who hit pupils should be sacked" sit close
together in it. Pieces of words (``" hit"``, ``"us "``, ``"me "``, ``"يضربن"``, ``"我爸"``) tell who does what to
whom, in every script and through misspellings, and need no word list. Each text's n-grams of 2 to 4
characters (inside words, with a space at each end) are hashed with CRC-32 into ``2**bits`` buckets,
counted as 1 + log(count) and normalised to length 1. CRC-32 is fixed across processes and Python
versions, unlike ``hash()``, so the weights trained on one machine read the same buckets on another.
Pure Python: a few hundred n-grams a text cost well under a millisecond.
"""

from __future__ import annotations

import math
import re
import unicodedata
import zlib

_WORD_RE = re.compile(r"\w+")


def ngram_features(text: str, bits: int, shortest: int = 2, longest: int = 4) -> dict[int, float]:
    """The text's hashed n-grams: bucket -> weight, the weights of length 1 (empty for a text without words)."""
    buckets = (1 << bits) - 1
    counts: dict[int, int] = {}
    for word in _WORD_RE.findall(unicodedata.normalize("NFKC", text).casefold()):
        padded = f" {word} "
        for size in range(shortest, longest + 1):
            for start in range(max(1, len(padded) - size + 1)):
                bucket = zlib.crc32(padded[start : start + size].encode("utf-8")) & buckets
                counts[bucket] = counts.get(bucket, 0) + 1
    weights = {bucket: 1.0 + math.log(count) for bucket, count in counts.items()}
    norm = math.sqrt(sum(weight * weight for weight in weights.values())) or 1.0
    return {bucket: weight / norm for bucket, weight in weights.items()}


def ngram_matrix(texts: list[str], bits: int, shortest: int = 2, longest: int = 4):
    """The hashed n-grams of ``texts`` as a sparse matrix (rows: texts; columns: ``2**bits`` buckets)."""
    from scipy.sparse import csr_matrix  # training and evaluation only

    data, columns, starts = [], [], [0]
    for text in texts:
        features = ngram_features(text, bits, shortest, longest)
        columns += list(features)
        data += list(features.values())
        starts.append(len(columns))
    return csr_matrix((data, columns, starts), shape=(len(texts), 1 << bits))
