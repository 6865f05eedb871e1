"""The Huey instance, the job's application context, and the markers that tell what runs and what failed."""

from __future__ import annotations

import functools
import os
import socket
import time

from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.signals import SIGNAL_COMPLETE, SIGNAL_ERROR, SIGNAL_EXECUTING, SIGNAL_INTERRUPTED
from huey.storage import MemoryStorage

# Results are never read: a job's effect is in the database. The markers below live in Huey's
# key-value store, so that `flask jobs status` sees every worker of a shared queue.
huey = Huey("consult", results=False, storage_class=MemoryStorage, immediate=True)
RUNNING, FAILED = "running:", "failed:"
_worker_app: Flask | None = None


def bind_worker(app: Flask) -> None:
    """The application every job of this worker process runs in."""
    global _worker_app
    _worker_app = app


def in_app_context(function):
    """Run a job in an application context of its own, so it has its own database session."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        app = current_app._get_current_object() if has_app_context() else _worker_app
        if app is None:
            raise RuntimeError("a job ran outside a worker: call consult.jobs.bind_worker(app) first")
        with app.app_context():
            return function(*args, **kwargs)

    return run


def _marker(task) -> dict:
    return {"name": task.name, "id": task.id, "args": list(task.args), "at": time.time(),
            "worker": f"{socket.gethostname()}:{os.getpid()}"}  # fmt: skip


@huey.signal(SIGNAL_EXECUTING)
def _running(signal, task, *args) -> None:
    huey.put(RUNNING + task.id, _marker(task))


@huey.signal(SIGNAL_COMPLETE, SIGNAL_INTERRUPTED)
def _done(signal, task, *args) -> None:
    huey.delete(RUNNING + task.id)


@huey.signal(SIGNAL_ERROR)
def _failed(signal, task, exc=None) -> None:
    huey.delete(RUNNING + task.id)
    if not task.retries:  # retries left: Huey tries again, so it has not failed yet
        huey.put(FAILED + task.id, {**_marker(task), "error": f"{type(exc).__name__}: {exc}"[:500]})


def markers(prefix: str) -> list[dict]:
    """Every running or failed marker of the shared queue."""
    found = []
    for key, raw in huey.storage.result_items().items():
        key = key.decode() if isinstance(key, bytes) else key
        if key.startswith(prefix):
            found.append(huey.serializer.deserialize(raw))
    return found
