"""One end-to-end journey in a real browser, from a new consultation to its published summary document.

The secretariat creates and publishes a consultation, a new participant signs up in Arabic and answers,
a moderator approves the answer, a reader without an account sees it, and the secretariat publishes a
summary and downloads its DOCX. The Arabic screenshots of issue 5 are written on the way (test-artifacts/ar-*.png).
"""

from __future__ import annotations

import re
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from .conftest import choose_language, log_in, screenshot

SLUG = "journey-online-safety"
QUESTION = "What would make you feel safer online?"
ANSWER = "أريد أن أعرف كيف أبلغ عن الرسائل المزعجة بسرعة وأن يساعدني الكبار عندما أطلب ذلك."


def _utc_field(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def new_page(browser, live_app):
    """A page in a fresh browser context: one per person, so their cookies never mix."""
    contexts = []

    def open_page():
        context = browser.new_context(base_url=live_app.base_url, accept_downloads=True)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def test_consultation_from_creation_to_published_summary(live_app, new_page, tmp_path):

    # The secretariat creates a one-day consultation with one question, opening now, and publishes it.
    staff = new_page()
    log_in(staff, live_app, "secretariat")
    staff.goto("/secretariat/consultations/new")
    now = datetime.now(UTC)
    staff.select_option("#meeting_id", "0")
    staff.fill("#title", "Feeling safe online")
    staff.fill("#slug", SLUG)
    staff.select_option("#source_language", "en")
    staff.fill("#description", "<p>Tell the ITU what would help.</p>")
    staff.fill("#opens_at", _utc_field(now - timedelta(minutes=1)))
    staff.fill("#closes_at", _utc_field(now + timedelta(hours=24)))
    staff.fill("#questions-0-prompt", QUESTION)
    staff.fill("#questions-0-max_length", "1000")
    staff.click("main form button[type=submit] >> nth=0")
    staff.wait_for_url(re.compile(r"/secretariat/consultations/\d+/edit$"))
    staff.click("main a[href$='/publish']")  # "Publish…": first what is still missing, then the button
    staff.wait_for_url(re.compile(r"/secretariat/consultations/\d+/publish$"))
    staff.click("form[action$='/publish'] button[type=submit]")
    staff.wait_for_url(re.compile(r"/secretariat/$"))
    assert staff.locator(".flash-success").count() == 1

    # A new participant switches to Arabic first, then signs up and answers from the consultation page.
    participant = new_page()
    participant.goto("/")
    choose_language(participant, "ar")
    assert participant.get_attribute("html", "dir") == "rtl"
    assert participant.locator(f"a[href='/consultations/{SLUG}']").count() >= 1
    screenshot(participant, "ar-home")
    participant.goto(f"/consultations/{SLUG}")
    screenshot(participant, "ar-consultation")
    participant.click("main a[href^='/signup']")
    participant.wait_for_url(re.compile(r"/signup"))
    participant.fill("#pseudonym", "Noor-journey")
    participant.fill("#password", "quiet river lantern 42")
    participant.fill("#age", "15")
    participant.select_option("#country", "EG")
    participant.select_option("#language", "ar")
    participant.check("#consent")
    with participant.expect_navigation(url=re.compile(rf"{re.escape(live_app.base_url)}/consultations/{SLUG}")):
        participant.click("main form button[type=submit]")
    assert participant.get_attribute("html", "lang") == "ar"
    participant.fill("#body-1", ANSWER)
    screenshot(participant, "ar-response-form")
    with participant.expect_navigation(url=re.compile(rf"/consultations/{SLUG}")):
        participant.click("#question-1 form.response-form button[type=submit]")
    mine = participant.locator("#your-responses-section article.mine")
    assert mine.count() == 1
    assert ANSWER in mine.inner_text()

    # A moderator (reading in Arabic too) finds it in the queue and approves it as written.
    moderator = new_page()
    log_in(moderator, live_app, "moderator")
    choose_language(moderator, "ar")
    moderator.goto(f"/moderation/consultations/{SLUG}")
    queued = moderator.locator("main article.card.pending")
    assert queued.count() == 1
    screenshot(moderator, "ar-moderation-queue")
    queued.locator("a[href*='/moderation/submissions/']").click()
    moderator.wait_for_url(re.compile(r"/moderation/submissions/\d+"))
    approve = moderator.locator("form.decision[action*='/approve']")
    if approve.locator("input[type=radio]:checked").count() == 0:
        approve.locator("input[type=radio]").first.check()
    with moderator.expect_navigation():
        approve.locator("button[type=submit]").last.click()

    # Anyone, without an account, now reads the approved answer on the public page.
    reader = new_page()
    reader.goto(f"/consultations/{SLUG}")
    published = reader.locator("main article.card.response")
    assert published.count() == 1
    assert ANSWER in published.inner_text()
    assert published.locator("p.body").get_attribute("lang") == "ar"

    # The secretariat generates a summary from the approved answers and publishes it; a reader downloads the DOCX.
    staff.goto(f"/summaries/{SLUG}/")
    staff.click("form[action$='/generate'] button[type=submit]")
    staff.wait_for_url(re.compile(rf"/summaries/{SLUG}/v1$"))
    staff.goto(f"/summaries/{SLUG}/")
    staff.click(f"main a[href$='/summaries/{SLUG}/v1/publish']")  # the confirmation, with its warnings
    with staff.expect_navigation(url=re.compile(rf"/summaries/{SLUG}/v1$")):
        staff.click("form[action$='/v1/publish'] button[type=submit]")
    assert staff.locator(".flash-success").count() == 1

    reader.goto(f"/archive/{SLUG}")
    reader.wait_for_url(re.compile(rf"/archive/{SLUG}/v1$"))
    choose_language(reader, "ar")
    screenshot(reader, "ar-summary")
    with reader.expect_download() as download_info:
        reader.click("a[href*='document.docx']")
    download = download_info.value
    assert download.suggested_filename == f"{SLUG}-summary-v1.docx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with zipfile.ZipFile(saved) as docx:
        assert "word/document.xml" in docx.namelist()
        assert QUESTION in docx.read("word/document.xml").decode("utf-8")
