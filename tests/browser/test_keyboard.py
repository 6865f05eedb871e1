"""The participant path with a keyboard alone: Tab, Shift+Tab, Enter, Space and typing, never a click.

At every stop the focused element must show where it is (WCAG 2.4.7): a visible outline or box-shadow.
"""

from __future__ import annotations

import re

from consult.demo import OPEN_SLUG

MOST_PRESSES = 80  # far more stops than any page has; a missing control fails instead of looping
ANSWER = "Teach us how to block and report strangers, in lessons, not only on posters."

FOCUS_STATE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    id: el.id,
    tag: el.tagName.toLowerCase(),
    href: el.getAttribute('href') || '',
    text: (el.innerText || el.value || '').trim().slice(0, 60),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== 'none',
  };
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUS_STATE)


def assert_focus_visible(page) -> dict:
    state = focused(page)
    assert state["outline"] or state["shadow"], f"focus is invisible on {state}"
    return state


def tab_to(page, selector: str, key: str = "Tab") -> None:
    """Press Tab (or Shift+Tab) until ``selector`` has the focus, checking visible focus at every stop."""
    for _ in range(MOST_PRESSES):
        page.keyboard.press(key)
        state = assert_focus_visible(page)
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{key} never reached {selector}; last stop: {state}")


def press_and_wait(page, key: str, url: re.Pattern) -> None:
    with page.expect_navigation(url=url):
        page.keyboard.press(key)
    page.wait_for_load_state()


def test_a_participant_signs_up_and_answers_with_the_keyboard_alone(page):
    page.goto("/")

    # The skip link is the first stop, shows itself, and moves the focus to the main content.
    page.keyboard.press("Tab")
    assert_focus_visible(page)
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    assert page.locator(".skip-link").bounding_box()["x"] >= 0, "the focused skip link stays off screen"
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'main'")

    # Back up into the header (past the language buttons) to the sign-up link.
    tab_to(page, "header a[href='/signup']", key="Shift+Tab")
    press_and_wait(page, "Enter", re.compile(r"/signup$"))

    # The form, field by field.
    tab_to(page, "#pseudonym")
    page.keyboard.type("Keys-only-Ana")
    tab_to(page, "#password")
    page.keyboard.type("paper boats drift slowly 7")
    tab_to(page, "#age")
    page.keyboard.type("16")
    tab_to(page, "#country")
    page.keyboard.type("Kenya")  # a closed select picks by typed name
    assert page.input_value("#country") == "KE"
    tab_to(page, "#language")
    assert page.input_value("#language") == "en"
    tab_to(page, "#consent")
    page.keyboard.press("Space")
    assert page.is_checked("#consent")
    tab_to(page, "main form button[type=submit]")
    press_and_wait(page, "Enter", re.compile(r"/$"))
    assert page.locator("header .who").count() == 1, "the sign-up did not sign the participant in"

    # From the home page to the open consultation's answer form.
    page.keyboard.press("Tab")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'main'")
    tab_to(page, f"main a[href='/consultations/{OPEN_SLUG}']")
    press_and_wait(page, "Enter", re.compile(rf"/consultations/{OPEN_SLUG}$"))
    tab_to(page, "#body-1")
    page.keyboard.type(ANSWER)
    tab_to(page, "#question-1 form.response-form button[type=submit]")
    press_and_wait(page, "Enter", re.compile(rf"/consultations/{OPEN_SLUG}"))

    mine = page.locator("#your-responses-section article.mine")
    assert mine.count() == 1
    assert ANSWER in mine.inner_text()
