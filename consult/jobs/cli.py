"""``flask jobs worker|status|retry-failed|sweep``: run and watch the background work."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from .. import clock
from ..moderation.arrivals import backlog
from . import queue
from .queue import FAILED, RUNNING, huey
from .tasks import JOBS, sweep

jobs = AppGroup("jobs", help="Background work: the job worker and the state of its queue.")


@jobs.command("worker")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Jobs run at once [JOBS_WORKERS].")
@click.option("--worker-type", type=click.Choice(["thread", "process"]), default=None,
              help="Threads, or processes for CPU-heavy work on many cores [JOBS_WORKER_TYPE].")  # fmt: skip
@click.option("--no-periodic", is_flag=True, help="Leave the periodic jobs to another machine's worker.")
@click.option("--nice", "niceness", type=click.IntRange(0, 19), default=None,
              help="Lower the worker's CPU priority so web requests come first [JOBS_NICENESS].")  # fmt: skip
@with_appcontext
def worker(workers: int | None, worker_type: str | None, no_periodic: bool, niceness: int | None) -> None:
    """Serve the queue until stopped (Ctrl-C finishes the jobs under way first)."""
    app = current_app._get_current_object()
    if huey.immediate:
        raise click.UsageError("JOBS_IMMEDIATE is set: jobs run where they are asked for; no worker is needed.")
    lowered = lower_priority(app.config["JOBS_NICENESS"] if niceness is None else niceness)
    queue.bind_worker(app)
    consumer = huey.create_consumer(
        workers=workers or app.config["JOBS_WORKERS"],
        worker_type=worker_type or app.config["JOBS_WORKER_TYPE"],
        periodic=not no_periodic,
        # SQLite storage is polled: keep the wait short so an answer is screened within seconds.
        max_delay=app.config["JOBS_POLL_SECONDS"],
        check_worker_health=True,
    )
    click.echo(
        f"Job worker on {type(huey.storage).__name__}: {consumer.workers} {consumer.worker_type} worker(s),"
        f" niceness {lowered}."
    )
    consumer.run()


def lower_priority(increment: int) -> int:
    """Lower this process's CPU priority (before the consumer starts its threads or processes, which inherit
    it) and return the niceness it now has. Raising a priority needs privileges, so nothing here does.

    Linux weighs a process's niceness only against the processes of its own session's "autogroup"; a worker
    started in a session of its own (by a supervisor, ``setsid``) competes with the web server's session
    as an equal unless that autogroup is lowered too. A worker sharing a session (``make run``) leaves the
    autogroup alone: it would lower the web server with it."""
    niceness = os.nice(increment)
    autogroup = Path("/proc/self/autogroup")
    if increment and os.getsid(0) == os.getpid() and autogroup.exists():
        with contextlib.suppress(OSError):  # a kernel without autogroups, a read-only /proc: the niceness alone
            autogroup.write_text(str(niceness))
    return niceness


def queue_status() -> dict:
    waiting = backlog()
    return {
        "queued": huey.pending_count(),
        "scheduled": huey.scheduled_count(),
        "running": len(queue.markers(RUNNING)),
        "failed": len(queue.markers(FAILED)),
        "unscreened": waiting.count,
        "oldest_unscreened_s": round(waiting.oldest_seconds(clock.utcnow()), 1),
        "storage": type(huey.storage).__name__,
    }


@jobs.command("status")
@click.option("--json", "as_json", is_flag=True, help="One JSON object, for monitoring.")
@with_appcontext
def status(as_json: bool) -> None:
    """How much work waits, runs and failed, and how long the oldest answer has waited for screening."""
    figures = queue_status()
    if as_json:
        click.echo(json.dumps(figures, sort_keys=True))
        return
    for name, value in figures.items():
        click.echo(f"{name.replace('_', ' ')}: {value}")
    for marker in queue.markers(FAILED):
        click.echo(f"  failed: {marker['name']} {marker['id']} on {marker['worker']}: {marker['error']}")


@jobs.command("retry-failed")
@with_appcontext
def retry_failed() -> None:
    """Queue every failed job again."""
    retried = 0
    for marker in queue.markers(FAILED):
        job = JOBS.get(marker["name"])
        if job is not None:
            job(*marker["args"])
            retried += 1
        huey.delete(FAILED + marker["id"])
    click.echo(f"Queued again: {retried}")


@jobs.command("sweep")
@with_appcontext
def sweep_command() -> None:
    """Ask again for work whose job was lost (the worker also does this every minute)."""
    sweep.call_local()
    click.echo("Swept.")


def register(app: Flask) -> None:
    app.cli.add_command(jobs)
