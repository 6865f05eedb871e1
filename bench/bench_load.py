"""Load and durability of the real server: gunicorn (2 workers), driven over loopback.

    .venv/bin/python bench/bench_load.py [--seconds 8] [--threads 8] [--users 16]

For SQLite (a temporary WAL file), and for PostgreSQL too when CONSULT_BENCH_DATABASE_URL is set
(that database is EMPTIED first: give it one of its own), this script migrates with
``flask db upgrade``, seeds with ``flask seed-demo``, creates participant accounts, serves consult
with gunicorn and measures, side by side with a hello-world Flask app served the same way
(bench/hello_app.py): requests per second and p50/p99 latency of

- the public consultation page for anonymous readers (a full GET, and a revalidation with
  If-None-Match that the ETag answers with 304),
- response posting by signed-in participants (form POST with CSRF token, answered by 303),

each as a ratio of hello-world. Then durability: participants keep posting answers, each tagged
with a unique id, while one worker is killed with SIGKILL and later the whole server (master and
workers); the server is restarted and every acknowledged (2xx/3xx) answer must be in the database
exactly once. The driver is this process (threads with http.client, a new connection per request as
gunicorn's sync workers close it); it shares the machine's cores with the server, so the ratios
matter more than the absolute figures. Figures, not a timed test: nothing fails on a slow machine,
but the exit status is 1 when an acknowledged answer is lost or duplicated.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
PASSWORD = "bench password 42"  # noqa: S105  # nosec B105 - throwaway accounts in a temporary database
OPEN_SLUG = "cwg-cop-youth-consultation"
TAG = re.compile(r"\[bench ([0-9a-f]{32})\]")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


# The driver


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def request(port: int, method: str, path: str, headers: dict | None = None, form: dict | None = None) -> Reply:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        body = urlencode(form) if form is not None else None
        headers = dict(headers or {})
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return Reply(response.status, response.getheaders(), response.read())
    finally:
        connection.close()


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: int = 0
    seconds: float = 0.0

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


def drive(send, threads: int, seconds: float) -> Run:
    """Call send(thread_number) -> status from each thread until the time is up."""
    run, lock = Run(), threading.Lock()
    deadline = time.perf_counter() + seconds

    def loop(number: int) -> None:
        latencies, statuses, errors = [], Counter(), 0
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            try:
                status = send(number)
            except (OSError, http.client.HTTPException):
                errors += 1
                time.sleep(0.01)
                continue
            latencies.append(time.perf_counter() - start)
            statuses[status] += 1
        with lock:
            run.latencies += latencies
            run.statuses.update(statuses)
            run.errors += errors

    workers = [threading.Thread(target=loop, args=(n,)) for n in range(threads)]
    began = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    run.seconds = time.perf_counter() - began
    return run


def _cookies(reply: Reply, jar: dict) -> dict:
    for name, value in reply.headers:
        if name.lower() == "set-cookie":
            pair = value.split(";", 1)[0]
            key, _sep, val = pair.partition("=")
            jar[key.strip()] = val.strip()
    return jar


def _cookie_header(jar: dict) -> dict:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}


def _csrf(body: bytes) -> str:
    match = CSRF.search(body.decode())
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1) or match.group(2)


@dataclass
class Participant:
    cookie: dict
    csrf: str


def sign_in(port: int, pseudonym: str) -> Participant:
    jar: dict = {}
    page = request(port, "GET", "/login")
    _cookies(page, jar)
    reply = request(port, "POST", "/login", _cookie_header(jar),
                    {"username": pseudonym, "password": PASSWORD, "csrf_token": _csrf(page.body)})  # fmt: skip
    if reply.status not in (302, 303):
        raise RuntimeError(f"login of {pseudonym} answered {reply.status}")
    _cookies(reply, jar)
    page = request(port, "GET", f"/consultations/{OPEN_SLUG}", _cookie_header(jar))
    _cookies(page, jar)
    # The cookie stays as it was after login: the thank-you flash of each answer is never read,
    # and keeping it would grow the cookie with every post.
    return Participant(_cookie_header(jar), _csrf(page.body))


def question_positions(port: int) -> list[int]:
    page = request(port, "GET", f"/consultations/{OPEN_SLUG}").body.decode()
    found = sorted({int(p) for p in re.findall(r"/questions/(\d+)/responses", page)})
    return found or [1]


def post_answer(port: int, who: Participant, position: int, tag: str) -> int:
    body = f"[bench {tag}] Schools should teach us how to stay safe online, and parents should learn it too."
    reply = request(port, "POST", f"/consultations/{OPEN_SLUG}/questions/{position}/responses", who.cookie,
                    {"body": body, "language": "en", "csrf_token": who.csrf})  # fmt: skip
    return reply.status


# The servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, name: str, app: str, env: dict, chdir: Path, log: Path):
        self.name, self.app, self.env, self.chdir, self.log = name, app, env, chdir, log
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"{HOST}:{self.port}",
                   "--chdir", str(self.chdir), "--graceful-timeout", "2", self.app]  # fmt: skip
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(command, env=self.env, stdout=log, stderr=log, start_new_session=True)  # noqa: S603  # nosec B603
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if request(self.port, "GET", "/").status == 200 and len(self.workers()) == 2:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not start; see {self.log}")

    def workers(self) -> list[int]:
        pid = self.process.pid
        try:
            return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            return []

    def kill_worker(self) -> int:
        victim = self.workers()[0]
        os.kill(victim, signal.SIGKILL)
        return victim

    def kill_all(self) -> None:
        """Power cut for the server: master and workers at once, no clean-up anywhere."""
        workers = self.workers()
        os.killpg(self.process.pid, signal.SIGKILL)
        for pid in workers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


# The database


def app_env(url: str, workdir: Path) -> dict:
    return {
        **os.environ,
        "CONSULT_ENV": "production",
        "CONSULT_SECRET_KEY": secrets.token_hex(32),
        "CONSULT_DATABASE_URL": url,
        "CONSULT_RATELIMIT_ENABLED": "false",
        "CONSULT_MAX_RESPONSES_PER_QUESTION": "100000000",
        "CONSULT_DEMO_LOGINS_FILE": str(workdir / "demo-logins.txt"),
        "FLASK_APP": "wsgi",
    }


def empty_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    from consult.config import normalise_database_url

    engine = create_engine(normalise_database_url(url))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def prepare(url: str, env: dict, users: int) -> list[str]:
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([str(BIN / "flask"), *command], env=env, cwd=ROOT, check=True, capture_output=True)  # noqa: S603  # nosec B603

    from consult import create_app
    from consult.auth.services import create_user
    from consult.extensions import db

    # Cheap hashes for the bench accounts only: the server verifies with the parameters in the hash.
    app = create_app({"ENV": "testing", "DATABASE_URL": url, "SECRET_KEY": "bench",
                      "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1})  # fmt: skip
    names = [f"Bench Reader {n:04d}" for n in range(users)]
    with app.app_context():
        for name in names:
            create_user(name, PASSWORD, age_band="16-17", country="KE", locale="en", consent_version="1")
        db.session.commit()
        db.engine.dispose()
    return names


def stored_tags(url: str) -> Counter:
    from sqlalchemy import create_engine, text

    from consult.config import normalise_database_url

    engine = create_engine(normalise_database_url(url))
    with engine.connect() as connection:
        bodies = connection.execute(text("SELECT body FROM submissions WHERE body LIKE '[bench %'")).scalars()
        tags = Counter(m.group(1) for body in bodies if (m := TAG.search(body)))
    engine.dispose()
    return tags


# The measurements


def line(label: str, run: Run, baseline: Run | None, target: float | None = None) -> str:
    ratio = f"{run.rps / baseline.rps:6.2f}" if baseline and baseline.rps else "     -"
    goal = f"(target >= {target})" if target else ""
    statuses = " ".join(f"{code}:{n}" for code, n in sorted(run.statuses.items()))
    return (f"  {label:<34} {run.rps:8.0f} {ratio} {run.percentile(50):8.1f} {run.percentile(99):8.1f}"
            f"   {statuses} errors:{run.errors} {goal}")  # fmt: skip


def header() -> str:
    return f"  {'':<34} {'req/s':>8} {'ratio':>6} {'p50 ms':>8} {'p99 ms':>8}   answers"


def throughput(server: Server, names: list[str], hello: Run, args) -> dict[str, Run]:
    port = server.port
    path = f"/consultations/{OPEN_SLUG}"
    first = request(port, "GET", path)
    etag = dict((k.lower(), v) for k, v in first.headers).get("etag")
    results = {"page": drive(lambda n: request(port, "GET", path).status, args.threads, args.seconds)}
    if etag:
        results["revalidate"] = drive(
            lambda n: request(port, "GET", path, {"If-None-Match": etag}).status, args.threads, args.seconds
        )
    participants = [sign_in(port, name) for name in names]
    positions = question_positions(port)

    def post(n: int) -> int:
        who = participants[n % len(participants)]
        return post_answer(port, who, positions[n % len(positions)], uuid.uuid4().hex)

    results["post"] = drive(post, args.threads, args.seconds)
    results["participants"] = participants  # type: ignore[assignment]
    results["positions"] = positions  # type: ignore[assignment]
    return results


def durability(server: Server, url: str, participants: list[Participant], positions: list[int], args) -> bool:
    acknowledged: set[str] = set()
    attempts, lock = Counter(), threading.Lock()
    stop = threading.Event()

    def poster(n: int) -> None:
        who = participants[n % len(participants)]
        while not stop.is_set():
            tag = uuid.uuid4().hex  # a fresh id per attempt: a retry is a new answer, never a repeat
            try:
                status = post_answer(server.port, who, positions[n % len(positions)], tag)
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
    victim = server.kill_worker()
    print(f"  kill -9 worker {victim}")
    time.sleep(3)
    print(f"  kill -9 master {server.process.pid} and workers {server.workers()}")
    server.kill_all()
    time.sleep(1)
    server.start()
    print(f"  restarted: master {server.process.pid}, workers {server.workers()}")
    time.sleep(3)
    stop.set()
    for thread in threads:
        thread.join()

    stored = stored_tags(url)
    lost = [tag for tag in acknowledged if stored[tag] == 0]
    duplicated = [tag for tag, count in stored.items() if count > 1]
    unacknowledged_but_stored = sum(1 for tag in stored if tag not in acknowledged)
    print(f"  attempts by answer: {dict(sorted(attempts.items(), key=str))}")
    print(f"  acknowledged: {len(acknowledged)}  lost: {len(lost)}  duplicated: {len(duplicated)}"
          f"  (stored without acknowledgement, e.g. cut mid-reply: {unacknowledged_but_stored})")  # fmt: skip
    return not lost and not duplicated


def bench(name: str, url: str, hello: Run, args, workdir: Path) -> bool:
    env = app_env(url, workdir)
    names = prepare(url, env, args.users)
    server = Server(f"consult on {name}", "wsgi:app", env, ROOT, workdir / f"gunicorn-{name}.log")
    server.start()
    try:
        results = throughput(server, names, hello, args)
        print(f"\nconsult on {name}, gunicorn --workers 2")
        print(header())
        print(line("public page, anonymous GET", results["page"], hello, 0.5))
        if "revalidate" in results:
            print(line("public page, If-None-Match -> 304", results["revalidate"], hello, 0.5))
        print(line("posting an answer (303)", results["post"], hello, 0.3))
        print(f"durability on {name}: posting with {args.threads} threads")
        return durability(server, url, results["participants"], results["positions"], args)
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8, help="length of each throughput run")
    parser.add_argument("--threads", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--users", type=int, default=16, help="participant accounts that post")
    args = parser.parse_args()

    print(f"bench_load: {os.cpu_count()} cores, {args.threads} client threads, {args.seconds:g} s per run, "
          f"driver and servers on {HOST}")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="consult-bench-load-") as tmp:
        workdir = Path(tmp)
        hello_server = Server("hello", "hello_app:app", dict(os.environ), ROOT / "bench", workdir / "hello.log")
        hello_server.start()
        try:
            hello = drive(lambda n: request(hello_server.port, "GET", "/").status, args.threads, args.seconds)
        finally:
            hello_server.stop()
        print("\nhello-world Flask app, gunicorn --workers 2")
        print(header())
        print(line("GET /", hello, None))

        ok = bench("SQLite (WAL)", f"sqlite:///{workdir / 'consult.db'}", hello, args, workdir)
        postgres = os.environ.get("CONSULT_BENCH_DATABASE_URL")
        if postgres:
            empty_postgres(postgres)
            ok = bench("PostgreSQL", postgres, hello, args, workdir) and ok
        else:
            print("\n(set CONSULT_BENCH_DATABASE_URL to a database of its own to measure PostgreSQL too)")
    print("\nevery acknowledged answer stored exactly once" if ok else "\nFAILED: acknowledged answers lost or duplicated")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
