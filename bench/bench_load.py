"""Load and durability of the real server: gunicorn (2 workers) and a job worker, driven over loopback.

    .venv/bin/python bench/bench_load.py [--seconds 5] [--rounds 3] [--threads 8] [--connections 32]
                                         [--users 256] [--approved 5000] [--only posting|pages] [--json]

For SQLite (a temporary WAL file, the job queue a SQLite file beside it), and for PostgreSQL too when
CONSULT_BENCH_DATABASE_URL is set (that database is EMPTIED first: give it one of its own) with the
job queue on Redis when CONSULT_BENCH_REDIS_URL is set too (that Redis database is FLUSHED first),
this script migrates with ``flask db upgrade``, seeds with ``flask seed-demo``, creates participant
accounts and ``--approved`` published answers on the open consultation, and serves consult as in
production: gunicorn with the checkout's gunicorn.conf.py (CONSULT_ENV=production; rate limits off
and the per-question answer limit raised for the run) plus ``flask jobs worker``. Side by side with a
hello-world Flask app served by the same gunicorn settings and access log (bench/hello_app.py), it
measures requests per second and p50/p99 latency of

- the public consultation page for an anonymous reader's first visit (a full GET),
- its revalidation by a returning reader (their cookie and If-None-Match): the 304s are counted in
  the access log, so a revalidation that renders the page again shows,
- a signed-in POST that does nothing (bench/noop_app.py adds that one route for the benchmark): the
  floor any signed-in form post pays for the session, the account, CSRF and the headers,
- answer posting by signed-in participants (form POST with CSRF token, answered by 303), as a
  ratio of that floor, at --connections; beside it the CPU time consult's gunicorn processes spent
  per request (from /proc), a ratio that other work on a shared machine barely moves; and the same
  posting with the job worker stopped (SIGSTOP) during the round, then let go to screen what it
  brought: the web's own figure, as when the worker runs on another machine, and how much of the
  first figure is the screening sharing this machine's cores.

The load comes from wrk when it is installed (apt-get install wrk), else from this process's
threads; each figure alternates its baseline and consult (--rounds) so that both meet the same
machine even when other work comes and goes on it, and the ratio is the median of the rounds'. A
signed-in round starts once the job worker has screened every answer (``flask jobs status``): the
no-op POST's round would otherwise share the machine with the screening of the posts before it.

Then screening: answers posted at a steady 20 per second for 20 s, each tagged, and the time from
each POST to its ``screened_at`` (written by the job worker). Then durability: participants keep
posting tagged answers while a web worker, the job worker (a new one is started, as a supervisor
would) and then the whole server (gunicorn and job worker) are killed with SIGKILL; every
acknowledged (2xx/3xx) answer must be in the database exactly once, and every answer screened
within 90 s. A failed attempt is never repeated with the same id (a repeat is a new answer).

Figures, not a timed test: nothing fails on a slow machine, but the exit status is 1 when a post is
answered with an error (``posting_failed``), an acknowledged answer is lost or duplicated, or an answer
stays unscreened. With --json, stdout is one
JSON object, by backend; the human-readable report goes to stderr.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# This checkout's consult, before loadlib and noop_app import it: an installed one (another checkout's,
# with other tables) would seed the database the server then reads.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from loadlib import (
    HOST,
    OPEN_SLUG,
    ROOT,
    WRK,
    Database,
    JobWorker,
    Participant,
    Run,
    Server,
    app_env,
    cookie_header,
    cookies,
    drive,
    empty_postgres,
    empty_redis,
    imported_from,
    post_answer,
    prepare,
    question_positions,
    request,
    sign_in,
    wrk,
    wrk_get,
    wrk_post,
)
from noop_app import NOOP_PATH

OUT = sys.stdout  # the human-readable report; stderr with --json


def say(*parts) -> None:
    print(*parts, file=OUT, flush=True)


# Paired runs


@dataclass
class Pair:
    """Rounds of (baseline, scenario) runs, seconds apart."""

    rounds: list[tuple[Run, Run]]

    @property
    def ratio(self) -> float:
        return statistics.median(s.rps / b.rps if b.rps else 0.0 for b, s in self.rounds)

    @property
    def cpu_ratio(self) -> float:
        """The baseline's server CPU per request over the scenario's, median of the rounds."""
        return statistics.median(b.cpu_ms / s.cpu_ms if s.cpu_ms else 0.0 for b, s in self.rounds)

    @property
    def baseline(self) -> Run:
        return combined([b for b, _ in self.rounds])

    @property
    def scenario(self) -> Run:
        return combined([s for _, s in self.rounds])


def combined(runs: list[Run]) -> Run:
    """Several rounds as one: requests over time, and the median of the rounds' percentiles."""
    return Run(sum(r.requests for r in runs), sum(r.seconds for r in runs),
               statistics.median(r.p50_ms for r in runs), statistics.median(r.p99_ms for r in runs),
               sum((r.statuses for r in runs), Counter()), sum(r.errors for r in runs),
               sum(r.cpu_seconds for r in runs), sum(r.jobs_cpu_seconds for r in runs),
               [ms for r in runs for ms in r.server_ms])  # fmt: skip


def paired(scenario: Callable[[], Run], baseline: Callable[[], Run], rounds: int) -> Pair:
    """Alternate the baseline and the scenario, so that both see the same machine."""
    return Pair([(baseline(), scenario()) for _ in range(rounds)])


def logged(server: Server, run: Callable[[], Run], worker: JobWorker | None = None,
           paused: bool = False) -> Callable[[], Run]:  # fmt: skip
    """The run, with its responses counted by status in the server's access log, and the CPU time spent;
    with ``paused``, the job worker is stopped during the run and screens what it brought afterwards."""

    def counted() -> Run:
        if worker:  # each round starts with the worker idle: the no-op POST once paid for the posts' screening
            worker.wait_idle()
        mark, cpu = server.log_mark(), server.cpu_seconds()
        jobs_cpu = worker.cpu_seconds() if worker else 0.0
        if paused:
            worker.pause()
        try:
            result = run()
        finally:
            if paused:
                worker.resume()
        result.cpu_seconds = server.cpu_seconds() - cpu
        result.jobs_cpu_seconds = worker.cpu_seconds() - jobs_cpu if worker else 0.0
        time.sleep(0.2)  # the last responses' lines
        result.statuses = server.statuses_since(mark)
        result.server_ms = server.times_since(mark)
        return result

    return counted


def get(port: int, path: str, args, workdir: Path, headers: dict | None = None) -> Run:
    if WRK:
        return wrk(port, path, wrk_get(headers), args.threads, args.seconds, workdir)
    return drive(lambda n: request(port, "GET", path, headers).status, args.threads, args.seconds)


def posts(port: int, people: list[Participant], positions: list[int], noop: bool, args, workdir: Path) -> Run:
    if WRK:
        return wrk(port, "/", wrk_post(people, positions, noop), args.connections, args.seconds, workdir)

    def send(n: int) -> int:
        who = people[n % len(people)]
        if noop:
            return request(port, "POST", NOOP_PATH, who.cookie, {"csrf_token": who.csrf}).status
        return post_answer(port, who, positions[n % len(positions)], f"bench {uuid.uuid4().hex}")

    return drive(send, args.connections, args.seconds)


def returning_reader(port: int, path: str) -> dict:
    """A reader's cookie and the ETag of the page they were shown: what a browser sends again."""
    jar = cookies(request(port, "GET", path), {})
    reply = request(port, "GET", path, cookie_header(jar))
    etag = reply.header("ETag")
    return {**cookie_header(cookies(reply, jar)), **({"If-None-Match": etag} if etag else {})}


def throughput(server: Server, worker: JobWorker, hello_port: int, names: list[str], args, workdir: Path) -> dict:
    port, path = server.port, f"/consultations/{OPEN_SLUG}"

    def hello(connections: int) -> Callable[[], Run]:
        def run() -> Run:
            if WRK:
                return wrk(hello_port, "/", "", connections, args.seconds, workdir)
            return drive(lambda n: request(hello_port, "GET", "/").status, connections, args.seconds)

        return run

    def posting(results: dict) -> dict:
        """The answer POST against the signed-in no-op POST, with the job worker running and then paused (SIGSTOP)
        during the round, as when it runs on another machine; it screens each round's answers before the next."""
        participants = [sign_in(port, name) for name in names]
        positions = question_positions(port)
        noop = logged(server, lambda: posts(port, participants, positions, True, args, workdir), worker)
        if args.only != "posting":  # the full run also sets the floor beside hello-world
            results["noop"] = paired(noop, hello(args.connections), args.rounds)

        def answer() -> Run:
            return posts(port, participants, positions, False, args, workdir)

        results["post"] = paired(logged(server, answer, worker), noop, args.rounds)
        results["post_elsewhere"] = paired(logged(server, answer, worker, paused=True), noop, args.rounds)
        results["participants"], results["positions"] = participants, positions
        return results

    if args.only == "posting":  # the answer's path alone: a few minutes instead of a quarter of an hour
        return posting({})
    results: dict = {}
    results["page"] = paired(logged(server, lambda: get(port, path, args, workdir)), hello(args.threads), args.rounds)

    def revalidate() -> Run:
        # A fresh cookie and ETag each round: the ETag names the time period, so it changes every minute.
        reader = returning_reader(port, path)
        return logged(server, lambda: get(port, path, args, workdir, reader))()

    results["revalidate"] = paired(revalidate, hello(args.threads), args.rounds)
    return results if args.only == "pages" else posting(results)


# Screening and durability


def percentile(values: list[float], share: float) -> float | None:
    """None when the share falls on an answer never screened (infinite)."""
    if not values:
        return None
    value = sorted(values)[min(len(values) - 1, int(share * len(values)))]
    return None if value == float("inf") else round(value, 3)


def screening(port: int, database: Database, people: list[Participant], positions: list[int], args) -> dict:
    """POST at a steady rate, then wait for the job worker to screen every acknowledged answer."""
    sent: dict[str, float] = {}
    statuses, lock, work = Counter(), threading.Lock(), queue.Queue()

    def sender() -> None:
        while (item := work.get()) is not None:
            tag, who, position = item
            at = time.time()
            try:
                status = post_answer(port, who, position, f"screening {tag}")
            except (OSError, http.client.HTTPException):
                status = "connection failed"
            with lock:
                statuses[status] += 1
                if isinstance(status, int) and 200 <= status < 400:
                    sent[tag] = at

    senders = [threading.Thread(target=sender) for _ in range(16)]
    for thread in senders:
        thread.start()
    began, count = time.monotonic(), int(args.rate * args.screening_seconds)
    for n in range(count):
        time.sleep(max(0.0, began + n / args.rate - time.monotonic()))
        work.put((uuid.uuid4().hex, people[n % len(people)], positions[n % len(positions)]))
    for _ in senders:
        work.put(None)
    for thread in senders:
        thread.join()
    posting_seconds = time.monotonic() - began
    deadline = time.monotonic() + 60
    while True:
        screened = {tag: at for tag, at in database.marked("screening") if at is not None}
        if all(tag in screened for tag in sent) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    delays = [max(0.0, screened[t].timestamp() - at) if t in screened else float("inf") for t, at in sent.items()]
    unscreened = sum(1 for t in sent if t not in screened)
    say(f"  {len(sent)} acknowledged of {count} posted in {posting_seconds:.1f} s"
        f" ({dict(sorted(statuses.items(), key=str))}); POST to screened: p50 {percentile(delays, 0.5)} s,"
        f" p95 {percentile(delays, 0.95)} s, max {percentile(delays, 1.0)} s;"
        f" unscreened after 60 s: {unscreened}")  # fmt: skip
    return {"screened_p50_s": percentile(delays, 0.5), "screened_p95_s": percentile(delays, 0.95),
            "screened_max_s": percentile(delays, 1.0), "screening_posts": len(sent),
            "screening_posts_per_s": round(len(sent) / posting_seconds, 1),
            "screening_unscreened_at_deadline": unscreened}  # fmt: skip


def durability(server: Server, worker: JobWorker, database: Database, people: list[Participant],
               positions: list[int], args) -> dict:  # fmt: skip
    acknowledged: set[str] = set()
    attempts, lock, stop = Counter(), threading.Lock(), threading.Event()

    def poster(n: int) -> None:
        who = people[n % len(people)]
        while not stop.is_set():
            tag = uuid.uuid4().hex  # a fresh id per attempt: a retry is a new answer, never a repeat
            try:
                status = post_answer(server.port, who, positions[n % len(positions)], f"durability {tag}")
            except (OSError, http.client.HTTPException):
                with lock:
                    attempts["connection failed"] += 1
                time.sleep(0.02)
                continue
            with lock:
                attempts[status] += 1
                if 200 <= status < 400:
                    acknowledged.add(tag)

    threads = [threading.Thread(target=poster, args=(n,)) for n in range(args.threads)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    say(f"  kill -9 web worker {server.kill_worker()}")
    time.sleep(2)
    say(f"  kill -9 job worker {worker.kill()}")
    time.sleep(1)
    worker.start()
    say(f"  new job worker {worker.process.pid}")
    time.sleep(2)
    say(f"  kill -9 gunicorn master {server.process.pid}, its workers {server.workers()}, job worker {worker.kill()}")
    server.kill_all()
    time.sleep(1)
    server.start()
    worker.start()
    say(f"  restarted: master {server.process.pid}, workers {server.workers()}, job worker {worker.process.pid}")
    time.sleep(3)
    stop.set()
    for thread in threads:
        thread.join()

    stored = Counter(tag for tag, _at in database.marked("durability"))
    lost = sum(1 for tag in acknowledged if stored[tag] == 0)
    duplicated = sum(1 for count in stored.values() if count > 1)
    unacknowledged_but_stored = sum(1 for tag in stored if tag not in acknowledged)
    unscreened, waited = database.wait_screened(90)
    say(f"  attempts by answer: {dict(sorted(attempts.items(), key=str))}")
    say(f"  acknowledged: {len(acknowledged)}  lost: {lost}  duplicated: {duplicated}"
        f"  (stored without acknowledgement, e.g. cut mid-reply: {unacknowledged_but_stored})")  # fmt: skip
    say(f"  every answer screened {waited:.1f} s after the load stopped" if not unscreened
        else f"  STILL UNSCREENED after {waited:.0f} s: {unscreened}")  # fmt: skip
    return {"acknowledged": len(acknowledged), "lost": lost, "duplicated": duplicated,
            "stored_unacknowledged": unacknowledged_but_stored, "unscreened_after_recovery": unscreened,
            "recovery_s": round(waited, 1)}  # fmt: skip


# The report


def line(label: str, run: Run, baseline: Run | None, ratio: float | None = None, target: float | None = None) -> str:
    shown = f"{ratio:6.2f}" if ratio is not None else "     -"
    goal = f"(target >= {target})" if target else ""
    statuses = " ".join(f"{code}:{n}" for code, n in sorted(run.statuses.items(), key=str))
    cpu = f"{run.cpu_ms:7.2f}" if run.cpu_seconds else "      -"
    return (f"  {label:<36} {run.rps:8.0f} {shown} {run.p50_ms:8.1f} {run.p99_ms:8.1f} {cpu}"
            f"   {statuses} errors:{run.errors} {goal}")  # fmt: skip


ROWS = [("page", "public page, first visit (200)", "hello-world GET /", 0.7),
        ("revalidate", "public page, cookie + If-None-Match", "hello-world GET /", 0.7),
        ("noop", "signed-in no-op POST (the floor)", "hello-world GET /", None),
        ("post", "posting an answer (303)", "signed-in no-op POST", 0.6),
        ("post_elsewhere", "posting, job worker paused meanwhile", "signed-in no-op POST", None)]  # fmt: skip


def failed(run: Run) -> int:
    """Answers that were not 2xx/3xx, and connections that broke: a run that fails fast is not a fast run."""
    return sum(n for code, n in run.statuses.items() if not str(code).startswith(("2", "3"))) + run.errors


def app_niceness() -> str:
    """The worker's niceness when the benchmark leaves it to the app: its configured default."""
    from consult.config import Defaults  # the checkout's, as for the processes measured (see bench())

    return f"JOBS_NICENESS ({os.environ.get('CONSULT_JOBS_NICENESS', Defaults.JOBS_NICENESS)})"


def report(results: dict, args) -> dict:
    say(
        f"  {'':<36} {'req/s':>8} {'ratio':>6} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms':>7}"
        "   responses (consult: by its access log; CPU: its gunicorn processes' per request)"
    )
    for key, label, baseline, target in ROWS:
        if key not in results:
            continue
        pair = results[key]
        say(line(f"  {baseline} (its pair)", pair.baseline, None))
        say(line(label, pair.scenario, pair.baseline, pair.ratio, target))
    figures = {} if "post" not in results else posting_figures(results, args)
    if "page" not in results:
        return figures
    revalidated = results["revalidate"].scenario
    return figures | {"public_ratio": round(results["page"].ratio, 3),
            "public_rps": round(results["page"].scenario.rps), "hello_rps": round(results["page"].baseline.rps),
            "revalidate_ratio": round(results["revalidate"].ratio, 3),
            "revalidated_304": revalidated.statuses.get(304, 0), "revalidate_requests": revalidated.requests,
            "approved_on_page": args.approved} | (
        {"noop_ratio": round(results["noop"].ratio, 3)} if "noop" in results else {})  # fmt: skip


def posting_figures(results: dict, args) -> dict:
    post, noop = results["post"].scenario, results["post"].baseline
    posting = {"posting_ratio": round(results["post"].ratio, 3), "posting_rps": round(post.rps),
               "noop_rps": round(noop.rps), "posting_connections": args.connections,
               "posting_p50_ms": round(post.p50_ms, 1), "posting_p99_ms": round(post.p99_ms, 1),
               "noop_p99_ms": round(noop.p99_ms, 1),
               # Inside gunicorn (its access log): the rest of the client's p99 is waiting to be read.
               "posting_server_p99_ms": post.server_percentile(0.99),
               "noop_server_p99_ms": noop.server_percentile(0.99),
               "posting_cpu_ms": round(post.cpu_ms, 2), "noop_cpu_ms": round(noop.cpu_ms, 2),
               "posting_cpu_ratio": round(results["post"].cpu_ratio, 3),
               # Cores the job worker used meanwhile (screening what the posts brought): the same machine.
               "posting_jobs_cores": round(post.jobs_cpu_seconds / post.seconds, 2),
               "noop_jobs_cores": round(noop.jobs_cpu_seconds / noop.seconds, 2),
               # The same with the job worker stopped during the round (as if it ran on another machine).
               "posting_ratio_worker_elsewhere": round(results["post_elsewhere"].ratio, 3),
               "posting_p99_ms_worker_elsewhere": round(results["post_elsewhere"].scenario.p99_ms, 1),
               "posting_failed": failed(post) + failed(results["post_elsewhere"].scenario), "noop_failed": failed(noop),
               "posting_statuses": {str(k): v for k, v in post.statuses.items()},
               "worker_niceness": args.worker_nice if args.worker_nice is not None else app_niceness()}  # fmt: skip
    return posting


def bench(name: str, url: str, redis_url: str | None, hello_port: int, args, workdir: Path) -> dict:
    env = app_env(url, workdir, redis_url)
    where = imported_from(env)
    say(f"\nconsult on {name}: the processes import {where}")
    import consult  # the one this process seeds with (see the path set above)

    for who, found in (("the server", where), ("this script", consult.__file__)):
        if not found.startswith(str(ROOT)):
            raise RuntimeError(f"{who} would run {found}, not this checkout's consult")
    if redis_url:
        empty_redis(redis_url)
    names = prepare(url, env, args.users, args.approved)
    # consult as in production, plus the benchmark's do-nothing route (bench/noop_app.py).
    server = Server(f"consult on {name}", "bench.noop_app:create()", env, workdir / f"gunicorn-{name}.log")
    worker_env = env if args.worker_nice is None else {**env, "CONSULT_JOBS_NICENESS": str(args.worker_nice)}
    worker = JobWorker(worker_env, workdir / f"jobs-{name}.log")
    database = Database(url)
    server.start()
    worker.start()
    worker.wait_warm()
    try:
        results = throughput(server, worker, hello_port, names, args, workdir)
        say(f"gunicorn --workers 2 + flask jobs worker; {args.approved} published answers; each row paired in"
            f" turn with its baseline, ratio = median of {args.rounds} rounds")  # fmt: skip
        figures = report(results, args)
        if args.only != "all":
            return figures
        people, positions = results["participants"], results["positions"]
        queue_state = worker.status()
        say(f"  the job queue after the posting runs: {queue_state}")
        figures["jobs_queued_after_posting"] = queue_state["queued"]
        left, waited = database.wait_screened(180)
        say(f"screening at {args.rate:g} posts/s for {args.screening_seconds:g} s (the backlog of the posting runs"
            f" screened in {waited:.0f} s{'' if not left else f', {left} still waiting'})")  # fmt: skip
        figures |= screening(server.port, database, people, positions, args)
        say(f"durability: posting with {args.threads} threads")
        figures |= durability(server, worker, database, people, positions, args)
        return figures
    finally:
        server.stop()
        worker.stop()
        database.close()


def main() -> int:
    global OUT
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5, help="length of each throughput run")
    parser.add_argument("--rounds", type=int, default=3, help="baseline/consult pairs per figure")
    parser.add_argument("--threads", type=int, default=8, help="connections for pages and durability")
    parser.add_argument("--connections", type=int, default=32, help="connections for the posting runs")
    # Many accounts, as in a surge: each post counts its author's answers to the question (the per-question
    # limit, raised for the run) in its INSERT, and 16 accounts posting thousands made that count read
    # hundreds of rows per post (0.13 ms more per post at a thousand, against 3 rows at most in production).
    parser.add_argument("--users", type=int, default=256, help="participant accounts that post")
    parser.add_argument("--approved", type=int, default=5000, help="published answers on the consultation")
    parser.add_argument("--rate", type=float, default=20, help="posts per second while screening is timed")
    parser.add_argument("--screening-seconds", type=float, default=20, help="how long that rate is kept up")
    parser.add_argument(
        "--only",
        choices=("all", "posting", "pages"),
        default="all",
        help="posting: only the answer POST against the signed-in no-op POST; pages: only the public page and its"
        " revalidation against hello-world (neither: screening or durability)",
    )
    parser.add_argument("--worker-nice", type=int, choices=range(20), default=None, metavar="0-19",
                        help="the job worker's niceness (default: the app's JOBS_NICENESS)")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout; the report on stderr")
    args = parser.parse_args()
    OUT = sys.stderr if args.json else sys.stdout

    client = f"wrk, 2 threads, {args.threads}/{args.connections} connections" if WRK else "Python threads"
    say(f"bench_load: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; throughput driven by "
        f"{client} (pages/posting), {args.rounds} x {args.seconds:g} s per figure; all on {HOST}")  # fmt: skip
    figures: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="consult-bench-load-") as tmp:
        workdir = Path(tmp)
        env = app_env("sqlite://", workdir, None)
        hello_server = Server("hello", "bench.hello_app:app", env, workdir / "hello.log")
        hello_server.start()
        try:
            figures["sqlite"] = bench("SQLite (WAL)", f"sqlite:///{workdir / 'consult.db'}", None,
                                      hello_server.port, args, workdir)  # fmt: skip
            postgres, redis_url = (
                os.environ.get("CONSULT_BENCH_DATABASE_URL"),
                os.environ.get("CONSULT_BENCH_REDIS_URL"),
            )
            if postgres:
                empty_postgres(postgres)
                key = "postgresql+redis" if redis_url else "postgresql"
                figures[key] = bench(key, postgres, redis_url, hello_server.port, args, workdir)
            else:
                say("\n(set CONSULT_BENCH_DATABASE_URL, and CONSULT_BENCH_REDIS_URL, to measure PostgreSQL + Redis)")
        finally:
            hello_server.stop()
    ok = all(
        not f.get("lost")
        and not f.get("duplicated")
        and not f.get("unscreened_after_recovery")
        and not f.get("posting_failed")  # a 5xx under load ("database is locked") refused someone's answer
        for f in figures.values()
    )
    if args.only == "all":
        say("\n" + ("every acknowledged answer stored exactly once, every answer screened" if ok
                    else "FAILED: answers refused under load, lost/duplicated, or left unscreened"))  # fmt: skip
    if args.json:
        print(json.dumps(figures, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
