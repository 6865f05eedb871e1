"""The open data of a consultation (CSV, JSON): every approved response in its published form, with the licence."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from ..consultations.endorsements import consultation_endorsement_counts
from ..consultations.public_responses import PublicResponse
from ..models import AGE_BAND_LABELS, Consultation
from ..text import neutralise
from .regions import REGIONS, region_of
from .removals import REMOVED_NOTICE, versions_to_replace
from .responses import LICENCE, LICENCE_NOTE, LICENCE_URL, attribution, public_responses

OPEN_DATA_COLUMNS = (
    "response_id", "question", "question_text", "language", "age_band", "region", "published_text",
    "endorsements", "submitted_at", "published_at",
)  # fmt: skip


def open_data_rows(consultation: Consultation, responses: Iterable[PublicResponse]) -> Iterable[dict]:
    prompts = {q.position: q.prompt for q in consultation.questions}
    endorsements = consultation_endorsement_counts(consultation)
    for response in responses:
        yield {
            "response_id": response.id,
            "question": response.question_position,
            "question_text": prompts.get(response.question_position, ""),
            "language": response.language,
            "age_band": response.age_band if response.age_band in AGE_BAND_LABELS else None,
            "region": region_of(response.country) if response.country else None,
            "published_text": response.text,
            "endorsements": endorsements.get(response.id, 0),
            "submitted_at": response.created_at.isoformat(),
            "published_at": response.decided_at.isoformat() if response.decided_at else None,
        }


def licence_text(consultation: Consultation) -> str:
    notes = [str(LICENCE_NOTE)]
    source = attribution(consultation)
    if source:
        notes.append(source)
    return " ".join(notes)


def removal_notice(consultation: Consultation) -> str | None:
    """The mark of the published summary these data go with, while it holds an answer removed since."""
    return str(REMOVED_NOTICE) if versions_to_replace(consultation) else None


def render_csv(consultation: Consultation) -> bytes:
    buffer = io.StringIO()
    # The licence first, on a line of its own that CSV readers can skip as a comment, with the mark if any
    # (on the same line: readers skip one comment line).
    notice = removal_notice(consultation)
    comment = " ".join(licence_text(consultation).split()) + (f" {notice}" if notice else "")
    buffer.write("# " + comment + "\n")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(OPEN_DATA_COLUMNS)
    for row in open_data_rows(consultation, public_responses(consultation)):
        writer.writerow([neutralise(v) if isinstance(v, str) else ("" if v is None else v) for v in row.values()])
    return buffer.getvalue().encode("utf-8")


def render_json(consultation: Consultation) -> bytes:
    data = {
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "licence_note": licence_text(consultation),
        "notice": removal_notice(consultation),
        "consultation": {
            "slug": consultation.slug,
            "title": consultation.title,
            "opens_at": consultation.opens_at.isoformat(),
            "closes_at": consultation.closes_at.isoformat(),
            "questions": [{"position": q.position, "prompt": q.prompt} for q in consultation.questions],
        },
        "regions": list(REGIONS),
        "responses": list(open_data_rows(consultation, public_responses(consultation))),
    }
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
