"""The secretariat prepares meetings and consultations, and publishes them when they are ready."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from consult.models import Consultation, ConsultationStatus, Meeting, Question, Role, Submission, SubmissionStatus


@pytest.fixture
def secretariat(login, make_user):
    user = make_user(Role.SECRETARIAT)
    login(user)
    return user


@pytest.fixture
def meeting(make_meeting):
    """The next CWG-COP meeting, on 2026-12-10 at 09:00 UTC."""
    return make_meeting(datetime(2026, 12, 10, 9, 0, tzinfo=UTC), title="CWG-COP December")


def _form(meeting=None, questions=("What worries you online?", "Who helps you?"), **fields) -> dict:
    data = {
        "meeting_id": str(meeting.id) if meeting else "0",
        "slug": "youth-voices-2026",
        "title": "Youth voices 2026",
        "description": "<p>Tell us about your online life.</p>",
        "source_language": "en",
        "opens_at": "2026-12-01T10:00",
        "closes_at": "",
    }
    for n, question in enumerate(questions):
        prompt, question_id = question if isinstance(question, tuple) else (question, "")
        data |= {f"questions-{n}-prompt": prompt, f"questions-{n}-max_length": "500", f"questions-{n}-id": question_id}
    return data | fields


def _create(client, **form):
    return client.post("/secretariat/consultations/new", data=_form(**form))


def _consultation(db, slug="youth-voices-2026") -> Consultation | None:
    return db.session.scalar(select(Consultation).where(Consultation.slug == slug))


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _input_value(page: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*>', page)
    value = match and re.search(r'\bvalue="([^"]*)"', match.group(0))
    return value.group(1) if value else None


# Meetings


def test_secretariat_creates_a_meeting_in_utc(client, db, secretariat):
    form = client.get("/secretariat/meetings/new")
    assert form.status_code == 200
    assert 'type="datetime-local"' in form.text

    response = client.post(
        "/secretariat/meetings/new",
        data={"title": "CWG-COP March", "starts_at": "2027-03-02T09:30", "venue": "Geneva"},
    )

    assert response.status_code == 303
    meeting = db.session.scalar(select(Meeting))
    assert (meeting.title, meeting.starts_at, meeting.venue) == (
        "CWG-COP March",
        datetime(2027, 3, 2, 9, 30, tzinfo=UTC),
        "Geneva",
    )
    dashboard = client.get(response.headers["Location"]).text
    assert "Meeting saved." in dashboard
    assert "CWG-COP March" in dashboard


def test_secretariat_edits_a_meeting_and_sees_its_time_in_utc(client, db, secretariat, meeting):
    form = client.get(f"/secretariat/meetings/{meeting.id}/edit")
    assert _input_value(form.text, "starts_at") == "2026-12-10T09:00"
    assert _input_value(form.text, "title") == "CWG-COP December"

    response = client.post(
        f"/secretariat/meetings/{meeting.id}/edit",
        data={"title": "CWG-COP December (moved)", "starts_at": "2026-12-11T14:00", "venue": "Online"},
    )

    assert response.status_code == 303
    moved = db.session.get(Meeting, meeting.id)
    assert (moved.title, moved.starts_at, moved.venue) == (
        "CWG-COP December (moved)",
        datetime(2026, 12, 11, 14, 0, tzinfo=UTC),
        "Online",
    )
    assert _count(db, Meeting) == 1


INVALID_MEETINGS = [
    ({"title": "", "starts_at": "2027-03-02T09:30"}, "This field is required."),
    ({"title": "CWG-COP March", "starts_at": ""}, "Give a date and time."),
    ({"title": "CWG-COP March", "starts_at": "next Tuesday"}, "Not a valid datetime value."),
    ({"title": "CWG-COP March", "starts_at": "2027-02-30T09:30"}, "Not a valid datetime value."),
    ({"title": "CWG-COP March", "starts_at": "2027-03-02T09:30+01:00"}, "Not a valid datetime value."),
    ({"title": "<b></b>", "starts_at": "2027-03-02T09:30"}, "Give the meeting a title."),
]


def test_invalid_meeting_is_refused_with_a_message_and_what_was_typed_kept(client, db, secretariat):
    for data, message in INVALID_MEETINGS:
        response = client.post("/secretariat/meetings/new", data=data | {"venue": "Room B, Geneva"})

        assert response.status_code == 422, data
        assert message in response.text, data
        assert _input_value(response.text, "venue") == "Room B, Geneva"
    assert _count(db, Meeting) == 0


def test_a_meeting_cannot_move_before_one_of_its_consultations_closes(
    client, db, secretariat, meeting, make_consultation
):
    make_consultation(
        meeting=meeting,
        opens_at=datetime(2026, 12, 8, 9, 0, tzinfo=UTC),
        closes_at=datetime(2026, 12, 9, 9, 0, tzinfo=UTC),
    )

    response = client.post(
        f"/secretariat/meetings/{meeting.id}/edit",
        data={"title": "CWG-COP December", "starts_at": "2026-12-09T08:00", "venue": ""},
    )

    assert response.status_code == 422
    assert "A consultation of this meeting would close after the meeting starts" in response.text
    assert _input_value(response.text, "starts_at") == "2026-12-09T08:00"
    assert db.session.get(Meeting, meeting.id).starts_at == datetime(2026, 12, 10, 9, 0, tzinfo=UTC)


def test_editing_an_unknown_meeting_is_not_found(client, secretariat):
    assert client.get("/secretariat/meetings/999999/edit").status_code == 404


# Consultations


def test_secretariat_creates_a_draft_consultation_with_a_default_one_day_window(
    client, db, secretariat, meeting, frozen_clock
):
    form = client.get("/secretariat/consultations/new")
    assert form.status_code == 200
    assert 'name="questions-0-prompt"' in form.text and 'name="questions-1-prompt"' in form.text

    response = _create(client, meeting=meeting)

    assert response.status_code == 303
    consultation = _consultation(db)
    assert response.headers["Location"] == f"/secretariat/consultations/{consultation.id}/edit"
    assert consultation.status is ConsultationStatus.DRAFT
    assert consultation.meeting_id == meeting.id
    assert consultation.opens_at == datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    assert consultation.closes_at == datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    assert [(q.position, q.prompt, q.max_length) for q in consultation.questions] == [
        (1, "What worries you online?", 500),
        (2, "Who helps you?", 500),
    ]
    edit = client.get(response.headers["Location"]).text
    assert "Consultation saved." in edit
    assert "This consultation is a draft: the public cannot see it." in edit
    assert _input_value(edit, "opens_at") == "2026-12-01T10:00"
    assert _input_value(edit, "closes_at") == "2026-12-02T10:00"
    client.post("/logout")
    assert client.get("/consultations/youth-voices-2026").status_code == 404
    assert "Youth voices 2026" not in client.get("/").text


def test_an_explicit_closing_time_is_kept(client, db, secretariat, meeting):
    assert _create(client, meeting=meeting, closes_at="2026-12-01T22:00").status_code == 303
    assert _consultation(db).closes_at == datetime(2026, 12, 1, 22, 0, tzinfo=UTC)


def test_secretariat_edits_a_consultation(client, db, secretariat, meeting, make_consultation):
    consultation = make_consultation(open=False, slug="old-address", questions=1)
    question_id = consultation.questions[0].id

    form = client.get(f"/secretariat/consultations/{consultation.id}/edit").text
    assert _input_value(form, "slug") == "old-address"
    assert _input_value(form, "questions-0-id") == str(question_id)

    response = client.post(
        f"/secretariat/consultations/{consultation.id}/edit",
        data=_form(meeting, questions=[("Reworded question?", str(question_id))], slug="new-address", title="Renamed"),
    )

    assert response.status_code == 303
    edited = db.session.get(Consultation, consultation.id)
    assert (edited.slug, edited.title, edited.meeting_id) == ("new-address", "Renamed", meeting.id)
    assert [(q.id, q.prompt) for q in edited.questions] == [(question_id, "Reworded question?")]
    assert _count(db, Consultation) == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"closes_at": "2026-12-10T09:01"}, "The consultation must close before its meeting starts."),
        ({"opens_at": "2026-12-09T12:00"}, "The consultation must close before its meeting starts."),
        ({"closes_at": "2026-12-01T10:00"}, "The consultation must close after it opens."),
        ({"closes_at": "2026-11-30T10:00"}, "The consultation must close after it opens."),
    ],
)
def test_window_must_close_after_it_opens_and_before_the_meeting(client, db, secretariat, meeting, fields, message):
    response = _create(client, meeting=meeting, title="Typed with care", **fields)

    assert response.status_code == 422
    assert message in response.text
    assert _input_value(response.text, "title") == "Typed with care"
    assert "What worries you online?" in response.text
    assert "&lt;p&gt;Tell us about your online life.&lt;/p&gt;" in response.text  # the description, escaped
    assert _count(db, Consultation) == 0


def test_closing_exactly_when_the_meeting_starts_is_allowed(client, db, secretariat, meeting):
    assert _create(client, meeting=meeting, closes_at="2026-12-10T09:00").status_code == 303


def test_a_consultation_without_a_meeting_needs_no_meeting_date(client, db, secretariat):
    assert _create(client, meeting=None, opens_at="2030-01-01T00:00").status_code == 303
    assert _consultation(db).meeting_id is None


def test_web_address_must_be_unique(client, db, secretariat, make_consultation):
    make_consultation(slug="youth-voices-2026", title="The first one")

    response = _create(client, title="The second one")

    assert response.status_code == 422
    assert "Another consultation already uses this web address." in response.text
    assert _input_value(response.text, "slug") == "youth-voices-2026"
    assert _count(db, Consultation) == 1


def test_an_edit_may_keep_its_own_web_address(client, db, secretariat, make_consultation):
    consultation = make_consultation(slug="youth-voices-2026", questions=0)
    response = client.post(f"/secretariat/consultations/{consultation.id}/edit", data=_form(title="Same address"))
    assert response.status_code == 303
    assert db.session.get(Consultation, consultation.id).title == "Same address"


def test_description_keeps_simple_formatting_and_loses_anything_dangerous(client, db, secretariat, frozen_clock):
    description = (
        '<p onclick="steal()">Read <strong>this</strong> and <em>that</em>.</p>'
        "<script>document.cookie</script>"
        '<ul><li><a href="https://www.itu.int/cop">COP guidelines</a></li>'
        '<li><a href="javascript:alert(1)">click me</a></li>'
        '<li><a href="http://insecure.example">plain http</a></li></ul>'
        '<img src="x" onerror="alert(2)"><iframe src="https://evil.example"></iframe>'
    )
    _create(client, description=description, opens_at="2026-11-28T10:00")
    consultation = _consultation(db)
    assert client.post(f"/secretariat/consultations/{consultation.id}/publish").status_code == 303
    client.post("/logout")

    page = client.get(f"/consultations/{consultation.slug}").text

    shown = re.search(r'<div class="description">(.*?)</div>', page, re.DOTALL).group(1)
    assert "<strong>this</strong>" in shown and "<em>that</em>" in shown
    assert '<a href="https://www.itu.int/cop" rel="nofollow noopener">COP guidelines</a>' in shown
    assert re.findall(r"<script[^>]*>", page) == [
        '<script src="/static/time.js" defer>',
        '<script src="/static/answer.js" defer>',
    ]
    for dangerous in ("onclick", "javascript:", "onerror", "<img", "<iframe", "http://insecure"):
        assert dangerous not in page
    assert "click me" in shown and "plain http" in shown  # the words stay, the links go


def test_questions_can_be_reordered_and_keep_their_answers(
    client, db, secretariat, make_user, make_consultation, make_submission
):
    consultation = make_consultation(open=True, questions=3)
    first, second, third = consultation.questions
    answer = make_submission(first, make_user(), "An answer to the first question")

    response = client.post(
        f"/secretariat/consultations/{consultation.id}/edit",
        data=_form(
            slug=consultation.slug,
            opens_at="2026-11-28T11:00",
            questions=[
                (third.prompt, str(third.id)),
                (first.prompt, str(first.id)),
                ("A brand new question?", ""),
                (second.prompt, str(second.id)),
            ],
        ),
    )

    assert response.status_code == 303
    reordered = db.session.get(Consultation, consultation.id)
    assert [(q.position, q.prompt) for q in reordered.questions] == [
        (1, "Question number 3?"),
        (2, "Question number 1?"),
        (3, "A brand new question?"),
        (4, "Question number 2?"),
    ]
    assert reordered.questions[1].id == first.id
    assert db.session.get(Submission, answer.id).question_id == first.id
    client.post("/logout")
    page = client.get(f"/consultations/{consultation.slug}").text
    assert page.index("Question number 3?") < page.index("Question number 1?") < page.index("A brand new question?")


def test_an_emptied_question_without_answers_is_removed(client, db, secretariat, make_consultation):
    consultation = make_consultation(open=False, questions=2)
    first, second = consultation.questions

    response = client.post(
        f"/secretariat/consultations/{consultation.id}/edit",
        data=_form(slug=consultation.slug, questions=[("", str(first.id)), (second.prompt, str(second.id))]),
    )

    assert response.status_code == 303
    assert [(q.id, q.position) for q in db.session.get(Consultation, consultation.id).questions] == [(second.id, 1)]
    assert _count(db, Question) == 1


def test_a_question_of_nothing_but_markup_is_not_saved(client, db, secretariat):
    assert _create(client, questions=["<b> </b>", "<em>Who</em> helps you?"]).status_code == 303
    assert [(q.position, q.prompt) for q in _consultation(db).questions] == [(1, "Who helps you?")]


@pytest.mark.parametrize("status", list(SubmissionStatus))
def test_a_question_with_answers_cannot_be_removed(
    client, db, secretariat, make_user, make_consultation, make_submission, status
):
    consultation = make_consultation(open=True, questions=2)
    first, second = consultation.questions
    make_submission(first, make_user(), status=status)

    response = client.post(
        f"/secretariat/consultations/{consultation.id}/edit",
        data=_form(slug=consultation.slug, title="Edited title", questions=[(second.prompt, str(second.id))]),
    )

    assert response.status_code == 422
    assert "A question that already has answers cannot be removed." in response.text
    assert _input_value(response.text, "title") == "Edited title"
    kept = db.session.get(Consultation, consultation.id)
    assert [q.id for q in kept.questions] == [first.id, second.id]
    assert kept.title == "Online safety consultation"


def test_publishing_a_draft_makes_it_public(client, db, secretariat, meeting, frozen_clock):
    _create(client, meeting=meeting, opens_at="2026-11-28T10:00")
    consultation = _consultation(db)

    response = client.post(f"/secretariat/consultations/{consultation.id}/publish")

    assert response.status_code == 303
    assert "Consultation published." in client.get(response.headers["Location"]).text
    assert db.session.get(Consultation, consultation.id).status is ConsultationStatus.PUBLISHED
    client.post("/logout")
    public = client.get("/consultations/youth-voices-2026")
    assert public.status_code == 200
    assert "What worries you online?" in public.text
    assert "Youth voices 2026" in client.get("/").text


def test_a_draft_without_questions_cannot_be_published(client, db, secretariat, meeting):
    _create(client, meeting=meeting, questions=())
    consultation = _consultation(db)
    assert consultation.questions == []

    response = client.post(f"/secretariat/consultations/{consultation.id}/publish", follow_redirects=True)

    assert "Add at least one question before publishing." in response.text
    assert db.session.get(Consultation, consultation.id).status is ConsultationStatus.DRAFT
    client.post("/logout")
    assert client.get("/consultations/youth-voices-2026").status_code == 404


def test_unknown_consultation_is_not_found(client, secretariat):
    assert client.get("/secretariat/consultations/999999/edit").status_code == 404
    assert client.post("/secretariat/consultations/999999/edit", data=_form()).status_code == 404
    assert client.post("/secretariat/consultations/999999/publish").status_code == 404


INVALID_CONSULTATIONS = [
    ({"title": ""}, "This field is required."),
    ({"title": "<b></b>"}, "Give the consultation a title."),
    ({"slug": ""}, "This field is required."),
    ({"slug": "Youth Voices!"}, "Use lowercase letters, digits and single hyphens in the web address."),
    ({"slug": "x" * 81}, "Field must be between 3 and 80 characters long."),
    ({"opens_at": ""}, "Give a date and time."),
    ({"opens_at": "tomorrow"}, "Not a valid datetime value."),
    ({"opens_at": "2026-13-01T10:00"}, "Not a valid datetime value."),
    ({"closes_at": "2026-12-01 soon"}, "Not a valid datetime value."),
    ({"opens_at": "9999-12-31T23:00"}, "The consultation must close after it opens."),
    ({"meeting_id": "999999"}, "Not a valid choice."),
    ({"meeting_id": "abc"}, "Invalid Choice: could not coerce."),
    ({"source_language": "xx"}, "Not a valid choice."),
    ({"questions-0-max_length": "many"}, "Not a valid integer value."),
    ({"questions-0-max_length": "5"}, "Number must be between 10 and 10000."),
]


def test_invalid_consultation_input_is_refused_with_a_message(client, db, secretariat):
    for fields, message in INVALID_CONSULTATIONS:
        response = _create(client, **fields)

        assert response.status_code == 422, fields
        assert message in response.text, fields
    nothing = client.post("/secretariat/consultations/new", data={})
    assert nothing.status_code == 422
    assert "This field is required." in nothing.text
    assert _count(db, Consultation) == 0


def test_nonsense_in_a_hidden_question_id_makes_a_new_question(client, db, secretariat):
    assert _create(client, questions=[("Who helps you?", "²")]).status_code == 303
    assert [q.prompt for q in _consultation(db).questions] == ["Who helps you?"]


def test_hostile_text_is_stored_and_shown_harmlessly(client, db, secretariat, naughty_strings, frozen_clock):
    response = _create(
        client, description="\n".join(naughty_strings), questions=naughty_strings, opens_at="2026-11-28T10:00"
    )
    assert response.status_code == 303
    consultation = _consultation(db)
    assert len(consultation.questions) > 400
    assert client.post(f"/secretariat/consultations/{consultation.id}/publish").status_code == 303
    client.post("/logout")

    page = client.get(f"/consultations/{consultation.slug}")

    assert page.status_code == 200
    assert re.findall(r"<(?:script|img|iframe|svg|object|embed|style)\b[^>]*>", page.text) == [
        '<script src="/static/time.js" defer>',
        '<script src="/static/answer.js" defer>',
    ]
    assert re.search(r"<[a-z]+[^>]*\son\w+=", page.text) is None


def test_dashboard_shows_every_consultation_with_its_counts(
    client, secretariat, make_user, make_consultation, make_submission
):
    busy = make_consultation(open=True, title="Busy one")
    make_consultation(open=True, title="Draft one", status=ConsultationStatus.DRAFT)
    make_consultation(open=False, title="Quiet one")
    for status, n in ((SubmissionStatus.PENDING, 3), (SubmissionStatus.APPROVED, 2), (SubmissionStatus.REJECTED, 1)):
        for _ in range(n):
            make_submission(busy.questions[0], make_user(), status=status)

    response = client.get("/secretariat/")

    assert response.status_code == 200
    rows = {
        title: (status, counts)
        for title, status, counts in re.findall(
            r">([^<]+)</a></td>\s*<td>(\w+)</td>\s*<td>.*?</td>\s*((?:<td>\d+</td>)+)", response.text, re.DOTALL
        )
    }
    assert rows == {
        "Busy one": ("Open", "<td>3</td><td>2</td><td>1</td>"),
        "Draft one": ("Draft", "<td>0</td><td>0</td><td>0</td>"),
        "Quiet one": ("Closed", "<td>0</td><td>0</td><td>0</td>"),
    }


def test_admins_can_use_the_secretariat_pages(client, login, make_user):
    login(make_user(Role.ADMIN))
    assert client.get("/secretariat/").status_code == 200
    assert client.get("/secretariat/consultations/new").status_code == 200


def _staff_requests(client, consultation, meeting):
    meeting_form = {"title": "Sneaky", "starts_at": "2027-01-01T10:00"}
    return [
        client.get("/secretariat/"),
        client.get("/secretariat/meetings/new"),
        client.post("/secretariat/meetings/new", data=meeting_form),
        client.post(f"/secretariat/meetings/{meeting.id}/edit", data=meeting_form),
        client.get("/secretariat/consultations/new"),
        client.post("/secretariat/consultations/new", data=_form(slug="sneaky")),
        client.post(f"/secretariat/consultations/{consultation.id}/edit", data=_form(slug="sneaky")),
        client.post(f"/secretariat/consultations/{consultation.id}/publish"),
    ]


def _unchanged(db, consultation, meeting):
    assert db.session.get(Consultation, consultation.id).status is ConsultationStatus.DRAFT
    assert db.session.get(Consultation, consultation.id).slug != "sneaky"
    assert db.session.get(Meeting, meeting.id).title == "CWG-COP December"
    assert _count(db, Meeting) == 1 and _count(db, Consultation) == 1


def test_anonymous_visitors_are_asked_to_log_in(client, db, make_consultation, meeting):
    draft = make_consultation(status=ConsultationStatus.DRAFT)

    for response in _staff_requests(client, draft, meeting):
        if response.status_code == 401:  # a form that carried text: it is shown back with a login link
            assert 'href="/login' in response.get_data(as_text=True)
        else:
            assert response.status_code == 302
            assert response.headers["Location"].startswith("/login")
    _unchanged(db, draft, meeting)


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.MODERATOR])
def test_participants_and_moderators_cannot_use_the_secretariat_pages(
    client, db, login, make_user, make_consultation, meeting, role
):
    draft = make_consultation(status=ConsultationStatus.DRAFT)
    login(make_user(role))

    assert [r.status_code for r in _staff_requests(client, draft, meeting)] == [403] * 8
    _unchanged(db, draft, meeting)
