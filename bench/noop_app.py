"""consult as served in production, plus one route for the benchmarks: a signed-in POST that does nothing.

It passes through everything a signed-in form post passes through (session cookie, Flask-Login's user
load, session timeouts, the access registry, CSRF, security headers) and answers 303: the floor that
posting an answer is compared with. Never part of the app itself.
"""

from flask import Flask, redirect

from consult import create_app
from consult.access import ACCESS, Access
from consult.auth.roles import participant_required

NOOP_PATH = "/bench-noop"


def add_noop_route(app: Flask) -> Flask:
    @participant_required
    def noop():
        return redirect("/", 303)

    ACCESS["bench_noop"] = Access.PARTICIPANT
    app.add_url_rule(NOOP_PATH, "bench_noop", noop, methods=["POST"])
    return app


def create() -> Flask:
    """For gunicorn: ``gunicorn 'bench.noop_app:create()'``."""
    return add_noop_route(create_app())
