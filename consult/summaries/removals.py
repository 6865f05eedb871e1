"""Answers a version held that are no longer public: which, the mark every format shows, the secretariat's alert.

Versions store response ids, never texts, so an answer taken down after publication drops out of every
page, quote, annex, document and data file of the version by itself. Its words may still be in what was
computed from it: a theme's automatic label and keywords. Those are withheld in the version that held it
(a neutral label and no keywords, with the mark) and computed again without it in the next version, so
the version stays honest without being changed (published versions are frozen).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from ..audit_log import security_event
from ..extensions import db
from ..models import Consultation, ConsultationStatus, Question, Submission, is_public
from .keywords import Tokeniser, key_phrase, theme_terms, top_keywords
from .models import Summary
from .responses import public_responses
from .themes import KEYWORD_SAMPLE, SEED, theme_share
from .work import ask_rendering

REMOVED_NOTICE = _l("An answer was removed after publication; the secretariat has been told.")
WITHHELD_NOTE = _l("Label and keywords withheld: they were drawn in part from an answer removed after publication.")


def member_ids(content: dict) -> set[int]:
    return {member["id"] for question in content["questions"] for theme in question["themes"]
            for member in theme["responses"]}  # fmt: skip


def public_ids(consultation_id: int, ids: Iterable[int], unchanged_since: datetime | None = None) -> set[int]:
    """Those of ``ids`` that are public now (ids only: no text is read); with ``unchanged_since``, only
    those not published again after it (taken down, then approved again, perhaps with another redaction)."""
    wanted = sorted(set(ids))
    query = (
        select(Submission.id)
        .join(Question, Submission.question_id == Question.id)
        .where(Question.consultation_id == consultation_id, is_public())
    )
    if unchanged_since is not None:
        query = query.where(or_(Submission.decided_at.is_(None), Submission.decided_at <= unchanged_since))
    found: set[int] = set()
    for start in range(0, len(wanted), 5000):
        found.update(db.session.scalars(query.where(Submission.id.in_(wanted[start : start + 5000]))))
    return found


def removed_members(summary: Summary) -> set[int]:
    """The responses this version grouped into its themes that are no longer public as they were then.

    An answer taken down and approved again since, maybe with a name redacted, counts as removed: the
    version's keywords were computed from the words it had then.
    """
    members = member_ids(summary.content)
    return members - public_ids(summary.consultation_id, members, unchanged_since=summary.created_at)


def versions_to_replace(consultation: Consultation | None = None) -> list[tuple[Summary, int]]:
    """Each published consultation's latest published version that lost answers since, with how many.

    What the secretariat is told on its dashboard and summary page until it publishes a new version.
    """
    newest = (
        select(Summary.consultation_id, func.max(Summary.version).label("version"))
        .where(Summary.published_at.is_not(None))
        .group_by(Summary.consultation_id)
        .subquery()
    )
    query = (
        select(Summary)
        .join(newest, (Summary.consultation_id == newest.c.consultation_id) & (Summary.version == newest.c.version))
        .join(Consultation, Summary.consultation_id == Consultation.id)
        .where(Consultation.status == ConsultationStatus.PUBLISHED)
        .order_by(Summary.consultation_id)
    )
    if consultation is not None:
        query = query.where(Summary.consultation_id == consultation.id)
    found = []
    for summary in db.session.scalars(query):
        removed = removed_members(summary)
        if removed:
            found.append((summary, len(removed)))
    return found


def tell_secretariat(submission_id: int) -> int:
    """Record, for the secretariat, each published version an answer just taken down belonged to; how many.

    Its documents are drawn again without the answer, ahead of readers as when it was published; flushes.
    """
    consultation_id = db.session.scalar(
        select(Question.consultation_id).join(Submission).where(Submission.id == submission_id)
    )
    if consultation_id is None:
        return 0
    told = 0
    for summary in db.session.scalars(
        select(Summary).where(Summary.consultation_id == consultation_id, Summary.published_at.is_not(None))
    ):
        if submission_id in member_ids(summary.content):
            security_event("summary_answer_removed", consultation_id=consultation_id, summary_id=summary.id,
                           summary_version=summary.version, submission_id=submission_id)  # fmt: skip
            if current_app.config["DOCUMENTS_AHEAD"]:
                ask_rendering(summary)
            told += 1
    return told


def without_removed(content: dict, consultation: Consultation, removed: set[int]) -> dict:
    """``content`` (a copy to change) without the ``removed`` responses no longer public, and the keywords
    of the themes of every question that held one computed again from the texts public now.

    Keywords are relative to the other themes of a question, so every theme of a question that lost a
    member gets new ones, from at most KEYWORD_SAMPLE members each (a seeded sample) as when generated.
    A label the secretariat wrote is replaced by the new automatic one as well: it was written with the
    removed answer in view. It can be written again in the same edit.
    """
    gone = removed - public_ids(consultation.id, removed)  # the others were published again, in new words
    for question in content["questions"]:
        themes = question["themes"]
        if not any(member["id"] in removed for theme in themes for member in theme["responses"]):
            continue
        for theme in themes:
            theme["responses"] = [member for member in theme["responses"] if member["id"] not in gone]
            theme["quotes"] = [quote for quote in theme["quotes"] if quote not in gone]
            theme["candidates"] = [quote for quote in theme["candidates"] if quote not in gone]
        themes[:] = [theme for theme in themes if theme["responses"]]
        question["responses"] = sum(len(theme["responses"]) for theme in themes)
        sampled = [_keyword_sample([member["id"] for member in theme["responses"]]) for theme in themes]
        texts = {r.id: r for r in public_responses(consultation, [i for ids in sampled for i in ids])}
        _relabel(themes, sampled, texts)
        for theme in themes:
            theme["size"] = len(theme["responses"])
            theme["share"] = theme_share(theme["size"], question["responses"])
    return content


def _relabel(themes: list[dict], sampled: list[list[int]], texts: dict) -> None:
    """Keywords and labels computed again as generation makes them (themes.py), for the themes as they are now:
    keywords ranked per language against the other themes, and a label that is a phrase of a member's answer
    (the first remaining quote in the theme's label language, these being nearest the theme's centre)."""
    tokeniser = Tokeniser()
    by_language: dict[str, list[tuple[int, int]]] = {}
    for number, ids in enumerate(sampled):
        for i in ids:
            if i in texts:
                by_language.setdefault(texts[i].language, []).append((number, i))
    weights, forms = {}, {}
    for code, rows in by_language.items():
        documents = [tokeniser.terms(texts[i].text, code) for _number, i in rows]
        weights[code], forms[code] = theme_terms(documents, [number for number, _i in rows], len(themes))
    for number, theme in enumerate(themes):
        present = [texts[i] for i in sampled[number] if i in texts]
        languages = [response.language for response in present]
        if not present:
            continue
        main = theme.get("label_language")
        main = main if main in languages else max(sorted(set(languages)), key=languages.count)
        keywords = {code: top_keywords(weights[code][number], forms[code][number]) for code in sorted(set(languages))}
        theme["keywords_by_language"] = keywords
        theme["keywords"] = keywords[main] or next((words for words in keywords.values() if words), [])
        ordered = [q for q in theme["quotes"] if q in texts] + [response.id for response in present]
        labels = {}
        for code in keywords:  # every language's label anew: an old one may quote the removed answer
            chosen = next(texts[q] for q in ordered if texts[q].language == code)
            labels[code] = key_phrase(chosen.text, code, weights[code][number], tokeniser)
        theme["labels"] = labels
        theme["label"] = theme["auto_label"] = labels[main]
        theme["label_language"] = main


def _keyword_sample(ids: list[int]) -> list[int]:
    if len(ids) <= KEYWORD_SAMPLE:
        return ids
    return sorted(random.Random(SEED).sample(ids, KEYWORD_SAMPLE))  # noqa: S311  # nosec B311 - a reproducible sample, no secret
