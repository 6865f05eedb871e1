"""axe-core in a real browser: no serious or critical violation on any main page, in six languages."""

from __future__ import annotations

import pytest

from consult.demo import CLOSED_SLUG, OPEN_SLUG
from consult.languages import codes

from .conftest import choose_language, log_in, screenshot

PUBLIC_PAGES = ["/", f"/consultations/{OPEN_SLUG}", f"/consultations/{CLOSED_SLUG}", "/signup", "/login", "/privacy",
                f"/consultations/{CLOSED_SLUG}/what-happened", f"/consultations/{CLOSED_SLUG}/reach"]  # fmt: skip
STAFF_PAGES = {
    "participant": [f"/consultations/{OPEN_SLUG}", "/account"],
    "moderator": ["/moderation/"],
    "secretariat": [
        "/secretariat/",
        "/secretariat/consultations/new",
        "/secretariat/meetings/new",
        "/secretariat/facilitators",
    ],
    "facilitator": ["/workshops", f"/workshops/{OPEN_SLUG}/answers", f"/workshops/{OPEN_SLUG}/upload"],
}


def _serious_violations(page, axe_source: str) -> list[str]:
    page.add_script_tag(content=axe_source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("language", codes())
def test_public_pages_have_no_serious_accessibility_violation(page, axe_source, language):
    page.goto("/")
    choose_language(page, language)
    problems = {}
    for path in PUBLIC_PAGES:
        assert page.goto(path).status == 200, path  # the page itself, not an error page, is checked
        assert page.get_attribute("html", "lang") == language
        found = _serious_violations(page, axe_source)
        if found:
            problems[path] = found
    if language == "ar":
        assert page.get_attribute("html", "dir") == "rtl"
        page.goto("/")
        screenshot(page, "ar-home")
    assert not problems, problems


@pytest.mark.parametrize("role", list(STAFF_PAGES))
@pytest.mark.parametrize("language", codes())
def test_signed_in_pages_have_no_serious_accessibility_violation(page, live_app, axe_source, role, language):
    log_in(page, live_app, role)
    choose_language(page, language)
    problems = {}
    for path in STAFF_PAGES[role]:
        assert page.goto(path).status == 200, path
        found = _serious_violations(page, axe_source)
        if found:
            problems[path] = found
    assert not problems, problems


# Reflow at 320 px on every page, in every language and role: tests/browser/test_no_sideways_scroll.py.
