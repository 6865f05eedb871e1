"""Summaries and documents are made by the job worker: the pages ask, show progress, and never compute."""

from __future__ import annotations

import pytest
from flask import current_app
from sqlalchemy import func, select, update
from summaries_fixtures import Seeded, secretariat_fixture, seeded_fixture  # noqa: F401

from consult import outbox
from consult.jobs import tasks
from consult.models import Submission, SubmissionStatus
from consult.moderation.models import ResponseVector
from consult.summaries import background, documents, vectors
from consult.summaries.generation import generate_summary
from consult.summaries.models import JobState, Summary, SummaryDocument, SummaryJob
from consult.summaries.vectors import text_hash
from consult.summaries.versions import publish_summary
from consult.summaries.work import GENERATE_JOB, RENDER_JOB


@pytest.fixture
def asked(monkeypatch):
    """The jobs asked for after each commit, instead of running them: a queue nobody serves yet."""
    calls: list[tuple[str, tuple]] = []
    monkeypatch.setattr(outbox, "_dispatcher", lambda name, args: calls.append((name, args)))
    return calls


def _render_ahead(app) -> None:
    """As in production: every document of a version rendered once it is published or previewed."""
    app.config["DOCUMENTS_AHEAD"] = current_app.config["DOCUMENTS_AHEAD"] = True  # the test's app, the requests'


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _summary_jobs(asked) -> list[tuple[str, tuple]]:
    return [(name, args) for name, args in asked if name in (GENERATE_JOB, RENDER_JOB)]


def _job(db, job_id: int) -> SummaryJob:
    db.session.expire_all()
    return db.session.get(SummaryJob, job_id)


def test_generating_shows_progress_then_the_version(client, db, login, seeded: Seeded, asked, monkeypatch):
    slug = seeded.consultation.slug
    login(seeded.secretariat)

    response = client.post(f"/summaries/{slug}/generate", data={"themes": "2"})

    assert response.status_code == 303 and response.location.endswith(f"/summaries/{slug}/generating/1")
    assert asked == [(GENERATE_JOB, (1,))] and _count(db, Summary) == 0
    waiting = client.get(response.location)
    assert "Waiting for the job worker to start." in waiting.text
    assert waiting.headers["Refresh"] == "2"  # reloads itself, without JavaScript
    assert "Follow its progress" in client.get(f"/summaries/{slug}/").text

    seen = []
    monkeypatch.setattr(background, "VECTOR_CHUNK", 10)
    compute = background.compute_vectors

    def watched(chunk):  # what the secretariat's page shows while the worker computes
        seen.append(client.get(response.location).text)
        return compute(chunk)

    monkeypatch.setattr(background, "compute_vectors", watched)
    tasks.generate_summary.call_local(1)

    total = len(seeded.approved)
    assert f"Computing the sentence vectors: 0 of {total}." in seen[0] and f'max="{total}"' in seen[0]
    assert f"Computing the sentence vectors: 10 of {total}." in seen[1]
    done = client.get(response.location)
    assert done.status_code == 303 and done.location.endswith(f"/summaries/{slug}/v1")
    assert "Version 1 generated" in client.get(done.location).text
    assert _job(db, 1).state is JobState.DONE and _count(db, Summary) == 1


def test_a_failed_generation_says_why(client, db, login, seeded: Seeded, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the clustering ran out of memory")

    monkeypatch.setattr(background, "compute_summary", broken)
    login(seeded.secretariat)
    response = client.post(f"/summaries/{seeded.consultation.slug}/generate", data={})

    page = client.get(response.location)
    assert page.status_code == 200 and "Refresh" not in page.headers
    assert "It failed: RuntimeError: the clustering ran out of memory" in page.text
    assert _count(db, Summary) == 0


def test_a_lost_generation_is_asked_again_by_the_sweep_and_makes_one_version(
    app, client, db, login, seeded: Seeded, asked, frozen_clock
):
    login(seeded.secretariat)
    # At the frozen moment the seeded consultation (made on the real clock) is still to come: an interim update.
    client.post(f"/summaries/{seeded.consultation.slug}/generate", data={"purpose": "interim"})
    # The worker took the job, then died half-way: the row says "computing" and shows no more progress.
    db.session.execute(update(SummaryJob).values(state=JobState.VECTORS, done=4, total=20))
    db.session.commit()
    asked.clear()
    runner = app.test_cli_runner()

    runner.invoke(args=["jobs", "sweep"])
    assert _summary_jobs(asked) == []  # a worker may still be at it
    frozen_clock.advance(minutes=4)
    runner.invoke(args=["jobs", "sweep"])
    assert _summary_jobs(asked) == [(GENERATE_JOB, (1,))]
    assert _job(db, 1).state is JobState.QUEUED

    tasks.generate_summary.call_local(1)
    tasks.generate_summary.call_local(1)  # the lost job turns up after all, or the sweep asked twice

    assert _count(db, Summary) == 1 and _job(db, 1).summary_id is not None
    runner.invoke(args=["jobs", "sweep"])
    assert _summary_jobs(asked) == [(GENERATE_JOB, (1,))]  # done: nothing to ask again


def _published(db, seeded: Seeded) -> Summary:
    summary = publish_summary(generate_summary(seeded.consultation, seeded.secretariat), seeded.secretariat)
    db.session.commit()
    return summary


def test_a_download_before_rendering_is_being_prepared_then_instant_and_identical(
    app, client, db, seeded: Seeded, asked, monkeypatch
):
    _render_ahead(app)
    summary = _published(db, seeded)
    assert [name for name, _args in asked] == [RENDER_JOB]  # publishing asks for every document
    url = f"/archive/{seeded.consultation.slug}/v{summary.version}/document.md?lang=fr"

    waiting = client.get(url)
    again = client.get(url)

    assert waiting.status_code == 202 and "The document is being prepared" in waiting.text
    assert waiting.headers["Retry-After"] == "5" and waiting.headers["Cache-Control"] == "no-store"
    assert "Content-Disposition" not in waiting.headers
    assert again.status_code == 202 and [name for name, _args in asked] == [RENDER_JOB]  # asked once

    tasks.render_documents.call_local(asked[0][1][0])
    assert _count(db, SummaryDocument) == 3 * 6  # every format in every language

    def no_rendering(*args, **kwargs):
        raise AssertionError("a request rendered a document")

    monkeypatch.setattr(documents, "render_document", no_rendering)
    first, second = client.get(url), client.get(url)
    assert first.status_code == 200 and first.headers["Content-Disposition"].startswith("attachment")
    assert first.data == second.data
    kept = db.session.scalar(select(SummaryDocument.content).where(SummaryDocument.format == "md",
                                                                   SummaryDocument.language == "fr"))  # fmt: skip
    assert first.data == kept


def test_a_response_taken_down_asks_for_the_document_again(client, db, seeded: Seeded, asked):
    from consult import clock

    summary = _published(db, seeded)
    url = f"/archive/{seeded.consultation.slug}/v{summary.version}/document.md"
    assert client.get(url).status_code == 202
    tasks.render_documents.call_local(asked[-1][1][0])
    quote = summary.content["questions"][0]["themes"][0]["quotes"][0]
    assert client.get(url).status_code == 200

    db.session.get(Submission, quote).hidden_at = clock.utcnow()
    db.session.commit()

    assert client.get(url).status_code == 202  # its kept copy quotes a response no longer public
    assert [name for name, _args in asked] == [RENDER_JOB, RENDER_JOB]


def test_a_drafts_documents_are_for_the_secretariat_only(app, client, db, login, make_user, seeded: Seeded):
    _render_ahead(app)
    generate_summary(seeded.consultation, seeded.secretariat)
    db.session.commit()
    slug = seeded.consultation.slug
    url = f"/summaries/{slug}/v1/document.md"

    assert client.get(url).status_code == 302  # to the login page
    assert client.get(f"/archive/{slug}/v1/document.md").status_code == 404  # not in the public archive
    login(make_user())
    assert client.get(url).status_code == 403
    login(seeded.secretariat)
    review = client.get(f"/summaries/{slug}/v1")  # previewing the draft has its documents rendered
    assert f'href="{url}"' in review.text
    assert _count(db, SummaryDocument) == 3 * 6

    download = client.get(url)
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == f'attachment; filename="{slug}-summary-v1-draft.md"'


def test_with_the_queue_not_served_no_request_computes_vectors_or_renders(
    app, client, db, login, seeded: Seeded, asked, monkeypatch
):
    _render_ahead(app)
    draft = generate_summary(seeded.consultation, seeded.secretariat)
    db.session.commit()
    slug = seeded.consultation.slug

    def forbidden(*args, **kwargs):
        raise AssertionError("heavy work inside a request")

    monkeypatch.setattr(vectors, "encoder", forbidden)
    monkeypatch.setattr(documents, "render_document", forbidden)
    monkeypatch.setattr(background, "compute_summary", forbidden)
    login(seeded.secretariat)
    answers_before = _count(db, Submission)
    answers = [
        client.get(f"/summaries/{slug}/"),
        client.post(f"/summaries/{slug}/generate", data={}),
        client.get(f"/summaries/{slug}/generating/1"),
        client.get(f"/summaries/{slug}/v{draft.version}"),
        client.get(f"/summaries/{slug}/v{draft.version}/document.pdf"),
        client.post(f"/summaries/{slug}/v{draft.version}/publish", data={"confirm": "yes"}),
        client.get(f"/archive/{slug}/v{draft.version}"),
        client.get(f"/archive/{slug}/v{draft.version}/document.docx?lang=ar"),
    ]
    assert [a.status_code for a in answers] == [200, 303, 200, 200, 202, 303, 200, 202]
    assert {name for name, _args in asked} == {GENERATE_JOB, RENDER_JOB}
    assert _count(db, Submission) == answers_before and _count(db, Summary) == 1


def test_screening_stores_the_vectors_a_summary_then_reuses(client, db, login, make_user, make_consultation,
                                                            monkeypatch):  # fmt: skip
    consultation = make_consultation()
    login(make_user())
    text = "Les écoles devraient nous apprendre la sécurité en ligne."
    client.post(f"/consultations/{consultation.slug}/questions/1/responses", data={"body": text, "language": "auto"})

    submission = db.session.scalar(select(Submission))
    stored = db.session.get(ResponseVector, (submission.id, vectors.MODEL_NAME))
    assert stored is not None and stored.text_hash == text_hash(text) and stored.language == "fr"

    submission.status, submission.published_text = SubmissionStatus.APPROVED, text  # approved as written
    db.session.commit()

    def no_encoding(*args, **kwargs):
        raise AssertionError("the vector stored at screening was computed again")

    monkeypatch.setattr(vectors, "encoder", no_encoding)
    summary = generate_summary(consultation, None)
    assert summary.parameters["responses_used"] == 1
