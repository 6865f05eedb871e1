"""The moderation queue page with 100,000 pending responses: latency through the test client.

    .venv/bin/python bench/bench_queue.py [--pending 100000] [--requests 200]

Runs on a temporary SQLite file, and on PostgreSQL too when CONSULT_BENCH_DATABASE_URL is set
(that database is EMPTIED first: give it one of its own). Prints the median and 95th percentile
latency of the first page, of pages deep in the queue (keyset cursors), and of filtered pages; then
the query plans of a deep page, checking that the queue reads the ix_submissions_queue index and
never skips rows with OFFSET. Figures, not a timed test: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade
from sqlalchemy import event, insert, text

from consult import create_app
from consult.auth.services import create_user
from consult.extensions import db
from consult.models import (
    Consultation,
    ConsultationStatus,
    Priority,
    Question,
    Role,
    Submission,
    SubmissionStatus,
)

LANGUAGES = ("en", "fr", "es", "ar", "ru", "zh")
PASSWORD = "bench password 42"
BODY = "Schools should teach us how to stay safe online, and parents should learn it too. " * 3


def _config(url: str) -> dict:
    return {
        "ENV": "testing",
        "DATABASE_URL": url,
        "SECRET_KEY": "bench",
        "WTF_CSRF_ENABLED": False,
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 8,
        "ARGON2_PARALLELISM": 1,
        "DEMO_LOGINS_FILE": os.path.join(tempfile.gettempdir(), "consult-bench-demo-logins.txt"),
    }


def _seed(pending: int) -> tuple[str, list[int]]:
    """One open consultation with `pending` waiting responses (a few flagged), and a moderator."""
    now = datetime.now(UTC)
    consultation = Consultation(
        slug="bench", title="Benchmark consultation", opens_at=now - timedelta(hours=12),
        closes_at=now + timedelta(hours=12), status=ConsultationStatus.PUBLISHED,
    )  # fmt: skip
    consultation.questions = [Question(position=n, prompt=f"Question {n}?") for n in (1, 2, 3)]
    db.session.add(consultation)
    create_user("Bench Moderator", PASSWORD, Role.MODERATOR)
    db.session.flush()
    questions = [q.id for q in consultation.questions]
    random.seed(7)
    rows = []
    for n in range(pending):
        draw = random.random()
        flags = {
            "flag_safeguarding": draw < 0.01,
            "flag_pii": 0.01 <= draw < 0.06,
            "flag_abuse": 0.06 <= draw < 0.08,
        }
        priority = (
            Priority.SAFEGUARDING
            if flags["flag_safeguarding"]
            else Priority.FLAGGED
            if any(flags.values())
            else Priority.CLEAR
        )
        rows.append(
            {
                "question_id": questions[n % 3],
                "body": BODY + f"#{n}",
                "language": LANGUAGES[n % len(LANGUAGES)],
                "status": SubmissionStatus.PENDING.value,
                "created_at": now - timedelta(seconds=pending - n),
                "priority": int(priority),
                "suggested_text": "[personal information removed] " + BODY if flags["flag_pii"] else None,
                **flags,
            }
        )
        if len(rows) == 10_000:
            db.session.execute(insert(Submission), rows)
            rows = []
    if rows:
        db.session.execute(insert(Submission), rows)
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return consultation.slug, questions


def _latencies(client, urls: list[str]) -> list[float]:
    timings = []
    for url in urls:
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return timings


def _figures(name: str, timings: list[float]) -> str:
    p95 = statistics.quantiles(timings, n=20)[-1]
    return f"  {name:<34} n={len(timings):<4} median {statistics.median(timings):7.1f} ms   p95 {p95:7.1f} ms"


def _deep_cursors(count: int) -> list[str]:
    """Cursors spread over the whole clear band of the queue, down to its very end."""
    ids = db.session.scalars(
        text("SELECT id FROM submissions WHERE status = 'pending' AND priority = 2 ORDER BY id")
    ).all()
    return [f"2-{ids[int(len(ids) * (k + 1) / (count + 1))]}" for k in range(count)]


# What a plan says when it reads the whole table, or sorts it, instead of walking an index.
_FULL_SCAN = ("Seq Scan on submissions", "SCAN submissions", "TEMP B-TREE", "Sort  (")


def _explain(client, url: str, *, queue_index_expected: bool) -> None:
    """Print the plans of the queue's queries for one page; check index use and the absence of OFFSET."""
    statements = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        if (
            statement.lstrip().upper().startswith("SELECT")
            and "ORDER BY submissions.priority, submissions.id" in statement
        ):
            statements.append((statement, parameters, getattr(context, "compiled", None)))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", remember)
    try:
        client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    assert statements, "the queue's query was not seen"
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    print(f"  EXPLAIN {url}")
    for statement, parameters, compiled in statements:
        offset = getattr(compiled.statement, "_offset", None) if compiled is not None else None
        # SQLAlchemy's SQLite dialect always writes "OFFSET ?" after a LIMIT; its value must be 0.
        assert offset in (None, 0), f"the queue skipped {offset} rows with OFFSET"
        with engine.connect() as connection:
            rows = connection.exec_driver_sql(prefix + statement, parameters)
            plan = [" ".join(str(c) for c in row) for row in rows]
        for line in plan:
            print(f"      {line}")
        assert not any(marker in line for line in plan for marker in _FULL_SCAN), "the queue scans or sorts"
        uses_queue_index = any("ix_submissions_queue" in line for line in plan)
        if queue_index_expected:
            assert uses_queue_index, "the queue does not use ix_submissions_queue"
        print(
            f"    -> OFFSET {offset or 0}, no full scan, no sort; "
            f"{'ix_submissions_queue' if uses_queue_index else 'another index (the planner found it cheaper)'}"
        )


def bench(url: str, label: str, pending: int, requests: int) -> None:
    app = create_app(_config(url))
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade()
        started = time.perf_counter()
        slug, questions = _seed(pending)
        seeded = time.perf_counter() - started
        cursors = _deep_cursors(requests)
    client = app.test_client()
    response = client.post("/login", data={"username": "Bench Moderator", "password": PASSWORD})
    assert response.status_code == 302, "could not log in"
    base = f"/moderation/consultations/{slug}"
    _latencies(client, [base] * 10)  # warm up

    print(
        f"\n{label}: {pending:,} pending responses (seeded in {seeded:.1f} s), {app.config['PENDING_PER_PAGE']} a page"
    )
    first = _latencies(client, [base] * requests)
    deep = _latencies(client, [f"{base}?after={cursor}" for cursor in cursors])
    filters = ["flag=pii", "flag=none", "language=fr", f"question={questions[1]}", "flag=safeguarding&language=ar"]
    filtered = _latencies(client, [f"{base}?{filters[n % len(filters)]}" for n in range(requests)])
    print(_figures("first page", first))
    print(_figures("deep pages (keyset cursor)", deep))
    print(_figures("filtered first pages", filtered))
    print(_figures("all", first + deep + filtered))
    with app.app_context():
        middle = cursors[len(cursors) // 2]
        flagged = db.session.scalar(text("SELECT min(id) FROM submissions WHERE priority = 1"))
        # SQLite always seeks in ix_submissions_queue. With every row pending and nine in ten in the
        # last band, PostgreSQL may find walking the primary key up from the cursor's id as cheap:
        # also a keyset seek, without a sort; the check then asks for no full scan and no sort only.
        sqlite = db.engine.dialect.name == "sqlite"
        _explain(client, base, queue_index_expected=True)
        _explain(client, f"{base}?after=1-{flagged}", queue_index_expected=sqlite)
        _explain(client, f"{base}?after={middle}", queue_index_expected=sqlite)
        _explain(client, f"{base}?after={middle}&language=fr", queue_index_expected=sqlite)
        _explain(client, f"{base}?after={cursors[-1]}", queue_index_expected=sqlite)
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pending", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        bench(f"sqlite:///{folder}/bench.db", "SQLite", args.pending, args.requests)
    if postgres := os.environ.get("CONSULT_BENCH_DATABASE_URL"):
        bench(postgres, "PostgreSQL", args.pending, args.requests)
    else:
        print("\n(set CONSULT_BENCH_DATABASE_URL to a database of its own to measure PostgreSQL too)")


if __name__ == "__main__":
    main()
