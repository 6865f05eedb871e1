"""Work on a summary asked for by the web and done by the job worker: what is asked, and how far it has got.

A request records the work (a ``SummaryJob`` row) and asks for the job by name through the outbox; the
job worker does it (``background.py``) and writes its progress to the same row, so every web server shows
the same progress and the periodic sweep finds work whose job was lost.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import clock, outbox
from ..domain import Conflict
from ..extensions import db
from ..models import Consultation, Phase, User
from .models import JobKind, JobState, Purpose, Summary, SummaryJob

GENERATE_JOB = "generate_summary"
RENDER_JOB = "render_documents"
JOB_NAMES = {JobKind.GENERATE: GENERATE_JOB, JobKind.RENDER: RENDER_JOB}
# Work under way that has shown no sign of life for this long is taken to be lost: the sweep asks for it
# again, and a job may take it over. A running job reports at least every few seconds.
STALE_AFTER = timedelta(minutes=3)
UNDER_WAY = (JobState.QUEUED, JobState.VECTORS, JobState.THEMES, JobState.RENDERING)


def _ask(kind: JobKind, consultation_id: int, user: User | None, **fields) -> SummaryJob:
    now = clock.utcnow()
    job = SummaryJob(kind=kind, consultation_id=consultation_id, requested_by_id=user.id if user else None,
                     requested_by_name=user.pseudonym if user else None, state=JobState.QUEUED, done=0, total=0,
                     created_at=now, updated_at=now, **fields)  # fmt: skip
    db.session.add(job)
    db.session.flush()
    outbox.ask(db.session, JOB_NAMES[job.kind], job.id)
    return job


def _under_way(*where) -> SummaryJob | None:
    return db.session.scalar(
        select(SummaryJob).where(*where, SummaryJob.state.in_(UNDER_WAY)).order_by(SummaryJob.id.desc()).limit(1)
    )


def ask_generation(consultation: Consultation, user: User | None, themes: int | None,
                   purpose: Purpose = Purpose.INPUT) -> SummaryJob:  # fmt: skip
    """A new draft version, made by the job worker; a generation already under way is not asked twice.

    The input document for the meeting sums up every answer, so it waits until the consultation has closed;
    an interim update may be made at any time.
    """
    if purpose is Purpose.INPUT and consultation.phase() is not Phase.CLOSED:
        raise Conflict(_l("The input document for the meeting can be generated only once the consultation has "
                          "closed. Generate an interim update instead."))  # fmt: skip
    under_way = _under_way(SummaryJob.kind == JobKind.GENERATE, SummaryJob.consultation_id == consultation.id)
    if under_way is not None:
        return under_way
    return _ask(JobKind.GENERATE, consultation.id, user, themes=themes, purpose=purpose)


def ask_rendering(summary: Summary, user: User | None = None, output: str | None = None,
                  language: str | None = None, unless_ever: bool = False) -> SummaryJob | None:  # fmt: skip
    """The documents of ``summary`` rendered and kept by the job worker, asked once while under way.

    Every format in every language, or with ``output`` and ``language`` the one document a reader waits
    for (after a response is taken down, say, each is drawn again as it is asked for). With
    ``unless_ever``, not asked again once any rendering of it has been asked (a draft's preview).
    """
    of_summary = (SummaryJob.kind == JobKind.RENDER, SummaryJob.summary_id == summary.id)
    if unless_ever:
        if db.session.scalar(select(SummaryJob.id).where(*of_summary).limit(1)):
            return None
    else:
        covering = SummaryJob.format.is_(None)
        if output is not None:
            covering = covering | ((SummaryJob.format == output) & (SummaryJob.language == language))
        if (under_way := _under_way(*of_summary, covering)) is not None:
            return under_way
    return _ask(JobKind.RENDER, summary.consultation_id, user, summary_id=summary.id, format=output,
                language=language)  # fmt: skip


def generation(consultation: Consultation, job_id: int) -> SummaryJob | None:
    job = db.session.get(SummaryJob, job_id)
    if job is None or job.kind is not JobKind.GENERATE or job.consultation_id != consultation.id:
        return None
    return job


def made_version(job: SummaryJob) -> Summary | None:
    """The version a finished generation made."""
    if job.state is not JobState.DONE or job.summary_id is None:
        return None
    return db.session.get(Summary, job.summary_id)


def latest_generation(consultation: Consultation) -> SummaryJob | None:
    return db.session.scalar(
        select(SummaryJob)
        .where(SummaryJob.kind == JobKind.GENERATE, SummaryJob.consultation_id == consultation.id)
        .order_by(SummaryJob.id.desc())
        .limit(1)
    )


def lost_work() -> list[SummaryJob]:
    """Work under way with no sign of life for STALE_AFTER: its job was lost with a worker or a queue."""
    silent_since = clock.utcnow() - STALE_AFTER
    return list(
        db.session.scalars(
            select(SummaryJob)
            .where(SummaryJob.state.in_(UNDER_WAY), SummaryJob.updated_at <= silent_since)
            .order_by(SummaryJob.id)
        )
    )


def ask_again(job: SummaryJob) -> None:
    """Ask for lost work again, queued afresh: asked once per STALE_AFTER at most, and claimable at once."""
    job.state, job.updated_at = JobState.QUEUED, clock.utcnow()
    db.session.flush()
    outbox.ask(db.session, JOB_NAMES[job.kind], job.id)
