"""A young person sees what became of each answer, in plain and kind words."""

from __future__ import annotations

import re

import pytest

from consult.models import SubmissionStatus
from consult.moderation.models import RejectReason


def _my_answers(client, consultation) -> str:
    page = client.get(f"/consultations/{consultation.slug}").text
    return re.search(r'<section aria-labelledby="your-responses".*?</section>', page, re.DOTALL).group(0)


def _card(section: str, submission) -> str:
    return re.search(rf'<article class="card mine" id="mine-{submission.id}">.*?</article>', section, re.DOTALL).group(
        0
    )


def _words(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


@pytest.fixture
def author(make_user):
    return make_user()


def test_waiting_and_published_answers_say_so(client, login, author, make_consultation, make_submission):
    consultation = make_consultation(open=True)
    waiting = make_submission(consultation.questions[0], author, "Still being checked")
    published = make_submission(consultation.questions[1], author, "Already public", SubmissionStatus.APPROVED)
    login(author)

    section = _my_answers(client, consultation)

    assert '<span class="status status-pending">Waiting for a moderator</span>' in _card(section, waiting)
    assert '<span class="status status-approved">Published</span>' in _card(section, published)
    assert "removed some details" not in _card(section, published)


def test_a_published_answer_with_details_removed_shows_what_others_read(
    client, db, login, author, make_consultation, make_submission
):
    consultation = make_consultation(open=True)
    submission = make_submission(consultation.questions[0], author, "I am Lina from Oak School, apps scare me")
    approved = db.session.get(type(submission), submission.id)
    approved.status, approved.published_text = SubmissionStatus.APPROVED, "I am [removed], apps scare me"
    db.session.commit()
    login(author)

    card = _card(_my_answers(client, consultation), submission)

    assert "I am Lina from Oak School, apps scare me" in card  # their own words stay theirs to read
    assert "A moderator removed some details to keep you safe. This is what others can read:" in card
    assert "I am [removed], apps scare me" in card


KIND_WORDS = {
    RejectReason.OFF_TOPIC: "It did not answer this question. You are welcome to answer again.",
    RejectReason.PERSONAL_INFO: "It included personal details, like a name or contact. "
    "Please answer again without them.",
    RejectReason.ABUSIVE: "It included words that could hurt or upset others. "
    "You are welcome to answer again in other words.",
    RejectReason.SPAM: "It looked like advertising or repeated text rather than an answer.",
    RejectReason.DUPLICATE: "It was the same as another answer that was already sent.",
    RejectReason.OTHER: "A moderator decided it could not be published. You are welcome to answer again.",
}


@pytest.mark.parametrize("reason", list(RejectReason))
def test_a_rejected_answer_gives_the_reason_kindly_and_never_the_moderators_note(
    client, db, login, author, make_consultation, make_submission, reason
):
    consultation = make_consultation(open=True)
    submission = make_submission(consultation.questions[0], author, "My answer")
    rejected = db.session.get(type(submission), submission.id)
    rejected.status, rejected.reject_reason = SubmissionStatus.REJECTED, reason.value
    rejected.decision_note = "Internal: looks like the same kid as yesterday"
    db.session.commit()
    login(author)

    card = _card(_my_answers(client, consultation), submission)

    assert '<span class="status status-rejected">Not published</span>' in card
    assert KIND_WORDS[reason] in _words(card)
    assert "Internal" not in card


def test_an_escalated_answer_looks_like_it_is_still_waiting(client, db, login, author, make_consultation,
                                                             make_submission):  # fmt: skip
    consultation = make_consultation(open=True)
    submission = make_submission(
        consultation.questions[0], author, "Something is wrong at home", SubmissionStatus.ESCALATED
    )
    escalated = db.session.get(type(submission), submission.id)
    escalated.decision_note = "Possible abuse at home"
    db.session.commit()
    login(author)

    page = client.get(f"/consultations/{consultation.slug}").text
    card = _card(_my_answers(client, consultation), submission)

    assert '<span class="status status-pending">Waiting for a moderator</span>' in card
    assert "escalat" not in page.lower()
    assert "safeguarding" not in page.lower()
    assert "Possible abuse" not in page
