"""Importing responses gathered elsewhere, starting with Pol.is conversations."""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from markupsafe import escape
from sqlalchemy import select

from ..extensions import db
from ..models import Consultation, ConsultationStatus, Question, Role, Submission, SubmissionStatus, User
from ..text import clean_plain_text, clean_single_line, pseudonym_key

POLIS_STATUS = {"1": SubmissionStatus.APPROVED, "-1": SubmissionStatus.REJECTED, "0": SubmissionStatus.PENDING}
POLIS_ATTRIBUTION = (
    "Data was gathered using the Polis software (compdemocracy.org/polis) and is sub-licensed under "
    "CC BY 4.0 with Attribution to The Computational Democracy Project. "
    "https://github.com/compdemocracy/openData"
)
POLIS_COLUMNS = {"timestamp", "comment-id", "author-id", "moderated", "comment-body"}


class ImportFailed(Exception):
    pass


@dataclass(frozen=True)
class ImportResult:
    consultation: Consultation
    added: int
    already_present: int
    empty: int


def slug_from_stem(stem: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:80] or "imported"


def _read_summary(comments_path: Path) -> dict[str, str]:
    summary_path = comments_path.with_name(comments_path.name.replace(".comments.csv", ".summary.csv"))
    if summary_path == comments_path or not summary_path.exists():
        return {}
    with summary_path.open(newline="", encoding="utf-8-sig") as handle:
        return {row[0]: row[1] for row in csv.reader(handle) if len(row) >= 2}


def _timestamp(row: dict[str, str]) -> datetime:
    return datetime.fromtimestamp(int(row["timestamp"]) / 1000, UTC)


def import_polis(
    path: Path,
    *,
    slug: str | None = None,
    question_position: int = 1,
    title: str | None = None,
    language: str = "en",
) -> ImportResult:
    """Import a Pol.is ``comments.csv``; importing the same file again adds nothing."""
    stem = path.stem
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = POLIS_COLUMNS - set(reader.fieldnames or ())
            if missing:
                raise ImportFailed(f"{path.name} is not a Pol.is comments file (missing {', '.join(sorted(missing))})")
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ImportFailed(f"cannot read {path}: {error}") from error
    try:
        rows.sort(key=lambda row: (int(row["timestamp"]), int(row["comment-id"])))
    except ValueError as error:
        raise ImportFailed(f"{path.name}: a timestamp or comment-id is not a number ({error})") from error
    if not rows:
        raise ImportFailed(f"{path.name} holds no comments")

    summary = _read_summary(path)
    base_name = stem.removesuffix(".comments")
    slug = slug or slug_from_stem(base_name)
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None:
        topic = clean_single_line(summary.get("topic")) or base_name
        description = clean_plain_text(summary.get("conversation-description"))
        consultation = Consultation(
            slug=slug,
            title=clean_single_line(title) or topic,
            description=_description_html(description),
            source_language=language,
            opens_at=_timestamp(rows[0]),
            closes_at=_timestamp(rows[-1]) + timedelta(seconds=1),
            status=ConsultationStatus.PUBLISHED,
        )
        db.session.add(consultation)
        db.session.flush()
    question = next((q for q in consultation.questions if q.position == question_position), None)
    if question is None:
        prompt = clean_plain_text(summary.get("topic")) or consultation.title
        question = Question(consultation=consultation, position=question_position, prompt=prompt, max_length=1000)
        db.session.add(question)
        db.session.flush()

    prefix = f"{stem}#"
    present = set(
        db.session.scalars(
            select(Submission.external_ref).where(Submission.external_ref.startswith(prefix, autoescape=True))
        )
    )
    authors = _import_authors(stem, {row["author-id"] for row in rows})
    added = empty = 0
    for row in rows:
        ref = f"{prefix}{row['comment-id']}"
        if ref in present:
            continue
        body = clean_plain_text(row["comment-body"])
        if not body:
            empty += 1
            continue
        status = POLIS_STATUS.get(row["moderated"].strip(), SubmissionStatus.PENDING)
        db.session.add(
            Submission(
                question=question,
                author_id=authors[row["author-id"]],
                body=body,
                published_text=body if status is SubmissionStatus.APPROVED else None,
                language=language,
                status=status,
                created_at=_timestamp(row),
                external_ref=ref,
            )
        )
        present.add(ref)
        added += 1
    db.session.flush()
    return ImportResult(consultation, added, len(rows) - added - empty, empty)


def _description_html(description: str) -> str:
    paragraphs = [p for p in description.split("\n\n") if p.strip()] + [POLIS_ATTRIBUTION]
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs)


def _import_authors(stem: str, author_ids: set[str]) -> dict[str, int]:
    """One pseudonymous, log-in-less participant per Pol.is author of this file."""
    refs = {f"{stem}#author-{author_id}": author_id for author_id in author_ids}
    known = dict(db.session.execute(select(User.external_ref, User.id).where(User.external_ref.in_(list(refs)))).all())
    tag = hashlib.sha256(stem.encode()).hexdigest()[:6]
    new_users = []
    for ref, author_id in refs.items():
        if ref not in known:
            pseudonym = f"Polis {tag}-{author_id}"[:40]
            user = User(
                pseudonym=pseudonym,
                pseudonym_key=pseudonym_key(pseudonym),
                password_hash=None,
                role=Role.PARTICIPANT,
                active=False,
                external_ref=ref,
            )
            new_users.append((author_id, user))
    db.session.add_all(user for _author, user in new_users)
    db.session.flush()
    by_author = {refs[ref]: user_id for ref, user_id in known.items()}
    by_author.update({author_id: user.id for author_id, user in new_users})
    return by_author
