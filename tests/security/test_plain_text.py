"""Plain text stays plain: what participants type is stored with no markup at all.

HTML pages escape everything anyway; these payloads matter for readers of the JSON API, the CSV and the
Markdown, who may render what they receive. Written for this project (MathML, SVG, custom and unknown
elements, leftovers that reassemble), beside the naughty strings that tests/test_naughty_strings.py sends.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from consult.models import Role, Submission
from consult.moderation.events import text_hash
from consult.text import clean_plain_text, clean_single_line

PAYLOADS = (
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<math><mi xlink:href=javascript:alert(1)>click</mi></math>",
    "<svg><foreignObject><iframe srcdoc=&lt;script&gt;alert(1)&lt;/script&gt;></iframe></foreignObject></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<svg><set attributeName=href to=javascript:alert(1) /><a><text x=20 y=20>click</text></a></svg>",
    "<mglyph><malignmark><annotation-xml encoding=text/html><img src=x onerror=alert(1)>",
    "<x-widget onclick=alert(1)>custom</x-widget>",
    "<blah onpointerover=alert(1)>hover</blah>",
    "<unknown>left</unknown> <thing/>",
    "<scr<mglyph>ipt>alert(1)</scr<mglyph>ipt>",
    "<<mi>img src=x onerror=alert(1)>",
    "<!--><mglyph/--><img src=x onerror=alert(1)>-->",
    "<?xml-stylesheet href=x?><p>hi</p>",
    "<details open ontoggle=alert(1)>",
)
KEPT = ("I <3 this", "x<y and y>z", "10 < 20 > 5", "a <= b", "&lt;b&gt; stays as typed", "<-- an arrow")


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.found.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.found.append(tag)

    def handle_endtag(self, tag):
        self.found.append("/" + tag)

    def handle_comment(self, data):
        self.found.append("<!--")

    def handle_pi(self, data):
        self.found.append("<?")


def elements(text: str) -> list[str]:
    parser = _Elements()
    parser.feed(text)
    parser.close()
    return parser.found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_element_survives_cleaning(payload):
    for cleaned in (clean_plain_text(payload), clean_single_line(payload)):
        assert elements(cleaned) == [], cleaned


@pytest.mark.parametrize("text", KEPT)
def test_text_that_only_looks_like_markup_is_kept(text):
    assert clean_plain_text(text) == text


def test_the_api_gives_readers_no_markup(app, client, db, login, make_user, make_consultation):
    consultation = make_consultation(open=True)
    for payload in PAYLOADS:
        login(make_user())
        body = f"Safer apps please {payload} thanks"
        posted = client.post(f"/consultations/{consultation.slug}/questions/1/responses",
                             data={"body": body, "language": "en"})  # fmt: skip
        assert posted.status_code in (302, 303), posted.text
    stored = db.session.scalars(db.select(Submission)).all()
    assert len(stored) == len(PAYLOADS)
    assert all(elements(submission.body) == [] for submission in stored), [s.body for s in stored]

    login(make_user(Role.MODERATOR))
    for submission in stored:
        decided = client.post(f"/moderation/submissions/{submission.id}/approve",
                              data={"seen": text_hash(submission.body), "version": "as_written"})  # fmt: skip
        assert decided.status_code == 303, decided.text
    client.post("/logout")

    listing = client.get(f"/api/v1/consultations/{consultation.slug}/responses").get_json()
    texts = [response["text"] for response in listing["responses"]]
    assert len(texts) == len(PAYLOADS)
    assert all(elements(text) == [] for text in texts), texts
    assert all(text.startswith("Safer apps please") and text.endswith("thanks") for text in texts)
