"""Demo data: a CWG-COP meeting, an open and a closed consultation, and one account per role."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from . import clock
from .auth.services import create_user, find_user
from .extensions import db
from .models import Consultation, ConsultationStatus, Meeting, Question, Role, Submission, SubmissionStatus
from .moderation.intake import screen_submission
from .workshops.demo import seed_workshop

OPEN_SLUG = "cwg-cop-youth-consultation"
CLOSED_SLUG = "youth-voices-on-online-safety-2026"

OPEN_QUESTIONS = (
    "What makes you feel safe or unsafe when you are online?",
    "If you could ask governments to change one thing to protect children online, what would it be?",
    "Where do you go for help when something online worries you, and what would make it easier?",
)
CLOSED_QUESTIONS = (
    "What should technology companies do to protect young people online?",
    "How should schools teach online safety?",
)
# (question index, language, age band, country, text, status)
CLOSED_RESPONSES = (
    (0, "en", "16-17", "KE", "Apps should make accounts private by default for anyone under 18, and make the report button easy to find.", "approved"),
    (0, "fr", "13-15", "SN", "Les plateformes devraient supprimer plus vite les messages haineux et nous dire ce qu'elles ont fait après un signalement.", "approved"),
    (0, "es", "18-24", "MX", "Que las empresas expliquen sus reglas con palabras sencillas y que no usen nuestros datos para publicidad.", "approved"),
    (0, "ar", "16-17", "EG", "يجب على الشركات أن تمنع الغرباء من مراسلة الأطفال وأن تجعل الإبلاغ عن الإساءة سهلاً وسريعاً.", "approved"),
    (0, "zh", "18-24", "CN", "平台应该默认保护未成年人的隐私，并且让家长和孩子都能看懂安全设置。", "approved"),
    (0, "ru", "13-15", "KZ", "Компании должны быстрее отвечать на жалобы и блокировать тех, кто пишет детям угрозы.", "approved"),
    (0, "en", "13-15", "PH", "Stop showing us videos that make us feel bad about our bodies.", "approved"),
    (1, "en", "18-24", "IN", "Online safety lessons should be taught by young people who use the same apps, not only by adults.", "approved"),
    (1, "es", "16-17", "AR", "En la escuela deberían enseñarnos a reconocer noticias falsas y qué hacer si alguien nos acosa.", "approved"),
    (1, "fr", "16-17", "CA", "On devrait apprendre à protéger nos mots de passe et à parler à un adulte sans avoir honte.", "approved"),
    (1, "ar", "18-24", "JO", "المدارس تحتاج إلى دروس عملية عن الخصوصية، وليس فقط محاضرات عن المخاطر.", "approved"),
    (1, "ru", "16-17", "RU", "Нужно учить не только опасностям, но и тому, как помочь другу, если его травят в сети.", "approved"),
    (1, "en", "13-15", "GB", "our teacher never talks about this", "pending"),
    (1, "en", "16-17", "US", "buy followers cheap at my site", "rejected"),
)  # fmt: skip

STAFF = (
    ("Demo Moderator", Role.MODERATOR),
    ("Demo Secretariat", Role.SECRETARIAT),
    ("Demo Admin", Role.ADMIN),
)
PARTICIPANT = "Demo Participant"
SAFEGUARDING_TEAM = ("Demo Moderator", "Demo Admin")
# Waiting answers for the open consultation, so the moderation queue has work, screening flags included.
OPEN_PENDING = (
    (0, "en", "16-17", "GH", "I feel safe when my accounts are private and only my friends can message me."),
    (0, "es", "13-15", "CL", "Me siento inseguro cuando desconocidos me escriben. Mi insta es @sofi_2011, escríbeme."),
    (1, "fr", "18-24", "BE", "Obliger les plateformes à vérifier l'âge sans collecter nos pièces d'identité."),
    (2, "en", "13-15", "NZ", "someone i met online says he will share my photos unless i send more. i dont know what to do"),
)

# Answers a moderator already published during the day, so participants can endorse (or report) them.
OPEN_PUBLISHED = (
    (0, "en", "18-24", "IN", "Apps should tell us clearly who can see our posts, in words we understand."),
    (1, "ar", "16-17", "EG", "يجب أن تتحقق المنصات من العمر من دون أن تطلب صور هوياتنا."),
)


@dataclass
class SeedResult:
    logins: list[tuple[str, str, str]]  # (pseudonym, role, password) of accounts created now
    created: list[str]


def _account(pseudonym: str, role: Role, logins: list, **profile) -> None:
    if find_user(pseudonym) is None:
        password = secrets.token_urlsafe(9)
        create_user(pseudonym, password, role, **profile)
        logins.append((pseudonym, role.value, password))


def seed_demo() -> SeedResult:
    """Create what is missing; running it again adds nothing."""
    now = clock.utcnow().replace(second=0, microsecond=0)
    result = SeedResult([], [])
    for pseudonym, role in STAFF:
        _account(pseudonym, role, result.logins)
    for pseudonym in SAFEGUARDING_TEAM:
        find_user(pseudonym).can_safeguard = True
    _account(PARTICIPANT, Role.PARTICIPANT, result.logins, age_band="16-17", country="CH",
             consent_version=current_app.config["PRIVACY_NOTICE_VERSION"])  # fmt: skip

    if db.session.scalar(select(Consultation.id).where(Consultation.slug == OPEN_SLUG)) is None:
        meeting = Meeting(
            title="CWG-COP, next meeting (demo)", starts_at=now + timedelta(days=14), venue="ITU headquarters, Geneva"
        )
        consultation = Consultation(
            slug=OPEN_SLUG,
            meeting=meeting,
            title="Youth consultation on child online protection",
            description=(
                "<p>ITU's Council Working Group on Child Online Protection wants to hear from young people "
                "before its next meeting. Answer in any of the six UN languages. Use a pseudonym, and please "
                "do not share your real name, school or contact details.</p>"
            ),
            opens_at=now - timedelta(hours=1),  # under way for an hour: some answers are already published
            closes_at=now + timedelta(hours=23),
            status=ConsultationStatus.PUBLISHED,
        )
        consultation.questions = [Question(position=i, prompt=p) for i, p in enumerate(OPEN_QUESTIONS, start=1)]
        db.session.add(consultation)
        db.session.flush()
        for number, (index, language, band, country, text) in enumerate(OPEN_PENDING, start=len(CLOSED_RESPONSES) + 1):
            submission = Submission(
                question=consultation.questions[index],
                author=_demo_author(number, band, country, language),
                body=text,
                language=language,
                age_band=band,
                country=country,
                created_at=now + timedelta(minutes=number),
            )
            db.session.add(submission)
            db.session.flush()
            screen_submission(submission)
        first = len(CLOSED_RESPONSES) + len(OPEN_PENDING) + 1
        for offset, (index, language, band, country, text) in enumerate(OPEN_PUBLISHED):
            sent = consultation.opens_at + timedelta(minutes=10 + 5 * offset)
            db.session.add(
                Submission(
                    question=consultation.questions[index],
                    author=_demo_author(first + offset, band, country, language),
                    body=text,
                    published_text=text,
                    language=language,
                    status=SubmissionStatus.APPROVED,
                    age_band=band,
                    country=country,
                    created_at=sent,
                    decided_at=sent + timedelta(minutes=15),
                )
            )
        result.created.append(OPEN_SLUG)

    if db.session.scalar(select(Consultation.id).where(Consultation.slug == CLOSED_SLUG)) is None:
        past_meeting = Meeting(
            title="CWG-COP, previous meeting (demo)",
            starts_at=now - timedelta(days=30),
            venue="ITU headquarters, Geneva",
        )
        opens_at = now - timedelta(days=45)
        consultation = Consultation(
            slug=CLOSED_SLUG,
            meeting=past_meeting,
            title="Youth voices on online safety",
            description="<p>A one-day consultation held before the previous CWG-COP meeting.</p>",
            opens_at=opens_at,
            closes_at=opens_at + timedelta(hours=24),
            status=ConsultationStatus.PUBLISHED,
        )
        questions = [Question(position=i, prompt=p) for i, p in enumerate(CLOSED_QUESTIONS, start=1)]
        consultation.questions = questions
        db.session.add(consultation)
        for number, (index, language, band, country, text, status) in enumerate(CLOSED_RESPONSES, start=1):
            author = _demo_author(number, band, country, language)
            decided = status != "pending"
            db.session.add(
                Submission(
                    question=questions[index],
                    author=author,
                    body=text,
                    published_text=text if status == "approved" else None,
                    language=language,
                    status=SubmissionStatus(status),
                    age_band=band,
                    country=country,
                    created_at=opens_at + timedelta(minutes=17 * number),
                    decided_at=opens_at + timedelta(hours=2, minutes=number) if decided else None,
                )
            )
        result.created.append(CLOSED_SLUG)
    seed_workshop(OPEN_SLUG, result.logins)
    db.session.flush()
    return result


def _demo_author(number: int, band: str, country: str, language: str):
    """Authors of the demo's answers by others: demo participants who cannot log in."""
    pseudonym = f"Demo Voice {number}"
    user = find_user(pseudonym)
    if user is None:
        user = create_user(pseudonym, None, Role.PARTICIPANT, age_band=band, country=country, locale=language,
                           active=False)  # fmt: skip
    return user
