"""An answer taken down after a summary version was published: its words leave every format of that version,
which says so; the secretariat is told to publish a new version, whose labels and keywords are computed again."""

from __future__ import annotations

import csv
import io
import json
import logging
import zipfile

import pytest
from flask import current_app
from sqlalchemy import select
from summaries_fixtures import add_response, download

from consult import outbox
from consult.jobs import tasks
from consult.models import Role, SubmissionStatus
from consult.moderation.reports import TAKEN_DOWN_JOB, ReportReason, report_submission, reporter_key
from consult.moderation.services import approve_submission
from consult.summaries import work
from consult.summaries.editing import SummaryEdits, edit_summary
from consult.summaries.generation import generate_summary
from consult.summaries.models import JobKind, SummaryJob
from consult.summaries.versions import publish_summary

NOTICE = "An answer was removed after publication; the secretariat has been told."
ALERT = "1 answer was removed from published version 1 after publication. Please publish a new version"
WITHHELD = "Label and keywords withheld: they were drawn in part from an answer removed after publication."
KEPT = ["Schools should teach online safety.", "Schools should teach online privacy."]
REMOVED = "Zorblax harassed Quimby online."
# The removed answer's own words: in the version's keywords before the take-down, nowhere after it.
WORDS = ("Zorblax", "Quimby", "harassed")


@pytest.fixture
def case(db, make_user, make_consultation, frozen_clock):
    """A published consultation whose one question has three answers, in one theme (few answers: its keywords
    come from single answers too), and a published summary version."""
    secretariat = make_user(Role.SECRETARIAT)
    consultation = make_consultation(open=False, questions=1, title="Online safety")
    question = consultation.questions[0]
    for text in KEPT:
        add_response(db, question, make_user(), text, SubmissionStatus.APPROVED)
    removed = add_response(db, question, make_user(), REMOVED, SubmissionStatus.APPROVED)
    db.session.commit()
    summary = publish_summary(generate_summary(consultation, secretariat), secretariat)
    db.session.commit()
    return consultation, summary, removed, secretariat


@pytest.fixture
def take_down(app, db, make_user, frozen_clock):
    """Three established readers report the answer, as reports.py asks before a take-down."""

    def run(submission) -> None:
        readers = [make_user() for _n in range(app.config["REPORT_THRESHOLD"])]
        frozen_clock.advance(minutes=app.config["REPORT_MIN_ACCOUNT_AGE_MINUTES"], seconds=1)
        taken = [report_submission(submission, ReportReason.ABUSIVE, reporter_key(f"user:{r.id}"), r) for r in readers]
        assert taken[-1] is True
        db.session.commit()

    return run


def _words_in(text: str) -> list[str]:
    return [word for word in (REMOVED, *WORDS) if word.casefold() in text.casefold()]


def _docx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("word/document.xml").decode()


def _public_outputs(client, slug: str) -> dict[str, str]:
    return {
        "page": client.get(f"/archive/{slug}/v1").text,
        # Markdown escapes its punctuation ("told\\."): read as a reader's renderer shows it.
        "md": download(client, f"/archive/{slug}/v1/document.md").get_data(as_text=True).replace("\\", ""),
        "docx": _docx_text(download(client, f"/archive/{slug}/v1/document.docx").data),
        "csv": client.get(f"/archive/{slug}/data.csv").get_data(as_text=True),
        "json": client.get(f"/archive/{slug}/data.json").get_data(as_text=True),
        "api": client.get(f"/api/v1/consultations/{slug}/summary").get_data(as_text=True),
    }


def test_before_a_take_down_the_answer_and_its_words_are_in_the_version(client, case):
    consultation, summary, _removed, _secretariat = case
    keywords = summary.content["questions"][0]["themes"][0]["keywords"]

    outputs = _public_outputs(client, consultation.slug)

    assert {"Zorblax", "Quimby"} <= set(keywords)  # the precondition: the answer's words made the keywords
    for name, text in outputs.items():
        assert NOTICE not in text, name
    assert REMOVED in outputs["md"] and REMOVED in outputs["docx"] and REMOVED in outputs["csv"]


def test_a_take_down_removes_the_answer_and_its_words_from_every_format_which_says_so(
    client, db, case, take_down, caplog
):
    consultation, summary, removed, _secretariat = case
    caplog.set_level(logging.INFO, logger="consult.security")

    take_down(removed)
    outputs = _public_outputs(client, consultation.slug)

    for name, text in outputs.items():
        assert _words_in(text) == [], name
        assert NOTICE in text, name
    assert WITHHELD in outputs["page"] and WITHHELD in outputs["md"] and WITHHELD in outputs["docx"]
    api = json.loads(outputs["api"])
    theme = api["questions"][0]["themes"][0]
    assert api["notice"] == NOTICE and theme["withheld"] is True and theme["label"] is None
    assert removed.id not in {member["id"] for member in theme["responses"]}
    assert removed.id not in {quote["id"] for quote in theme["quotes"]}
    assert json.loads(outputs["json"])["notice"] == NOTICE
    rows = list(csv.DictReader(io.StringIO(outputs["csv"].split("\n", 1)[1])))
    assert {row["published_text"] for row in rows} == set(KEPT)
    # The secretariat is told: an entry in the security log, for the version that held the answer.
    told = [json.loads(r.getMessage()) for r in caplog.records if r.name == "consult.security"]
    told = [line for line in told if line["event"] == "summary_answer_removed"]
    assert [(line["submission_id"], line["summary_version"]) for line in told] == [(removed.id, summary.version)]


def test_the_pdf_says_so_too(client, case, take_down, tmp_path):
    import shutil
    import subprocess

    consultation, _summary, removed, _secretariat = case
    take_down(removed)

    pdf = download(client, f"/archive/{consultation.slug}/v1/document.pdf").data
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext (poppler-utils) is needed to read the PDF back"
    read = subprocess.run([pdftotext, str(path), "-"], check=True, capture_output=True, text=True)
    text = " ".join(read.stdout.split())

    assert NOTICE in text and _words_in(text) == []


def test_the_secretariat_is_asked_for_a_new_version_until_it_publishes_one(client, db, login, case, take_down):
    consultation, _summary, removed, secretariat = case
    login(secretariat)
    assert ALERT not in client.get("/secretariat/").text

    take_down(removed)

    assert ALERT in client.get("/secretariat/").text
    assert ALERT in client.get(f"/summaries/{consultation.slug}/").text
    publish_summary(generate_summary(consultation, secretariat), secretariat)
    db.session.commit()
    assert ALERT not in client.get("/secretariat/").text
    assert ALERT not in client.get(f"/summaries/{consultation.slug}/").text
    # The new version is the one readers get, unmarked; the old one stays online, marked.
    assert NOTICE not in client.get(f"/archive/{consultation.slug}", follow_redirects=True).text
    assert NOTICE in client.get(f"/archive/{consultation.slug}/v1").text


def test_a_new_version_generated_after_the_take_down_computes_labels_and_keywords_without_it(db, case, take_down):
    consultation, summary, removed, secretariat = case
    take_down(removed)

    fresh = generate_summary(consultation, secretariat)

    themes = fresh.content["questions"][0]["themes"]
    assert themes and all(_words_in(" ".join([t["label"], *t["keywords"]])) == [] for t in themes)
    assert removed.id not in {member["id"] for theme in themes for member in theme["responses"]}
    assert {"Zorblax", "Quimby"} <= set(summary.content["questions"][0]["themes"][0]["keywords"])  # v1 is frozen


def test_a_version_edited_from_the_marked_one_computes_labels_and_keywords_without_it(db, case, take_down):
    _consultation, summary, removed, secretariat = case
    take_down(removed)

    edited = edit_summary(summary, secretariat, SummaryEdits(intro="Reviewed after a take-down."))
    db.session.commit()

    question = edited.content["questions"][0]
    theme = question["themes"][0]
    assert _words_in(json.dumps(edited.content, ensure_ascii=False)) == []
    assert theme["keywords"] and theme["label"] == theme["auto_label"]
    assert theme["size"] == question["responses"] == len(KEPT) and theme["share"] == 100.0
    assert edited.parameters["responses_removed"] == 1
    assert edited.content["intro"] == "Reviewed after a take-down."


def test_a_draft_that_lost_an_answer_since_it_was_made_is_not_published(client, db, login, case, take_down):
    consultation, _summary, removed, secretariat = case
    draft = generate_summary(consultation, secretariat)
    db.session.commit()
    take_down(removed)
    login(secretariat)

    refused = client.post(f"/summaries/{consultation.slug}/v{draft.version}/publish", follow_redirects=True)

    assert "An answer of this version was removed since it was made" in refused.text
    db.session.expire_all()
    assert not db.session.get(type(draft), draft.id).is_published
    edited = edit_summary(draft, secretariat, SummaryEdits())
    assert publish_summary(edited, secretariat).is_published


def test_the_take_down_asks_for_the_documents_again_ahead_of_readers(db, case, take_down, monkeypatch):
    _consultation, summary, removed, _secretariat = case
    monkeypatch.setitem(current_app.config, "DOCUMENTS_AHEAD", True)  # the app the jobs run in
    asked: list[tuple[str, tuple]] = []
    monkeypatch.setattr(outbox, "_dispatcher", lambda name, args: asked.append((name, args)))

    take_down(removed)
    assert asked == [(TAKEN_DOWN_JOB, (removed.id,))]  # moderation asks by name; the job tells and asks again
    assert tasks.tell_secretariat_of_take_down.call_local(removed.id) == 1

    db.session.rollback()  # the job committed in a session of its own
    job = db.session.scalar(select(SummaryJob).where(SummaryJob.summary_id == summary.id))
    assert job is not None and job.kind is JobKind.RENDER and job.format is None  # every format, every language
    assert asked[1:] == [(work.RENDER_JOB, (job.id,))]


def test_taken_down_then_published_again_with_a_redaction_its_old_words_stay_withheld(
    client, db, case, take_down, make_user, frozen_clock
):
    consultation, summary, removed, secretariat = case
    take_down(removed)
    frozen_clock.advance(minutes=5)
    redacted = "[personal information removed] harassed [personal information removed] online."
    approve_submission(removed, make_user(Role.MODERATOR), redacted, before_screening=True)
    db.session.commit()

    page = client.get(f"/archive/{consultation.slug}/v1").text
    md = download(client, f"/archive/{consultation.slug}/v1/document.md").get_data(as_text=True).replace("\\", "")

    names = ("Zorblax", "Quimby")  # "harassed" is in the new words too
    assert [name for name in names if name in page or name in md] == []  # the old keywords are still withheld
    assert "Label and keywords withheld" in page
    assert redacted in md  # the answer is public again, in its new words
    edited = edit_summary(summary, secretariat, SummaryEdits())
    assert [name for name in names if name in json.dumps(edited.content, ensure_ascii=False)] == []
    assert removed.id in {
        member["id"] for theme in edited.content["questions"][0]["themes"] for member in theme["responses"]
    }
