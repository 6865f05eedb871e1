"""The open data of a consultation (CSV, JSON): every approved response in its published form, with the licence;
and the provenance of every quote of its published summaries (in the JSON, and as ``provenance.csv``)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from ..consultations.endorsements import consultation_endorsement_counts
from ..consultations.public_responses import PublicResponse
from ..models import AGE_BAND_LABELS, Consultation
from ..text import neutralise
from .reading import summary_view
from .regions import REGIONS, region_of
from .removals import REMOVED_NOTICE, versions_to_replace
from .responses import LICENCE, LICENCE_NOTE, LICENCE_URL, attribution, public_responses
from .vectors import text_hash
from .versions import versions

OPEN_DATA_COLUMNS = (
    "response_id", "question", "question_text", "language", "age_band", "region", "published_text",
    "endorsements", "submitted_at", "published_at", "channel",
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
            "channel": response.channel,  # "workshop": handed in by a facilitator for a group, no one's own
        }


PROVENANCE_COLUMNS = (
    "summary_version", "question", "question_text", "theme", "response_id", "reference", "permalink", "language",
    "published_text_sha256", "decision_date",
)  # fmt: skip


def public_reference(response_id: int) -> str:
    return f"R{response_id}"


def permalink(slug: str, response_id: int) -> str:
    """The public page of one approved answer; a path, so that it holds on any host the site is served from."""
    return f"/consultations/{slug}/responses/{response_id}"


def provenance_rows(consultation: Consultation) -> Iterable[dict]:
    """Each quote of each published version, traced to the answer it is: which, where, and that it is unchanged.

    Quotes of answers taken down since are left out, as everywhere public. No names, no moderator: the
    decision's date only. The hash is of the published text, UTF-8, so anyone can check a quote against it.
    """
    for summary in versions(consultation):
        if not summary.is_published:
            continue
        view = summary_view(summary)
        quoted = [quote.id for question in view.questions for theme in question.themes for quote in theme.quotes]
        decided = {response.id: response.decided_at for response in public_responses(consultation, quoted)}
        for question in view.questions:
            for theme in question.themes:
                for quote in theme.quotes:
                    when = decided.get(quote.id)
                    yield {
                        "summary_version": summary.version,
                        "question": question.position,
                        "question_text": question.prompt,
                        "theme": theme.label,
                        "response_id": quote.id,
                        "reference": public_reference(quote.id),
                        "permalink": permalink(consultation.slug, quote.id),
                        "language": quote.language,
                        "published_text_sha256": text_hash(quote.text),
                        "decision_date": when.date().isoformat() if when else None,
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


def _csv(consultation: Consultation, columns: tuple[str, ...], rows: Iterable[dict]) -> bytes:
    buffer = io.StringIO()
    # The licence first, on a line of its own that CSV readers can skip as a comment, with the mark if any
    # (on the same line: readers skip one comment line).
    notice = removal_notice(consultation)
    comment = " ".join(licence_text(consultation).split()) + (f" {notice}" if notice else "")
    buffer.write("# " + comment + "\n")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralise(v) if isinstance(v, str) else ("" if v is None else v) for v in row.values()])
    return buffer.getvalue().encode("utf-8")


def render_csv(consultation: Consultation) -> bytes:
    return _csv(consultation, OPEN_DATA_COLUMNS, open_data_rows(consultation, public_responses(consultation)))


def render_provenance_csv(consultation: Consultation) -> bytes:
    return _csv(consultation, PROVENANCE_COLUMNS, provenance_rows(consultation))


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
        "quotes": list(provenance_rows(consultation)),
    }
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
