"""The moderators' desk in a real browser at 1366×768: decided with the keyboard alone, an item's text, flags and
decision buttons above the fold, age bands the right way round, axe clean, and what the pages weigh."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from consult import clock
from consult.demo import OPEN_SLUG
from consult.extensions import db
from consult.languages import codes
from consult.models import (
    Consultation,
    ConsultationStatus,
    Priority,
    Question,
    Submission,
    SubmissionStatus,
)
from consult.moderation.intake import screen_submission
from consult.moderation.models import ModerationAction, ModerationEvent

from .conftest import ARTIFACTS
from .test_accessibility import _serious_violations
from .test_page_weight import MOST_BYTES, weigh

DESK = {"width": 1366, "height": 768}
ANSWERS = 50
MOST_KEYSTROKES = 150
SPEED_SLUG = "desk-speed"
LAYOUT_SLUG = "desk-layout"
BULK_SLUG = "desk-bulk"  # five unflagged answers, approved in bulk from the keyboard
KEYS_SLUG = "desk-keys"  # a flagged answer and a plain one, decided on their own pages from the keyboard
# A realistic long answer (1,000 characters) with a phone number in it, so screening flags it and suggests a redaction.
LONG_ANSWER = (
    "Online safety lessons at my school are one assembly a year, and most of it is about strangers. What we really "
    "need is help with the people we already know: classmates who share screenshots of private chats, group chats "
    "where someone is left out on purpose, and older students who ask for pictures as a joke. Teachers should learn "
    "how the apps we use actually work, and reporting should be anonymous so nobody is called a snitch. Platforms "
    "should show a clear button to block and report in every chat, and they should answer reports within a day, not "
    "weeks later. My friend reported an account that was pretending to be her and nothing happened for a month. If "
    "anyone from the working group wants to hear more, call me on 0712 345 678 after school. Parents also need "
    "short guides in our languages, because many of them do not read English well and feel lost when we talk about "
    "privacy settings. Please involve young people when you design the rules, we know the apps better than anyone. "
    "Thank you all."
)
assert len(LONG_ANSWER) == 1000
# As long, with signs that the young person may be at risk: its page leads with Escalate and an open note.
SIGNS = LONG_ANSWER.replace(
    "If anyone from the working group wants to hear more, call me on 0712 345 678 after school.",
    "A man I met in a game keeps asking me to meet him alone and says not to tell my parents.",
)
SIGNS += "." * (1000 - len(SIGNS))


@pytest.fixture(scope="module")
def desk_data(live_app) -> dict:
    """A consultation of 50 unflagged, screened answers; another with the long flagged answer and an Arabic one."""
    with live_app.app_context():
        if db.session.scalar(select(Consultation.id).where(Consultation.slug == SPEED_SLUG)) is None:
            now = clock.utcnow()
            made = {}
            for slug in (SPEED_SLUG, LAYOUT_SLUG, BULK_SLUG, KEYS_SLUG):
                consultation = Consultation(slug=slug, title=f"Desk ({slug})", description="<p>Desk test.</p>",
                                            opens_at=now - timedelta(hours=1), closes_at=now + timedelta(hours=23),
                                            status=ConsultationStatus.PUBLISHED)  # fmt: skip
                consultation.questions = [Question(position=1, prompt="What would make you safer online?")]
                db.session.add(consultation)
                made[slug] = consultation.questions[0]
            db.session.flush()
            for slug, number in ((SPEED_SLUG, ANSWERS), (BULK_SLUG, 5)):
                for n in range(number):
                    db.session.add(Submission(
                        question=made[slug], body=f"Answer {n + 1}: lessons about privacy settings would help us.",
                        language="en", age_band="16-17", country="KE", screened_at=now, priority=Priority.CLEAR,
                    ))  # fmt: skip
            for body in ("Call me on 0712 345 678 to talk about it.", "Buy cheap followers at my shop!"):
                submission = Submission(question=made[KEYS_SLUG], body=body, language="en")
                db.session.add(submission)
                db.session.flush()
                screen_submission(submission)
            bodies = ((LONG_ANSWER, "en"), ("يجب أن تتحقق المنصات من العمر دون طلب هوياتنا.", "ar"), (SIGNS, "en"))
            for body, language in bodies:
                submission = Submission(question=made[LAYOUT_SLUG], body=body, language=language, age_band="16-17",
                                        country="EG" if language == "ar" else "KE")  # fmt: skip
                db.session.add(submission)
                db.session.flush()
                screen_submission(submission)
                if body == SIGNS:  # as the classifier would flag it (the lexicons alone may not)
                    submission.flag_safeguarding, submission.priority = True, Priority.SAFEGUARDING
            db.session.commit()
        layout = select(Submission).join(Question).join(Consultation).where(Consultation.slug == LAYOUT_SLUG)
        found = {s.body: s for s in db.session.scalars(layout)}
        long_one, worrying = found[LONG_ANSWER], found[SIGNS]
        assert long_one.flag_pii and long_one.suggested_text, "screening no longer flags the long answer's number"
        arabic = next(s for s in found.values() if s.language == "ar")
        keys = {s.body: s.id for s in db.session.scalars(
            select(Submission).join(Question).join(Consultation).where(Consultation.slug == KEYS_SLUG))}  # fmt: skip
        return {"long": long_one.id, "arabic": arabic.id, "safeguarding": worrying.id,
                "phone": keys["Call me on 0712 345 678 to talk about it."],
                "spam": keys["Buy cheap followers at my shop!"]}  # fmt: skip


class Keyboard:
    """Presses keys and counts them: the measure of the desk's speed."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def press(self, key: str) -> None:
        self.count += 1
        self.page.keyboard.press(key)


def log_in_by_keyboard(page, live_app, role: str) -> None:
    name, password = live_app.demo_logins[role]
    page.goto("/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")


@pytest.fixture(scope="module")
def signed_in(browser, live_app) -> dict:
    """The moderator's cookies from one log-in, for every page of this module (log-ins are rate-limited)."""
    context = browser.new_context(base_url=live_app.base_url)
    try:
        log_in_by_keyboard(context.new_page(), live_app, "moderator")
        return context.storage_state()
    finally:
        context.close()


@pytest.fixture
def desk_page(browser, live_app, desk_data, signed_in):
    context = browser.new_context(base_url=live_app.base_url, viewport=DESK, bypass_csp=True, storage_state=signed_in)
    page = context.new_page()
    use_language(page, "en")  # the account keeps the last language chosen, by this module or another
    yield page
    context.close()


def use_language(page, code: str) -> None:
    page.goto("/moderation/")
    if page.get_attribute("html", "lang") != code:
        page.focus(f"form.languages button[value={code}]")
        with page.expect_navigation():
            page.keyboard.press("Enter")


def _approved(live_app, slug: str = SPEED_SLUG) -> tuple[int, int]:
    """Answers of a consultation approved, and approval events written for them."""
    with live_app.app_context():
        ids = select(Submission.id).join(Question).join(Consultation).where(Consultation.slug == slug)
        approved = db.session.scalar(select(func.count()).where(
            Submission.id.in_(ids.scalar_subquery()), Submission.status == SubmissionStatus.APPROVED))  # fmt: skip
        events = db.session.scalar(select(func.count()).where(
            ModerationEvent.submission_id.in_(ids.scalar_subquery()),
            ModerationEvent.action == ModerationAction.APPROVED))  # fmt: skip
        return approved, events


def test_fifty_unflagged_answers_are_decided_with_the_keyboard_alone(desk_page, live_app):
    page, keys = desk_page, Keyboard(desk_page)
    page.goto(f"/moderation/consultations/{SPEED_SLUG}")
    assert page.locator("article.card").count() == ANSWERS
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "desk-queue-1366x768.png"))

    # "?" opens the help (a modal dialog, so focus is inside it); Escape closes it.
    keys.press("?")
    dialog = page.locator("dialog#desk-keys")
    assert dialog.is_visible() and "Approve as written" in dialog.inner_text()
    assert page.evaluate("document.activeElement.closest('dialog') !== null")
    keys.press("Escape")
    assert not dialog.is_visible()

    # j and k move the marked item; the mark shows where the keys will act.
    first = page.locator("article.card").first.get_attribute("id")
    keys.press("j")
    keys.press("k")
    assert page.evaluate("document.activeElement.id") == first
    assert "current" in page.locator(f"#{first}").get_attribute("class")

    # One keystroke per answer: "a" approves the marked answer as written and the list opens at the next one.
    for decided in range(ANSWERS):
        with page.expect_navigation(url=re.compile(rf"/moderation/consultations/{SPEED_SLUG}")):
            keys.press("a")
        assert page.locator(".flash-success").count() == 1, f"decision {decided + 1} was not taken"
    assert page.locator("article.card").count() == 0

    print(f"desk keystrokes: {keys.count} for {ANSWERS} answers")
    assert keys.count <= MOST_KEYSTROKES
    assert _approved(live_app) == (ANSWERS, ANSWERS)  # each approved once, each decision audited once


@pytest.mark.parametrize("language", codes())
@pytest.mark.parametrize("kind", ["long", "safeguarding"])
def test_an_items_text_flags_and_decision_buttons_fit_above_the_fold(desk_page, desk_data, kind, language):
    page = desk_page
    use_language(page, language)
    page.goto(f"/moderation/submissions/{desk_data[kind]}")
    body = page.locator(".desk-reading p.body").first
    assert len(body.inner_text()) == 1000
    visible = {
        "text": body,
        "flags": page.locator(".desk-reading .flags"),
        "start reviewing": page.locator("form.start-review button"),
        "approve": page.locator("#decide-approve button[type=submit]"),
        "reject": page.locator("#decide-reject button[type=submit]"),
        "escalate": page.locator("#decide-escalate button[type=submit]"),
    }
    below = {name: box["y"] + box["height"] for name, box in ((n, el.bounding_box()) for n, el in visible.items())
             if box["y"] + box["height"] > DESK["height"]}  # fmt: skip
    page.screenshot(path=str(ARTIFACTS / f"desk-item-{kind}-{language}-1366x768.png"))
    assert not below, f"below the fold at 1366×768: {below}"
    first_decision = page.locator("form.decision").first.get_attribute("id")
    checked = page.locator("#decide-approve input[name=version]:checked")
    if kind == "safeguarding":  # Escalate first; nothing chosen to publish
        assert (first_decision, checked.count()) == ("decide-escalate", 0)
    else:  # the suggested redaction offered first, never the answer as written
        assert (first_decision, checked.get_attribute("value")) == ("decide-approve", "suggested")


def test_keys_act_on_the_item_but_never_while_typing(desk_page, desk_data):
    page = desk_page
    page.goto(f"/moderation/submissions/{desk_data['long']}")
    page.keyboard.press("e")  # opens the escalation note and puts the cursor in it
    assert page.evaluate("document.activeElement.id") == "escalate-note"
    page.keyboard.type("a safe place")  # "a", "s", "e"… are text here, never a decision
    assert page.input_value("#escalate-note") == "a safe place"
    assert page.url.endswith(f"/moderation/submissions/{desk_data['long']}")
    page.keyboard.press("Escape")
    page.evaluate("document.activeElement.blur()")
    # On a flagged answer "a" only prepares "as written" and moves to the button: Enter would be a second decision.
    page.keyboard.press("a")
    assert page.locator("#decide-approve input[value=as_written]").is_checked()
    assert page.evaluate("document.activeElement.closest('form').id") == "decide-approve"
    assert page.url.endswith(f"/moderation/submissions/{desk_data['long']}")


def test_an_arabic_answers_age_band_reads_the_right_way_in_the_english_queue(desk_page, desk_data):
    page = desk_page
    page.goto(f"/moderation/consultations/{LAYOUT_SLUG}")
    band = page.locator(f"#submission-{desk_data['arabic']} .meta bdi", has_text="16–17")
    # Where "16" and "17" are drawn: reversed ("17–16") the 17 would be left of the 16.
    lefts = band.evaluate("""(el) => {
        const text = el.firstChild, range = document.createRange();
        const at = (start) => { range.setStart(text, start); range.setEnd(text, start + 2);
                               return range.getBoundingClientRect().left; };
        return [at(0), at(3)];
    }""")
    assert lefts[0] < lefts[1], f"the age band shows reversed: {lefts}"


@pytest.mark.parametrize("language", codes())
def test_the_queue_and_an_item_have_no_serious_accessibility_violation(desk_page, axe_source, desk_data, language):
    page = desk_page
    use_language(page, language)
    problems = {}
    for path in (f"/moderation/consultations/{LAYOUT_SLUG}", f"/moderation/submissions/{desk_data['long']}"):
        page.goto(path)
        found = _serious_violations(page, axe_source)
        page.keyboard.press("?")  # the help dialog, open, is checked too
        found += _serious_violations(page, axe_source)
        if found:
            problems[path] = found
    assert not problems, problems


def test_the_desk_pages_weigh_under_150_kilobytes(browser, live_app, desk_data, signed_in):
    with live_app.app_context():
        first = db.session.scalar(
            select(func.min(Submission.id)).join(Question).join(Consultation).where(
                Consultation.slug == OPEN_SLUG, Submission.status == SubmissionStatus.PENDING)
        )  # fmt: skip
    pages = {
        "demo queue": f"/moderation/consultations/{OPEN_SLUG}",
        "demo item": f"/moderation/submissions/{first}",
        "item with a 1,000-character answer": f"/moderation/submissions/{desk_data['long']}",
    }
    for name, path in pages.items():
        context = browser.new_context(base_url=live_app.base_url, storage_state=signed_in)
        try:
            weights, _requested = weigh(context.new_page(), path)
        finally:
            context.close()
        total = sum(weights.values())
        print(f"page weight {name} ({path}): {total / 1024:.1f} KB {dict(weights)}")
        assert total < MOST_BYTES


def test_bulk_approval_from_the_keyboard_shows_the_count_before_publishing(desk_page, live_app):
    page, keys = desk_page, Keyboard(desk_page)
    page.goto(f"/moderation/consultations/{BULK_SLUG}")
    boxes = page.locator("input[form=bulk-approve]")
    assert boxes.count() == 5 and not any(box.is_checked() for box in boxes.all())  # nothing ticked by itself

    keys.press("*")  # select all unflagged
    assert all(box.is_checked() for box in boxes.all())
    with page.expect_navigation():
        keys.press("b")
    assert _approved(live_app, BULK_SLUG) == (0, 0)  # the confirmation page first, with the count
    assert page.evaluate("document.activeElement.textContent") == "Approve 5 answers"
    with page.expect_navigation():
        keys.press("Enter")

    assert keys.count == 3
    assert _approved(live_app, BULK_SLUG) == (5, 5)


def test_an_item_is_claimed_and_decided_with_the_keyboard(desk_page, live_app, desk_data):
    page = desk_page
    page.goto(f"/moderation/submissions/{desk_data['phone']}")
    with page.expect_navigation():
        page.keyboard.press("c")  # claim
    assert "This response is yours until" in page.inner_text(".desk-decision")
    with page.expect_navigation():
        page.keyboard.press("s")  # approve with the suggested redaction, then on to the next answer
    assert f"/moderation/submissions/{desk_data['spam']}" in page.url
    page.keyboard.press("r")  # the reason: chosen with the arrows, sent with Enter
    assert page.evaluate("document.activeElement.id") == "reject-reason"
    page.keyboard.press("ArrowDown")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    with live_app.app_context():
        phone, spam = (db.session.get(Submission, desk_data[k]) for k in ("phone", "spam"))
        assert (phone.status, phone.published_text) == (SubmissionStatus.APPROVED, phone.suggested_text)
        assert "0712" not in phone.published_text
        assert (spam.status, spam.reject_reason) == (SubmissionStatus.REJECTED, "off_topic")
