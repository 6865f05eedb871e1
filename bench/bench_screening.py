"""Screening throughput per worker process, both layers, in batches: ``.venv/bin/python bench/bench_screening.py``.

Each process screens its own share of real comments (the Pol.is exports in ``../shared/data/polis``, or
``$CONSULT_SHARED_DIR/data/polis``, then the screening corpus) as the job worker does, minus the database:
in batches of ``--batch`` (the worker's SCREENING_BATCH), language detection, the lexicons, one sentence
vector per text and the classifier (``screen_batch``), after a warm-up batch that loads the encoder. The
encoder's per-process memory of recent texts is emptied before each timed pass, so every text is encoded.

In one process it also times each part alone (the lexicons, the encoder, the classifier), then runs 1 and
``--processes`` processes at once and reports the rate of each and in total. With ``--json``, one object.
The figures depend on what else the machine runs: compare the rows of one run, not runs with each other.
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import statistics
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
POLIS = Path(os.environ.get("CONSULT_SHARED_DIR", PROJECT.parent / "shared")) / "data" / "polis"
if not POLIS.is_dir():
    POLIS = Path("/work/shared/data/polis")
CORPUS = PROJECT / "tests" / "data" / "screening_corpus.jsonl"


def texts_to_screen(count: int) -> list[str]:
    bodies = []
    for path in sorted(POLIS.glob("*.comments.csv")):
        with path.open(newline="", encoding="utf-8") as file:
            bodies += [row["comment-body"] for row in csv.DictReader(file) if row.get("comment-body")]
    bodies += [json.loads(line)["text"] for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    bodies = list(dict.fromkeys(bodies))  # distinct texts: the encoder's memory must not help
    if len(bodies) < count:
        raise SystemExit(f"only {len(bodies)} distinct texts found (in {POLIS} and {CORPUS}); ask for fewer")
    return bodies[:count]


def _forget() -> None:
    from consult import sentence_encoder

    sentence_encoder._remembered.clear()


def screen_all(texts: list[str], batch: int) -> float:
    """Seconds to screen ``texts`` in batches, as the worker does (language, both layers)."""
    from consult import languages
    from consult.moderation.screening import screen_batch

    _forget()
    started = time.perf_counter()
    for start in range(0, len(texts), batch):
        chunk = texts[start : start + batch]
        screen_batch(chunk, [languages.detect(text).language for text in chunk])
    return time.perf_counter() - started


def parts(texts: list[str], batch: int) -> dict[str, float]:
    """Texts per second of each part alone, in this process."""
    from consult import sentence_encoder
    from consult.moderation.screening import screen
    from consult.moderation.screening.classifier import shipped

    started = time.perf_counter()
    for text in texts:
        screen(text)
    lexicons = len(texts) / (time.perf_counter() - started)
    _forget()
    started = time.perf_counter()
    vectors = [sentence_encoder.encode(texts[s : s + batch]) for s in range(0, len(texts), batch)]
    encoder = len(texts) / (time.perf_counter() - started)
    started = time.perf_counter()
    for start, matrix in zip(range(0, len(texts), batch), vectors, strict=True):
        shipped().scores(matrix, None, texts[start : start + batch])
    classifier = len(texts) / (time.perf_counter() - started)
    return {"lexicons": round(lexicons), "encoder": round(encoder), "classifier": round(classifier)}


def _worker(texts: list[str], batch: int, ready, go, results) -> None:
    screen_all(texts[:batch], batch)  # warm-up: the encoder, the lexicons, the classifier's weights
    ready.wait()
    go.wait()
    results.put(len(texts) / screen_all(texts, batch))


def in_processes(texts: list[str], processes: int, batch: int) -> list[float]:
    """Answers per second of each of ``processes`` processes screening at the same time, each its own share."""
    context = multiprocessing.get_context("spawn")
    ready, go, results = context.Barrier(processes + 1), context.Event(), context.Queue()
    share = len(texts) // processes
    workers = [context.Process(target=_worker, args=(texts[i * share : (i + 1) * share], batch, ready, go, results))
               for i in range(processes)]  # fmt: skip
    for worker in workers:
        worker.start()
    ready.wait()
    go.set()
    rates = [results.get() for _ in workers]
    for worker in workers:
        worker.join()
    return sorted(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=1200, help="texts per process (default 1200)")
    parser.add_argument("--batch", type=int, default=200, help="texts per batch (default 200, SCREENING_BATCH)")
    parser.add_argument("--processes", type=int, default=2, help="processes at once for the scaling row")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of 1 and N processes")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    texts = texts_to_screen(args.texts * args.processes)
    screen_all(texts[: args.batch], args.batch)  # warm-up in this process, for the parts
    alone = parts(texts[: args.texts], args.batch)
    one, many = [], []
    for _ in range(args.rounds):  # alternating, so that a change in the machine's load hits both
        one.append(in_processes(texts[: args.texts], 1, args.batch)[0])
        many.append(in_processes(texts, args.processes, args.batch))
    totals = [sum(rates) for rates in many]
    figures = {
        "texts_per_process": args.texts,
        "batch": args.batch,
        "encoder_threads": int(os.environ.get("CONSULT_ENCODER_THREADS", "1")),
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "parts_per_s": alone,
        "one_process_per_s": round(statistics.median(one), 1),
        f"{args.processes}_processes_total_per_s": round(statistics.median(totals), 1),
        f"{args.processes}_processes_slowest_per_s": round(statistics.median(min(r) for r in many), 1),
        "scaling": round(statistics.median(totals) / statistics.median(one), 2),
        "rounds": args.rounds,
    }
    if args.json:
        print(json.dumps(figures))
        return
    print(f"{args.texts} distinct texts per process, batches of {args.batch}, {os.cpu_count()} CPUs, "
          f"load average {figures['load_average']} (a shared machine: compare rows of one run)")  # fmt: skip
    print("each part alone, one process: " + ", ".join(f"{k} {v:,}/s" for k, v in alone.items()))
    print(f"both layers, 1 process:  {figures['one_process_per_s']:,} answers/s (median of {args.rounds})")
    print(f"both layers, {args.processes} processes: {figures[f'{args.processes}_processes_total_per_s']:,} answers/s "
          f"in total, the slowest {figures[f'{args.processes}_processes_slowest_per_s']:,}/s; "
          f"scaling x{figures['scaling']}")  # fmt: skip


if __name__ == "__main__":
    main()
