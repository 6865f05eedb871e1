"""Demo data for the whole chain after the meeting: the closed consultation's summary published, the meeting's
outcome recorded in six languages, and the demo participant's own answers, so that a newcomer sees, after
``make run``, the public "what happened" page and, logged in as the demo participant, the receipts and notices.

Called by consult/demo.py; kept apart so the demo's consultations and this chain change independently.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from .auth.services import find_user
from .extensions import db
from .models import Consultation, Submission, SubmissionStatus
from .outcomes.models import Decision
from .outcomes.services import ThemeDecision, outcome_of, save_outcome, save_outcome_translation
from .summaries.editing import SummaryEdits, ThemeEdit, edit_summary
from .summaries.generation import generate_summary
from .summaries.versions import latest_published, publish_summary

# The demo participant's answers to the closed consultation: (question index, text, status, reject reason).
OWN_ANSWERS = (
    (0, "Make every account private by default for anyone under 18, and let us choose who can message us.",
     SubmissionStatus.APPROVED, None),
    (1, "Schools should invite older students to teach online safety, with real examples from the apps we use.",
     SubmissionStatus.APPROVED, None),
    (1, "check out my channel for free skins", SubmissionStatus.REJECTED, "spam"),
)  # fmt: skip

DOCUMENT = {
    "number": "CWG-COP/DEMO/INF/5",
    "url": "https://www.itu.int/en/council/cwg/Pages/cwg-cop.aspx",
    "title": {
        "en": "Report of the previous CWG-COP meeting (demo)",
        "fr": "Rapport de la précédente réunion du GTC-PEL (démo)",
        "es": "Informe de la reunión anterior del GTC-PIL (demostración)",
        "ar": "تقرير الاجتماع السابق لفريق العمل المعني بحماية الأطفال على الإنترنت (عرض توضيحي)",
        "zh": "上一次儿童在线保护理事会工作组会议报告（演示）",
        "ru": "Отчёт о предыдущем заседании РГС-ЗРИ (демонстрация)",
    },
}
# One note per decision, in the six languages: the demo's themes come from the real theme grouping.
NOTES = {
    Decision.TAKEN_UP: {
        "en": "Recommendation 3 of the report asks platforms and member states to act on this.",
        "fr": "La recommandation 3 du rapport demande aux plateformes et aux États membres d'agir sur ce point.",
        "es": "La recomendación 3 del informe pide a las plataformas y a los Estados miembros que actúen en esto.",
        "ar": "تطلب التوصية 3 من التقرير من المنصات والدول الأعضاء العمل على ذلك.",
        "zh": "报告的第3项建议要求平台和成员国就此采取行动。",
        "ru": "Рекомендация 3 отчёта призывает платформы и государства-члены принять меры по этому вопросу.",
    },
    Decision.DISCUSSED: {
        "en": "Delegates discussed this; the secretariat will report back at the next meeting.",
        "fr": "Les délégués en ont discuté ; le secrétariat fera rapport à la prochaine réunion.",
        "es": "Los delegados lo debatieron; la secretaría informará en la próxima reunión.",
        "ar": "ناقش المندوبون هذا الموضوع، وستقدّم الأمانة تقريراً عنه في الاجتماع القادم.",
        "zh": "代表们讨论了这一点；秘书处将在下次会议上汇报。",
        "ru": "Делегаты обсудили это; секретариат доложит на следующем заседании.",
    },
    Decision.NOTED: {
        "en": "The meeting took note of this and kept it for its future work.",
        "fr": "La réunion en a pris note et l'a retenu pour ses travaux futurs.",
        "es": "La reunión tomó nota de ello y lo guardó para su trabajo futuro.",
        "ar": "أحاط الاجتماع علماً بذلك واحتفظ به لعمله المقبل.",
        "zh": "会议注意到这一点，并留待今后的工作中考虑。",
        "ru": "Заседание приняло это к сведению и учтёт в дальнейшей работе.",
    },
}
DECISION_ORDER = (Decision.TAKEN_UP, Decision.DISCUSSED, Decision.NOTED)


def seed_outcome_demo(slug: str, participant_name: str, secretariat_name: str) -> None:
    """Once per database: what is already there is left alone."""
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    participant, secretariat = find_user(participant_name), find_user(secretariat_name)
    if consultation is None or participant is None or secretariat is None or outcome_of(consultation) is not None:
        return
    own = _own_answers(consultation, participant)
    # Asked at sign-up to be told: the notices of this summary and outcome wait on the account page.
    participant.publication_notices_since = consultation.closes_at
    summary = latest_published(consultation)
    if summary is None:
        generated = generate_summary(consultation, secretariat)
        quotes = {}
        for question in generated.content["questions"]:
            for theme in question["themes"]:
                members = {member["id"] for member in theme["responses"]}
                mine = [answer.id for answer in own if answer.id in members]
                if mine:  # quote the demo participant, so their receipt links to the quote
                    quotes[theme["key"]] = ThemeEdit(quotes=(mine + theme["quotes"])[:3], reviewed=True)
        edited = edit_summary(generated, secretariat, SummaryEdits(document_number="CWG-COP/DEMO/3", themes=quotes))
        summary = publish_summary(edited, secretariat)
    decisions = {}
    for question in summary.content["questions"]:
        for n, theme in enumerate(question["themes"]):
            decision = DECISION_ORDER[min(n, len(DECISION_ORDER) - 1)]
            decisions[theme["key"]] = ThemeDecision(decision.value, NOTES[decision]["en"])
    outcome = save_outcome(consultation, secretariat, source_language="en", document_number=DOCUMENT["number"],
                           document_title=DOCUMENT["title"]["en"], document_url=DOCUMENT["url"], themes=decisions,
                           publish=True)  # fmt: skip
    for language, title in DOCUMENT["title"].items():
        if language != "en":
            notes = {key: NOTES[Decision(typed.decision)][language] for key, typed in decisions.items()}
            save_outcome_translation(outcome, language, document_title=title, notes=notes)


def _own_answers(consultation: Consultation, participant) -> list[Submission]:
    questions = consultation.questions
    answers = []
    for n, (index, text, status, reason) in enumerate(OWN_ANSWERS):
        sent = consultation.opens_at + timedelta(hours=3, minutes=7 * n)
        answer = Submission(question=questions[index], author=participant, body=text, language="en", status=status,
                            published_text=text if status is SubmissionStatus.APPROVED else None,
                            reject_reason=reason, age_band=participant.age_band, country=participant.country,
                            created_at=sent, decided_at=sent + timedelta(hours=1), screened_at=sent)  # fmt: skip
        db.session.add(answer)
        answers.append(answer)
    db.session.flush()
    return answers
