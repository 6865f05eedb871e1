"""The jobs: what the worker does, each a commit point of its own, each safe to run twice.

A job reads its work from the database and commits its result once, like a request; services below
flush and never commit. Periodic jobs also stay CLI commands (``flask purge``, ``flask jobs sweep``).
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from flask import current_app
from huey import crontab

from .. import clock, outbox
from ..audit_log import security_event
from ..extensions import db
from ..moderation import arrivals
from ..moderation import queue as moderation_queue
from ..moderation.reports import TAKEN_DOWN_JOB
from ..retention import purge
from ..summaries import background, generation, removals, work
from . import machine
from .queue import huey, in_app_context

log = logging.getLogger(__name__)


@huey.task(retries=3, retry_delay=5, priority=10, name=arrivals.SCREENING_JOB)
@in_app_context
def screen_answers() -> int:
    """Screen the answers that arrived (a batch at a time, oldest first), until none waits; on a machine
    whose cores other processes keep busy (the web server at full load), after the burst (consult/jobs/machine.py)."""
    config = current_app.config
    if not huey.immediate:
        # No answer waits longer than JOBS_YIELD_SECONDS for it in all: under a load that lasts, the batches
        # after the first go on at once, at the worker's low priority.
        oldest = arrivals.backlog().oldest_seconds(clock.utcnow())
        db.session.rollback()  # no transaction held open while waiting: SQLite's log could not be checkpointed
        machine.give_way(config["JOBS_BUSY_SHARE"], config["JOBS_YIELD_SECONDS"] - oldest)
    huey.delete(SCREENING_WANTED)  # before reading: an answer committed from now on asks for a new job
    batch = config["SCREENING_BATCH"]
    screened = arrivals.screen_arrivals(batch)
    db.session.commit()
    if screened == batch:  # more may wait: the next batch is another job, so others can interleave
        screen_answers()
    return screened


SCREENING_WANTED = "screening-wanted"
MARK_LOST_AFTER = 10.0  # seconds: a job asked for this long ago and not started may be lost; ask again


def first_to_ask(mark: str) -> bool:
    """Whether no job of this kind waits yet, marking one as waiting: every web process shares the mark,
    and the job clears it before it reads its work, so one job serves every answer committed before then.
    A mark left by a lost job counts for MARK_LOST_AFTER seconds at most."""
    now = time.time()
    if huey.put_if_empty(mark, now):
        return True
    since = huey.get(mark, peek=True)
    if since is None or now - since >= MARK_LOST_AFTER:
        huey.put(mark, now)
        return True
    return False


_WARMING = threading.Lock()


@huey.on_startup()
def _warm_up() -> None:
    """A worker loads the screening, the summaries' numerics and dictionaries as it starts, not in the time of
    the first answer or summary. Huey calls this in every worker thread: one loads, the others then find it
    all loaded instead of compiling the same lexicons beside it."""
    with _WARMING:
        arrivals.warm_up()
        generation.warm_up()


def _summary_work(run, job_id: int):
    try:
        return run(job_id, db.session.commit)
    except Exception as error:
        db.session.rollback()
        background.record_failure(job_id, error)
        db.session.commit()
        raise


@huey.task(priority=4, name=work.GENERATE_JOB)
@in_app_context
def generate_summary(job_id: int) -> int | None:
    """The missing vectors, then the themes, then a new draft version; progress on the row for the page."""
    summary = _summary_work(background.run_generation, job_id)
    db.session.commit()
    return summary.version if summary else None


@huey.task(priority=2, name=work.RENDER_JOB)
@in_app_context
def render_documents(job_id: int) -> int:
    """Every document of a version in every language, kept, so that downloads are instant."""
    done = _summary_work(background.run_rendering, job_id)
    db.session.commit()
    return done


@huey.task(retries=2, retry_delay=10, priority=6, name=TAKEN_DOWN_JOB)
@in_app_context
def tell_secretariat_of_take_down(submission_id: int) -> int:
    """Tell the secretariat of each published summary version an answer taken down belonged to.

    Moderation lies below summaries and never imports them, so the take-down asks for this job by name.
    The secretariat's pages find such versions again by themselves (removals.versions_to_replace).
    """
    told = removals.tell_secretariat(submission_id)
    db.session.commit()  # the documents' rendering is asked for once this commits
    return told


@huey.periodic_task(crontab(minute="*"), priority=5, name="sweep")
@in_app_context
def sweep() -> None:
    """Ask again for work whose job was lost (a killed worker, a queue that was down): answers still
    unscreened, summary and document work gone silent.
    Each job finds its work in the database, so asking twice does the work once."""
    now = clock.utcnow()
    after = timedelta(seconds=current_app.config["JOBS_SWEEP_AFTER_SECONDS"])
    waiting = arrivals.backlog()
    if waiting.oldest_seconds(now) >= after.total_seconds():
        log.warning("%d answers wait for screening; asking for it again", waiting.count)
        outbox.ask(db.session, arrivals.SCREENING_JOB)
    for job in work.lost_work():
        log.warning("summary job %d (%s) shows no progress; asking for it again", job.id, job.kind.value)
        work.ask_again(job)
    db.session.commit()  # the outbox asks for the jobs once this commits


@huey.periodic_task(crontab(minute="*/5"), priority=1, name="release_expired_claims")
@in_app_context
def release_expired_claims() -> int:
    """Clear moderators' claims that have lapsed, so the queue shows who really has what open."""
    released = moderation_queue.expire_claims(clock.utcnow())
    db.session.commit()
    return released


@huey.periodic_task(crontab(hour="3", minute="17"), priority=1, name="purge_expired")
@huey.lock_task("retention-purge")  # several machines' schedulers may start it at once
@in_app_context
def purge_expired() -> None:
    """Retention, daily: forget what RETENTION_DAYS after the meeting no longer allows."""
    days = current_app.config["RETENTION_DAYS"]
    counts = purge(clock.utcnow(), days)
    db.session.commit()
    security_event("retention_purge", via="jobs", **dict(counts.items()))


# Every job by its queue name: services ask for them by name (consult.outbox), and
# `flask jobs retry-failed` queues a failed one again.
JOBS = {
    job.name: job
    for job in (
        screen_answers,
        generate_summary,
        render_documents,
        tell_secretariat_of_take_down,
        sweep,
        release_expired_claims,
        purge_expired,
    )
}
