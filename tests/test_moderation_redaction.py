"""Redaction: after a redacted approval, the words as written never leave the moderators' pages."""

from __future__ import annotations

import re

from consult.models import Role, Submission, SubmissionStatus

ORIGINAL = (
    "My name is Amina Yusuf, I go to Riverside Secondary School. "
    "Message me on +254 712 345 678 or amina.yusuf@example.com about online games."
)
PERSONAL = ("Amina Yusuf", "Riverside", "712 345 678", "amina.yusuf@example.com", "+254")


def _signed_in(app, user):
    browser = app.test_client()
    assert browser.post("/login", data={"username": user.pseudonym, "password": user.password}).status_code == 302
    return browser


def _public_pages(app, consultation) -> list[str]:
    """Every GET page of the app that takes no argument but the consultation, as an anonymous reader sees it."""
    reader = app.test_client()
    urls = set()
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and set(rule.arguments) <= {"slug"} and rule.endpoint != "static":
            urls.add(rule.rule.replace("<slug>", consultation.slug))
    pages = []
    for url in sorted(urls):
        response = reader.get(url, follow_redirects=True)
        pages.append(f"{url} -> {response.status_code}\n{response.get_data(as_text=True)}")
    return pages


def test_the_original_never_reaches_a_public_page_after_a_redacted_approval(app, db, make_user, make_consultation):
    consultation = make_consultation(open=True)
    author = make_user()
    participant = _signed_in(app, author)
    sent = participant.post(
        f"/consultations/{consultation.slug}/questions/1/responses", data={"body": ORIGINAL, "language": "en"}
    )
    assert sent.status_code == 303
    submission = db.session.query(Submission).one()
    assert submission.flag_pii and submission.suggested_text

    # The moderator approves from the response's page, keeping the form's default: the suggested redaction.
    moderator = _signed_in(app, make_user(Role.MODERATOR))
    page = moderator.get(f"/moderation/submissions/{submission.id}").text
    for piece in PERSONAL:
        assert piece in page  # the moderator sees everything
    form = re.search(r'<form method="post" action="([^"]+/approve)".*?</form>', page, re.DOTALL)
    data = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form.group(0)))
    data["version"] = re.search(r'<input checked id="version-\d" name="version" required type="radio" value="(\w+)"',
                                form.group(0)).group(1)  # fmt: skip
    data["published_text"] = submission.suggested_text
    assert data["version"] == "suggested"
    assert moderator.post(form.group(1), data=data).status_code == 303
    approved = db.session.get(Submission, submission.id)
    assert approved.status is SubmissionStatus.APPROVED

    pages = _public_pages(app, consultation)
    other_participant = _signed_in(app, make_user())
    pages.append(other_participant.get(f"/consultations/{consultation.slug}").get_data(as_text=True))

    assert any(approved.published_text in page for page in pages)  # it is published, redacted
    for page in pages:
        for piece in PERSONAL:
            assert piece not in page, page[:80]
    # The author still reads their own words, and what others read.
    own = participant.get(f"/consultations/{consultation.slug}").text
    assert ORIGINAL in own and approved.published_text in own
