"""``/api/v1/``: read-only JSON for everyone, no login. Only approved, published texts ever appear."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import HTTPException

from .. import clock, errors
from ..consultations.caching import public_page
from ..consultations.endorsements import endorsement_counts
from ..extensions import db
from ..models import Consultation, ConsultationStatus, Meeting
from ..outcomes.reading import outcome_json, published_outcome
from ..summaries.formats import document_formats
from ..summaries.reading import summary_json, summary_view
from ..summaries.regions import region_of
from ..summaries.responses import LICENCE, LICENCE_URL, public_response_page
from ..summaries.versions import latest_published, published_version, versions
from ..text import sanitise_description

bp = Blueprint("api", __name__)

PER_PAGE_DEFAULT, PER_PAGE_MAX = 50, 500


@bp.errorhandler(HTTPException)
def json_error(error: HTTPException):
    return errors.json_error(error.code or 500, error.name)


@bp.after_request
def no_sniffing(response):
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Access-Control-Allow-Origin"] = "*"  # open data, no credentials
    return response


def _consultation(slug: str) -> Consultation:
    consultation = db.session.scalar(
        select(Consultation).where(Consultation.slug == slug, Consultation.status == ConsultationStatus.PUBLISHED)
    )
    return consultation or abort(404)


def _consultation_json(consultation: Consultation, detail: bool = False) -> dict:
    summary = latest_published(consultation)
    data = {
        "slug": consultation.slug,
        "title": consultation.title,
        "phase": consultation.phase(clock.utcnow()).value,
        "opens_at": consultation.opens_at.isoformat(),
        "closes_at": consultation.closes_at.isoformat(),
        "meeting": _meeting_json(consultation.meeting) if consultation.meeting else None,
        "url": url_for("api.consultation", slug=consultation.slug, _external=True),
        "responses_url": url_for("api.responses", slug=consultation.slug, _external=True),
        "summary_url": url_for("api.summary", slug=consultation.slug, _external=True) if summary else None,
        "outcome_url": url_for("api.outcome", slug=consultation.slug, _external=True)
        if published_outcome(consultation)
        else None,
    }
    if detail:
        # Sanitised on write, and again here: API clients insert it as HTML, as the pages do.
        data["description_html"] = sanitise_description(consultation.description)
        data["source_language"] = consultation.source_language
        data["questions"] = [
            {"position": q.position, "prompt": q.prompt, "max_length": q.max_length} for q in consultation.questions
        ]
        data["summary_versions"] = [
            {"version": s.version, "published_at": s.published_at.isoformat(),
             "url": url_for("api.summary_version", slug=consultation.slug, number=s.version, _external=True)}
            for s in versions(consultation) if s.is_published
        ]  # fmt: skip
    return data


def _meeting_json(meeting: Meeting) -> dict:
    """The title as written, the language it is written in and each translation of it, by language code."""
    return {
        "title": meeting.title,
        "source_language": meeting.source_language,
        "title_translations": {t.language: t.title for t in meeting.translations},
        "starts_at": meeting.starts_at.isoformat(),
    }


@bp.get("/")
def index():
    """The front door: what the API offers, under which licence, and where the files for download are."""
    example = "{slug}"
    base = url_for("api.index", _external=True).rstrip("/")
    return jsonify({
        "name": "consult open data API",
        "version": "v1",
        "description": "Published consultations, approved answers and summaries; read-only, no login.",
        "licence": {"name": LICENCE, "url": LICENCE_URL},
        "endpoints": {
            "consultations": url_for("api.consultations", _external=True),
            "consultation": f"{base}/consultations/{example}",
            "responses": f"{base}/consultations/{example}/responses?page=1&per_page=50",
            "latest_summary": f"{base}/consultations/{example}/summary",
            "summary_version": f"{base}/consultations/{example}/summaries/{{version}}",
            "outcome": f"{base}/consultations/{example}/outcome",
        },
        "downloads": url_for("summaries.archive", _external=True),
    })  # fmt: skip


def _open_data(render):
    """Open data reads the same for everyone in every language: an anonymous reader's copy is shared by
    any cache (consult/security.py) and revalidated by an ETag of the public version, without rendering."""
    return public_page(render, by_language=False)


@bp.get("/consultations")
def consultations():
    return _open_data(_consultations)


def _consultations():
    rows = db.session.scalars(
        select(Consultation)
        .where(Consultation.status == ConsultationStatus.PUBLISHED)
        .order_by(Consultation.opens_at.desc(), Consultation.id)
        .options(selectinload(Consultation.meeting).selectinload(Meeting.translations))
    )
    return jsonify({"consultations": [_consultation_json(c) for c in rows]})


@bp.get("/consultations/<slug>")
def consultation(slug: str):
    return _open_data(lambda: jsonify(_consultation_json(_consultation(slug), detail=True)))


def _positive(name: str, default: int, maximum: int | None = None) -> int:
    raw = request.args.get(name, str(default))
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9 or int(raw) < 1:
        abort(400)
    value = int(raw)
    return min(value, maximum) if maximum else value


@bp.get("/consultations/<slug>/responses")
def responses(slug: str):
    return _open_data(lambda: _responses(slug))


def _responses(slug: str):
    consultation = _consultation(slug)
    page = _positive("page", 1)
    per_page = _positive("per_page", PER_PAGE_DEFAULT, PER_PAGE_MAX)
    items, total = public_response_page(consultation, page, per_page)
    pages = max(1, -(-total // per_page))
    if page > pages:
        abort(404)
    endorsements = endorsement_counts(r.id for r in items)

    def link(number: int) -> str:
        return url_for("api.responses", slug=slug, page=number, per_page=per_page, _external=True)

    return jsonify(
        {
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "page": page,
            "per_page": per_page,
            "pages": pages,
            "total": total,
            "next": link(page + 1) if page < pages else None,
            "previous": link(page - 1) if page > 1 else None,
            "responses": [
                {
                    "id": r.id,
                    "question": r.question_position,
                    "text": r.text,
                    "language": r.language,
                    "age_band": r.age_band,
                    "region": region_of(r.country) if r.country else None,
                    "submitted_at": r.created_at.isoformat(),
                    "published_at": r.decided_at.isoformat() if r.decided_at else None,
                    "endorsements": endorsements.get(r.id, 0),
                    "channel": r.channel,
                }
                for r in items
            ],
        }
    )


def _summary_payload(slug: str, summary) -> dict:
    data = summary_json(summary)
    view = summary_view(summary)
    texts = {quote.id: quote.text for question in view.questions for theme in question.themes for quote in theme.quotes}
    for question in data["questions"]:
        for theme in question["themes"]:
            theme["quotes"] = [{"id": q, "text": texts[q]} for q in theme["quotes"] if q in texts]
    data["url"] = url_for("summaries.public_version", slug=slug, number=summary.version, _external=True)
    data["documents"] = {
        output.name: url_for(
            "summaries.document", slug=slug, number=summary.version, file_format=output.name, _external=True
        )
        for output in document_formats()
    }
    return data


@bp.get("/consultations/<slug>/summary")
def summary(slug: str):
    return _open_data(lambda: jsonify(_summary_payload(slug, latest_published(_consultation(slug)) or abort(404))))


@bp.get("/consultations/<slug>/summaries/<int:number>")
def summary_version(slug: str, number: int):
    return _open_data(
        lambda: jsonify(_summary_payload(slug, published_version(_consultation(slug), number) or abort(404)))
    )


@bp.get("/consultations/<slug>/outcome")
def outcome(slug: str):
    """What the meeting did with each theme of the summary, with the quotes, in every language written."""
    return _open_data(lambda: jsonify(outcome_json(_consultation(slug)) or abort(404)))
