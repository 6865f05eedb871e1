"""Demo data: a CWG-COP meeting, an open and a closed consultation, and one account per role."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from . import clock
from .auth.services import create_user, find_user
from .demo_outcome import seed_outcome_demo
from .extensions import db
from .models import (
    Consultation,
    ConsultationStatus,
    ConsultationTranslation,
    Meeting,
    MeetingTranslation,
    Question,
    QuestionTranslation,
    Role,
    Submission,
    SubmissionStatus,
)
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
)  # fmt: skip

# Answers a moderator already published during the day, so participants can endorse (or report) them.
OPEN_PUBLISHED = (
    (0, "en", "18-24", "IN", "Apps should tell us clearly who can see our posts, in words we understand."),
    (1, "ar", "16-17", "EG", "يجب أن تتحقق المنصات من العمر من دون أن تطلب صور هوياتنا."),
    (0, "zh", "16-17", "CN", "当陌生人不能直接给我发私信的时候，我觉得比较安全。"),
    (2, "ru", "18-24", "UZ", "Я пишу старшей сестре. Было бы проще, если бы в каждом приложении была понятная кнопка «Помощь»."),
    (1, "es", "13-15", "PE", "Que las redes sociales borren de verdad nuestras fotos cuando lo pedimos."),
    (2, "fr", "16-17", "CI", "Je parle à ma tante. Une ligne d'écoute gratuite par message aiderait ceux qui n'osent pas appeler."),
)  # fmt: skip

OPEN_TITLE = "Youth consultation on child online protection"
OPEN_DESCRIPTION = (
    "<p>ITU's Council Working Group on Child Online Protection wants to hear from young people "
    "before its next meeting. Answer in any of the six UN languages. Use a pseudonym, and please "
    "do not share your real name, school or contact details.</p>"
)
OPEN_MEETING = "CWG-COP, next meeting (demo)"
# Each demo consultation in the five other UN languages, as the secretariat would translate it:
# (title, description, the questions in order, the meeting's title).
OPEN_TRANSLATIONS = {
    "ar": (
        "استشارة الشباب بشأن حماية الأطفال على الإنترنت",
        "<p>يرغب فريق العمل التابع لمجلس الاتحاد الدولي للاتصالات والمعني بحماية الأطفال على الإنترنت في الاستماع "
        "إلى آراء الشباب قبل اجتماعه القادم. يمكنك الإجابة بأي لغة من لغات الأمم المتحدة الست. استخدم اسمًا "
        "مستعارًا، ويُرجى عدم مشاركة اسمك الحقيقي أو اسم مدرستك أو بيانات الاتصال بك.</p>",
        (
            "ما الذي يجعلك تشعر بالأمان أو بعدم الأمان عندما تكون على الإنترنت؟",
            "لو كان بإمكانك أن تطلب من الحكومات تغيير شيء واحد لحماية الأطفال على الإنترنت، فماذا سيكون؟",
            "إلى من تلجأ طلبًا للمساعدة عندما يقلقك شيء ما على الإنترنت، وما الذي قد يجعل ذلك أسهل؟",
        ),
        "CWG-COP، الاجتماع القادم (تجريبي)",
    ),
    "zh": (
        "关于儿童在线保护的青少年意见征询",
        "<p>国际电联理事会儿童在线保护工作组希望在下次会议之前听取青少年的意见。你可以使用联合国六种正式语文中的"
        "任何一种作答。请使用化名，不要透露你的真实姓名、学校或联系方式。</p>",
        (
            "上网时，什么让你感到安全，什么让你感到不安全？",
            "如果你可以请各国政府为保护网上的儿童改变一件事，你会选择什么？",
            "网上的事情让你担心时，你会向谁求助？怎样才能让求助变得更容易？",
        ),
        "CWG-COP 下次会议（演示）",
    ),
    "fr": (
        "Consultation des jeunes sur la protection des enfants en ligne",
        "<p>Le Groupe de travail du Conseil de l'UIT sur la protection en ligne des enfants souhaite entendre les "
        "jeunes avant sa prochaine réunion. Répondez dans l'une des six langues officielles de l'ONU. Utilisez un "
        "pseudonyme et ne donnez ni votre vrai nom, ni votre école, ni vos coordonnées.</p>",
        (
            "Qu'est-ce qui vous fait vous sentir en sécurité, ou au contraire en danger, quand vous êtes en ligne\u00a0?",
            "Si vous pouviez demander aux gouvernements de changer une seule chose pour protéger les enfants en "
            "ligne, que demanderiez-vous\u00a0?",
            "Vers qui vous tournez-vous quand quelque chose en ligne vous inquiète, et qu'est-ce qui vous "
            "faciliterait la tâche\u00a0?",
        ),
        "CWG-COP, prochaine réunion (démo)",
    ),
    "ru": (
        "Консультация с молодёжью по защите детей в интернете",
        "<p>Рабочая группа Совета МСЭ по защите ребёнка в онлайновой среде хочет узнать мнение молодёжи перед "
        "своим следующим собранием. Отвечайте на любом из шести официальных языков ООН. Используйте псевдоним и, "
        "пожалуйста, не сообщайте своё настоящее имя, школу или контактные данные.</p>",
        (
            "Что помогает вам чувствовать себя в безопасности в интернете, а что, наоборот, вызывает тревогу?",
            "Если бы вы могли попросить правительства изменить одну вещь, чтобы защитить детей в интернете, что бы "
            "это было?",
            "К кому вы обращаетесь за помощью, когда вас что-то беспокоит в интернете, и что сделало бы это проще?",
        ),
        "CWG-COP, следующее собрание (демо)",
    ),
    "es": (
        "Consulta a jóvenes sobre la protección de la infancia en línea",
        "<p>El Grupo de Trabajo del Consejo de la UIT sobre la Protección de la Infancia en Línea quiere escuchar a "
        "los y las jóvenes antes de su próxima reunión. Responde en cualquiera de los seis idiomas oficiales de la "
        "ONU. Usa un seudónimo y, por favor, no compartas tu nombre real, tu escuela ni tus datos de contacto.</p>",
        (
            "¿Qué te hace sentir seguridad o inseguridad cuando estás en internet?",
            "Si pudieras pedir a los gobiernos que cambiaran una sola cosa para proteger a la infancia en internet, "
            "¿cuál sería?",
            "¿A quién acudes cuando algo en internet te preocupa, y qué te lo pondría más fácil?",
        ),
        "CWG-COP, próxima reunión (demo)",
    ),
}
CLOSED_TRANSLATIONS = {
    "ar": (
        "أصوات الشباب حول السلامة على الإنترنت",
        "<p>استشارة ليوم واحد عُقدت قبل الاجتماع السابق لفريق CWG-COP.</p>",
        (
            "ما الذي ينبغي لشركات التكنولوجيا فعله لحماية الشباب على الإنترنت؟",
            "كيف ينبغي للمدارس أن تعلّم السلامة على الإنترنت؟",
        ),
        "CWG-COP، الاجتماع السابق (تجريبي)",
    ),
    "zh": (
        "青少年谈网络安全",
        "<p>在 CWG-COP 上次会议之前举行的为期一天的意见征询。</p>",
        ("科技公司应该做些什么来保护网上的青少年？", "学校应该怎样开展网络安全教育？"),
        "CWG-COP 上次会议（演示）",
    ),
    "fr": (
        "La parole des jeunes sur la sécurité en ligne",
        "<p>Une consultation d'une journée, tenue avant la précédente réunion du CWG-COP.</p>",
        (
            "Que devraient faire les entreprises technologiques pour protéger les jeunes en ligne\u00a0?",
            "Comment les écoles devraient-elles enseigner la sécurité en ligne\u00a0?",
        ),
        "CWG-COP, réunion précédente (démo)",
    ),
    "ru": (
        "Голос молодёжи о безопасности в интернете",
        "<p>Однодневная консультация, проведённая перед предыдущим собранием CWG-COP.</p>",
        (
            "Что должны делать технологические компании, чтобы защищать молодёжь в интернете?",
            "Как школам следует учить безопасности в интернете?",
        ),
        "CWG-COP, предыдущее собрание (демо)",
    ),
    "es": (
        "Las voces de la juventud sobre la seguridad en línea",
        "<p>Una consulta de un día celebrada antes de la reunión anterior del CWG-COP.</p>",
        (
            "¿Qué deberían hacer las empresas tecnológicas para proteger a los y las jóvenes en internet?",
            "¿Cómo deberían enseñar las escuelas la seguridad en internet?",
        ),
        "CWG-COP, reunión anterior (demo)",
    ),
}


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
        meeting = Meeting(title=OPEN_MEETING, starts_at=now + timedelta(days=14), venue="ITU headquarters, Geneva")
        consultation = Consultation(
            slug=OPEN_SLUG,
            meeting=meeting,
            title=OPEN_TITLE,
            description=OPEN_DESCRIPTION,
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
    _translate(OPEN_SLUG, OPEN_TRANSLATIONS)

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
    _translate(CLOSED_SLUG, CLOSED_TRANSLATIONS)
    seed_outcome_demo(CLOSED_SLUG, PARTICIPANT, "Demo Secretariat")  # its summary, outcome and receipts
    seed_workshop(OPEN_SLUG, result.logins)
    db.session.flush()
    return result


def _translate(slug: str, translations: dict) -> None:
    """Add the translations a demo consultation lacks, also to a demo seeded before they existed."""
    db.session.flush()
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    translated = set(
        db.session.scalars(
            select(ConsultationTranslation.language).where(ConsultationTranslation.consultation_id == consultation.id)
        )
    )
    meeting = consultation.meeting
    titled = {translation.language for translation in meeting.translations} if meeting else set()
    for language, (title, description, prompts, meeting_title) in translations.items():
        if language not in translated:
            db.session.add(
                ConsultationTranslation(
                    consultation=consultation, language=language, title=title, description=description
                )
            )
            for question, prompt in zip(consultation.questions, prompts, strict=False):
                db.session.add(QuestionTranslation(question=question, language=language, prompt=prompt))
        if meeting is not None and language not in titled:
            meeting.translations.append(MeetingTranslation(language=language, title=meeting_title))
    db.session.flush()


def _demo_author(number: int, band: str, country: str, language: str):
    """Authors of the demo's answers by others: demo participants who cannot log in."""
    pseudonym = f"Demo Voice {number}"
    user = find_user(pseudonym)
    if user is None:
        user = create_user(pseudonym, None, Role.PARTICIPANT, age_band=band, country=country, locale=language,
                           active=False)  # fmt: skip
    return user
