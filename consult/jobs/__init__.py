"""Background work on Huey: the one queue every web server asks and every job worker serves.

The queue is a SQLite file in ``instance/`` by default, so one machine needs nothing else; with
``CONSULT_REDIS_URL`` it is Redis, so any number of workers on any number of machines share it
(the same Redis that holds the rate-limit counters). In tests, and wherever ``JOBS_IMMEDIATE`` is
set, a job runs at once in the process that asked for it.

Jobs are idempotent: each finds its work in the database (answers not yet screened, a summary
asked for and not yet made), so running one twice changes nothing, and a job lost with a killed
worker is asked for again by the periodic sweep. Each job runs in an application context of its
own, with its own database session.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from huey.storage import PriorityRedisStorage, SqliteStorage

from .. import outbox
from ..moderation.arrivals import SCREENING_JOB
from .handover import Handover
from .queue import huey
from .tasks import JOBS, SCREENING_WANTED, first_to_ask


def init_app(app: Flask) -> None:
    """Point the queue at the storage the configuration names, and let services ask for jobs."""
    immediate = app.config["JOBS_IMMEDIATE"]
    if immediate is None:
        immediate = app.config["ENV"] == "testing"
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        huey.storage_class, huey.storage_kwargs = PriorityRedisStorage, {"url": redis_url}
    else:
        path = Path(app.config["JOBS_DATABASE"])
        path.parent.mkdir(parents=True, exist_ok=True)
        # No flush to disk per job: a queued job is only a wake-up call (its work is in the database,
        # and the sweep asks again for whatever a lost job left), so an answer's POST never waits
        # on the disk twice. Measured: 5 ms an enqueue with fsync, 0.07 ms without.
        huey.storage_class, huey.storage_kwargs = SqliteStorage, {"filename": str(path), "fsync": False}
    huey._immediate = bool(immediate)  # the public setter rebuilds the storage only on a change
    huey.storage = huey.create_storage()
    linger = app.config["JOBS_HANDOVER_SECONDS"]
    # Immediate jobs run where they are asked for, as the tests expect; a queue is handed over from a thread.
    outbox.set_dispatcher(dispatch if huey.immediate or linger is None else Handover(dispatch, linger))


def dispatch(name: str, args: tuple) -> None:
    """Queue the job registered as ``name``: the outbox calls this once a transaction has committed.

    Every web process asks for screening after each answer; one job waiting serves them all."""
    if name == SCREENING_JOB and not huey.immediate and not first_to_ask(SCREENING_WANTED):
        return
    JOBS[name](*args)
