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
from ..models import SLUG_PATTERN, Consultation, ConsultationStatus, Question, Role, Submission, SubmissionStatus, User
from ..text import clean_plain_text, clean_single_line, pseudonym_key

POLIS_STATUS = {"1": SubmissionStatus.APPROVED, "-1": SubmissionStatus.REJECTED, "0": SubmissionStatus.PENDING}
POLIS_ATTRIBUTION = (
    "Data was gathered using the Polis software (compdemocracy.org/polis) and is sub-licensed under "
    "CC BY 4.0 with Attribution to The Computational Democracy Project. "
    "https://github.com/compdemocracy/openData"
)
POLIS_COLUMNS = ("timestamp", "comment-id", "author-id", "moderated", "comment-body")
SLUG_MAX, TITLE_MAX = 80, 200  # the column sizes of Consultation
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
POLIS_ID_LIMIT = 2**31  # Pol.is numbers comments and authors with PostgreSQL integers


class ImportFailed(Exception):
    pass


@dataclass(frozen=True)
class ImportResult:
    consultation: Consultation
    added: int
    already_present: int
    empty: int


def slug_from_stem(stem: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:SLUG_MAX].strip("-") or "imported"


def _read_summary(comments_path: Path) -> dict[str, str]:
    summary_path = comments_path.with_name(comments_path.name.replace(".comments.csv", ".summary.csv"))
    if summary_path == comments_path or not summary_path.exists():
        return {}
    try:
        with summary_path.open(newline="", encoding="utf-8-sig") as handle:
            return {row[0]: row[1] for row in csv.reader(handle) if len(row) >= 2}
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ImportFailed(
            f"cannot read {summary_path.name}, the summary beside {comments_path.name}: {error}"
        ) from error


@dataclass(frozen=True)
class PolisComment:
    created_at: datetime
    comment_id: int
    author_id: int
    status: SubmissionStatus
    body: str


def read_polis_comments(path: Path) -> list[PolisComment]:
    """The comments of a Pol.is export, oldest first; ImportFailed says what is wrong and where."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None:
                raise ImportFailed(f"{path.name} is empty")
            missing = set(POLIS_COLUMNS) - set(reader.fieldnames)
            if missing:
                raise ImportFailed(f"{path.name} is not a Pol.is comments file (missing {', '.join(sorted(missing))})")
            # Row 1 is the header, as in a spreadsheet.
            comments = [_polis_comment(path, row, number) for number, row in enumerate(reader, start=2)]
    except UnicodeDecodeError as error:
        raise ImportFailed(f"{path.name} is not UTF-8 text (byte {error.start} cannot be decoded)") from error
    except csv.Error as error:
        raise ImportFailed(f"{path.name} is not a valid CSV file ({error})") from error
    except OSError as error:
        raise ImportFailed(f"cannot read {path}: {error.strerror or error}") from error
    if not comments:
        raise ImportFailed(f"{path.name} holds no comments")
    comments.sort(key=lambda comment: (comment.created_at, comment.comment_id))
    return comments


def _polis_comment(path: Path, row: dict, number: int) -> PolisComment:
    def fail(problem: str) -> ImportFailed:
        return ImportFailed(f"{path.name}, row {number}: {problem}")

    if None in row:
        raise fail("more columns than the header")
    if any(row[column] is None for column in POLIS_COLUMNS):
        raise fail("fewer columns than the header")
    try:
        created_at = EPOCH + timedelta(milliseconds=int(row["timestamp"]))
    except (ValueError, OverflowError):
        raise fail(f"timestamp {row['timestamp']!r} is not a time in milliseconds since 1970") from None
    try:
        comment_id, author_id = int(row["comment-id"]), int(row["author-id"])
    except ValueError:
        comment_id = author_id = -1
    if not (0 <= comment_id < POLIS_ID_LIMIT and 0 <= author_id < POLIS_ID_LIMIT):
        raise fail(f"comment-id {row['comment-id']!r} and author-id {row['author-id']!r} must be whole numbers")
    status = POLIS_STATUS.get(row["moderated"].strip())
    if status is None:
        raise fail(f"moderated is {row['moderated']!r}, not 1, -1 or 0")
    return PolisComment(created_at, comment_id, author_id, status, clean_plain_text(row["comment-body"]))


def import_polis(
    path: Path,
    *,
    slug: str | None = None,
    question_position: int = 1,
    title: str | None = None,
    language: str = "en",
) -> ImportResult:
    """Import a Pol.is ``comments.csv``; importing the same file again adds nothing.

    A new consultation is created in draft: data gathered elsewhere, for other audiences, is listed
    nowhere public until the secretariat has read it and published it. An existing consultation keeps
    its status, so importing again neither publishes nor withdraws it.
    """
    stem = path.stem
    if slug is not None and not (SLUG_PATTERN.match(slug) and len(slug) <= SLUG_MAX):
        raise ImportFailed(
            f"the slug {slug!r} must be lowercase letters, digits and single hyphens, at most {SLUG_MAX} characters"
        )
    title = clean_single_line(title)
    if len(title) > TITLE_MAX:
        raise ImportFailed(f"the title must be at most {TITLE_MAX} characters")
    comments = read_polis_comments(path)

    summary = _read_summary(path)
    base_name = stem.removesuffix(".comments")
    slug = slug or slug_from_stem(base_name)
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None:
        topic = clean_single_line(summary.get("topic")) or base_name
        description = clean_plain_text(summary.get("conversation-description"))
        consultation = Consultation(
            slug=slug,
            title=title or topic[:TITLE_MAX],
            description=_description_html(description),
            source_language=language,
            opens_at=comments[0].created_at,
            closes_at=comments[-1].created_at + timedelta(seconds=1),
            status=ConsultationStatus.DRAFT,
        )
        db.session.add(consultation)
        db.session.flush()
    elif POLIS_ATTRIBUTION not in consultation.description:
        # Whoever shows Pol.is data must credit it, whatever consultation it lands in.
        consultation.description += _attribution_html()
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
    authors = _import_authors(stem, {comment.author_id for comment in comments})
    added = empty = 0
    for comment in comments:
        ref = f"{prefix}{comment.comment_id}"
        if ref in present:
            continue
        if not comment.body:
            empty += 1
            continue
        db.session.add(
            Submission(
                question=question,
                author_id=authors[comment.author_id],
                body=comment.body,
                published_text=comment.body if comment.status is SubmissionStatus.APPROVED else None,
                language=language,
                status=comment.status,
                created_at=comment.created_at,
                external_ref=ref,
            )
        )
        present.add(ref)
        added += 1
    db.session.flush()
    return ImportResult(consultation, added, len(comments) - added - empty, empty)


def _description_html(description: str) -> str:
    paragraphs = [p for p in description.split("\n\n") if p.strip()]
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs) + _attribution_html()


def _attribution_html() -> str:
    return f"<p>{escape(POLIS_ATTRIBUTION)}</p>"


def _import_authors(stem: str, author_ids: set[int]) -> dict[int, int]:
    """One pseudonymous, log-in-less participant per Pol.is author of this file."""
    refs = {f"{stem}#author-{author_id}": author_id for author_id in author_ids}
    known = dict(db.session.execute(select(User.external_ref, User.id).where(User.external_ref.in_(list(refs)))).all())
    tag = hashlib.sha256(stem.encode()).hexdigest()[:6]
    new_users = []
    for ref, author_id in refs.items():
        if ref not in known:
            pseudonym = f"Polis {tag}-{author_id}"
            user = User(
                pseudonym=pseudonym,
                pseudonym_key=pseudonym_key(pseudonym),
                password_hash=None,
                role=Role.PARTICIPANT,
                active=False,
                external_ref=ref,
            )
            new_users.append((author_id, user))
    keys = [user.pseudonym_key for _author, user in new_users]
    taken = db.session.scalars(select(User.pseudonym).where(User.pseudonym_key.in_(keys))).first()
    if taken is not None:
        raise ImportFailed(f"an account called {taken!r} already exists; rename it before importing this file")
    db.session.add_all(user for _author, user in new_users)
    db.session.flush()
    by_author = {refs[ref]: user_id for ref, user_id in known.items()}
    by_author.update({author_id: user.id for author_id, user in new_users})
    return by_author
