"""Throughput of the intake screening on real comments: ``.venv/bin/python bench/bench_screening.py``.

Screens every comment body of the Pol.is exports in ``../shared/data/polis`` (or
``$CONSULT_SHARED_DIR/data/polis``) on one core, a few times over, and prints the best
rate in texts per second, after a first pass that compiles the patterns.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import time
from pathlib import Path

from consult.moderation.screening import screen

PROJECT = Path(__file__).resolve().parents[1]
POLIS = Path(os.environ.get("CONSULT_SHARED_DIR", PROJECT.parent / "shared")) / "data" / "polis"


def comment_bodies(folder: Path) -> list[str]:
    bodies = []
    for path in sorted(folder.glob("*.comments.csv")):
        with path.open(newline="", encoding="utf-8") as file:
            bodies += [row["comment-body"] for row in csv.DictReader(file) if row.get("comment-body")]
    return bodies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed passes over all comments (default 5)")
    args = parser.parse_args()

    texts = comment_bodies(POLIS)
    if not texts:
        raise SystemExit(f"no comment bodies found in {POLIS}")
    started = time.perf_counter()
    flagged = sum(bool(screen(text).flags) for text in texts)
    first = time.perf_counter() - started

    rates = []
    for _ in range(args.rounds):
        started = time.perf_counter()
        for text in texts:
            screen(text)
        rates.append(len(texts) / (time.perf_counter() - started))

    characters = sum(map(len, texts))
    print(f"{len(texts)} comments ({characters / len(texts):.0f} characters on average) from {POLIS}")
    print(f"first pass, compiling the patterns: {first:.2f} s; {flagged} comments flagged")
    print(f"screen(): {max(rates):,.0f} texts/second (best of {args.rounds}; median {statistics.median(rates):,.0f})")


if __name__ == "__main__":
    main()
