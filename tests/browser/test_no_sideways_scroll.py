"""No page scrolls sideways on a 320-pixel screen (WCAG 1.4.10 Reflow), in any of the six languages.

The pages are not listed by hand: every GET endpoint of the app's url_map is visited by a reader without an
account, a participant, a moderator and the secretariat, with its arguments filled from the live demo's data,
so a page added later is checked too. A page is "reachable" by a role when it answers 200 with HTML; a rule
whose arguments cannot be filled fails the test until a value is given in ``_candidates``. Skipped, each with
its reason: POST-only endpoints and downloads (below).
"""

from __future__ import annotations

import itertools
import re
from datetime import timedelta
from functools import cache

import pytest
from sqlalchemy import select

from consult import clock
from consult.demo import CLOSED_SLUG, OPEN_SLUG
from consult.extensions import db
from consult.languages import codes
from consult.models import Consultation, ConsultationStatus, Question, Submission, SubmissionStatus, User
from consult.summaries.generation import generate_summary
from consult.summaries.models import Summary, SummaryJob
from consult.summaries.versions import publish_summary

from .conftest import choose_language, log_in

NARROW = {"width": 320, "height": 640}
DRAFT_SLUG = "narrow-screen-draft"
ROLES = [None, "participant", "moderator", "secretariat", "facilitator"]
NOT_PAGES = {
    "static": "stylesheets and scripts",
    "auth.download_data": "a JSON download of the participant's data",
    "summaries.open_data": "CSV and JSON downloads",
    "summaries.document": "DOCX, PDF and Markdown downloads",
    "summaries.staff_document": "DOCX, PDF and Markdown downloads",
    "moderation.audit_csv": "a CSV download",
    "auth.choose_language": "sets the language and redirects back: no page of its own",
}
NOT_PAGES_UNDER = {"api.": "JSON for programs, not pages"}
# Pages every role must reach: if one stops answering, the test is no longer looking at what it claims to.
MUST_REACH = {
    None: {
        "consultations.home",
        "consultations.detail",
        "auth.signup",
        "auth.login",
        "summaries.archive",
        "summaries.public_version",
        "outcomes.what_happened",
    },
    "participant": {"consultations.detail", "auth.account", "consultations.edit", "consultations.withdraw"},
    "moderator": {"moderation.index", "moderation.queue", "moderation.item", "moderation.audit", "safeguarding.detail"},
    "secretariat": {
        "secretariat.dashboard",
        "secretariat.edit_consultation",
        "secretariat.publish",
        "summaries.manage",
        "summaries.review",
        "summaries.edit",
        "outcomes.edit",
        "workshops.manage_facilitators",
    },
    "facilitator": {"workshops.index", "workshops.submit", "workshops.upload"},
}

# What is too wide, to say where to look: boxes past the edge, and boxes whose content spills out of them (a
# long word at a heading's size); a table's own scrolling container is allowed to scroll.
OVERFLOW = """() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const scrolls = el => ['TEXTAREA', 'INPUT', 'SELECT', 'HTML', 'BODY'].includes(el.tagName)
    || el.closest('.table-scroll, .skip-link, .visually-hidden');
  const wide = [...document.querySelectorAll('body *')].filter(el => !scrolls(el)).filter(el => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && (box.right > width + 0.5 || box.left < -0.5 || el.scrollWidth > el.clientWidth + 1);
  });
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
    + ' "' + (el.innerText || '').trim().slice(0, 30) + '"';
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, widest: wide.slice(-4).map(name)};
}"""


def _pages_in_the_map(app) -> dict[str, list[str]]:
    """endpoint → its GET rules' patterns, less what is not a page."""
    pages: dict[str, list[str]] = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:  # POST-only: a change of state, no page to look at
            continue
        if rule.endpoint in NOT_PAGES or any(rule.endpoint.startswith(p) for p in NOT_PAGES_UNDER):
            continue
        pages.setdefault(rule.endpoint, []).append(rule.rule)
    return pages


def _candidates(app) -> dict[str, list]:
    """Values to try for each URL argument, from the live demo's data, the likeliest first."""
    with app.app_context():
        by_slug = {c.slug: c for c in db.session.scalars(select(Consultation))}
        open_one, closed_one, draft = by_slug[OPEN_SLUG], by_slug[CLOSED_SLUG], by_slug[DRAFT_SLUG]
        participant = db.session.scalar(select(User).where(User.pseudonym == app.demo_logins["participant"][0]))

        def submissions(*conditions) -> list[int]:
            query = select(Submission.id).join(Question).where(*conditions).order_by(Submission.id).limit(1)
            return list(db.session.scalars(query))

        own = submissions(Submission.author_id == participant.id, Submission.withdrawn_at.is_(None),
                          Submission.status == SubmissionStatus.PENDING,
                          Question.consultation_id == open_one.id)  # fmt: skip
        return {
            "slug": [OPEN_SLUG, CLOSED_SLUG, DRAFT_SLUG],
            "submission_id": own
            + submissions(Submission.status == SubmissionStatus.PENDING, Question.consultation_id == open_one.id)
            + submissions(Submission.status == SubmissionStatus.APPROVED, Question.consultation_id == open_one.id)
            + submissions(Submission.status == SubmissionStatus.ESCALATED)
            + submissions(Submission.flag_safeguarding.is_(True)),
            "consultation_id": [open_one.id, closed_one.id, draft.id],
            "meeting_id": [open_one.meeting_id],
            "language": ["fr"],
            "number": [1, 2, 3],  # the demo publishes an edited version of its generated summary
            "job_id": list(db.session.scalars(select(SummaryJob.id).limit(1))) or [1],
        }


def _urls(pattern: str, candidates: dict[str, list]) -> list[str]:
    names = re.findall(r"<(?:[^:<>]+:)?([^<>]+)>", pattern)
    missing = [name for name in names if name not in candidates]
    assert not missing, f"{pattern}: no value to try for {missing}; add some to _candidates()"
    urls = []
    for values in itertools.islice(itertools.product(*(candidates[n] for n in names)), 12):
        url = pattern
        for value in values:
            url = re.sub(r"<[^<>]+>", str(value), url, count=1)
        urls.append(url)
    return urls


@cache
def _reachable(live_app, role: str | None, browser) -> tuple[tuple[str, str], ...]:
    """(endpoint, address) of each page this role reaches, found once per role."""
    context = browser.new_context(base_url=live_app.base_url)
    page = context.new_page()
    try:
        if role:
            log_in(page, live_app, role)
        candidates = _candidates(live_app)
        found = []
        for endpoint, patterns in sorted(_pages_in_the_map(live_app).items()):
            for url in (u for pattern in patterns for u in _urls(pattern, candidates)):
                response = page.request.get(url, max_redirects=0)
                if response.status == 200 and response.headers.get("content-type", "").startswith("text/html"):
                    found.append((endpoint, url))
                    break
    finally:
        context.close()
    missed = MUST_REACH[role] - {endpoint for endpoint, _url in found}
    assert not missed, f"{role or 'a reader'} no longer reaches {missed}"
    return tuple(found)


@pytest.fixture(scope="module")
def demo_with_every_page(live_app):
    """What the demo lacks for some pages to exist: the participant's own waiting answer (edit, withdraw), an
    escalated answer (the safeguarding team's page), a draft consultation (publish), and a published summary of
    the closed consultation (the archive's pages). The closed consultation's: the open one's queue stays as seeded."""
    with live_app.app_context():
        participant = db.session.scalar(select(User).where(User.pseudonym == live_app.demo_logins["participant"][0]))
        secretariat = db.session.scalar(select(User).where(User.pseudonym == live_app.demo_logins["secretariat"][0]))
        question = db.session.scalar(
            select(Question).join(Consultation).where(Consultation.slug == OPEN_SLUG, Question.position == 2)
        )
        db.session.add(Submission(question_id=question.id, author_id=participant.id, language="en",
                                  body="A waiting answer of my own, to edit on a narrow phone.",
                                  age_band=participant.age_band, country=participant.country))  # fmt: skip
        if db.session.scalar(select(Consultation.id).where(Consultation.slug == DRAFT_SLUG)) is None:
            now = clock.utcnow()
            draft = Consultation(slug=DRAFT_SLUG, title="A draft on a narrow screen", status=ConsultationStatus.DRAFT,
                                 opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=2))  # fmt: skip
            draft.questions = [Question(position=1, prompt="What would you ask?", max_length=1000)]
            db.session.add(draft)
        closed = db.session.scalar(select(Consultation).where(Consultation.slug == CLOSED_SLUG))
        db.session.add(Submission(question_id=closed.questions[0].id, language="en", status=SubmissionStatus.ESCALATED,
                                  body="An answer the safeguarding team reads on a narrow screen."))  # fmt: skip
        if db.session.scalar(select(Summary.id).where(Summary.consultation_id == closed.id)) is None:
            publish_summary(generate_summary(closed, secretariat), secretariat)
        db.session.commit()


@pytest.mark.parametrize("language", codes())
@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "public")
def test_no_page_scrolls_sideways_at_320_pixels(browser, live_app, demo_with_every_page, role, language):
    pages = _reachable(live_app, role, browser)
    context = browser.new_context(base_url=live_app.base_url, viewport=NARROW)
    page = context.new_page()
    try:
        if role:
            log_in(page, live_app, role)
        else:
            page.goto("/")
        choose_language(page, language)
        problems = {}
        for endpoint, url in pages:
            page.goto(url)
            assert page.get_attribute("html", "lang") == language, url
            found = page.evaluate(OVERFLOW)
            if found:
                problems[f"{endpoint} {url}"] = found
    finally:
        context.close()
    print(f"{role or 'public'} {language}: {len(pages)} pages checked: {sorted(e for e, _u in pages)}")
    assert not problems, problems
