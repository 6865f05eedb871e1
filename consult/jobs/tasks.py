"""The jobs: what the worker does, each a commit point of its own, each safe to run twice.

A job reads its work from the database and commits its result once, like a request; services below
flush and never commit. Periodic jobs also stay CLI commands (``flask purge``, ``flask jobs sweep``).
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from flask import current_app
from huey import crontab

from .. import clock, outbox
from ..audit_log import security_event
from ..extensions import db
from ..moderation import arrivals
from ..moderation import queue as moderation_queue
from ..retention import purge
from ..summaries import background, work
from ..summaries.vectors import vectorise_screened
from .queue import huey, in_app_context

log = logging.getLogger(__name__)


@huey.task(retries=3, retry_delay=5, priority=10, name=arrivals.SCREENING_JOB)
@in_app_context
def screen_answers() -> int:
    """Screen the answers that arrived (a batch at a time, oldest first), until none waits."""
    huey.delete(SCREENING_WANTED)  # before reading: an answer committed from now on asks for a new job
    batch = current_app.config["SCREENING_BATCH"]
    screened = arrivals.screen_arrivals(batch)
    db.session.commit()
    if screened == batch:  # more may wait: the next batch is another job, so others can interleave
        screen_answers()
    if screened:
        # Moderation lies below summaries and never imports them: this layer, above both, has the new
        # answers' vectors made, in a job of their own so that screening never waits for the encoder.
        _ask_for_vectors()
    return screened


VECTORS_WANTED = "vectors-wanted"
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


def _ask_for_vectors() -> None:
    """One vectors' job waits at a time, a few seconds, for every batch screened meanwhile: the encoder
    costs about 200 ms for one text alone and 15 ms a text in a batch of 200, CPU the web servers need
    during the surge. The job clears the mark before it reads, so a batch screened after that asks again."""
    if huey.immediate:
        vectorise_answers()
    elif first_to_ask(VECTORS_WANTED):
        vectorise_answers.schedule(delay=current_app.config["VECTORISE_AFTER_SECONDS"])


@huey.task(retries=2, retry_delay=10, priority=3, name=work.VECTORISE_JOB)
@in_app_context
def vectorise_answers() -> int:
    """Store the sentence vectors of screened answers, so that a summary of them never has to compute one.

    A lost job (its mark left behind) is asked for again by the sweep, which does not look at the mark."""
    huey.delete(VECTORS_WANTED)
    batch = current_app.config["SCREENING_BATCH"]
    made = vectorise_screened(batch)
    db.session.commit()
    if made == batch:
        vectorise_answers()
    return made


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


@huey.periodic_task(crontab(minute="*"), priority=5, name="sweep")
@in_app_context
def sweep() -> None:
    """Ask again for work whose job was lost (a killed worker, a queue that was down): answers still
    unscreened, screened answers still without a vector, summary and document work gone silent.
    Each job finds its work in the database, so asking twice does the work once."""
    now = clock.utcnow()
    after = timedelta(seconds=current_app.config["JOBS_SWEEP_AFTER_SECONDS"])
    waiting = arrivals.backlog()
    if waiting.oldest_seconds(now) >= after.total_seconds():
        log.warning("%d answers wait for screening; asking for it again", waiting.count)
        outbox.ask(db.session, arrivals.SCREENING_JOB)
    if unvectorised := work.unvectorised_since(now - after):
        log.warning("%d screened answers have no vector; asking for them again", unvectorised)
        outbox.ask(db.session, work.VECTORISE_JOB)
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
        vectorise_answers,
        generate_summary,
        render_documents,
        sweep,
        release_expired_claims,
        purge_expired,
    )
}
