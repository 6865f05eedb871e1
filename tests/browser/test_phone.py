"""Answering from a phone at 360×740, in Arabic and Chinese (issue 14): the counter, a refusal that keeps the
text, landing on the question just answered, the way to the next one, and the end of the window.

The browser's clock is Playwright's, so the minutes before closing pass in a moment; the server keeps its own
clock and stays the judge. Screenshots of the Arabic journey go to test-artifacts/ar-phone-*.png.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale, gettext, pgettext
from sqlalchemy import select

from consult import clock
from consult.extensions import db
from consult.models import Consultation, ConsultationStatus, Question
from consult.text import character_count

from .conftest import ARTIFACTS, choose_language, log_in
from .test_accessibility import _serious_violations

PHONE = {"width": 360, "height": 740}
FAMILY = "\U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
WORDS = {
    "ar": "أريد أن تكون حساباتنا خاصة بشكل افتراضي وأن يكون الإبلاغ سهلاً.",
    "zh": "我希望我们的账户默认是私密的，举报也要简单。",
}


def _consultation(live_app, slug: str, closes_in: timedelta, questions: int = 3) -> str:
    """A published consultation of the live server, open now and closing ``closes_in`` from now."""
    with live_app.app_context():
        now = clock.utcnow()
        consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
        if consultation is None:
            consultation = Consultation(slug=slug, title=f"Phone {slug}", description="<p>On a phone.</p>",
                                        status=ConsultationStatus.PUBLISHED, opens_at=now - timedelta(hours=1),
                                        closes_at=now + closes_in)  # fmt: skip
            consultation.questions = [Question(position=n, prompt=f"Question {n} on a phone?", max_length=1000)
                                      for n in range(1, questions + 1)]  # fmt: skip
            db.session.add(consultation)
        consultation.closes_at = now + closes_in
        db.session.commit()
    return f"/consultations/{slug}"


def _said(live_app, language: str, message: str, **values) -> str:
    with live_app.test_request_context(), force_locale(language):
        return gettext(message, **values)


# Readers far from UTC, so "your time" and UTC differ.
ZONES = {"ar": "Asia/Riyadh", "zh": "Asia/Shanghai"}


@pytest.fixture
def phone(browser, live_app, language):
    context = browser.new_context(base_url=live_app.base_url, viewport=PHONE, is_mobile=True, has_touch=True,
                                  timezone_id=ZONES[language], bypass_csp=True)  # fmt: skip
    page = context.new_page()
    yield page
    context.close()


def _in_view(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and -1 <= box["y"] < PHONE["height"]  # a fragment scrolls to a fraction of a pixel


def _shot(page, language: str, name: str) -> None:
    if language == "ar":
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"ar-phone-{name}.png"))  # what the phone's screen shows


@pytest.mark.parametrize("language", ["ar", "zh"])
def test_answering_on_a_phone(phone, live_app, axe_source, language):
    page = phone
    address = _consultation(live_app, f"phone-journey-{language}", timedelta(hours=2))
    log_in(page, live_app, "participant")
    choose_language(page, language)
    page.goto(address)
    assert page.get_attribute("html", "lang") == language
    # Local time first, labelled as the reader's, without seconds; UTC second.
    local = page.locator(".window .local-time").first.inner_text()
    assert _said(live_app, language, "your time") in local and not re.search(r"\d:\d\d:\d\d", local)
    assert "UTC" in page.locator(".window time").first.inner_text()
    clock_time = re.compile(r"\d{1,2}:\d\d")
    assert clock_time.findall(local) != clock_time.findall(page.locator(".window time").first.inner_text())
    _shot(page, language, "1-question")

    # The counter counts what a reader sees: one family emoji is one character, not eleven.
    typed = WORDS[language] + " " + FAMILY * 3
    page.fill("#body-1", typed)
    counter = page.locator("#body-1-count")
    assert counter.is_visible()
    assert str(character_count(typed)) in counter.inner_text()
    assert page.get_attribute("#body-1", "maxlength") is None

    # A paste far over the limit is not cut: the counter says so, and the server refuses it and keeps all of it.
    pasted = (WORDS[language] + " " + FAMILY) * 60
    assert character_count(pasted) > 1000
    page.fill("#body-1", pasted)
    assert page.input_value("#body-1") == pasted
    assert "over" in (counter.get_attribute("class") or "")
    assert _said(live_app, language, "Too long: please shorten it.") in counter.inner_text()
    counter.scroll_into_view_if_needed()
    _shot(page, language, "2-counter-over")
    with page.expect_navigation():
        page.click("#question-1 form.response-form button[type=submit]")
    assert page.input_value("#body-1") == pasted
    assert _in_view(page, "#question-1")
    assert page.locator("#body-1-error").is_visible()
    assert str(character_count(pasted)) in page.locator("#body-1-error").inner_text()
    refused = _serious_violations(page, axe_source)
    _shot(page, language, "3-too-long-refused")

    # Sent: back on the same question, in view, thanked, with the progress and the way to the next one.
    page.fill("#body-1", typed)
    with page.expect_navigation():
        page.click("#question-1 form.response-form button[type=submit]")
    assert page.url.endswith("#question-1")
    thanks = page.locator("#question-1 .flash-success")
    assert thanks.inner_text() == _said(live_app, language, "Thank you — a moderator will read it.")
    assert _in_view(page, "#question-1 .flash-success") and _in_view(page, "#question-1 a[href='#question-2']")
    progress = _said(live_app, language, "Questions answered: %(done)d of %(total)d", done=1, total=3)
    assert progress in page.locator("#question-1").inner_text()
    assert page.locator("#question-1 textarea").is_hidden()  # folded under "Add another answer"
    answered = _serious_violations(page, axe_source)
    _shot(page, language, "4-answered")
    page.click("#question-1 a[href='#question-2']")
    assert page.url.endswith("#question-2") and _in_view(page, "#body-2")
    _shot(page, language, "5-next-question")
    assert not refused and not answered, (refused, answered)


@pytest.mark.parametrize("language", ["ar", "zh"])
def test_the_page_warns_before_closing_and_closes_itself(phone, live_app, axe_source, language):
    page = phone
    # The server renders the banner for a page loaded in the last ten minutes.
    soon = _consultation(live_app, f"phone-closing-{language}", timedelta(minutes=5), questions=1)
    later = _consultation(live_app, f"phone-later-{language}", timedelta(minutes=15), questions=1)
    log_in(page, live_app, "participant")
    choose_language(page, language)
    ten_minutes = _said(live_app, language, "Less than 10 minutes left to answer: send your answer soon.")
    one_minute = _said(live_app, language, "Less than a minute left: send your answer now.")
    closed = _said(
        live_app, language, "This consultation is closed, so new answers and changes are no longer accepted."
    )

    page.clock.install()
    page.goto(soon)
    banner = page.locator(".closing-banner")
    assert banner.is_visible() and banner.inner_text() == ten_minutes
    assert page.get_attribute(".closing", "data-level") == "minutes"  # rendered so by the server, before any script
    assert not _serious_violations(page, axe_source)
    _shot(page, language, "6-ten-minutes-left")

    # A page left open: the script warns at one minute, and at zero closes the form and says so.
    page.fill("#body-1", WORDS[language])
    page.clock.fast_forward("04:10")
    assert banner.inner_text() == one_minute
    page.clock.fast_forward("01:00")
    assert banner.inner_text() == closed
    assert page.locator("#body-1").get_attribute("readonly") is not None
    assert page.input_value("#body-1") == WORDS[language]  # still there to copy
    assert page.locator("#question-1 button[type=submit]").is_disabled()
    with live_app.test_request_context(), force_locale(language):
        assert page.locator(".window .status").inner_text() == pgettext("consultation phase", "Closed")
    _shot(page, language, "7-closed")

    # A page loaded more than ten minutes before closing shows no banner until the script's clock reaches it.
    page.clock.set_system_time(datetime.now(UTC))
    page.goto(later)
    banner = page.locator(".closing-banner")
    assert banner.is_hidden()
    page.clock.fast_forward("05:10")
    assert banner.is_visible() and banner.inner_text() == ten_minutes
    assert not _serious_violations(page, axe_source)


@pytest.mark.parametrize("language", ["ar"])
def test_a_phone_whose_clock_is_fast_does_not_close_its_form_early(phone, live_app, language):
    page = phone
    address = _consultation(live_app, f"phone-fast-clock-{language}", timedelta(minutes=5), questions=1)
    page.clock.install(time=datetime.now(UTC) + timedelta(minutes=6))  # by its own clock, closed a minute ago
    log_in(page, live_app, "participant")
    choose_language(page, language)

    page.goto(address)

    ten_minutes = _said(live_app, language, "Less than 10 minutes left to answer: send your answer soon.")
    assert page.locator(".closing-banner").inner_text() == ten_minutes
    assert page.locator("#question-1 button[type=submit]").is_enabled()
    assert page.locator("#body-1").get_attribute("readonly") is None
    assert re.search(r"0:0[45]:\d\d", page.locator(".countdown").inner_text())


SAMPLES = {
    "family emoji": FAMILY * 3,
    "skin tone": "\U0001f44d\U0001f3fd ok",
    "flags": "\U0001f1f8\U0001f1e9\U0001f1e8\U0001f1f3",
    "combining accent": "e\u0301te\u0301",
    "Arabic with its marks": "مَرْحَبًا بِكُمْ",
    "Chinese": "你好，世界！",
    "Devanagari": "नमस्ते दुनिया",
}


@pytest.mark.parametrize("segmenter", [True, False], ids=["Intl.Segmenter", "without it"])
def test_the_counter_counts_as_the_server_does(browser, live_app, segmenter):
    context = browser.new_context(base_url=live_app.base_url, viewport=PHONE)
    if not segmenter:  # an older browser
        context.add_init_script("delete Intl.Segmenter;")
    page = context.new_page()
    try:
        address = _consultation(live_app, "phone-counter", timedelta(hours=2), questions=1)
        log_in(page, live_app, "participant")
        choose_language(page, "en")
        page.goto(address)
        counted = {}
        for name, text in SAMPLES.items():
            page.fill("#body-1", text)
            counted[name] = int(re.search(r"(\d+) /", page.inner_text("#body-1-count")).group(1))
    finally:
        context.close()
    expected = {name: character_count(text) for name, text in SAMPLES.items()}
    if not segmenter:  # the fallback knows marks, joiners, skin tones and flags, not Indic conjuncts
        del expected["Devanagari"], counted["Devanagari"]
    assert counted == expected
