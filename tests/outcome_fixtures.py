"""A closed consultation whose summary is published, with one participant's answers in every state.

A test module imports the ``*_fixture`` functions it needs; pytest knows them by their ``name``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from summaries_fixtures import add_response

from consult import clock
from consult.models import Consultation, Role, SubmissionStatus, User
from consult.summaries.stats import consultation_statistics
from consult.summaries.versions import new_version, publish_summary

PRIVATE = "Accounts of under-18s private by default"
REPORTS = "Faster answers to reports"
LESSONS = "Lessons taught by young people"


@dataclass
class Chain:
    consultation: Consultation
    secretariat: User
    ana: User
    other: User
    quoted: int  # Ana's answer the summary quotes (private accounts)
    unquoted: int  # Ana's answer in the same theme, not quoted
    lesson: int  # Ana's quoted answer to question 2
    pending: int
    rejected: int
    escalated: int
    withdrawn: int
    others: list[int]


def _theme(key: str, label: str, members: list[int], quotes: list[int], total: int) -> dict:
    return {"key": key, "label": label, "auto_label": label, "labels": {}, "keywords": [], "size": len(members),
            "share": len(members) / total, "quotes": quotes, "candidates": [],
            "responses": [{"id": m, "ref": f"R{m}"} for m in members]}  # fmt: skip


def publish_handmade_summary(db, consultation: Consultation, secretariat: User, themes: list[list[tuple]]):
    """A published version whose themes are chosen by the test: per question, (key, label, members, quotes)."""
    questions = []
    for question, question_themes in zip(consultation.questions, themes, strict=True):
        total = sum(len(members) for _key, _label, members, _quotes in question_themes)
        questions.append({"question_id": question.id, "position": question.position, "prompt": question.prompt,
                          "responses": total,
                          "themes": [_theme(*theme, total) for theme in question_themes]})  # fmt: skip
    content = {"intro": "", "key_messages": [], "document_number": "CWG-COP/24/7",
               "statistics": consultation_statistics(consultation), "questions": questions}  # fmt: skip
    summary = new_version(consultation, secretariat, "generated", content, {})
    publish_summary(summary, secretariat)
    db.session.commit()
    return summary


@pytest.fixture(name="chain")
def chain_fixture(db, make_user, make_consultation) -> Chain:
    secretariat = make_user(Role.SECRETARIAT, pseudonym="Sam Secretariat")
    ana = make_user(pseudonym="Ana Receipts")
    other = make_user(pseudonym="Omar Other", country="EG")
    consultation = make_consultation(open=False, questions=2, title="Safer apps for young people")
    q1, q2 = consultation.questions
    approved = SubmissionStatus.APPROVED
    quoted = add_response(db, q1, ana, "Make every account private by default until 18.", approved).id
    unquoted = add_response(db, q1, ana, "Private profiles should be the default for teenagers.", approved).id
    lesson = add_response(db, q2, ana, "Older students should teach online safety lessons.", approved).id
    pending = add_response(db, q2, ana, "ANA-PENDING Apps should be private by default.", SubmissionStatus.PENDING).id
    rejected_answer = add_response(db, q1, ana, "ANA-REJECTED buy followers here", SubmissionStatus.REJECTED)
    rejected_answer.reject_reason = "spam"
    rejected = rejected_answer.id
    escalated = add_response(db, q2, ana, "ANA-E2 someone is scaring me", SubmissionStatus.ESCALATED).id
    withdrawn_answer = add_response(db, q1, ana, "ANA-WITHDRAWN I took this back", SubmissionStatus.ESCALATED)
    withdrawn_answer.withdrawn_at = clock.utcnow()
    withdrawn = withdrawn_answer.id
    others = [
        add_response(db, q1, other, "Accounts should be private unless we choose otherwise.", approved).id,
        add_response(db, q1, other, "Platforms must answer reports within a day.", approved, language="en").id,
        add_response(db, q2, other, "Teachers need training about apps we use.", approved).id,
    ]
    db.session.commit()
    publish_handmade_summary(db, consultation, secretariat, [
        [("q1-t1", PRIVATE, [quoted, unquoted, others[0]], [quoted, others[0]]),
         ("q1-t2", REPORTS, [others[1]], [others[1]])],
        [("q2-t1", LESSONS, [lesson, others[2]], [lesson])],
    ])  # fmt: skip
    return Chain(consultation, secretariat, ana, other, quoted, unquoted, lesson, pending, rejected, escalated,
                 withdrawn, others)  # fmt: skip


def outcome_form(**overrides) -> dict:
    """What the secretariat posts: the meeting's document and a decision and a note for each theme."""
    data = {
        "source_language": "en",
        "document_number": "CWG-COP/25/INF/3",
        "document_title": "Report of the 25th meeting",
        "document_url": "https://www.itu.int/md/S25-CWGCOP25-INF-0003/en",
        "decision-q1-t1": "taken_up",
        "note-q1-t1": "Recommendation 4 asks platforms to make minors' accounts private by default.",
        "decision-q1-t2": "discussed",
        "note-q1-t2": "Members discussed response times for reports.",
        "decision-q2-t1": "noted",
        "note-q2-t1": "",
        "publish": "y",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
