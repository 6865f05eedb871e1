"""Where the time of posting an answer goes, in one process, side by side with what bounds it.

    .venv/bin/python bench/bench_posting.py [--posts 500] [--rounds 5] [--profile 30]

bench_load.py measures the served app against a hello-world app; this script explains its posting
figure. In one process (Flask's test client, no HTTP server, a temporary SQLite WAL database, or
the PostgreSQL database in CONSULT_BENCH_DATABASE_URL, which is EMPTIED first), it times in turn:

- hello-world: a bare Flask app answering GET / (what bench_load.py compares with);
- a signed-in no-op POST: consult's own request path (session cookie, Flask-Login's user load,
  session timeouts, the access registry, CSRF check, security headers) to a view, registered here
  only, that answers 303 and does nothing else: the floor for any signed-in form post;
- posting an answer: the real route (one question lookup, one INSERT that also counts the
  per-question limit, the commit, the screening job queued; the thank-you is in the redirect's
  address, so the session cookie is not signed again).

Rounds alternate the three so that each meets the same machine; the figures are medians of the
rounds. The ratios show how much of an answer's cost is the request path every signed-in POST
pays, and how much is taking the answer itself. With --profile N, cProfile then runs over --posts
no-op POSTs and --posts answer POSTs and prints each one's N costliest entries (cumulative time).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from loadlib import ANSWER, PASSWORD, _csrf, app_env, empty_postgres  # noqa: E402 - after the path is set
from loadlib import OPEN_SLUG as SLUG  # noqa: E402
from noop_app import NOOP_PATH  # noqa: E402

BIN = Path(sys.executable).parent


def prepare(url: str, workdir: Path):
    env = app_env(url, workdir, None)  # as bench_load.py serves it
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([str(BIN / "flask"), *command], env=env, cwd=ROOT, check=True, capture_output=True)  # nosec B603
    os.environ.update(env)

    from noop_app import add_noop_route

    from consult import create_app
    from consult.auth.services import create_user
    from consult.extensions import db

    app = add_noop_route(create_app())
    with app.app_context():
        create_user("Bench Poster", PASSWORD, age_band="16-17", country="KE", locale="en", consent_version="1")
        db.session.commit()

    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"  # the production cookie is Secure
    login = client.get("/login")
    reply = client.post("/login", data={"username": "Bench Poster", "password": PASSWORD,
                                        "csrf_token": _csrf(login.data)})  # fmt: skip
    if reply.status_code not in (302, 303):
        raise RuntimeError(f"login answered {reply.status_code}")
    token = _csrf(client.get(f"/consultations/{SLUG}").data)
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = client.get_cookie(name).value
    return app, client, name, cookie, token


def timed(action, count: int) -> float:
    """Seconds per call."""
    start = time.perf_counter()
    for number in range(count):
        action(number)
    return (time.perf_counter() - start) / count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=500, help="requests per figure and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="then print cProfile's top N entries")
    args = parser.parse_args()

    from flask import Flask

    with tempfile.TemporaryDirectory(prefix="consult-bench-posting-") as tmp:
        url = os.environ.get("CONSULT_BENCH_DATABASE_URL") or f"sqlite:///{Path(tmp) / 'consult.db'}"
        if url.startswith("postgresql"):
            empty_postgres(url)
        _app, client, name, cookie, token = prepare(url, Path(tmp))

        hello = Flask("hello")
        hello.get("/")(lambda: "Hello, world!")
        hello_client = hello.test_client()

        def say_hello(_number: int) -> None:
            assert hello_client.get("/").status_code == 200  # nosec B101

        def post(path: str, form: dict):
            def send(_number: int) -> None:
                # Every request carries the session as it was after login, as in bench_load.py.
                client.set_cookie(name, cookie)
                status = client.post(path, data=form).status_code
                if status != 303:
                    raise RuntimeError(f"{path} answered {status}")

            return send

        noop = post(NOOP_PATH, {"body": ANSWER, "language": "en", "csrf_token": token})
        answer = post(f"/consultations/{SLUG}/questions/1/responses",
                      {"body": ANSWER, "language": "en", "csrf_token": token})  # fmt: skip
        for action in (say_hello, noop, answer):  # warm up: screening compiles its patterns once
            timed(action, 20)
        figures: dict[str, list[float]] = {"hello": [], "noop": [], "answer": []}
        for _round in range(args.rounds):
            figures["hello"].append(timed(say_hello, args.posts))
            figures["noop"].append(timed(noop, args.posts))
            figures["answer"].append(timed(answer, args.posts))

        if args.profile:
            for label, action in (("signed-in no-op POST", noop), ("posting an answer", answer)):
                profile = cProfile.Profile()
                profile.runcall(timed, action, args.posts)
                print(f"\n--- {label}: {args.posts} requests under cProfile ---")
                pstats.Stats(profile).strip_dirs().sort_stats("cumulative").print_stats(args.profile)

    median = {key: statistics.median(values) for key, values in figures.items()}
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite (WAL)"
    print(f"bench_posting: {backend}, {args.rounds} rounds x {args.posts} requests, in one process, "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"{'':36}{'ms/request':>11}{'req/s':>9}{'vs hello':>10}")
    rows = [("hello-world GET /", "hello"), ("signed-in no-op POST (the floor)", "noop"),
            ("posting an answer", "answer")]  # fmt: skip
    for label, key in rows:
        seconds = median[key]
        print(f"{label:36}{seconds * 1000:11.2f}{1 / seconds:9.0f}{median['hello'] / seconds:10.3f}")
    share = (median["answer"] - median["noop"]) / median["answer"]
    print(f"taking the answer itself: {share:.0%} of a post; the signed-in request path: {1 - share:.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
