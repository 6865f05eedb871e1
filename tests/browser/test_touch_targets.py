"""Touch targets on a phone (WCAG 2.2, 2.5.8 Target Size, Minimum) for every link and button in the header and
the main content: at least 24 by 24 CSS pixels, or spaced so that a 24-pixel circle centred on the target touches
no other target and no other small target's circle. The inline-text exception is not used: links in a sentence
must pass too.
"""

from __future__ import annotations

import pytest

from consult.demo import CLOSED_SLUG, OPEN_SLUG

from .conftest import choose_language, log_in

PHONE = {"width": 360, "height": 740}
PAGES = {
    None: ["/", f"/consultations/{OPEN_SLUG}", f"/consultations/{CLOSED_SLUG}", "/signup", "/login", "/privacy"],
    "participant": [f"/consultations/{OPEN_SLUG}", "/account"],
    "moderator": ["/moderation/", f"/moderation/consultations/{OPEN_SLUG}"],
    "secretariat": ["/secretariat/", "/secretariat/consultations/new"],
}

SMALL_TARGETS = """() => {
  const MIN = 24;
  const selector = 'header a, header button, main a, main button, main summary';
  const targets = [...document.querySelectorAll(selector)]
    .map(el => ({el, boxes: [...el.getClientRects()].filter(r => r.width > 0 && r.height > 0)}))
    .filter(t => t.boxes.length);
  const small = (box) => box.width < MIN || box.height < MIN;
  const centre = (box) => ({x: box.left + box.width / 2, y: box.top + box.height / 2});
  const gap = (p, box) => Math.hypot(
    Math.max(box.left - p.x, 0, p.x - box.right), Math.max(box.top - p.y, 0, p.y - box.bottom));
  const problems = [];
  for (const t of targets) {
    for (const box of t.boxes.filter(small)) {
      const c = centre(box);
      const crowded = targets.some(o => o.el !== t.el && o.boxes.some(other =>
        gap(c, other) < MIN / 2 || (small(other) && Math.hypot(c.x - centre(other).x, c.y - centre(other).y) < MIN)));
      if (crowded) {
        problems.push(`${t.el.tagName.toLowerCase()} "${(t.el.innerText || '').trim().slice(0, 40)}" `
          + `${box.width.toFixed(1)}×${box.height.toFixed(1)}`);
      }
    }
  }
  return problems;
}"""


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("role", list(PAGES), ids=lambda role: role or "public")
def test_links_and_buttons_are_big_enough_to_touch_on_a_phone(page, live_app, role, language):
    page.set_viewport_size(PHONE)
    if role:
        log_in(page, live_app, role)
    else:
        page.goto("/")
    choose_language(page, language)
    problems = {}
    for path in PAGES[role]:
        page.goto(path)
        found = page.evaluate(SMALL_TARGETS)
        if found:
            problems[path] = found
    assert not problems, problems
