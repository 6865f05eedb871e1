"""How often screening raises the safeguarding flag, or watches, on ordinary opinions that are no disclosure.

``.venv/bin/python bench/bench_false_alarms.py [--texts 1500] [--model OLD.json] [--unseen]``

The texts are a seeded random sample of the real Pol.is comments in ``../shared/data/polis`` (adults' opinions
on public policy; see that folder's README for their attribution), screened with both layers in batches as
the job worker does. ``--model`` scores another classifier file (e.g. an earlier version from git) on the same
sample, for a side-by-side comparison. ``--unseen`` samples only the conversations training never reads
(``training.POLIS_CONVERSATIONS`` are read as negatives). It prints the flagged and watched shares and a few
flagged examples.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
POLIS = Path(os.environ.get("CONSULT_SHARED_DIR", PROJECT.parent / "shared")) / "data" / "polis"
if not POLIS.is_dir():
    POLIS = Path("/work/shared/data/polis")


def sample(count: int, unseen: bool = False) -> list[str]:
    from consult.moderation.screening.training import POLIS_CONVERSATIONS

    bodies = []
    for path in sorted(POLIS.glob("*.comments.csv")):
        if unseen and path.name.removesuffix(".comments.csv") in POLIS_CONVERSATIONS:
            continue
        with path.open(newline="", encoding="utf-8") as file:
            bodies += [row["comment-body"] for row in csv.DictReader(file) if row.get("comment-body")]
    random.Random(1).shuffle(bodies)
    return bodies[:count]


def main() -> None:
    from consult.moderation.screening import screen_batch
    from consult.moderation.screening.classifier import from_document, shipped

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=1500)
    parser.add_argument("--model", help="another classifier file to score the same sample with")
    parser.add_argument("--unseen", action="store_true", help="only the conversations training never reads")
    args = parser.parse_args()
    classifier = from_document(json.loads(Path(args.model).read_text())) if args.model else shipped()
    texts = sample(args.texts, args.unseen)
    results = []
    for start in range(0, len(texts), 200):
        batch = texts[start : start + 200]
        results += screen_batch(batch, [None] * len(batch), classifier)
    flagged = [text for text, result in zip(texts, results, strict=True) if "safeguarding" in result.result.flags]
    watched = sum(result.watch for result in results)
    print(json.dumps({"model": classifier.version, "texts": len(texts), "unseen": args.unseen,
                      "safeguarding_flagged": round(len(flagged) / len(texts), 3),
                      "watched": round(watched / len(texts), 3)}))  # fmt: skip
    for text in flagged[:5]:
        print("  flagged:", text[:100])


if __name__ == "__main__":
    main()
