"""Summary time and peak memory for 1,000, 10,000 and 100,000 approved responses, vectors already stored.

    .venv/bin/python bench/bench_summaries.py [--sizes 1000 10000 100000] [--workdir DIR]

Responses are real Pol.is statements from ../shared/data/polis/ (CC BY 4.0, The Computational
Democracy Project), sampled and recombined (a statement, sometimes followed by a clause of another).
Each size gets its own SQLite file in the work folder (kept, so a second run skips the one-off work):
1. import: the responses are inserted as approved answers to one question of a closed consultation;
2. vectorise (one-off, reported separately): `vectorise()` computes and stores every vector;
3. summarise: in a fresh process, `generate_summary()` on stored vectors; wall time, and the peak
   resident memory of that whole process (Linux VmHWM);
4. job: in a fresh process with the numerics loaded (as in a running worker), as the web asks it: the
   request recorded (`ask_generation`, committed), then the `generate_summary` job run to its end
   (vectors found stored, themes, the version committed) —
   the time from the secretariat's click to the version, less the queue's wait (issue 11: 3 s for
   10,000 responses, 20 s for 100,000).
With --before DIR (an older checkout), its own bench file runs the same steps on the same database
files, alternating with this checkout's, and both are printed side by side.
With --synthetic-vectors the one-off step stores seeded random vectors around a few centres instead of
encoding (encoding 100,000 texts takes most of an hour on two cores); the summary's work is the same.
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

# ../shared beside the checkout, or where CONSULT_SHARED_DIR says (a worktree elsewhere, say).
POLIS = Path(os.environ.get("CONSULT_SHARED_DIR", PROJECT.parent / "shared")) / "data" / "polis"
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


def synthetic_vectors(path: Path, seed: int = 20261128) -> tuple[int, float]:
    """Store a unit vector per response, drawn around 12 seeded centres, instead of encoding the texts."""
    import numpy as np
    from sqlalchemy import insert, select

    from consult import create_app
    from consult.extensions import db
    from consult.models import Submission
    from consult.moderation.models import ResponseVector
    from consult.summaries.vectors import DIMENSIONS, MODEL_NAME, text_hash

    app = create_app(_config(f"sqlite:///{path}"))
    with app.app_context():
        started = time.perf_counter()
        stored = set(db.session.scalars(select(ResponseVector.submission_id)))
        rows = [
            (i, t) for i, t in db.session.execute(select(Submission.id, Submission.published_text)) if i not in stored
        ]
        rng = np.random.default_rng(seed)
        centres = rng.normal(size=(12, DIMENSIONS))
        now = datetime.now(UTC)
        for start in range(0, len(rows), 10_000):
            chunk = rows[start : start + 10_000]
            vectors = centres[rng.integers(0, 12, len(chunk))] + rng.normal(scale=1.5, size=(len(chunk), DIMENSIONS))
            vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float16)
            db.session.execute(insert(ResponseVector), [
                {"submission_id": i, "model": MODEL_NAME, "text_hash": text_hash(t), "language": "en",
                 "vector": v.tobytes(), "created_at": now}
                for (i, t), v in zip(chunk, vectors, strict=True)
            ])  # fmt: skip
        db.session.commit()
        return len(rows), time.perf_counter() - started


def as_a_job(path: Path) -> dict:
    """Run in a fresh process: the web's request recorded, then the job that makes the version."""
    from consult import create_app
    from consult.extensions import db
    from consult.jobs import tasks
    from consult.summaries.models import JobState, SummaryJob
    from consult.summaries.versions import consultation_by_slug
    from consult.summaries.work import ask_generation

    app = create_app({**_config(f"sqlite:///{path}"), "JOBS_IMMEDIATE": False,
                      "JOBS_DATABASE": str(path.with_suffix(".jobs.db"))})  # fmt: skip
    # A job worker is long-lived: it has loaded the numerics once, as it started, before this summary
    # was asked for (cold, these imports alone take 2-10 s on this machine, and "summary" above pays them).
    from consult.summaries.generation import warm_up

    warm_up()

    with app.app_context():
        consultation = consultation_by_slug("bench")
        _reset_peak_memory()
        started = time.perf_counter()
        job = ask_generation(consultation, None, None)
        db.session.commit()  # the queue is not served here: the job is run below, as a worker would
        job_id = job.id
        version = tasks.generate_summary.call_local(job_id)
        elapsed = time.perf_counter() - started
        db.session.expire_all()
        state = db.session.get(SummaryJob, job_id).state
        assert state is JobState.DONE, state
        return {"seconds": elapsed, "peak_rss_mb": _peak_memory_mb(), "version": version}


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


def _step(step: str, path: Path, n: int, *extra: str, script: str = __file__) -> dict:
    result = subprocess.run(
        [sys.executable, script, "--step", step, "--db", str(path), "--n", str(n), *extra],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "consult-bench-summaries")
    parser.add_argument(
        "--synthetic-vectors",
        action="store_true",
        help="store seeded random vectors instead of encoding the texts (fast; same summary work)",
    )
    parser.add_argument("--before", type=Path, help="an older checkout, measured side by side")
    parser.add_argument("--step", choices=["prepare", "summarise", "job"], help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step == "prepare":
        started = time.perf_counter()
        build(args.db, args.n)
        built = time.perf_counter() - started
        done, seconds = synthetic_vectors(args.db) if args.synthetic_vectors else vectorise(args.db)
        print(json.dumps({"built": built, "vectorised": done, "vector_seconds": seconds}))
        return
    if args.step == "summarise":
        print(json.dumps(summarise(args.db)))
        return
    if args.step == "job":
        print(json.dumps(as_a_job(args.db)))
        return

    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.before:
        compare(args)
        return
    print(f"{len(statements())} real Pol.is statements, recombined; one question; SQLite files in {args.workdir}")
    print(f"{'responses':>10} {'vectorise (one-off)':>22} {'summary':>9} {'peak RSS':>9} {'as a job':>9} "
          f"{'peak RSS':>9}  themes")  # fmt: skip
    for n in args.sizes:
        path = args.workdir / f"summaries-{n}.db"
        # Each step in a process of its own: the encoder loaded to vectorise must not count for the summary.
        prepared = _step("prepare", path, n, *(["--synthetic-vectors"] if args.synthetic_vectors else []))
        built, done, vector_seconds = prepared["built"], prepared["vectorised"], prepared["vector_seconds"]
        vectorised = f"{done} in {vector_seconds:.1f} s" if done else "stored already"
        figures = _step("summarise", path, n)
        job = _step("job", path, n)
        print(
            f"{n:>10,} {vectorised:>22} {figures['seconds']:>7.2f} s {figures['peak_rss_mb']:>6.0f} MB "
            f"{job['seconds']:>7.2f} s {job['peak_rss_mb']:>6.0f} MB  "
            f"{figures['themes']} (largest: {'; '.join(figures['largest'])}) [import {built:.1f} s]",
            flush=True,
        )


def compare(args) -> None:
    """The summary and the job, before and after, alternating on the same database files."""
    before = str(args.before.resolve() / "bench" / "bench_summaries.py")
    print(f"{'responses':>10} {'side':>7} {'summary (cold)':>15} {'as a job':>9} {'peak RSS':>9}  themes")
    for n in args.sizes:
        path = args.workdir / f"summaries-{n}.db"
        _step("prepare", path, n, *(["--synthetic-vectors"] if args.synthetic_vectors else []))
        for side, script in (("before", before), ("after", __file__)):
            figures = _step("summarise", path, n, script=script)
            job = _step("job", path, n, script=script)
            print(f"{n:>10,} {side:>7} {figures['seconds']:>13.2f} s {job['seconds']:>7.2f} s "
                  f"{job['peak_rss_mb']:>6.0f} MB  {figures['themes']} (largest: {'; '.join(figures['largest'])})",
                  flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
