"""Moderators decide on every waiting answer, once, before anyone else can read it."""

import re
import threading

import pytest
from sqlalchemy import select

from consult.consultations.services import submit_response
from consult.models import Priority, Role, Submission, SubmissionStatus
from consult.moderation.events import text_hash
from consult.moderation.intake import priority_of
from consult.moderation.models import ModerationEvent, RejectReason
from consult.moderation.services import AlreadyDecided, approve_submission, reject_submission

ALREADY_DECIDED = "Another moderator has already decided on this response; nothing was changed."


def _queue(client, consultation, **params):
    return client.get(f"/moderation/consultations/{consultation.slug}", query_string=params)


def _decide(client, submission, decision, **data):
    """A decision as the response's page sends it: about the text the moderator read."""
    data.setdefault("seen", text_hash(submission.body))
    if decision == "approve":
        data.setdefault("version", "as_written")
    if decision == "reject":
        data.setdefault("reason", "off_topic")
    return client.post(f"/moderation/submissions/{submission.id}/{decision}", data=data)


def _signed_in_client(app, user):
    """A second browser, for a second moderator working at the same time."""
    other = app.test_client()
    response = other.post("/login", data={"username": user.pseudonym, "password": user.password})
    assert response.status_code == 302
    return other


def _shown_ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'id="submission-(\d+)"', page)]


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.ADMIN])
def test_moderators_and_admins_see_how_many_answers_wait_in_each_consultation(
    client, login, make_user, make_consultation, make_submission, role
):
    busy = make_consultation(open=True, title="Busy consultation")
    quiet = make_consultation(open=True, title="Quiet consultation")
    done = make_consultation(open=False, title="Finished consultation")
    for n in range(3):
        make_submission(busy.questions[n], make_user())
    make_submission(quiet.questions[0], make_user())
    make_submission(quiet.questions[0], make_user(), status=SubmissionStatus.APPROVED)
    make_submission(done.questions[0], make_user(), status=SubmissionStatus.REJECTED)
    login(make_user(role))

    response = client.get("/moderation/")

    assert response.status_code == 200
    rows = dict(re.findall(r'<a href="/moderation/consultations/[^"]+">([^<]+)</a></td><td>(\d+)</td>', response.text))
    assert rows == {"Busy consultation": "3", "Quiet consultation": "1"}


def test_nothing_waiting_is_said_plainly(client, login, make_user):
    login(make_user(Role.MODERATOR))
    assert "Nothing is waiting for a decision." in client.get("/moderation/").text


def test_queue_shows_only_waiting_answers_oldest_first(client, login, make_user, make_consultation, make_submission):
    consultation = make_consultation(open=True)
    elsewhere = make_consultation(open=True)
    first = make_submission(consultation.questions[1], make_user(), "First to arrive")
    make_submission(consultation.questions[0], make_user(), "Already published", SubmissionStatus.APPROVED)
    make_submission(elsewhere.questions[0], make_user(), "Another consultation's answer")
    second = make_submission(consultation.questions[0], make_user(), "Second to arrive")
    make_submission(consultation.questions[0], make_user(), "Already turned down", SubmissionStatus.REJECTED)
    login(make_user(Role.MODERATOR))

    response = _queue(client, consultation)

    assert response.status_code == 200
    assert _shown_ids(response.text) == [first.id, second.id]
    assert response.text.index("First to arrive") < response.text.index("Second to arrive")
    for hidden in ("Already published", "Already turned down", "Another consultation's answer"):
        assert hidden not in response.text


def test_long_queue_is_read_page_by_page(app, client, login, make_user, make_consultation, make_submission):
    app.config["PENDING_PER_PAGE"] = 2
    consultation = make_consultation(open=True)
    waiting = [make_submission(consultation.questions[0], make_user(), f"Waiting {n}") for n in range(3)]
    login(make_user(Role.MODERATOR))

    first = _queue(client, consultation).text
    assert _shown_ids(first) == [waiting[0].id, waiting[1].id]
    next_link = re.search(r'<a href="([^"]+)">Next page</a>', first).group(1)
    assert next_link == f"/moderation/consultations/{consultation.slug}?after=2-0-{waiting[1].id}"

    # Deciding on the first page meanwhile does not make the next page skip anything.
    assert _decide(client, waiting[0], "approve").status_code == 303
    second = client.get(next_link).text
    assert _shown_ids(second) == [waiting[2].id]
    assert "Next page" not in second


def test_invalid_queue_position_is_not_found(client, login, make_user, make_consultation):
    consultation = make_consultation(open=True)
    login(make_user(Role.MODERATOR))
    for after in ("abc", "-1", "1.5", "²", "9" * 19, f"2-{10**5}", "2-0-1-1", "2-10000-1"):
        assert _queue(client, consultation, after=after).status_code == 404, after


def test_queue_of_an_unknown_consultation_is_not_found(client, login, make_user):
    login(make_user(Role.MODERATOR))
    assert client.get("/moderation/consultations/no-such-thing").status_code == 404


def test_approving_publishes_the_answer(client, db, login, make_user, make_consultation, make_submission, frozen_clock):
    consultation = make_consultation(open=True)
    submission = make_submission(consultation.questions[0], make_user(), "Ask us before deciding for us.")
    moderator = make_user(Role.MODERATOR)
    assert "Ask us before deciding for us." not in client.get(f"/consultations/{consultation.slug}").text
    login(moderator)

    response = _decide(client, submission, "approve")

    assert response.status_code == 303
    assert response.headers["Location"] == f"/moderation/consultations/{consultation.slug}"
    queue = client.get(response.headers["Location"]).text
    assert "Response approved and published." in queue
    assert "Ask us before deciding for us." not in queue
    approved = db.session.get(Submission, submission.id)
    assert approved.status is SubmissionStatus.APPROVED
    assert approved.published_text == "Ask us before deciding for us."
    assert approved.decided_at == frozen_clock.now
    assert approved.decided_by_id == moderator.id
    client.post("/logout")
    assert "Ask us before deciding for us." in client.get(f"/consultations/{consultation.slug}").text


def test_rejecting_hides_the_answer_for_good(app, client, db, login, make_user, make_consultation, make_submission):
    consultation = make_consultation(open=True)
    submission = make_submission(consultation.questions[0], make_user(), "Something that must not be published")
    moderator = make_user(Role.MODERATOR)
    login(moderator)

    assert _decide(client, submission, "reject").status_code == 303

    rejected = db.session.get(Submission, submission.id)
    assert (rejected.status, rejected.published_text, rejected.decided_by_id) == (
        SubmissionStatus.REJECTED,
        None,
        moderator.id,
    )
    assert "Something that must not be published" not in _queue(client, consultation).text
    # Nobody can bring it back by approving it afterwards.
    second_opinion = _signed_in_client(app, make_user(Role.MODERATOR))
    assert _decide(second_opinion, submission, "approve").status_code == 409
    assert db.session.get(Submission, submission.id).status is SubmissionStatus.REJECTED
    assert (
        "Something that must not be published" not in app.test_client().get(f"/consultations/{consultation.slug}").text
    )


@pytest.mark.parametrize(("first", "second"), [("approve", "reject"), ("reject", "approve"), ("approve", "approve")])
def test_a_second_decision_is_refused_and_changes_nothing(
    app, client, db, login, make_user, make_consultation, make_submission, frozen_clock, first, second
):
    consultation = make_consultation(open=True)
    submission = make_submission(consultation.questions[0], make_user(), "Decided once")
    still_waiting = make_submission(consultation.questions[1], make_user(), "Still waiting")
    early, late = make_user(Role.MODERATOR), make_user(Role.MODERATOR)
    login(early)
    late_browser = _signed_in_client(app, late)

    assert _decide(client, submission, first).status_code == 303
    decided = db.session.get(Submission, submission.id)
    before = (decided.status, decided.published_text, decided.decided_at, decided.decided_by_id)
    frozen_clock.advance(minutes=1)
    response = _decide(late_browser, submission, second)

    assert response.status_code == 409
    assert ALREADY_DECIDED in response.text
    assert _shown_ids(response.text) == [still_waiting.id]  # the queue, as it now stands
    decided = db.session.get(Submission, submission.id)
    assert (decided.status, decided.published_text, decided.decided_at, decided.decided_by_id) == before
    assert before[3] == early.id


def test_deciding_on_an_unknown_answer_is_not_found(client, login, make_user):
    login(make_user(Role.MODERATOR))
    assert client.post("/moderation/submissions/999999/approve").status_code == 404
    assert client.post("/moderation/submissions/1/publish").status_code == 404


def test_decisions_are_only_taken_by_post(client, db, login, make_user, make_consultation, make_submission):
    consultation = make_consultation(open=True)
    submission = make_submission(consultation.questions[0], make_user())
    login(make_user(Role.MODERATOR))

    assert client.get(f"/moderation/submissions/{submission.id}/approve").status_code == 405
    assert db.session.get(Submission, submission.id).status is SubmissionStatus.PENDING


def test_anonymous_visitors_are_asked_to_log_in(client, db, make_user, make_consultation, make_submission):
    consultation = make_consultation(open=True)
    submission = make_submission(consultation.questions[0], make_user())

    for response in (
        client.get("/moderation/"),
        _queue(client, consultation),
        _decide(client, submission, "approve"),
    ):
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    assert db.session.get(Submission, submission.id).status is SubmissionStatus.PENDING


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.SECRETARIAT])
def test_participants_and_secretariat_cannot_moderate(
    client, db, login, make_user, make_consultation, make_submission, role
):
    consultation = make_consultation(open=True)
    submission = make_submission(consultation.questions[0], make_user(), "Private until checked")
    login(make_user(role))

    assert client.get("/moderation/").status_code == 403
    queue = _queue(client, consultation)
    assert queue.status_code == 403
    assert "Private until checked" not in queue.text
    assert _decide(client, submission, "approve").status_code == 403
    assert _decide(client, submission, "reject").status_code == 403
    assert db.session.get(Submission, submission.id).status is SubmissionStatus.PENDING


# --- the queue: order, filters, keyset pages -------------------------------------------------


def _flag(db, submission, **flags) -> Submission:
    """Flags as screening or readers would have raised them, with the queue priority they imply."""
    flagged = db.session.get(Submission, submission.id)
    for name, value in flags.items():
        setattr(flagged, f"flag_{name}", value)
    flagged.priority = priority_of(flagged)
    db.session.commit()
    return flagged


def _screened(db, author, question, body: str, language: str = "en") -> Submission:
    """A response sent the way a participant sends it, screened at arrivals."""
    submission_id = submit_response(db.session.get(type(author), author.id), question, body, language)
    db.session.commit()
    return db.session.get(Submission, submission_id)


def test_possible_disclosures_come_first_then_flagged_answers_then_the_rest_oldest_first(
    client, db, login, make_user, make_consultation, make_submission
):
    consultation = make_consultation(open=True)
    question = consultation.questions[0]
    clear_old, flagged_old, worry_old, clear_new, worry_new, flagged_new = (
        make_submission(question, make_user(), f"Answer {n}") for n in range(6)
    )
    _flag(db, flagged_old, pii=True)
    _flag(db, flagged_new, reported=True)
    _flag(db, worry_old, safeguarding=True)
    _flag(db, worry_new, safeguarding=True, abuse=True)
    login(make_user(Role.MODERATOR))

    page = _queue(client, consultation).text

    assert _shown_ids(page) == [worry_old.id, worry_new.id, flagged_old.id, flagged_new.id, clear_old.id, clear_new.id]
    card = page[page.index(f'id="submission-{worry_new.id}"') :]
    card = card[: card.index("</article>")]
    assert "Possible safeguarding concern" in card
    assert "Abusive language" in card


def test_queue_filters_by_question_language_and_flag(client, db, login, make_user, make_consultation, make_submission):
    consultation = make_consultation(open=True)
    first, second = consultation.questions[0], consultation.questions[1]
    english = make_submission(first, make_user(), "In English")
    french = make_submission(first, make_user(), "En français", language="fr")
    elsewhere = make_submission(second, make_user(), "Second question")
    with_pii = _flag(db, make_submission(second, make_user(), "Has a phone number"), pii=True)
    abusive = _flag(db, make_submission(first, make_user(), "Rude words"), abuse=True)
    login(make_user(Role.MODERATOR))

    def shown(**filters):
        response = _queue(client, consultation, **filters)
        assert response.status_code == 200, filters
        return set(_shown_ids(response.text))

    assert shown(question=first.id) == {english.id, french.id, abusive.id}
    assert shown(language="fr") == {french.id}
    assert shown(flag="pii") == {with_pii.id}
    assert shown(flag="abuse", question=first.id) == {abusive.id}
    assert shown(flag="none") == {english.id, french.id, elsewhere.id}
    assert shown(flag="none", question=second.id, language="en") == {elsewhere.id}
    # The chosen filters stay chosen, and carry on to the next page and to each response.
    page = _queue(client, consultation, flag="none", language="fr").text
    assert '<option selected value="fr">' in page
    assert f'href="/moderation/submissions/{french.id}?language=fr&amp;flag=none"' in page


@pytest.mark.parametrize("filters", [{"flag": "everything"}, {"language": "xx"}, {"question": "999999"}])
def test_a_filter_no_form_offers_is_not_found(client, login, make_user, make_consultation, filters):
    consultation = make_consultation(open=True)
    login(make_user(Role.MODERATOR))
    assert _queue(client, consultation, **filters).status_code == 404


def test_pages_follow_each_other_across_priorities_without_gaps_or_repeats(
    app, client, db, login, make_user, make_consultation, make_submission
):
    app.config["PENDING_PER_PAGE"] = 2
    consultation = make_consultation(open=True)
    items = [make_submission(consultation.questions[0], make_user(), f"Item {n}") for n in range(7)]
    _flag(db, items[5], safeguarding=True)
    _flag(db, items[1], pii=True)
    _flag(db, items[4], abuse=True)
    expected = [items[5].id, items[1].id, items[4].id, items[0].id, items[2].id, items[3].id, items[6].id]
    login(make_user(Role.MODERATOR))

    seen, url, pages = [], f"/moderation/consultations/{consultation.slug}", 0
    while url:
        page = client.get(url).text
        seen += _shown_ids(page)
        pages += 1
        link = re.search(r'<a href="([^"]+)">Next page</a>', page)
        url = link.group(1).replace("&amp;", "&") if link else None

    assert seen == expected
    assert pages == 4


def test_queue_pages_are_read_by_keyset_never_by_offset(
    app, client, db, login, make_user, make_consultation, make_submission
):
    from sqlalchemy import event

    app.config["PENDING_PER_PAGE"] = 2
    consultation = make_consultation(open=True)
    for n in range(5):
        make_submission(consultation.questions[0], make_user(), f"Item {n}")
    login(make_user(Role.MODERATOR))
    first = _queue(client, consultation).text
    cursor = re.search(r"after=([0-9-]+)", first).group(1)

    queries = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        compiled = getattr(context, "compiled", None)
        if compiled is not None and "FROM submissions" in statement and statement.lstrip().startswith("SELECT"):
            queries.append(compiled.statement)

    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine
    event.listen(engine, "before_cursor_execute", remember)
    try:
        assert len(_shown_ids(_queue(client, consultation, after=cursor).text)) == 2
    finally:
        event.remove(engine, "before_cursor_execute", remember)

    assert queries
    assert all(getattr(query, "_offset", None) in (None, 0) for query in queries)


def test_screening_suggestions_are_shown_inline_with_personal_information_highlighted(
    client, db, login, make_user, make_consultation
):
    consultation = make_consultation(open=True)
    submission = _screened(db, make_user(), consultation.questions[0],
                           "Write to amina.yusuf@example.com if schools need ideas.")  # fmt: skip
    assert submission.flag_pii
    login(make_user(Role.MODERATOR))

    queue = _queue(client, consultation).text
    item = client.get(f"/moderation/submissions/{submission.id}").text

    for page in (queue, item):
        assert '<mark data-kind="email" title="e-mail address">amina.yusuf@example.com</mark>' in page
        assert "Write to [personal information removed] if schools need ideas." in page
    # The redaction is what the approval form offers by default.
    assert re.search(r'<input checked id="version-\d" name="version" required type="radio" value="suggested">', item)


# --- opening a response claims it ----------------------------------------------------------


def test_a_response_one_moderator_opened_is_not_shown_to_another_until_the_claim_lapses(
    app, client, db, login, make_user, make_consultation, make_submission, frozen_clock
):
    consultation = make_consultation(open=True)
    opened = make_submission(consultation.questions[0], make_user(), "Opened by the first moderator")
    other = make_submission(consultation.questions[0], make_user(), "Still free")
    first = make_user(Role.MODERATOR, pseudonym="Moderator Ama")
    login(first)
    second = _signed_in_client(app, make_user(Role.MODERATOR))

    assert client.post(f"/moderation/submissions/{opened.id}/claim").status_code == 303
    page = client.get(f"/moderation/submissions/{opened.id}")
    assert page.status_code == 200
    assert "This response is yours until" in page.text
    assert _shown_ids(_queue(client, consultation).text) == [opened.id, other.id]  # still in the opener's list

    assert _shown_ids(_queue(second, consultation).text) == [other.id]
    direct = second.get(f"/moderation/submissions/{opened.id}").text
    assert "<bdi>Moderator Ama</bdi> has this response open until" in direct
    assert "/approve" not in direct and "/reject" not in direct and "/escalate" not in direct

    frozen_clock.advance(minutes=app.config["MODERATION_CLAIM_MINUTES"], seconds=1)
    assert _shown_ids(_queue(second, consultation).text) == [opened.id, other.id]


def test_next_response_hands_parallel_moderators_different_items(
    app, client, db, login, make_user, make_consultation, make_submission
):
    consultation = make_consultation(open=True)
    waiting = [make_submission(consultation.questions[0], make_user(), f"Waiting {n}") for n in range(2)]
    login(make_user(Role.MODERATOR))
    second = _signed_in_client(app, make_user(Role.MODERATOR))
    next_url = f"/moderation/consultations/{consultation.slug}/next"

    first_item = client.post(next_url)
    second_item = second.post(next_url)
    third = app.test_client()
    assert third.post("/login", data={"username": make_user(Role.MODERATOR, pseudonym="Late Owl").pseudonym,
                                      "password": "correct horse 42"}).status_code == 302  # fmt: skip
    nothing_left = third.post(next_url)

    assert first_item.headers["Location"] == f"/moderation/submissions/{waiting[0].id}"
    assert second_item.headers["Location"] == f"/moderation/submissions/{waiting[1].id}"
    assert nothing_left.headers["Location"] == f"/moderation/consultations/{consultation.slug}"
    assert "Nothing else is waiting for a decision here." in third.get(nothing_left.headers["Location"]).text


def test_deciding_from_a_response_page_goes_on_to_the_next_one(
    client, db, login, make_user, make_consultation, make_submission
):
    consultation = make_consultation(open=True)
    first = make_submission(consultation.questions[0], make_user(), "First")
    second = make_submission(consultation.questions[0], make_user(), "Second", language="fr")
    third = make_submission(consultation.questions[0], make_user(), "Third", language="fr")
    login(make_user(Role.MODERATOR))
    assert client.post(f"/moderation/submissions/{first.id}/claim?language=fr").status_code == 303

    decided = client.post(f"/moderation/submissions/{second.id}/approve?language=fr",
                          data={"seen": text_hash(second.body), "version": "as_written", "then": "next"})  # fmt: skip
    assert decided.status_code == 303
    # The next French response, held for this moderator at once (the decision was the intent).
    assert decided.headers["Location"] == f"/moderation/submissions/{third.id}?language=fr"


# --- the decisions -------------------------------------------------------------------------


def _public(app, consultation) -> str:
    return app.test_client().get(f"/consultations/{consultation.slug}").text


def test_approving_with_the_suggested_redaction_publishes_the_redacted_text(
    app, client, db, login, make_user, make_consultation
):
    consultation = make_consultation(open=True)
    submission = _screened(db, make_user(), consultation.questions[0],
                           "Call me on +44 7700 900123 and I will tell you more about apps.")  # fmt: skip
    login(make_user(Role.MODERATOR))
    client.get(f"/moderation/submissions/{submission.id}")

    assert _decide(client, submission, "approve", version="suggested").status_code == 303

    approved = db.session.get(Submission, submission.id)
    assert approved.status is SubmissionStatus.APPROVED
    assert approved.published_text == "Call me on [personal information removed] and I will tell you more about apps."
    public = _public(app, consultation)
    assert "Call me on [personal information removed] and I will tell you more about apps." in public
    assert "7700 900123" not in public
    event = db.session.scalars(select(ModerationEvent).where(ModerationEvent.action == "approved")).one()
    assert (event.reason, event.before_hash, event.after_hash) == (
        "suggested",
        text_hash(submission.body),
        text_hash(approved.published_text),
    )


def test_approving_with_an_edited_text_publishes_the_moderators_version(
    app, client, db, login, make_user, make_consultation, make_submission
):
    consultation = make_consultation(open=True)
    submission = make_submission(consultation.questions[0], make_user(), "I am Tom from Hill School and apps scare me.")
    login(make_user(Role.MODERATOR))

    response = _decide(client, submission, "approve", version="edited",
                       published_text="I am [name removed] and apps scare me.\r\n")  # fmt: skip

    assert response.status_code == 303
    assert db.session.get(Submission, submission.id).published_text == "I am [name removed] and apps scare me."
    public = _public(app, consultation)
    assert "I am [name removed] and apps scare me." in public
    assert "Hill School" not in public


FAMILY = "\U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # one character, seven code points


def test_an_edited_text_is_measured_in_characters_as_the_answer_is(
    client, db, login, make_user, make_consultation, make_submission
):
    consultation = make_consultation(open=True, max_length=100)
    submission = make_submission(consultation.questions[0], make_user(), "Keep us safe online.")
    login(make_user(Role.MODERATOR))

    at_the_limit = _decide(client, submission, "approve", version="edited", published_text=FAMILY * 100)

    assert at_the_limit.status_code == 303  # 700 code points, 100 characters: as long as an answer may be
    assert db.session.get(Submission, submission.id).published_text == FAMILY * 100


def test_an_edited_text_over_the_limit_is_refused(client, db, login, make_user, make_consultation, make_submission):
    consultation = make_consultation(open=True, max_length=100)
    submission = make_submission(consultation.questions[0], make_user(), "Keep us safe online.")
    login(make_user(Role.MODERATOR))

    response = _decide(client, submission, "approve", version="edited", published_text=FAMILY * 101)

    assert response.status_code == 422 and "The text to publish is longer than the answer may be." in response.text


@pytest.mark.parametrize(
    ("data", "message", "described_by"),
    [
        ({"version": "edited", "published_text": "  "}, "Write the text to publish, or choose another option.",
         "approve-text-error"),
        ({"version": "as_written", "published_text": "Something else entirely"},
         "You changed the text: choose “My edited text below” to publish your edits.", "approve-text-error"),
        ({"version": "suggested"}, "Not a valid choice", "approve-version-error"),  # no suggestion to publish
        ({"version": ""}, "Choose what to publish.", "approve-version-error"),
    ],
)  # fmt: skip
def test_an_approval_that_cannot_be_understood_is_explained_and_changes_nothing(
    client, db, login, make_user, make_consultation, make_submission, data, message, described_by
):
    consultation = make_consultation(open=True)
    submission = make_submission(consultation.questions[0], make_user(), "Keep us safe online.")
    login(make_user(Role.MODERATOR))

    response = _decide(client, submission, "approve", **data)

    assert response.status_code == 422
    assert message in response.text
    assert f'aria-describedby="{described_by}"' in response.text or f"{described_by}" in response.text
    assert f'id="{described_by}"' in response.text
    assert db.session.get(Submission, submission.id).status is SubmissionStatus.PENDING


@pytest.mark.parametrize("reason", ["off_topic", "personal_info", "abusive", "spam", "duplicate"])
def test_rejecting_keeps_the_reason(client, db, login, make_user, make_consultation, make_submission, reason):
    consultation = make_consultation(open=True)
    submission = make_submission(consultation.questions[0], make_user(), "Not for publication")
    login(make_user(Role.MODERATOR))

    assert _decide(client, submission, "reject", reason=reason).status_code == 303

    rejected = db.session.get(Submission, submission.id)
    assert (rejected.status, rejected.reject_reason, rejected.published_text) == (
        SubmissionStatus.REJECTED,
        reason,
        None,
    )
    event = db.session.scalars(select(ModerationEvent).where(ModerationEvent.action == "rejected")).one()
    assert event.reason == reason


def test_rejecting_needs_a_reason_and_other_needs_a_note(
    client, db, login, make_user, make_consultation, make_submission
):
    consultation = make_consultation(open=True)
    submission = make_submission(consultation.questions[0], make_user(), "Hmm")
    login(make_user(Role.MODERATOR))

    no_reason = _decide(client, submission, "reject", reason="")
    assert no_reason.status_code == 422
    assert '<p class="error" id="reject-reason-error" role="alert">Choose a reason.</p>' in no_reason.text
    assert 'aria-describedby="reject-reason-error"' in no_reason.text
    other = _decide(client, submission, "reject", reason="other")
    assert other.status_code == 422
    assert "Say why in a note when the reason is “Other”." in other.text
    assert db.session.get(Submission, submission.id).status is SubmissionStatus.PENDING

    assert _decide(client, submission, "reject", reason="other", note="Advert for a game").status_code == 303
    rejected = db.session.get(Submission, submission.id)
    assert (rejected.reject_reason, rejected.decision_note) == ("other", "Advert for a game")


def test_escalating_hands_the_answer_to_safeguarding_and_never_publishes_it(
    app, client, db, login, make_user, make_consultation
):
    consultation = make_consultation(open=True)
    author = make_user()
    submission = _screened(db, author, consultation.questions[0], "I want to kill myself, nobody listens at home.")
    assert submission.priority == Priority.SAFEGUARDING
    moderator = make_user(Role.MODERATOR)
    login(moderator)

    response = _decide(client, submission, "escalate", note="Possible self-harm")

    assert response.status_code == 303
    escalated = db.session.get(Submission, submission.id)
    assert (escalated.status, escalated.published_text, escalated.decision_note, escalated.decided_by_id) == (
        SubmissionStatus.ESCALATED,
        None,
        "Possible self-harm",
        moderator.id,
    )
    assert (
        "Response escalated to the safeguarding team. It will not be published."
        in client.get(response.headers["Location"]).text
    )
    assert submission.id not in _shown_ids(_queue(client, consultation).text)
    assert "nobody listens at home" not in _public(app, consultation)
    # A moderator without the safeguarding permission no longer reads it.
    assert "nobody listens at home" not in client.get(f"/moderation/submissions/{submission.id}").text
    event = db.session.scalars(select(ModerationEvent).where(ModerationEvent.action == "escalated")).one()
    assert (event.actor_id, event.note) == (moderator.id, "Possible self-harm")


def test_a_decision_about_words_the_participant_changed_meanwhile_is_refused(
    app, client, db, login, make_user, make_consultation, make_submission
):
    consultation = make_consultation(open=True)
    author = make_user()
    submission = make_submission(consultation.questions[0], author, "Schools should teach online safety.")
    login(make_user(Role.MODERATOR))
    read = text_hash(submission.body)
    client.get(f"/moderation/submissions/{submission.id}")
    participant = _signed_in_client(app, author)
    edited = participant.post(f"/responses/{submission.id}/edit",
                              data={"body": "Schools should teach online safety. Text me on 0712 345 678",
                                    "language": "en"})  # fmt: skip
    assert edited.status_code == 303

    response = _decide(client, submission, "approve", seen=read)

    assert response.status_code == 409
    assert "The participant changed this answer while you were reading it. Please read it again." in response.text
    assert "Text me on" in response.text  # the new words, for the moderator to read now
    assert db.session.get(Submission, submission.id).status is SubmissionStatus.PENDING
    assert "0712 345 678" not in _public(app, consultation)


# --- bulk approval -------------------------------------------------------------------------


def _bulk(client, consultation, *submissions, seen=None, confirmed=True):
    """The bulk approval as posted from the confirmation page (``confirmed``) or from the queue."""
    values = [f"{s.id}:{(seen or {}).get(s.id, text_hash(s.body))}" for s in submissions]
    data = {"items": values, **({"confirmed": "yes"} if confirmed else {})}
    return client.post(f"/moderation/consultations/{consultation.slug}/bulk-approve", data=data)


BULK_BOX = r'<input type="checkbox" form="bulk-approve" name="items" id="bulk-(\d+)" value="[^"]+"( checked)?>'


def test_bulk_approval_publishes_the_selected_answers_that_carry_no_flag(
    app, client, db, login, make_user, make_consultation, make_submission
):
    consultation = make_consultation(open=True)
    plain = [make_submission(consultation.questions[0], make_user(), f"Plain answer {n}") for n in range(3)]
    flagged = _flag(db, make_submission(consultation.questions[0], make_user(), "Flagged answer"), abuse=True)
    unticked = make_submission(consultation.questions[0], make_user(), "Left for later")
    login(make_user(Role.MODERATOR))
    queue = _queue(client, consultation).text
    boxes = re.findall(BULK_BOX, queue)
    assert {int(ident) for ident, _checked in boxes} == {*(s.id for s in plain), unticked.id}
    assert not any(checked for _ident, checked in boxes)  # nothing is pre-ticked

    response = _bulk(client, consultation, *plain, flagged)

    assert response.status_code == 303
    page = client.get(response.headers["Location"]).text
    assert "3 responses approved and published." in page
    assert "1 response was left out" in page
    statuses = {s.id: db.session.get(Submission, s.id).status for s in [*plain, flagged, unticked]}
    assert statuses == {**{s.id: SubmissionStatus.APPROVED for s in plain},
                        flagged.id: SubmissionStatus.PENDING, unticked.id: SubmissionStatus.PENDING}  # fmt: skip
    assert db.session.scalar(select(ModerationEvent.id).where(ModerationEvent.action == "approved").limit(1))


def test_bulk_approval_leaves_alone_what_another_moderator_has_open_or_what_changed(
    app, client, db, login, make_user, make_consultation, make_submission
):
    consultation = make_consultation(open=True)
    opened = make_submission(consultation.questions[0], make_user(), "Another moderator is reading this")
    changed = make_submission(consultation.questions[0], make_user(), "Changed after the page loaded")
    fine = make_submission(consultation.questions[0], make_user(), "Fine to publish")
    login(make_user(Role.MODERATOR))
    other = _signed_in_client(app, make_user(Role.MODERATOR))
    assert other.post(f"/moderation/submissions/{opened.id}/claim").status_code == 303

    response = _bulk(client, consultation, opened, changed, fine, seen={changed.id: text_hash("what was shown")})

    assert response.status_code == 303
    assert "2 responses were left out" in client.get(response.headers["Location"]).text
    assert [db.session.get(Submission, s.id).status for s in (opened, changed, fine)] == [
        SubmissionStatus.PENDING,
        SubmissionStatus.PENDING,
        SubmissionStatus.APPROVED,
    ]


def test_bulk_approval_with_nothing_ticked_says_so(client, login, make_user, make_consultation, make_submission):
    consultation = make_consultation(open=True)
    make_submission(consultation.questions[0], make_user(), "Waiting")
    login(make_user(Role.MODERATOR))

    response = client.post(f"/moderation/consultations/{consultation.slug}/bulk-approve", data={})

    assert response.status_code == 422
    assert '<p class="error" id="bulk-error" role="alert">Select at least one response to approve.</p>' in response.text


# --- CSRF, as in production ----------------------------------------------------------------


def test_moderation_forms_carry_their_token_and_are_refused_without_it(
    app, client, db, make_user, make_consultation, make_submission
):
    app.config["WTF_CSRF_ENABLED"] = True
    consultation = make_consultation(open=True)
    submission = make_submission(consultation.questions[0], make_user(), "Protected decision")
    moderator = make_user(Role.MODERATOR)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"username": moderator.pseudonym, "password": moderator.password, "csrf_token": token})
    page = client.get(f"/moderation/submissions/{submission.id}").text
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    decision = {"seen": text_hash(submission.body), "version": "as_written"}

    refused = client.post(f"/moderation/submissions/{submission.id}/approve", data=decision)
    assert refused.status_code == 400
    assert db.session.get(Submission, submission.id).status is SubmissionStatus.PENDING

    accepted = client.post(
        f"/moderation/submissions/{submission.id}/approve", data={**decision, "csrf_token": form_token}
    )
    assert accepted.status_code == 303
    assert db.session.get(Submission, submission.id).status is SubmissionStatus.APPROVED


# --- two moderators, one response ----------------------------------------------------------


def test_two_moderators_who_both_opened_a_response_cannot_both_decide(
    app, client, db, login, make_user, make_consultation, make_submission, frozen_clock
):
    consultation = make_consultation(open=True)
    submission = make_submission(consultation.questions[0], make_user(), "Both had it open")
    login(make_user(Role.MODERATOR))
    second = _signed_in_client(app, make_user(Role.MODERATOR))
    client.post(f"/moderation/submissions/{submission.id}/claim")
    frozen_clock.advance(minutes=app.config["MODERATION_CLAIM_MINUTES"] + 1)  # the first moderator went for tea
    second.post(f"/moderation/submissions/{submission.id}/claim")
    assert "This response is yours" in second.get(f"/moderation/submissions/{submission.id}").text

    assert _decide(second, submission, "reject", reason="spam").status_code == 303
    late = _decide(client, submission, "approve")

    assert late.status_code == 409
    assert ALREADY_DECIDED in late.text
    assert db.session.get(Submission, submission.id).status is SubmissionStatus.REJECTED
    decisions = db.session.scalars(
        select(ModerationEvent.action).where(ModerationEvent.action.in_(["approved", "rejected"]))
    ).all()
    assert decisions == ["rejected"]
    assert "Both had it open" not in _public(app, consultation)


@pytest.mark.parametrize("second_decision", ["approve", "reject"])
def test_the_database_refuses_a_second_decision_from_an_overlapping_transaction(
    app, db, make_user, make_consultation, make_submission, second_decision
):
    """Two sessions in two threads: the second loaded the response as pending, then waited for the first."""
    from consult.extensions import db as extension

    consultation = make_consultation(open=True)
    submission = make_submission(consultation.questions[0], make_user(), "Decided exactly once")
    first_moderator, second_moderator = make_user(Role.MODERATOR), make_user(Role.MODERATOR)
    # Plain ids: objects of the test's own session must not be touched from the threads.
    submission_id, first_id, second_id = submission.id, first_moderator.id, second_moderator.id
    user = type(first_moderator)
    both_loaded, first_decided = threading.Barrier(2, timeout=10), threading.Event()
    outcome: dict[str, object] = {}

    def first():
        with app.app_context():
            mine = extension.session.get(Submission, submission_id)
            both_loaded.wait()
            approve_submission(mine, extension.session.get(user, first_id))
            first_decided.set()  # decided, not yet committed: the row is the first session's for a moment
            threading.Event().wait(0.3)
            extension.session.commit()
            outcome["first"] = "decided"
            extension.session.remove()

    def second():
        with app.app_context():
            mine = extension.session.get(Submission, submission_id)
            who = extension.session.get(user, second_id)
            both_loaded.wait()
            assert mine.status is SubmissionStatus.PENDING  # what Python alone would go by
            first_decided.wait(10)
            try:
                if second_decision == "approve":
                    approve_submission(mine, who)
                else:
                    reject_submission(mine, who, RejectReason.SPAM)
                extension.session.commit()
                outcome["second"] = "decided"
            except AlreadyDecided:
                extension.session.rollback()
                outcome["second"] = "refused"
            except Exception as error:  # reported by the test, not lost in the thread
                outcome["second"] = repr(error)
            finally:
                extension.session.remove()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    assert outcome == {"first": "decided", "second": "refused"}
    db.session.expire_all()
    decided = db.session.get(Submission, submission_id)
    assert (decided.status, decided.decided_by_id) == (SubmissionStatus.APPROVED, first_id)
    assert db.session.scalars(
        select(ModerationEvent.action).where(ModerationEvent.submission_id == submission.id,
                                             ModerationEvent.action != "screened")
    ).all() == ["approved"]  # fmt: skip
