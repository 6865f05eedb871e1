"""The pieces of bench/bench_load.py: the HTTP driver (wrk or threads), the processes, the database."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote_plus, urlencode

from noop_app import NOOP_PATH

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
PASSWORD = "bench password 42"  # nosec B105 - throwaway accounts in a temporary database
OPEN_SLUG = "cwg-cop-youth-consultation"
ANSWER = "Schools should teach us how to stay safe online, and parents should learn it too."
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
# gunicorn.conf.py's access_log_format: '"%(r)s" %(s)s %(b)s %(M)sms'
ACCESS_LINE = re.compile(r'" (\d{3}) \S+ \d+ms$', re.MULTILINE)
ACCESS_TIME = re.compile(r'" \d{3} \S+ (\d+)ms$', re.MULTILINE)


# The driver


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


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
    cpu_seconds: float = 0.0  # the server's processes' CPU time during the run (see Server.cpu_seconds)
    jobs_cpu_seconds: float = 0.0  # the job worker's, meanwhile
    server_ms: list[int] = field(default_factory=list)  # each request's time inside gunicorn (access log)

    def server_percentile(self, share: float) -> float:
        """A percentile of the time spent inside the server: what is left of the client's is queueing."""
        if not self.server_ms:
            return float("nan")
        ordered = sorted(self.server_ms)
        return float(ordered[min(len(ordered) - 1, int(share * len(ordered)))])

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms(self) -> float:
        """CPU milliseconds the server spent per request: what other work on a shared machine barely moves."""
        return 1000 * self.cpu_seconds / self.requests if self.requests else float("nan")


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


def wrk(port: int, path: str, script: str, connections: int, seconds: float, workdir: Path) -> Run:
    """wrk drives far more requests per core than Python can, so the server, not the client, is measured."""
    lua = workdir / "wrk.lua"
    lua.write_text(script + WRK_DONE)
    command = [WRK, "--threads", "2", "--connections", str(connections), "--duration", f"{seconds:g}s",
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


# Participants


def cookies(reply: Reply, jar: dict) -> dict:
    for name, value in reply.headers:
        if name.lower() == "set-cookie":
            key, _sep, val = value.split(";", 1)[0].partition("=")
            jar[key.strip()] = val.strip()
    return jar


def cookie_header(jar: dict) -> dict:
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
    cookies(page, jar)
    reply = request(port, "POST", "/login", cookie_header(jar),
                    {"username": pseudonym, "password": PASSWORD, "csrf_token": _csrf(page.body)})  # fmt: skip
    if reply.status not in (302, 303):
        raise RuntimeError(f"login of {pseudonym} answered {reply.status}")
    cookies(reply, jar)
    page = request(port, "GET", f"/consultations/{OPEN_SLUG}", cookie_header(jar))
    cookies(page, jar)
    # The cookie stays as it was after login (an answer's POST sends no new one: its thank-you is in
    # the redirect's address, not a flash in the session).
    return Participant(cookie_header(jar), _csrf(page.body))


def question_positions(port: int) -> list[int]:
    page = request(port, "GET", f"/consultations/{OPEN_SLUG}").body.decode()
    found = sorted({int(p) for p in re.findall(r"/questions/(\d+)/responses", page)})
    return found or [1]


def post_answer(port: int, who: Participant, position: int, mark: str) -> int:
    """POST an answer whose text starts with ``[mark]``; the status."""
    reply = request(port, "POST", f"/consultations/{OPEN_SLUG}/questions/{position}/responses", who.cookie,
                    {"body": f"[{mark}] {ANSWER}", "language": "en", "csrf_token": who.csrf})  # fmt: skip
    return reply.status


# The processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _spawn(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=out,
                                start_new_session=True)  # fmt: skip  # nosec B603


def _end(process: subprocess.Popen | None, sig: int = signal.SIGTERM) -> None:
    if process and process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # gone
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


class Server:
    """gunicorn with the checkout's gunicorn.conf.py (its access log included) for every app served."""

    def __init__(self, name: str, app: str, env: dict, log: Path):
        self.name, self.app, self.env, self.log = name, app, env, log
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [str(BIN / "gunicorn"), "--config", str(ROOT / "gunicorn.conf.py"), "--workers", "2",
                   "--bind", f"{HOST}:{self.port}", "--graceful-timeout", "2", self.app]  # fmt: skip
        self.process = _spawn(command, self.env, self.log)
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

    def cpu_seconds(self) -> float:
        """User and system CPU time of the master and its live workers so far."""
        return sum(_cpu_seconds(pid) for pid in [self.process.pid, *self.workers()])

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
        _end(self.process)

    def log_mark(self) -> int:
        return self.log.stat().st_size

    def statuses_since(self, mark: int) -> Counter:
        """Responses by status in the access log written since ``mark``."""
        with open(self.log, "rb") as log:
            log.seek(mark)
            text = log.read().decode(errors="replace")
        return Counter(int(code) for code in ACCESS_LINE.findall(text))

    def times_since(self, mark: int) -> list[int]:
        """Each response's time inside the server (ms, the access log's %(M)s) since ``mark``."""
        with open(self.log, "rb") as log:
            log.seek(mark)
            text = log.read().decode(errors="replace")
        return [int(ms) for ms in ACCESS_TIME.findall(text)]


class JobWorker:
    """``flask --app wsgi jobs worker``, as in production (the Procfile's worker)."""

    def __init__(self, env: dict, log: Path):
        self.env, self.log = env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {**self.env, "PYTHONUNBUFFERED": "1"}  # its log as it happens, even when killed
        self.process = _spawn([str(BIN / "flask"), "--app", "wsgi", "jobs", "worker"], env, self.log)
        time.sleep(1.5)  # the consumer's start-up; answers that arrive before then wait in the queue
        if self.process.poll() is not None:
            raise RuntimeError(f"the job worker stopped at once; see {self.log}")

    def wait_warm(self, timeout: float = 180.0) -> None:
        """Until the worker has loaded what it screens with (the sentence encoder, the lexicons: several seconds
        of CPU at its low priority as it starts): the first posting round would otherwise share the machine
        with that loading, and count it as screening's."""
        deadline, last = time.monotonic() + timeout, self.cpu_seconds()
        quiet = 0
        while quiet < 2 and time.monotonic() < deadline:
            time.sleep(0.5)
            now = self.cpu_seconds()
            quiet = quiet + 1 if now - last < 0.02 else 0
            last = now

    def status(self) -> dict:
        """``flask jobs status --json``: the queue as the operators see it."""
        command = [str(BIN / "flask"), "--app", "wsgi", "jobs", "status", "--json"]
        reply = subprocess.run(command, env=self.env, cwd=ROOT, check=True, capture_output=True, text=True)  # nosec B603
        return json.loads(reply.stdout.strip().splitlines()[-1])

    def wait_idle(self, timeout: float = 120.0) -> None:
        """Until every answer is screened: a round must not pay for the screening of the round before it."""
        deadline = time.monotonic() + timeout
        while self.status()["unscreened"] and time.monotonic() < deadline:
            time.sleep(0.5)

    def cpu_seconds(self) -> float:
        return _cpu_seconds(self.process.pid)

    def pause(self) -> None:
        """SIGSTOP: the answers wait in the queue as if the worker ran on another machine."""
        os.killpg(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.killpg(self.process.pid, signal.SIGCONT)

    def kill(self) -> int:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        return self.process.pid

    def stop(self) -> None:
        _end(self.process)


# The database


def app_env(url: str, workdir: Path, redis_url: str | None) -> dict:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "CONSULT_ENV": "production",
        "CONSULT_SECRET_KEY": secrets.token_hex(32),
        "CONSULT_DATABASE_URL": url,
        "CONSULT_RATELIMIT_ENABLED": "false",
        "CONSULT_MAX_RESPONSES_PER_QUESTION": "100000000",
        "CONSULT_DEMO_LOGINS_FILE": str(workdir / "demo-logins.txt"),
        "CONSULT_JOBS_DATABASE": str(workdir / f"jobs-{secrets.token_hex(4)}.db"),
        "FLASK_APP": "wsgi",
    }
    env.pop("CONSULT_REDIS_URL", None)
    if redis_url:
        env["CONSULT_REDIS_URL"] = redis_url
    return env


def imported_from(env: dict) -> str:
    """Where the processes started with ``env`` find consult (this worktree's, not another checkout's)."""
    command = [sys.executable, "-c", "import consult; print(consult.__file__)"]
    return subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()  # nosec B603


def empty_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    from consult.config import normalise_database_url

    engine = create_engine(normalise_database_url(url))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def empty_redis(url: str) -> None:
    import redis  # the Redis client comes with the job engine's Redis storage

    redis.Redis.from_url(url).flushdb()


def prepare(url: str, env: dict, users: int, approved: int) -> list[str]:
    """Migrate, seed the demo, make ``users`` participants and ``approved`` published answers; their names."""
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([str(BIN / "flask"), *command], env=env, cwd=ROOT, check=True, capture_output=True)  # nosec B603

    from sqlalchemy import insert, select

    from consult import create_app
    from consult.auth.services import create_user
    from consult.extensions import db
    from consult.models import Consultation, Priority, Question, Submission, SubmissionStatus

    # Cheap hashes for the bench accounts only: the server verifies with the parameters in the hash.
    app = create_app({"ENV": "testing", "DATABASE_URL": url, "SECRET_KEY": "bench",
                      "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1})  # fmt: skip
    names = [f"Bench Reader {n:04d}" for n in range(users)]
    with app.app_context():
        for name in names:
            create_user(name, PASSWORD, age_band="16-17", country="KE", locale="en", consent_version="1")
        # The published answers' authors never sign in (no password, like imported participants).
        authors = [create_user(f"Bench Author {n:03d}", None, age_band="16-17", country="KE").id for n in range(100)]
        questions = db.session.scalars(
            select(Question.id).join(Consultation).where(Consultation.slug == OPEN_SLUG).order_by(Question.position)
        ).all()
        now = datetime.now(UTC)
        rows = []
        for n in range(approved):
            body = f"Published answer {n}: {ANSWER} We also need help lines that answer at night."
            at = now - timedelta(seconds=approved - n)
            rows.append({"question_id": questions[n % len(questions)], "author_id": authors[n % len(authors)],
                         "body": body, "published_text": body, "language": "en", "status": SubmissionStatus.APPROVED,
                         "age_band": "16-17", "country": "KE", "created_at": at, "decided_at": at,
                         "screened_at": at, "priority": Priority.CLEAR})  # fmt: skip
        if rows:
            db.session.execute(insert(Submission.__table__), rows)  # one executemany
        db.session.commit()
        db.engine.dispose()
    return names


class Database:
    """The answers as stored: what the durability and screening figures are counted from."""

    def __init__(self, url: str):
        from sqlalchemy import create_engine

        from consult.config import normalise_database_url
        from consult.models import Submission

        self.engine = create_engine(normalise_database_url(url))
        self.table = Submission.__table__

    def marked(self, mark: str) -> list[tuple[str, datetime | None]]:
        """(tag, screened_at) of every answer whose text starts with ``[mark <tag>]``."""
        from sqlalchemy import select

        pattern = re.compile(rf"\[{mark} ([0-9a-f]{{32}})\]")
        c = self.table.c
        with self.engine.connect() as connection:
            rows = connection.execute(select(c.body, c.screened_at).where(c.body.like(f"[{mark} %")))
            return [(m.group(1), at) for body, at in rows if (m := pattern.match(body))]

    def unscreened(self) -> int:
        from sqlalchemy import func, select

        with self.engine.connect() as connection:
            return connection.execute(select(func.count()).where(self.table.c.screened_at.is_(None))).scalar_one()

    def wait_screened(self, seconds: float) -> tuple[int, float]:
        """Wait until every answer is screened or ``seconds`` pass: (still unscreened, seconds waited)."""
        began = time.monotonic()
        while (left := self.unscreened()) and time.monotonic() - began < seconds:
            time.sleep(0.5)
        return left, time.monotonic() - began

    def close(self) -> None:
        self.engine.dispose()
