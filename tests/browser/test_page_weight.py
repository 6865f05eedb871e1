"""Page weight and third parties, measured in a real browser: under 150 KB per page, nothing from elsewhere.

Weights are the decoded bytes of every response a fresh browser fetched for the page (HTML, CSS, JS and
anything else), so compression on the wire can only make the real figure smaller.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

import pytest

from consult.demo import OPEN_SLUG

from .conftest import log_in

MOST_BYTES = 150 * 1024
MAIN_PAGES = {
    "home": (None, "/"),
    "consultation": (None, f"/consultations/{OPEN_SLUG}"),
    "sign-up": (None, "/signup"),
    "login": (None, "/login"),
    "moderation queue": ("moderator", f"/moderation/consultations/{OPEN_SLUG}"),
    "secretariat dashboard": ("secretariat", "/secretariat/"),
}


def weigh(page, path: str) -> tuple[Counter, list[str]]:
    """Bytes per resource type fetched while loading ``path``, and every URL the browser asked for."""
    responses, requested = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on("response", lambda response: responses.append(response))
    page.goto(path)
    page.wait_for_load_state("load")
    weights = Counter()
    for response in responses:
        if 300 <= response.status < 400:  # a redirect's own body is not part of the page
            continue
        weights[response.request.resource_type] += len(response.body())
    return weights, requested


@pytest.mark.parametrize("name", list(MAIN_PAGES))
def test_a_main_page_weighs_under_150_kilobytes_and_asks_no_other_site(browser, live_app, name):
    role, path = MAIN_PAGES[name]
    context = browser.new_context(base_url=live_app.base_url)
    try:
        page = context.new_page()
        if role:
            log_in(page, live_app, role)
        weights, requested = weigh(page, path)
    finally:
        context.close()
    own = urlsplit(live_app.base_url).netloc
    elsewhere = [url for url in requested if urlsplit(url).scheme != "data" and urlsplit(url).netloc != own]
    assert not elsewhere, f"{name} asks other sites: {elsewhere}"
    total = sum(weights.values())
    print(f"page weight {name} ({path}): {total / 1024:.1f} KB {dict(weights)}")
    assert weights["document"] and weights["stylesheet"], f"{name} was not measured whole: {dict(weights)}"
    assert total < MOST_BYTES, f"{name} weighs {total / 1024:.1f} KB: {dict(weights)}"
