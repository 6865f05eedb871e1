"""Anyone can read published consultations and their approved answers, without an account."""

import re
from datetime import timedelta

from consult.models import ConsultationStatus, Submission, SubmissionStatus


def _page(client, consultation, **params):
    return client.get(f"/consultations/{consultation.slug}", query_string=params)


def _section(page: str, heading_id: str) -> str:
    """The HTML of the <section> whose heading has this id."""
    match = re.search(rf'<section aria-labelledby="{heading_id}".*?</section>', page, re.DOTALL)
    assert match, f"no section {heading_id}"
    return match.group(0)


def test_home_lists_open_upcoming_and_closed_consultations_in_their_sections(client, make_consultation, frozen_clock):
    make_consultation(open=True, title="Open for answers")
    make_consultation(opens_at=frozen_clock.now + timedelta(days=2), title="Opening next week")
    make_consultation(open=False, title="Already finished")
    make_consultation(open=True, title="Secret draft", status=ConsultationStatus.DRAFT)

    response = client.get("/")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Open for answers" in _section(page, "open-heading")
    assert "Opening next week" in _section(page, "upcoming-heading")
    assert "Already finished" in _section(page, "closed-heading")
    assert "Open for answers" not in _section(page, "closed-heading")
    assert "Already finished" not in _section(page, "open-heading")
    assert "Secret draft" not in page


def test_home_says_so_when_nothing_is_open(client, make_consultation):
    make_consultation(open=False, title="Already finished")
    page = client.get("/").get_data(as_text=True)
    assert "No consultation is open right now." in _section(page, "open-heading")
    assert "Already finished" in _section(page, "closed-heading")


def test_consultation_page_shows_description_questions_and_approved_answers(
    client, make_user, make_consultation, make_submission
):
    consultation = make_consultation(open=True, questions=2)
    author = make_user(pseudonym="Quiet Heron", age_band="13-15", country="KE")
    make_submission(consultation.questions[1], author, "Teach parents too.", SubmissionStatus.APPROVED)

    response = _page(client, consultation)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<p>Tell us what you think.</p>" in page
    assert "Question number 1?" in page
    assert "Question number 2?" in page
    answers = _section(page, "responses-heading")
    assert "Teach parents too." in answers
    assert "Quiet Heron" in answers
    assert "13–15" in answers
    assert "Kenya" in answers
    assert "1 answer has been published." in answers


def test_pending_and_rejected_answers_never_appear(client, db, make_user, make_consultation, make_submission):
    consultation = make_consultation(open=False)
    question = consultation.questions[0]
    pending = make_submission(question, make_user(), "Waiting for a moderator still", SubmissionStatus.PENDING)
    rejected = make_submission(question, make_user(), "Turned down by a moderator", SubmissionStatus.REJECTED)
    make_submission(question, make_user(), "Checked and published", SubmissionStatus.APPROVED)
    # Even with a redacted text already prepared, only the status decides what is public.
    for hidden in (pending, rejected):
        db.session.get(Submission, hidden.id).published_text = hidden.body
    db.session.commit()

    page = _page(client, consultation).get_data(as_text=True)

    assert "Checked and published" in page
    assert "Waiting for a moderator still" not in page
    assert "Turned down by a moderator" not in page
    assert "1 answer has been published." in page
    assert page.count('class="card response"') == 1


def test_the_published_text_is_shown_never_the_original_when_they_differ(
    client, db, make_user, make_consultation, make_submission
):
    consultation = make_consultation(open=False)
    submission = make_submission(
        consultation.questions[0], make_user(), "I am Ana from Riverside School", SubmissionStatus.APPROVED
    )
    db.session.get(Submission, submission.id).published_text = "I am [name] from [school]"
    db.session.commit()

    page = _page(client, consultation).get_data(as_text=True)

    assert "I am [name] from [school]" in page
    assert "Riverside" not in page


def test_an_answer_whose_author_left_is_shown_without_a_name(client, make_consultation, make_submission):
    consultation = make_consultation(open=False)
    make_submission(consultation.questions[0], None, "Still worth reading.", SubmissionStatus.APPROVED)

    answers = _section(_page(client, consultation).get_data(as_text=True), "responses-heading")

    assert "Still worth reading." in answers
    assert "Former participant" in answers


def test_approved_answers_are_paginated(app, client, make_user, make_consultation, make_submission):
    app.config["RESPONSES_PER_PAGE"] = 2
    consultation = make_consultation(open=False, questions=1)
    for n in range(1, 6):
        make_submission(consultation.questions[0], make_user(), f"Answer number {n}.", SubmissionStatus.APPROVED)

    first, second, last = (_page(client, consultation, page=n) for n in (1, 2, 3))

    assert [r.status_code for r in (first, second, last)] == [200, 200, 200]
    first, second, last = (r.get_data(as_text=True) for r in (first, second, last))
    assert "Answer number 1." in first and "Answer number 2." in first and "Answer number 3." not in first
    assert "Answer number 3." in second and "Answer number 4." in second
    assert "Answer number 1." not in second and "Answer number 5." not in second
    assert "Answer number 5." in last and "Answer number 4." not in last
    assert "Page 2 of 3" in second
    assert f'href="/consultations/{consultation.slug}?page=3"' in second
    assert f'href="/consultations/{consultation.slug}?page=1"' in second
    assert "5 answers have been published." in last
    assert 'rel="next"' not in last


def test_an_invalid_or_missing_page_is_not_found(app, client, make_user, make_consultation, make_submission):
    app.config["RESPONSES_PER_PAGE"] = 2
    consultation = make_consultation(open=False, questions=1)
    for n in range(5):
        make_submission(consultation.questions[0], make_user(), f"Answer {n}", SubmissionStatus.APPROVED)

    for page in ("abc", "0", "-1", "", "1.5", "²", "4", "99999999999999999999"):
        assert _page(client, consultation, page=page).status_code == 404, page
    assert _page(client, consultation, page="3").status_code == 200


def test_first_page_of_a_consultation_without_answers_is_found(client, make_consultation):
    consultation = make_consultation(open=True)

    response = _page(client, consultation, page=1)

    assert response.status_code == 200
    assert "0 answers have been published." in response.get_data(as_text=True)
    assert _page(client, consultation, page=2).status_code == 404


def test_draft_consultation_does_not_exist_for_the_public_or_participants(client, login, make_user, make_consultation):
    draft = make_consultation(open=True, status=ConsultationStatus.DRAFT, title="Not ready yet")

    assert _page(client, draft).status_code == 404
    login(make_user())
    response = _page(client, draft)
    assert response.status_code == 404
    assert "Not ready yet" not in response.get_data(as_text=True)


def test_unknown_consultation_is_not_found(client):
    assert client.get("/consultations/no-such-thing").status_code == 404


def test_open_window_is_shown_in_utc_with_a_countdown(client, make_consultation, frozen_clock):
    # The frozen clock stands at 2026-11-28 12:00 UTC; the window opened an hour ago.
    consultation = make_consultation(open=True)

    page = _page(client, consultation).get_data(as_text=True)

    assert re.search(
        r'<time datetime="2026-11-28T11:00:00\+00:00" data-local="your time">Nov 28, 2026, 11:00\W+AM UTC</time>', page
    )
    assert '<time datetime="2026-11-29T11:00:00+00:00"' in page
    assert 'data-countdown="2026-11-29T11:00:00+00:00"' in page
    assert "Open now" in page


def test_page_works_without_javascript(client, make_consultation, frozen_clock):
    consultation = make_consultation(open=True)

    page = _page(client, consultation).get_data(as_text=True)

    # The times are readable as text, the countdown stays hidden until a script fills it,
    # and the only script is an optional enhancement.
    assert re.search(r"Nov 29, 2026, 11:00\W+AM UTC", page)
    assert re.search(r'<p class="countdown"[^>]*\bhidden>', page)
    assert re.findall(r"<script[^>]*>", page) == [
        '<script src="/static/time.js" defer>',
        '<script src="/static/answer.js" defer>',
    ]
    assert "Sign up to answer" in page


def test_closed_consultation_shows_when_it_was_open_and_no_countdown(client, make_consultation, frozen_clock):
    consultation = make_consultation(open=False)

    page = _page(client, consultation).get_data(as_text=True)

    assert "This consultation was open from" in page
    assert '<time datetime="2026-11-25T12:00:00+00:00"' in page
    assert "data-countdown" not in page
