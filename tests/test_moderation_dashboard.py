"""The moderation dashboard: how long the queue is, how fast decisions come, who took them."""

from __future__ import annotations

import re

from consult.models import Priority, Role, Submission
from consult.moderation.events import text_hash


def _signed_in(app, user):
    browser = app.test_client()
    assert browser.post("/login", data={"username": user.pseudonym, "password": user.password}).status_code == 302
    return browser


def _rows(page: str, table_id: str) -> dict[str, list[str]]:
    table = re.search(rf'<table id="{table_id}">.*?</table>', page, re.DOTALL).group(0)
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.DOTALL):
        cells = [
            re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL)
        ]
        rows[cells[0]] = cells[1:]
    return rows


def test_dashboard_counts_the_queue_by_flag(app, db, make_user, make_consultation, make_submission):
    consultation = make_consultation(open=True)
    elsewhere = make_consultation(open=True)
    flags = [{}, {}, {"pii": True}, {"pii": True, "abuse": True}, {"safeguarding": True}, {"reported": True}]
    for n, raised in enumerate(flags):
        submission = make_submission(consultation.questions[0], make_user(), f"Waiting {n}")
        for name, value in raised.items():
            setattr(submission, f"flag_{name}", value)
        submission.priority = Priority.SAFEGUARDING if "safeguarding" in raised else Priority.FLAGGED if raised else 2
    make_submission(elsewhere.questions[0], make_user(), "Not this consultation")
    db.session.commit()
    browser = _signed_in(app, make_user(Role.MODERATOR))
    browser.post(f"/moderation/submissions/{db.session.query(Submission).first().id}/claim")  # one is open now

    page = browser.get(f"/moderation/consultations/{consultation.slug}/dashboard").text

    assert _rows(page, "queue-figures") == {
        "All waiting": ["6"],
        "Possible safeguarding concern": ["1"],
        "Personal information": ["2"],
        "Abusive language": ["1"],
        "Reported by readers": ["1"],
        "No flag": ["2"],
        "Open by a moderator right now": ["1"],
        "With the safeguarding team": ["0"],
    }
    assert f'href="/moderation/consultations/{consultation.slug}?flag=pii"' in page


def test_dashboard_gives_the_median_time_to_decision_and_decisions_per_moderator(
    app, db, make_user, make_consultation, make_submission, frozen_clock
):
    consultation = make_consultation(open=True)
    answers = [make_submission(consultation.questions[0], make_user(), f"Answer {n}") for n in range(4)]
    ama, bo = make_user(Role.MODERATOR, pseudonym="Moderator Ama"), make_user(Role.MODERATOR, pseudonym="Moderator Bo")
    ama_browser, bo_browser = _signed_in(app, ama), _signed_in(app, bo)

    def decide(browser, submission, decision, **data):
        response = browser.post(
            f"/moderation/submissions/{submission.id}/{decision}", data={"seen": text_hash(submission.body), **data}
        )
        assert response.status_code == 303

    frozen_clock.advance(minutes=10)
    decide(ama_browser, answers[0], "approve", version="as_written")
    frozen_clock.advance(minutes=10)
    decide(ama_browser, answers[1], "reject", reason="spam")
    frozen_clock.advance(minutes=40)
    decide(ama_browser, answers[2], "approve", version="as_written")
    decide(bo_browser, answers[3], "escalate")

    page = ama_browser.get(f"/moderation/consultations/{consultation.slug}/dashboard").text

    # Decided after 10, 20, 60 and 60 minutes: the median is 40 minutes.
    assert '<time datetime="PT2400S">40 minutes</time>' in page
    assert _rows(page, "moderator-decisions") == {
        "Moderator": ["Approved", "Rejected", "Escalated", "Total"],
        "Moderator Ama": ["2", "1", "0", "3"],
        "Moderator Bo": ["0", "0", "1", "1"],
    }


def test_an_empty_dashboard_says_nothing_was_decided(app, make_user, make_consultation):
    consultation = make_consultation(open=True)

    page = _signed_in(app, make_user(Role.MODERATOR)).get(f"/moderation/consultations/{consultation.slug}/dashboard")

    assert page.status_code == 200
    assert page.text.count("No response has been decided yet.") == 2
    assert _rows(page.text, "queue-figures")["All waiting"] == ["0"]


def test_the_dashboard_is_for_moderators(app, make_user, make_consultation):
    consultation = make_consultation(open=True)
    url = f"/moderation/consultations/{consultation.slug}/dashboard"

    assert _signed_in(app, make_user()).get(url).status_code == 403
    assert app.test_client().get(url).status_code == 302
    assert (
        _signed_in(app, make_user(Role.MODERATOR))
        .get("/moderation/consultations/no-such-consultation/dashboard")
        .status_code
        == 404
    )


def test_claims_are_counted_only_while_they_last(app, db, make_user, make_consultation, make_submission, frozen_clock):
    consultation = make_consultation(open=True)
    submission = make_submission(consultation.questions[0], make_user(), "Opened once")
    browser = _signed_in(app, make_user(Role.MODERATOR))
    browser.post(f"/moderation/submissions/{submission.id}/claim")
    frozen_clock.advance(minutes=app.config["MODERATION_CLAIM_MINUTES"], seconds=1)

    page = browser.get(f"/moderation/consultations/{consultation.slug}/dashboard").text

    assert _rows(page, "queue-figures")["Open by a moderator right now"] == ["0"]
