"""Summary time and peak memory for 1,000, 10,000 and 100,000 approved responses, vectors already stored.

    .venv/bin/python bench/bench_summaries.py [--sizes 1000 10000 100000] [--workdir DIR]

Responses are real Pol.is statements from ../shared/data/polis/ (CC BY 4.0, The Computational
Democracy Project), sampled and recombined (a statement, sometimes followed by a clause of another).
Each size gets its own SQLite file in the work folder (kept, so a second run skips the one-off work):
1. import: the responses are inserted as approved answers to one question of a closed consultation;
2. vectorise (one-off, reported separately): `vectorise()` computes and stores every vector;
3. summarise: in a fresh process, `generate_summary()` on stored vectors; wall time, and the peak
   resident memory of that whole process (Linux VmHWM).
Figures, not a timed test.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

POLIS = PROJECT.parent / "shared" / "data" / "polis"
COUNTRIES = ("KE", "NG", "EG", "BR", "US", "CN", "IN", "RU", "KZ", "FR", "DE", "SA", "MX", "ID", "UA")
BANDS = ("13-15", "16-17", "18-24")


def _config(url: str) -> dict:
    return {
        "ENV": "testing",
        "DATABASE_URL": url,
        "SECRET_KEY": "bench",
        "DEMO_LOGINS_FILE": os.path.join(tempfile.gettempdir(), "consult-bench-demo-logins.txt"),
    }


def statements() -> list[str]:
    found = []
    for path in sorted(POLIS.glob("*.comments.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            found.extend(row["comment-body"].strip() for row in csv.DictReader(handle) if row["comment-body"].strip())
    return found


def recombined(n: int, seed: int = 20261128) -> list[str]:
    """n texts from real statements: each one as said, or with a clause of another appended."""
    rng = random.Random(seed)
    base = statements()
    texts = []
    for i in range(n):
        text = base[i % len(base)] if i < len(base) else rng.choice(base)
        if i >= len(base):
            other = rng.choice(base)
            clause = other.split(".")[0].split(",")[0][:120]
            text = f"{text} {clause}" if rng.random() < 0.7 else f"{clause}. {text}"
        texts.append(text[:1000])
    return texts


def build(path: Path, n: int) -> str:
    """A database with one closed consultation and n approved responses; returns its slug."""
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from consult import create_app
    from consult.extensions import db
    from consult.models import Consultation, ConsultationStatus, Question, Submission, SubmissionStatus, User

    app = create_app(_config(f"sqlite:///{path}"))
    with app.app_context():
        upgrade()
        if db.session.query(Consultation).filter_by(slug="bench").first():
            return "bench"
        now = datetime.now(UTC)
        consultation = Consultation(
            slug="bench", title="Benchmark consultation", opens_at=now - timedelta(days=2),
            closes_at=now - timedelta(days=1), status=ConsultationStatus.PUBLISHED,
        )  # fmt: skip
        consultation.questions = [Question(position=1, prompt="What would make the internet safer for you?")]
        db.session.add(consultation)
        authors = [
            User(pseudonym=f"Bench {i}", pseudonym_key=f"bench {i}", country=COUNTRIES[i % len(COUNTRIES)],
                 age_band=BANDS[i % len(BANDS)])
            for i in range(max(1, n // 3))
        ]  # fmt: skip
        db.session.add_all(authors)
        db.session.flush()
        question_id = consultation.questions[0].id
        rows = []
        for i, text in enumerate(recombined(n)):
            author = authors[i % len(authors)]
            rows.append({
                "question_id": question_id, "author_id": author.id, "body": text, "published_text": text,
                "language": "zh" if any("\u4e00" <= c <= "\u9fff" for c in text[:20]) else "en",
                "status": SubmissionStatus.APPROVED.value, "age_band": author.age_band, "country": author.country,
                "created_at": now - timedelta(days=1, seconds=n - i), "decided_at": now - timedelta(hours=12),
            })  # fmt: skip
            if len(rows) == 10_000:
                db.session.execute(insert(Submission), rows)
                rows = []
        if rows:
            db.session.execute(insert(Submission), rows)
        db.session.commit()
    return "bench"


def vectorise(path: Path) -> tuple[int, float]:
    from consult import create_app
    from consult.extensions import db
    from consult.summaries.generation import missing_vectors
    from consult.summaries.generation import vectorise as compute
    from consult.summaries.versions import consultation_by_slug

    app = create_app(_config(f"sqlite:///{path}"))
    with app.app_context():
        consultation = consultation_by_slug("bench")
        started = time.perf_counter()
        missing = missing_vectors(consultation)
        done = compute(consultation, None, missing)
        db.session.commit()
        return done, time.perf_counter() - started


def _reset_peak_memory() -> None:
    """Start the peak-memory count afresh (Linux), so the process's start-up does not count twice."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _peak_memory_mb() -> float:
    """The process's peak resident memory since the last reset, in MB (the whole process, not a delta)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def summarise(path: Path) -> dict:
    """Run in a fresh process: the summary's own time and peak memory."""
    from consult import create_app
    from consult.extensions import db
    from consult.summaries.generation import generate_summary
    from consult.summaries.versions import consultation_by_slug

    app = create_app(_config(f"sqlite:///{path}"))
    with app.app_context():
        consultation = consultation_by_slug("bench")
        _reset_peak_memory()
        started = time.perf_counter()
        summary = generate_summary(consultation, None)
        db.session.commit()
        elapsed = time.perf_counter() - started
        themes = summary.content["questions"][0]["themes"]
        return {
            "seconds": elapsed,
            "peak_rss_mb": _peak_memory_mb(),
            "themes": len(themes),
            "responses": summary.parameters["responses_used"],
            "largest": [t["label"] for t in themes[:3]],
        }


def _step(step: str, path: Path, n: int) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--step", step, "--db", str(path), "--n", str(n)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "consult-bench-summaries")
    parser.add_argument("--step", choices=["prepare", "summarise"], help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step == "prepare":
        started = time.perf_counter()
        build(args.db, args.n)
        built = time.perf_counter() - started
        done, seconds = vectorise(args.db)
        print(json.dumps({"built": built, "vectorised": done, "vector_seconds": seconds}))
        return
    if args.step == "summarise":
        print(json.dumps(summarise(args.db)))
        return

    args.workdir.mkdir(parents=True, exist_ok=True)
    print(f"{len(statements())} real Pol.is statements, recombined; one question; SQLite files in {args.workdir}")
    print(f"{'responses':>10} {'vectorise (one-off)':>22} {'summary':>9} {'peak RSS':>9}  themes")
    for n in args.sizes:
        path = args.workdir / f"summaries-{n}.db"
        # Each step in a process of its own: the encoder loaded to vectorise must not count for the summary.
        prepared = _step("prepare", path, n)
        built, done, vector_seconds = prepared["built"], prepared["vectorised"], prepared["vector_seconds"]
        vectorised = f"{done} in {vector_seconds:.1f} s" if done else "stored already"
        figures = _step("summarise", path, n)
        print(
            f"{n:>10,} {vectorised:>22} {figures['seconds']:>7.2f} s {figures['peak_rss_mb']:>6.0f} MB  "
            f"{figures['themes']} (largest: {'; '.join(figures['largest'])}) [import {built:.1f} s]",
            flush=True,
        )


if __name__ == "__main__":
    main()
