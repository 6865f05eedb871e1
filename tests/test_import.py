"""Importing Pol.is conversations: real statements, their moderation, and their credit."""

from __future__ import annotations

import csv
import html
import re
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from conftest import DATA
from sqlalchemy import func, select

from consult.models import Consultation, ConsultationStatus, Phase, Role, Submission, SubmissionStatus, User
from consult.secretariat.services import publish_consultation
from consult.summaries.generation import generate_summary
from consult.summaries.versions import SummaryRefused, publish_summary

POLIS = DATA / "polis"
LONDON = POLIS / "london.youth.policing.comments.csv"
UBERX = POLIS / "vtaiwan.uberx.comments.csv"
MARCHON = POLIS / "march-on.operation-marchin-orders.comments.csv"
ATTRIBUTION = (
    "Data was gathered using the Polis software (compdemocracy.org/polis) and is sub-licensed under "
    "CC BY 4.0 with Attribution to The Computational Democracy Project."
)
HEADER = "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
STATUS = {"1": SubmissionStatus.APPROVED, "-1": SubmissionStatus.REJECTED, "0": SubmissionStatus.PENDING}


def _rows(path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _moment(row) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=int(row["timestamp"]))


def _import(runner, path, *options):
    return runner.invoke(args=["consultations", "import", str(path), "--format", "polis", *options])


def _consultation(db, slug: str) -> Consultation:
    db.session.expire_all()
    return db.session.scalar(select(Consultation).where(Consultation.slug == slug))


def _publish(db, slug: str) -> Consultation:
    """What the secretariat's Publish button does (tested through the page below)."""
    consultation = _consultation(db, slug)
    publish_consultation(consultation)
    db.session.commit()
    return consultation


def _count(db, model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def _published_bodies(page: str) -> list[str]:
    """The texts of the published answers on a public consultation page, as a reader sees them."""
    return [
        html.unescape(text)
        for text in re.findall(r'<article class="card response">\s*<p class="body"[^>]*>(.*?)</p>', page, re.DOTALL)
    ]


def _walk_pages(client, slug: str) -> tuple[list[str], int]:
    bodies, number = [], 1
    while True:
        response = client.get(f"/consultations/{slug}?page={number}")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        bodies += _published_bodies(page)
        if 'rel="next"' not in page:
            return bodies, number
        number += 1


def test_london_file_becomes_a_closed_consultation_with_its_real_moderation(db, runner):
    rows = _rows(LONDON)

    result = _import(runner, LONDON, "--slug", "london")

    assert result.exit_code == 0, result.output
    assert f"london: {len(rows)} responses added" in result.output
    consultation = _consultation(db, "london")
    times = sorted(_moment(row) for row in rows)
    assert consultation.status is ConsultationStatus.DRAFT
    assert consultation.phase() is Phase.DRAFT
    assert consultation.opens_at == times[0]
    assert times[-1] < consultation.closes_at <= times[-1] + timedelta(seconds=1)
    assert consultation.title == "What is the best way to engage more young people in local scrutiny of policing?"
    [question] = consultation.questions
    assert question.position == 1

    submissions = {s.external_ref: s for s in db.session.scalars(select(Submission))}
    assert len(submissions) == len(rows) == 39
    for row in rows:
        submission = submissions[f"london.youth.policing.comments#{row['comment-id']}"]
        assert submission.question_id == question.id
        assert submission.status is STATUS[row["moderated"]]
        assert submission.body == row["comment-body"].strip()
        assert submission.published_text == (submission.body if row["moderated"] == "1" else None)
        assert submission.language == "en"
        assert submission.created_at == _moment(row)
    assert Counter(s.status for s in submissions.values()) == Counter(STATUS[row["moderated"]] for row in rows)


def test_one_pseudonymous_participant_per_author_who_cannot_log_in(client, db, runner):
    rows = _rows(LONDON)
    _import(runner, LONDON)
    db.session.expire_all()

    authors = db.session.scalars(select(User)).all()
    assert len(authors) == len({row["author-id"] for row in rows})
    by_ref = {user.external_ref: user for user in authors}
    for row in rows:
        submission = db.session.scalar(
            select(Submission).where(Submission.external_ref == f"london.youth.policing.comments#{row['comment-id']}")
        )
        assert submission.author is by_ref[f"london.youth.policing.comments#author-{row['author-id']}"]
    for user in authors:
        assert user.password_hash is None
        assert not user.active
        assert (user.age_band, user.country) == (None, None)
    response = client.post("/login", data={"username": authors[0].pseudonym, "password": "anything at all"})
    assert response.status_code == 422


def test_importing_the_same_file_twice_adds_nothing(db, runner):
    assert _import(runner, LONDON).exit_code == 0
    counts = [_count(db, model) for model in (Consultation, Submission, User)]

    again = _import(runner, LONDON)

    assert again.exit_code == 0, again.output
    assert "0 responses added, 39 already present" in again.output
    assert [_count(db, model) for model in (Consultation, Submission, User)] == counts


def test_public_page_credits_polis_and_shows_only_approved_statements(client, db, runner):
    rows = _rows(LONDON)
    _import(runner, LONDON, "--slug", "london")
    _publish(db, "london")

    page = client.get("/consultations/london").get_data(as_text=True)

    assert ATTRIBUTION in page
    assert 'href="https://github.com/compdemocracy/openData"' in page
    shown = _published_bodies(page)
    assert sorted(shown) == sorted(row["comment-body"].strip() for row in rows if row["moderated"] == "1")
    rejected = [row["comment-body"].strip() for row in rows if row["moderated"] == "-1"]
    assert rejected
    assert not any(html.escape(text, quote=False) in page for text in rejected)


def test_chinese_conversation_with_chosen_slug_title_question_and_language(client, db, runner):
    rows = _rows(UBERX)

    options = ["--slug", "uberx", "--question", "2", "--title", "UberX 自用車載客", "--language", "zh"]
    result = _import(runner, UBERX, *options)

    assert result.exit_code == 0, result.output
    db.session.expire_all()
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == "uberx"))
    assert (consultation.title, consultation.source_language) == ("UberX 自用車載客", "zh")
    [question] = consultation.questions
    assert question.position == 2
    assert _count(db, Submission) == len(rows)
    assert set(db.session.scalars(select(Submission.language))) == {"zh"}

    _publish(db, "uberx")
    page = client.get("/consultations/uberx").get_data(as_text=True)
    assert ATTRIBUTION in page
    approved = [row["comment-body"].strip() for row in rows if row["moderated"] == "1"]
    shown = _published_bodies(page)
    assert shown
    assert set(shown) <= set(approved)
    assert 'lang="zh"' in page


def test_import_into_an_existing_consultation_adds_the_question_and_the_credit(client, db, runner, make_consultation):
    existing = make_consultation(open=False, slug="youth-policing", questions=1)

    result = _import(runner, LONDON, "--slug", "youth-policing", "--question", "2")

    assert result.exit_code == 0, result.output
    assert "youth-policing was already published and stays published." in result.output
    assert _count(db, Consultation) == 1
    db.session.expire_all()
    consultation = db.session.get(Consultation, existing.id)
    assert consultation.status is ConsultationStatus.PUBLISHED
    assert [q.position for q in consultation.questions] == [1, 2]
    assert {s.question.position for s in db.session.scalars(select(Submission))} == {2}
    page = client.get("/consultations/youth-policing").get_data(as_text=True)
    assert "Tell us what you think." in page
    assert ATTRIBUTION in page


def test_full_march_on_file_shows_every_approved_statement_across_the_pages(client, db, runner):
    rows = _rows(MARCHON)
    approved = sorted(row["comment-body"].strip() for row in rows if row["moderated"] == "1")
    hidden = {row["comment-body"].strip() for row in rows if row["moderated"] != "1"} - set(approved)
    assert (len(rows), len(approved)) == (2162, 223)

    started = time.perf_counter()
    result = _import(runner, MARCHON, "--slug", "marchon")
    elapsed = time.perf_counter() - started

    print(f"\nimported {len(rows)} Pol.is rows in {elapsed:.2f} s ({db.engine.dialect.name})")
    assert result.exit_code == 0, result.output
    assert "marchon: 2162 responses added" in result.output
    assert elapsed < 30

    _publish(db, "marchon")
    shown, pages = _walk_pages(client, "marchon")
    assert sorted(shown) == approved
    assert not set(shown) & hidden
    assert pages > 1
    assert client.get(f"/consultations/marchon?page={pages + 1}").status_code == 404


def _listed(client, slug: str) -> dict[str, bool]:
    """Where a reader, or a program reading the open API, would find the consultation."""
    return {
        "home": f'href="/consultations/{slug}"' in client.get("/").get_data(as_text=True),
        "page": client.get(f"/consultations/{slug}").status_code == 200,
        "api list": slug in [c["slug"] for c in client.get("/api/v1/consultations").get_json()["consultations"]],
        "api": client.get(f"/api/v1/consultations/{slug}").status_code == 200,
        "api responses": client.get(f"/api/v1/consultations/{slug}/responses").status_code == 200,
    }


def test_an_imported_consultation_is_a_draft_shown_nowhere_until_the_secretariat_publishes_it(
    app, client, db, runner, make_user
):
    result = _import(runner, LONDON, "--slug", "london")

    assert result.exit_code == 0, result.output
    consultation = _consultation(db, "london")
    assert consultation.status is ConsultationStatus.DRAFT
    assert (
        f"london is a draft, shown nowhere public: the secretariat publishes it with Publish at "
        f"/secretariat/consultations/{consultation.id}/edit." in result.output
    )
    assert not any(_listed(client, "london").values())

    secretariat = make_user(Role.SECRETARIAT)
    staff = app.test_client()
    credentials = {"username": secretariat.pseudonym, "password": secretariat.password}
    assert staff.post("/login", data=credentials).status_code == 302
    assert f'href="/secretariat/consultations/{consultation.id}/edit"' in staff.get("/secretariat/").text
    assert staff.post(f"/secretariat/consultations/{consultation.id}/publish").status_code == 303

    assert _consultation(db, "london").phase() is Phase.CLOSED  # its window is the conversation's, long past
    assert all(_listed(client, "london").values())


def test_importing_again_neither_publishes_nor_withdraws_the_consultation(db, runner):
    _import(runner, LONDON, "--slug", "london")

    again = _import(runner, LONDON, "--slug", "london")
    assert "london is a draft" in again.output
    assert _consultation(db, "london").status is ConsultationStatus.DRAFT

    _publish(db, "london")
    once_more = _import(runner, LONDON, "--slug", "london")
    assert once_more.exit_code == 0, once_more.output
    assert "london was already published and stays published." in once_more.output
    assert _consultation(db, "london").status is ConsultationStatus.PUBLISHED


def test_the_secretariat_summarises_an_imported_consultation_and_publishes_the_summary_once_it_is_public(
    client, db, runner, make_user
):
    secretariat = make_user(Role.SECRETARIAT)
    _import(runner, LONDON, "--slug", "london")
    summary = generate_summary(_consultation(db, "london"), secretariat)
    db.session.commit()
    with pytest.raises(SummaryRefused):
        publish_summary(summary, secretariat)
    db.session.rollback()

    _publish(db, "london")
    publish_summary(summary, secretariat)
    db.session.commit()

    assert client.get("/archive/london/v1").status_code == 200
    assert client.get("/api/v1/consultations/london/summary").status_code == 200


def _write(tmp_path, content: str | bytes, name: str = "broken.comments.csv"):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


ROW = "1658934589213,Wed Jul 27 22:09:49 WIB 2022,1,2,0,0,1,Hello\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("", " is empty", id="empty"),
        pytest.param(
            "timestamp,comment-id,comment-body\n1658934589213,1,hello\n",
            " is not a Pol.is comments file (missing author-id, moderated)",
            id="missing-columns",
        ),
        pytest.param(HEADER, " holds no comments", id="header-only"),
        pytest.param(
            HEADER + ROW.replace("1658934589213", "yesterday"),
            ", row 2: timestamp 'yesterday' is not a time in milliseconds since 1970",
            id="word-timestamp",
        ),
        pytest.param(
            HEADER + ROW + ROW.replace("1658934589213", "9" * 20),
            f", row 3: timestamp '{'9' * 20}' is not a time in milliseconds since 1970",
            id="overflowing-timestamp",
        ),
        pytest.param(HEADER + "1658934589213,Wed,1\n", ", row 2: fewer columns than the header", id="short-row"),
        pytest.param(
            HEADER + ROW.replace("Hello", "Hello,extra"), ", row 2: more columns than the header", id="long-row"
        ),
        pytest.param(
            HEADER + ROW.replace(",1,2,", ",one,2,"),
            ", row 2: comment-id 'one' and author-id '2' must be whole numbers",
            id="word-id",
        ),
        pytest.param(
            HEADER + ROW.replace(",1,Hello", ",yes,Hello"),
            ", row 2: moderated is 'yes', not 1, -1 or 0",
            id="moderated",
        ),
        pytest.param(
            (HEADER + ROW.replace("Hello", "Caf\u00e9 au lait")).encode("latin-1"), " is not UTF-8 text", id="latin-1"
        ),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", " is not UTF-8 text", id="binary"),
    ],
)
def test_malformed_file_gives_a_clear_error_and_imports_nothing(db, runner, tmp_path, content, message):
    result = _import(runner, _write(tmp_path, content))

    assert result.exit_code == 1
    assert f"Error: broken.comments.csv{message}" in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    assert [_count(db, model) for model in (Consultation, Submission, User)] == [0, 0, 0]


def test_bad_slug_is_refused_before_anything_is_read(db, runner):
    result = _import(runner, LONDON, "--slug", "Youth Policing!")

    assert result.exit_code == 1
    assert "the slug 'Youth Policing!' must be lowercase letters, digits and single hyphens" in result.output
    assert _count(db, Consultation) == 0


def test_missing_file_and_unknown_format_are_refused(runner):
    missing = _import(runner, POLIS / "no-such.comments.csv")
    assert missing.exit_code == 2
    assert "does not exist" in missing.output

    other = runner.invoke(args=["consultations", "import", str(LONDON), "--format", "csv"])
    assert other.exit_code == 2
    assert "Invalid value for '--format'" in other.output
