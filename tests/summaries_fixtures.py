"""Fixtures for the summary, export, archive and API tests: a closed consultation with every kind of response.

A test module imports the ``*_fixture`` functions it needs; pytest knows them by their ``name``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from consult import clock
from consult.models import Consultation, Role, Submission, SubmissionStatus, User

# Two ideas, each said in the six UN languages: they must land in two themes, whatever the language.
SCHOOLS = {
    "en": "Schools should teach children how to stay safe online.",
    "ar": "يجب أن تعلم المدارس الأطفال كيفية البقاء آمنين على الإنترنت.",
    "zh": "学校应该教孩子如何在网上保持安全。",
    "fr": "Les écoles devraient apprendre aux enfants à rester en sécurité en ligne.",
    "ru": "Школы должны учить детей безопасности в интернете.",
    "es": "Las escuelas deberían enseñar a los niños a estar seguros en línea.",
}
PLATFORMS = {
    "en": "Social media companies must remove harmful content faster.",
    "ar": "يجب على شركات التواصل الاجتماعي إزالة المحتوى الضار بشكل أسرع.",
    "zh": "社交媒体公司必须更快地删除有害内容。",
    "fr": "Les réseaux sociaux doivent supprimer plus vite les contenus dangereux.",
    "ru": "Социальные сети должны быстрее удалять вредный контент.",
    "es": "Las redes sociales deben eliminar más rápido el contenido dañino.",
}
MORE_SCHOOLS = [
    "Every school needs lessons about online safety and privacy.",
    "Teachers should explain to pupils how to protect themselves on the internet.",
    "Online safety classes at school would help a lot of young people.",
    "Our school never taught us anything about staying safe on the internet.",
]
MORE_PLATFORMS = [
    "Platforms like TikTok and Instagram should delete harmful videos much quicker.",
    "Apps must take down dangerous posts as soon as someone reports them.",
    "Tech companies are too slow to remove bullying content from their sites.",
    "Social networks should moderate harmful content better and faster.",
]
# Texts that must never appear anywhere public.
SECRETS = {
    "pending": "SECRET-PENDING waiting zebra text",
    "rejected": "SECRET-REJECTED turned down walrus text",
    "escalated": "SECRET-ESCALATED safeguarding narwhal text",
    "hidden": "SECRET-HIDDEN reported and taken down",
    "body": "SECRET-BODY my name is Ana Smith, call me",
}
REDACTED = "My name is [name], please keep children safe online at school."


@dataclass
class Seeded:
    consultation: Consultation
    approved: list[int] = field(default_factory=list)
    unpublished: list[int] = field(default_factory=list)
    secretariat: User | None = None


def add_response(db, question, author, text, status, language="en", published=None, hidden=False):
    submission = Submission(
        question_id=question.id,
        author_id=author.id if author else None,
        body=text,
        published_text=published if published is not None else (text if status is SubmissionStatus.APPROVED else None),
        language=language,
        status=status,
        age_band=author.age_band if author else None,
        country=author.country if author else None,
        decided_at=clock.utcnow() if status is not SubmissionStatus.PENDING else None,
        hidden_at=clock.utcnow() if hidden else None,
    )
    db.session.add(submission)
    db.session.flush()
    return submission


@pytest.fixture(name="secretariat")
def secretariat_fixture(make_user):
    return make_user(Role.SECRETARIAT, pseudonym="Sam Secretariat")


@pytest.fixture(name="seeded")
def seeded_fixture(db, make_user, make_consultation, secretariat):
    """A closed consultation: two questions, answers in six languages from many countries, and secrets."""
    consultation = make_consultation(open=False, questions=2, title="Safer internet for young people")
    q1, q2 = consultation.questions
    countries = ["KE", "EG", "BR", "CN", "RU", "FR", "NG", "IN", "US", "DE", "SA", "KZ"]
    bands = ["13-15", "16-17", "18-24"]
    authors = [
        make_user(pseudonym=f"Seeded youth {n}", country=countries[n % len(countries)], age_band=bands[n % 3])
        for n in range(24)
    ]
    seeded = Seeded(consultation, secretariat=secretariat)
    n = 0
    for texts in (SCHOOLS, PLATFORMS):
        for language, text in texts.items():
            seeded.approved.append(add_response(db, q1, authors[n % 24], text, SubmissionStatus.APPROVED, language).id)
            n += 1
    for text in MORE_SCHOOLS + MORE_PLATFORMS:
        seeded.approved.append(add_response(db, q1, authors[n % 24], text, SubmissionStatus.APPROVED).id)
        n += 1
    for text in MORE_SCHOOLS[:2] + MORE_PLATFORMS[:2]:
        seeded.approved.append(add_response(db, q2, authors[n % 24], text + " (again)", SubmissionStatus.APPROVED).id)
        n += 1
    redacted = add_response(db, q1, authors[0], SECRETS["body"], SubmissionStatus.APPROVED, published=REDACTED)
    seeded.approved.append(redacted.id)
    for kind, status in (("pending", SubmissionStatus.PENDING), ("rejected", SubmissionStatus.REJECTED),
                         ("escalated", SubmissionStatus.ESCALATED)):  # fmt: skip
        for question in (q1, q2):
            # Even with a published text already filled in, only the status decides what is public.
            seeded.unpublished.append(
                add_response(db, question, authors[1], SECRETS[kind], status, published=SECRETS[kind]).id
            )
    # Approved once, then taken down after readers' reports.
    seeded.unpublished.append(
        add_response(db, q1, authors[2], SECRETS["hidden"], SubmissionStatus.APPROVED, hidden=True).id
    )
    db.session.commit()
    return seeded


def download(client, url: str):
    """A reader's download: one not rendered yet is asked for ("being prepared", 202) and tried again, as the
    page does by itself; in immediate mode the rendering job has run by then."""
    response = client.get(url)
    return client.get(url) if response.status_code == 202 else response


def published_at() -> datetime:
    return datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
