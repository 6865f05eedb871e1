"""The job worker's side of summary work: generating a version and rendering its documents, reporting progress.

Each function is given ``checkpoint``, its job's commit: progress, and the vectors and documents made so
far, are committed as they come, so every web server shows them and a job lost half-way loses nothing
but the step under way. Everything here may run twice, or in two workers at once: a job claims its row
only while it is queued (or failed, or silent for ``STALE_AFTER``), and a generation makes its version in
the same transaction that marks the row done, guarded by the row's state, so it makes one version only.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import or_, update

from .. import clock, languages
from ..extensions import db
from ..models import Consultation, User
from .documents import keep_documents
from .formats import document_formats
from .generation import compute_summary, missing_vectors
from .models import JobState, Summary, SummaryJob
from .vectors import compute_vectors
from .versions import new_version
from .work import STALE_AFTER, UNDER_WAY

VECTOR_CHUNK = 1024  # vectors computed between two reports of progress (a few seconds' work)
_CLAIMABLE = (JobState.QUEUED, JobState.FAILED)


def _record(job_id: int, *where, **values) -> bool:
    """Write the row's progress (only if ``where`` holds); True if it did."""
    now = clock.utcnow()
    return bool(
        db.session.execute(
            update(SummaryJob)
            .where(SummaryJob.id == job_id, *where)
            .values(updated_at=now, **values)
            .execution_options(synchronize_session=False)
        ).rowcount
    )


def _claim(job_id: int, state: JobState) -> SummaryJob | None:
    silent_since = clock.utcnow() - STALE_AFTER
    claimable = or_(SummaryJob.state.in_(_CLAIMABLE),
                    SummaryJob.state.in_(UNDER_WAY) & (SummaryJob.updated_at <= silent_since))  # fmt: skip
    if not _record(job_id, claimable, state=state, done=0, total=0, error=None, finished_at=None):
        return None
    job = db.session.get(SummaryJob, job_id)
    db.session.refresh(job)
    return job


def run_generation(job_id: int, checkpoint: Callable[[], None]) -> Summary | None:
    """Compute the vectors still missing, group the themes and make the version; None if not this job's to do."""
    job = _claim(job_id, JobState.VECTORS)
    if job is None:
        return None
    consultation = db.session.get(Consultation, job.consultation_id)
    missing = missing_vectors(consultation)
    _record(job_id, total=len(missing))
    checkpoint()
    for start in range(0, len(missing), VECTOR_CHUNK):
        chunk = missing[start : start + VECTOR_CHUNK]
        compute_vectors(chunk)
        _record(job_id, done=start + len(chunk))
        checkpoint()
    _record(job_id, state=JobState.THEMES)
    checkpoint()
    counts = {q.id: job.themes for q in consultation.questions} if job.themes else None
    content, parameters = compute_summary(consultation, counts)
    # The guard first: in a second run, or a second worker, it finds the row done and makes nothing.
    if not _record(job_id, SummaryJob.state.not_in([JobState.DONE]), state=JobState.DONE,
                   finished_at=clock.utcnow()):  # fmt: skip
        return None
    author = db.session.get(User, job.requested_by_id) if job.requested_by_id else None
    summary = new_version(consultation, author, "generated", content, parameters, purpose=job.purpose)
    _record(job_id, summary_id=summary.id)
    return summary


def run_rendering(job_id: int, checkpoint: Callable[[], None]) -> int:
    """Render and keep every document format of the version in every language; how many documents."""
    job = _claim(job_id, JobState.RENDERING)
    if job is None:
        return 0
    summary = db.session.get(Summary, job.summary_id) if job.summary_id else None
    done = 0
    if summary is not None:
        outputs, codes = document_formats(), languages.codes()
        if job.format is not None:  # the one document a reader waits for
            outputs = [output for output in outputs if output.name == job.format]
            codes = [job.language] if languages.supported(job.language or "") else []
        _record(job_id, total=len(outputs) * len(codes))
        checkpoint()

        def report(n: int) -> None:
            _record(job_id, done=n)
            checkpoint()

        done = keep_documents(summary, outputs, codes, report)
    _record(job_id, state=JobState.DONE, finished_at=clock.utcnow())
    return done


def record_failure(job_id: int, error: BaseException) -> None:
    """The job's error, for the page that follows it (a finished job keeps its result)."""
    _record(job_id, SummaryJob.state != JobState.DONE, state=JobState.FAILED, finished_at=clock.utcnow(),
            error=f"{type(error).__name__}: {error}"[:500])  # fmt: skip
