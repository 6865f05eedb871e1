"""Load and durability of the real server: gunicorn (2 workers), driven over loopback.

    .venv/bin/python bench/bench_load.py [--seconds 5] [--rounds 3] [--threads 8] [--users 16]

For SQLite (a temporary WAL file), and for PostgreSQL too when CONSULT_BENCH_DATABASE_URL is set
(that database is EMPTIED first: give it one of its own), this script migrates with
``flask db upgrade``, seeds with ``flask seed-demo``, creates participant accounts, serves consult
with gunicorn as in production (CONSULT_ENV=production, the checkout's gunicorn.conf.py; rate limits
off and the per-question answer limit raised for the run) and measures, side by side with a
hello-world Flask app served the same way (bench/hello_app.py), requests per second and p50/p99
latency of

- the public consultation page for anonymous readers (a full GET, and a revalidation with
  If-None-Match that the ETag answers with 304),
- a signed-in POST that does nothing (bench/noop_app.py adds that one route for the benchmark): the
  floor any signed-in form post pays for the session, the account, CSRF and the headers,
- answer posting by signed-in participants (form POST with CSRF token, answered by 303),

each as a ratio of hello-world. The load comes from wrk when it is installed (apt-get install wrk),
else from this process's threads; each figure alternates hello-world and consult runs (--rounds), so
that both meet the same machine even when other work comes and goes on it.

Then durability: participants keep posting answers, each tagged with a unique id, while one worker
is killed with SIGKILL and later the whole server (master and workers); the server is restarted and
every acknowledged (2xx/3xx) answer must be in the database exactly once. A failed attempt is never
repeated with the same id (a repeat is a new answer). Figures, not a timed test: nothing fails on a
slow machine, but the exit status is 1 when an acknowledged answer is lost or duplicated.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import re
import secrets
import shutil
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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote_plus, urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
PASSWORD = "bench password 42"  # nosec B105 - throwaway accounts in a temporary database
OPEN_SLUG = "cwg-cop-youth-consultation"
TAG = re.compile(r"\[durability ([0-9a-f]{32})\]")  # the throughput runs write [bench …] instead
ANSWER = "Schools should teach us how to stay safe online, and parents should learn it too."
from noop_app import NOOP_PATH  # noqa: E402 - bench/ is this script's own folder

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
    requests: int = 0
    seconds: float = 0.0
    p50_ms: float = float("nan")
    p99_ms: float = float("nan")
    statuses: Counter = field(default_factory=Counter)
    errors: int = 0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def drive(send, threads: int, seconds: float) -> Run:
    """Call send(thread_number) -> status from each thread until the time is up."""
    run, lock, latencies_of_all = Run(), threading.Lock(), []
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
            latencies_of_all.extend(latencies)
            run.statuses.update(statuses)
            run.errors += errors

    workers = [threading.Thread(target=loop, args=(n,)) for n in range(threads)]
    began = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    run.seconds = time.perf_counter() - began
    ordered = sorted(latencies_of_all)
    if ordered:
        run.requests = len(ordered)
        run.p50_ms = ordered[len(ordered) // 2] * 1000
        run.p99_ms = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000
    return run


WRK = shutil.which("wrk")
WRK_DONE = """
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def lua_string(value: str) -> str:
    return f"[==[{value}]==]"


def wrk(port: int, path: str, script: str, threads: int, seconds: float, workdir: Path) -> Run:
    """wrk drives far more requests per core than Python can, so the server, not the client, is measured."""
    lua = workdir / "wrk.lua"
    lua.write_text(script + WRK_DONE)
    command = [WRK, "--threads", "2", "--connections", str(threads), "--duration", f"{seconds:g}s",
               "--timeout", "10s", "--script", str(lua), f"http://{HOST}:{port}{path}"]  # fmt: skip
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # nosec B603
    requests, duration_us, p50, p99, bad_status, socket_errors = map(int, output.split("WRK ")[1].split()[:6])
    return Run(requests, duration_us / 1e6, p50 / 1000, p99 / 1000,
               Counter({"2xx/3xx": requests - bad_status, "4xx/5xx": bad_status}), socket_errors)  # fmt: skip


def wrk_get(headers: dict | None = None) -> str:
    return "".join(f"wrk.headers[ {lua_string(k)} ] = {lua_string(v)}\n" for k, v in (headers or {}).items())


def wrk_post(participants: list[Participant], positions: list[int], noop: bool = False) -> str:
    """Each request: the next participant, the next question, a [bench <thread><counter>] mark in the body.

    With ``noop``, the same requests go to the benchmark's do-nothing route instead (bench/noop_app.py)."""
    forms = [(p.cookie["Cookie"], urlencode({"language": "en", "csrf_token": p.csrf})) for p in participants]
    people = ",\n".join(f"{{cookie={lua_string(cookie)}, form={lua_string(form)}}}" for cookie, form in forms)
    targets = [NOOP_PATH] if noop else [f"/consultations/{OPEN_SLUG}/questions/{n}/responses" for n in positions]
    paths = ", ".join(lua_string(path) for path in targets)
    prefix, suffix = quote_plus("[bench "), quote_plus(f"] {ANSWER}")
    return f"""
local people = {{{people}}}
local paths = {{{paths}}}
local counter = 0
local threads = {{}}
function setup(thread)
  table.insert(threads, thread)
  thread:set("serial", #threads)
end
function request()
  counter = counter + 1
  local who = people[(counter + serial * 7) % #people + 1]
  local tag = string.format("%08x%024x", serial, counter)
  local body = who.form .. "&body={prefix}" .. tag .. "{suffix}"
  return wrk.format("POST", paths[counter % #paths + 1],
    {{["Cookie"] = who.cookie, ["Content-Type"] = "application/x-www-form-urlencoded"}}, body)
end
"""


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
    body = f"[durability {tag}] {ANSWER}"
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
        # From the checkout, gunicorn reads its gunicorn.conf.py as in production; bench/ has none.
        command = [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"{HOST}:{self.port}",
                   "--graceful-timeout", "2", self.app]  # fmt: skip
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(command, env=self.env, cwd=self.chdir, stdout=log, stderr=log,
                                            start_new_session=True)  # fmt: skip  # nosec B603
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
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
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
        subprocess.run([str(BIN / "flask"), *command], env=env, cwd=ROOT, check=True, capture_output=True)  # nosec B603

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
        bodies = connection.execute(text("SELECT body FROM submissions WHERE body LIKE '[durability %'")).scalars()
        tags = Counter(m.group(1) for body in bodies if (m := TAG.search(body)))
    engine.dispose()
    return tags


# The measurements


def line(label: str, run: Run, baseline: Run | None, target: float | None = None) -> str:
    ratio = f"{run.rps / baseline.rps:6.2f}" if baseline and baseline.rps else "     -"
    goal = f"(target >= {target})" if target else ""
    statuses = " ".join(f"{code}:{n}" for code, n in sorted(run.statuses.items()))
    return (f"  {label:<34} {run.rps:8.0f} {ratio} {run.p50_ms:8.1f} {run.p99_ms:8.1f}"
            f"   {statuses} errors:{run.errors} {goal}")  # fmt: skip


def header() -> str:
    return f"  {'':<34} {'req/s':>8} {'ratio':>6} {'p50 ms':>8} {'p99 ms':>8}   answers"


def measure_get(port: int, path: str, args, workdir: Path, headers: dict | None = None) -> Run:
    if WRK:
        return wrk(port, path, wrk_get(headers), args.threads, args.seconds, workdir)
    return drive(lambda n: request(port, "GET", path, headers).status, args.threads, args.seconds)


def combined(runs: list[Run]) -> Run:
    """Several rounds as one: requests over time, and the median of the rounds' percentiles."""
    total = Run(sum(r.requests for r in runs), sum(r.seconds for r in runs),
                statistics.median(r.p50_ms for r in runs), statistics.median(r.p99_ms for r in runs),
                sum((r.statuses for r in runs), Counter()), sum(r.errors for r in runs))  # fmt: skip
    return total


def paired(scenario: Callable[[], Run], hello: Callable[[], Run], rounds: int) -> tuple[Run, Run]:
    """Alternate hello-world and the scenario, so that both see the same machine (other work on it
    comes and goes): the ratio compares runs seconds apart, not minutes."""
    pairs = [(hello(), scenario()) for _ in range(rounds)]
    return combined([p[1] for p in pairs]), combined([p[0] for p in pairs])


def throughput(server: Server, hello_port: int, names: list[str], args, workdir: Path) -> dict:
    port = server.port
    path = f"/consultations/{OPEN_SLUG}"
    first = request(port, "GET", path)
    etag = dict((k.lower(), v) for k, v in first.headers).get("etag")

    def hello() -> Run:
        return measure_get(hello_port, "/", args, workdir)

    results = {"page": paired(lambda: measure_get(port, path, args, workdir), hello, args.rounds)}
    if etag:
        results["revalidate"] = paired(
            lambda: measure_get(port, path, args, workdir, {"If-None-Match": etag}), hello, args.rounds
        )
    participants = [sign_in(port, name) for name in names]
    positions = question_positions(port)
    if WRK:
        floor = wrk_post(participants, positions, noop=True)
        results["noop"] = paired(lambda: wrk(port, "/", floor, args.threads, args.seconds, workdir), hello, args.rounds)
        script = wrk_post(participants, positions)
        results["post"] = paired(
            lambda: wrk(port, "/", script, args.threads, args.seconds, workdir), hello, args.rounds
        )
    else:

        def post(n: int) -> int:
            who = participants[n % len(participants)]
            return post_answer(port, who, positions[n % len(positions)], uuid.uuid4().hex)

        results["post"] = paired(lambda: drive(post, args.threads, args.seconds), hello, args.rounds)
    results["participants"], results["positions"] = participants, positions
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


def bench(name: str, url: str, hello_port: int, args, workdir: Path) -> bool:
    env = app_env(url, workdir)
    names = prepare(url, env, args.users)
    # consult as in production, plus the benchmark's do-nothing route (bench/noop_app.py).
    server = Server(f"consult on {name}", "bench.noop_app:create()", env, ROOT, workdir / f"gunicorn-{name}.log")
    server.start()
    try:
        results = throughput(server, hello_port, names, args, workdir)
        print(f"\nconsult on {name}, gunicorn --workers 2 (each row paired with hello-world runs in turn)")
        print(header())
        rows = [("page", "public page, anonymous GET", 0.5), ("revalidate", "public page, If-None-Match -> 304", 0.5),
                ("noop", "signed-in no-op POST (the floor)", None),
                ("post", "posting an answer (303)", 0.3)]  # fmt: skip
        for key, label, target in rows:
            if key in results:
                run, hello = results[key]
                print(line("  hello-world GET / (its pair)", hello, None))
                print(line(label, run, hello, target))
        print(f"durability on {name}: posting with {args.threads} threads")
        return durability(server, url, results["participants"], results["positions"], args)
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5, help="length of each throughput run")
    parser.add_argument("--rounds", type=int, default=3, help="hello-world/consult pairs per figure")
    parser.add_argument("--threads", type=int, default=8, help="concurrent connections (client threads)")
    parser.add_argument("--users", type=int, default=16, help="participant accounts that post")
    args = parser.parse_args()

    client = f"wrk, 2 threads, {args.threads} connections" if WRK else f"Python, {args.threads} threads"
    print(f"bench_load: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; throughput driven by "
          f"{client}, {args.rounds} x {args.seconds:g} s per figure; durability by Python, {args.threads} threads;"
          f" all on {HOST}")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="consult-bench-load-") as tmp:
        workdir = Path(tmp)
        hello_server = Server("hello", "hello_app:app", dict(os.environ), ROOT / "bench", workdir / "hello.log")
        hello_server.start()
        try:
            ok = bench("SQLite (WAL)", f"sqlite:///{workdir / 'consult.db'}", hello_server.port, args, workdir)
            postgres = os.environ.get("CONSULT_BENCH_DATABASE_URL")
            if postgres:
                empty_postgres(postgres)
                ok = bench("PostgreSQL", postgres, hello_server.port, args, workdir) and ok
            else:
                print("\n(set CONSULT_BENCH_DATABASE_URL to a database of its own to measure PostgreSQL too)")
        finally:
            hello_server.stop()
    verdict = "every acknowledged answer stored exactly once" if ok else "FAILED: acknowledged answers lost/duplicated"
    print(f"\n{verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
