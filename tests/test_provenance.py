"""Quotes anyone can trace: the open data maps each quote of a published summary to the approved answer it is."""

from __future__ import annotations

import csv
import hashlib
import io
import json

from summaries_fixtures import REDACTED, SECRETS, Seeded, secretariat_fixture, seeded_fixture  # noqa: F401

from consult import clock
from consult.models import Submission
from consult.summaries.editing import SummaryEdits, ThemeEdit, edit_summary
from consult.summaries.generation import generate_summary
from consult.summaries.opendata import PROVENANCE_COLUMNS
from consult.summaries.reading import summary_view
from consult.summaries.versions import publish_summary

NAMES = ("Seeded youth", "Sam Secretariat")


def _publish_quoting_the_redacted_answer(db, seeded: Seeded):
    """A published version whose quotes include the answer published in redacted form."""
    draft = generate_summary(seeded.consultation, seeded.secretariat)
    redacted = db.session.query(Submission).filter(Submission.published_text == REDACTED).one()
    theme = next(t for q in draft.content["questions"] for t in q["themes"]
                 if redacted.id in {r["id"] for r in t["responses"]})  # fmt: skip
    edits = SummaryEdits(themes={theme["key"]: ThemeEdit(quotes=[redacted.id, *theme["quotes"]][:5])})
    summary = publish_summary(edit_summary(draft, seeded.secretariat, edits), seeded.secretariat)
    db.session.commit()
    return summary, redacted


def _rows(text: str) -> list[dict]:
    licence, _newline, table = text.partition("\n")
    assert licence.startswith("# ")  # the licence first, as in the other CSV
    return list(csv.DictReader(io.StringIO(table)))


def test_the_provenance_csv_traces_every_quote_to_its_approved_answer(client, db, seeded: Seeded):
    summary, redacted = _publish_quoting_the_redacted_answer(db, seeded)
    slug = seeded.consultation.slug

    response = client.get(f"/archive/{slug}/data.provenance")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{slug}-provenance.csv"'
    assert tuple(response.text.splitlines()[1].split(",")) == PROVENANCE_COLUMNS
    rows = _rows(response.text)
    view = summary_view(summary)
    quotes = [(q.position, t.label, quote.id) for q in view.questions for t in q.themes for quote in t.quotes]
    assert [(int(r["question"]), r["theme"], int(r["response_id"])) for r in rows] == quotes
    for row in rows:
        answer = db.session.get(Submission, int(row["response_id"]))
        assert answer.id in seeded.approved and int(row["summary_version"]) == summary.version
        assert row["reference"] == f"R{answer.id}"
        assert row["permalink"] == f"/consultations/{slug}/responses/{answer.id}"
        assert row["language"] == answer.language
        assert row["question_text"] == answer.question.prompt
        # The hash is of the published text, as anyone can check it: not of what the participant wrote.
        assert row["published_text_sha256"] == hashlib.sha256(answer.published_text.encode("utf-8")).hexdigest()
        assert row["decision_date"] == answer.decided_at.date().isoformat()
    ours = next(r for r in rows if int(r["response_id"]) == redacted.id)
    assert ours["published_text_sha256"] != hashlib.sha256(SECRETS["body"].encode()).hexdigest()
    assert not any(name in response.text for name in NAMES)  # no names, no moderator


def test_the_json_open_data_carries_the_same_provenance_and_its_hashes_match_the_published_texts(
    client, db, seeded: Seeded
):
    _publish_quoting_the_redacted_answer(db, seeded)
    slug = seeded.consultation.slug

    data = json.loads(client.get(f"/archive/{slug}/data.json").data)
    rows = _rows(client.get(f"/archive/{slug}/data.provenance").text)

    texts = {answer["response_id"]: answer["published_text"] for answer in data["responses"]}
    assert data["quotes"] and len(data["quotes"]) == len(rows)
    for quote, row in zip(data["quotes"], rows, strict=True):
        assert set(quote) == set(PROVENANCE_COLUMNS)
        assert {k: "" if v is None else str(v) for k, v in quote.items()} == row
        assert hashlib.sha256(texts[quote["response_id"]].encode("utf-8")).hexdigest() == quote["published_text_sha256"]
    assert REDACTED in texts.values()
    assert not any(name in json.dumps(data["quotes"], ensure_ascii=False) for name in NAMES)


def test_only_published_versions_and_answers_still_public_are_traced(client, db, seeded: Seeded):
    slug = seeded.consultation.slug
    generate_summary(seeded.consultation, seeded.secretariat)  # a draft: its quotes are nobody's business yet
    db.session.commit()
    assert _rows(client.get(f"/archive/{slug}/data.provenance").text) == []

    summary, redacted = _publish_quoting_the_redacted_answer(db, seeded)
    assert redacted.id in {int(r["response_id"]) for r in _rows(client.get(f"/archive/{slug}/data.provenance").text)}
    db.session.get(Submission, redacted.id).hidden_at = clock.utcnow()  # taken down after readers' reports
    db.session.commit()

    rows = _rows(client.get(f"/archive/{slug}/data.provenance").text)
    assert rows and redacted.id not in {int(r["response_id"]) for r in rows}
    assert redacted.id not in {
        q["response_id"] for q in json.loads(client.get(f"/archive/{slug}/data.json").data)["quotes"]
    }
    assert {int(r["summary_version"]) for r in rows} == {summary.version}


def test_flask_export_writes_the_provenance(runner, db, seeded: Seeded, tmp_path):
    _publish_quoting_the_redacted_answer(db, seeded)
    path = tmp_path / "provenance.csv"
    result = runner.invoke(args=["export", seeded.consultation.slug, "--format", "provenance", "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert _rows(path.read_text())
