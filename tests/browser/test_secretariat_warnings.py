"""The secretariat's guard-rails in a real browser: what is missing before publishing, and the preview.

A draft written in English only: "Publish…" leads to a confirmation listing the five languages it lacks;
the preview shows the participants' page in Arabic (right to left) and in Chinese, its form disabled. axe
finds no serious or critical violation on either page. Screenshots: test-artifacts/secretariat-*.png.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from consult.languages import codes, language

from .conftest import choose_language, log_in, screenshot
from .test_accessibility import _serious_violations
from .test_touch_targets import PHONE, SMALL_TARGETS

SLUG = "draft-guard-rails"


def _create_draft(page) -> str:
    """The draft's edit page address, after saving it through the form."""
    opens = datetime.now(UTC) + timedelta(days=2)
    page.goto("/secretariat/consultations/new")
    page.select_option("#meeting_id", "0")
    page.fill("#title", "Staying safe in online games")
    page.fill("#slug", SLUG)
    page.select_option("#source_language", "en")
    page.fill("#description", "Tell us **what helps** when games get nasty.")
    page.fill("#opens_at", opens.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#questions-0-prompt", "What makes an online game feel safe?")
    page.fill("#questions-1-prompt", "Who do you tell when a player bothers you?")
    page.click("main form button[type=submit] >> nth=0")
    page.wait_for_url(re.compile(r"/secretariat/consultations/\d+/edit$"))
    return page.url


def test_publishing_a_draft_lists_the_missing_languages_and_the_preview_speaks_each(page, live_app, axe_source):
    log_in(page, live_app, "secretariat")
    choose_language(page, "en")  # other tests leave the demo secretariat's saved language anywhere
    edit_url = _create_draft(page)

    page.click("main a[href$='/publish']")
    warnings = page.inner_text(".error-summary")
    assert "Not translated, or not completely, into 5 of 6 languages" in warnings
    for code in codes():
        if code != "en":
            assert language(code).autonym in warnings, code
    assert page.is_visible("main form button[type=submit]")  # "Publish anyway", not yet pressed
    assert _serious_violations(page, axe_source) == []
    screenshot(page, "secretariat-publish-confirmation")

    for code, direction in (("ar", "rtl"), ("zh", "ltr")):
        page.goto(edit_url)
        with page.expect_navigation():
            page.click(f"main a[href$='/preview?lang={code}']")
        assert page.get_attribute("html", "lang") == code
        assert page.get_attribute("html", "dir") == direction
        assert page.is_visible(".preview-banner")
        assert page.inner_text("h1") == "Staying safe in online games"  # not translated: shown as written
        assert page.get_attribute("h1", "lang") == "en"
        assert page.is_visible(".translation-note")
        assert page.locator("textarea").count() == 2
        assert page.is_disabled("textarea >> nth=0") and page.is_disabled(".response-form button >> nth=0")
        assert _serious_violations(page, axe_source) == []
        screenshot(page, f"secretariat-preview-{code}")
        page.set_viewport_size(PHONE)  # the banner's links are as easy to touch as the page's own
        assert page.evaluate(SMALL_TARGETS) == []
        page.set_viewport_size({"width": 1280, "height": 800})

    page.goto(edit_url)
    assert "draft" in page.inner_text("main")  # looking and previewing published nothing
    assert page.request.get(f"/consultations/{SLUG}").status == 404
