"""Conditional GET and a small page cache for anonymous readers of the public pages.

During the one-day surge most requests are readers without an account reloading the same pages.
A reader without an account sees what every other reader in their language sees, so a page gets an
ETag computed from a few cheap aggregates (never from the rendered page): a revalidation is answered
304 without rendering, and each worker keeps the pages it rendered last.

The one personal thing on such a page is the CSRF token of the report forms. The page is rendered
once with a placeholder and each reader's own token is put in when it is served; the ETag then also
names the reader's token, and the page is ``private`` (the token lives in their session cookie).
Pages without a form (the home page) carry no token, need no session and are ``public``. Anyone
signed in, or with anything else in their session (a flash message), gets a page rendered afresh
and never stored; signed-in pages keep ``Cache-Control: no-store`` (consult/security.py).

What the aggregates do not see (a summary published, a translation added) reaches readers within
``PUBLIC_CACHE_SECONDS``: the current period of that length is part of the ETag.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from threading import Lock

from flask import Response, abort, current_app, g, make_response, request, session
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import and_, bindparam, func, select

from .. import clock
from ..extensions import db
from ..i18n import current_language
from ..models import Consultation, ConsultationStatus, Endorsement, Question, Submission, SubmissionStatus

# Stored, but revalidated on every use: an answer taken down disappears at once.
PUBLIC = "public, no-cache"
PRIVATE = "private, no-cache"
VARY = "Accept-Language, Cookie"
MAX_PAGES = 256  # per worker: a few pages per language are all a surge reads
PUBLIC_CACHE_SECONDS = 60  # the default; CONSULT_PUBLIC_CACHE_SECONDS overrides it
PUBLIC_STATE_SECONDS = 1.0  # the default; CONSULT_PUBLIC_STATE_SECONDS overrides it (0: every request)

try:
    APP_VERSION = version("consult")
except PackageNotFoundError:  # pragma: no cover - running from a checkout that was never installed
    APP_VERSION = "checkout"

TOKEN_SLOT = f"csrf-token-slot-{secrets.token_hex(16)}"

_pages_lock = Lock()
_LOGIN_BOOKKEEPING = frozenset({"_remember", "_fresh", "_id"})


def anonymous_reader() -> bool:
    """No account, and nothing in the session but perhaps a CSRF token."""
    # Flask-Login's strong session protection marks a session without an account "_remember: clear".
    return not current_user.is_authenticated and set(_session_content()) <= {_token_field()}


def _session_content() -> dict:
    return {key: value for key, value in session.items() if key not in _LOGIN_BOOKKEEPING}


def _token_field() -> str:
    return current_app.config["WTF_CSRF_FIELD_NAME"]


def _endorsed(aggregate):
    """Each published answer shows its endorsements. Their ids are never used again (see the model),
    so the count and the newest id change with every endorsement given or taken back."""
    return (
        select(aggregate)
        .join(Submission, Submission.id == Endorsement.submission_id)
        .join(Question, Question.id == Submission.question_id)
        .where(Question.consultation_id == Consultation.id, Submission.status == SubmissionStatus.APPROVED)
        .correlate(Consultation)
        .scalar_subquery()
    )


_ENDORSEMENTS = _endorsed(func.count(Endorsement.id))
_LATEST_ENDORSEMENT = _endorsed(func.max(Endorsement.id))


_LISTING_STATE = select(Consultation.id, Consultation.opens_at, Consultation.closes_at).where(
    Consultation.status == ConsultationStatus.PUBLISHED
)


@cache
def _consultation_state_query():
    """Built once, so each request only binds the slug: no ORM objects, no query compiled per request."""
    # A newly published summary changes the page too: it links the summary. The summaries package sits
    # above this one, so its table is found by name (the app factory registers it) rather than imported.
    summaries = db.metadata.tables["summaries"]
    latest_summary = (
        select(func.max(summaries.c.published_at)).where(summaries.c.consultation_id == Consultation.id)
    ).scalar_subquery()
    return (
        select(Consultation.id, Consultation.opens_at, Consultation.closes_at, Consultation.title,
               Consultation.description, func.count(Submission.id), func.max(Submission.id),
               func.max(Submission.decided_at), func.max(Submission.updated_at), latest_summary,
               _ENDORSEMENTS, _LATEST_ENDORSEMENT)
        .outerjoin(Question, Question.consultation_id == Consultation.id)
        .outerjoin(Submission, and_(Submission.question_id == Question.id,
                                    Submission.status == SubmissionStatus.APPROVED))
        .where(Consultation.slug == bindparam("slug"), Consultation.status == ConsultationStatus.PUBLISHED)
        .group_by(Consultation.id)
    )  # fmt: skip


def _phase(opens_at: datetime, closes_at: datetime, now: datetime) -> str:
    return "scheduled" if now < opens_at else "open" if now < closes_at else "closed"


def _recent(key: tuple, compute: Callable[[], tuple | None]) -> tuple | None:
    """A validator read at most PUBLIC_STATE_SECONDS ago in this worker: during a surge a page's state
    is read once a second, not once a request (a new approval shows that much later)."""
    default = 0 if current_app.config["ENV"] == "testing" else PUBLIC_STATE_SECONDS  # tests see every change
    seconds = current_app.config.get("PUBLIC_STATE_SECONDS", default)
    if not seconds:
        return compute()
    states: dict = current_app.extensions.setdefault("consult_public_states", {})
    now = time.monotonic()
    held = states.get(key)
    if held is None or held[0] <= now:
        held = states[key] = (now + seconds, compute())
        if len(states) > MAX_PAGES:
            states.clear()  # slugs nobody has: forget them all rather than grow
    return held[1]


def consultation_validator(slug: str) -> tuple | None:
    """What the public page of a published consultation shows changes with these; None: no such page."""
    return _recent(("consultation", slug), lambda: _consultation_state(slug))


def _consultation_state(slug: str) -> tuple | None:
    row = db.session.connection().execute(_consultation_state_query(), {"slug": slug}).first()
    if row is None:
        return None
    consultation_id, opens_at, closes_at, title, description, *approved = row
    text_digest = hashlib.blake2b(f"{title}\0{description}".encode(), digest_size=8).hexdigest()
    return consultation_id, _phase(opens_at, closes_at, clock.utcnow()), text_digest, *map(str, approved)


def listing_validator() -> tuple:
    """The home page lists the published consultations by phase."""
    return _recent(("listing",), _listing_state)


def _listing_state() -> tuple:
    now = clock.utcnow()
    rows = db.session.connection().execute(_LISTING_STATE)
    return tuple(sorted((id_, _phase(opens_at, closes_at, now)) for id_, opens_at, closes_at in rows))


def _digest(*parts) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def _public(response: Response, etag: str, shared: bool) -> Response:
    response.set_etag(etag)
    response.headers["Cache-Control"] = PUBLIC if shared else PRIVATE
    response.headers["Vary"] = VARY
    return response


def _render_with_slot(render: Callable[[], ResponseReturnValue]) -> Response:
    """Render with the placeholder where the CSRF token goes; Flask-WTF takes a token already in g."""
    setattr(g, _token_field(), TOKEN_SLOT)
    try:
        return make_response(render())
    finally:
        delattr(g, _token_field())


def public_page(validator: Callable[[], Iterable | None], render: Callable[[], ResponseReturnValue]) -> Response:
    """Answer an anonymous reader from the ETag or the page cache; anyone else gets render().

    validator() returns None when the page does not exist (404)."""
    if not anonymous_reader():
        return make_response(render())
    state = validator()
    if state is None:
        abort(404)
    period = int(time.time() // current_app.config.get("PUBLIC_CACHE_SECONDS", PUBLIC_CACHE_SECONDS))
    key = _digest(APP_VERSION, current_language(), request.full_path, period, tuple(state))
    pages: OrderedDict[str, str] = current_app.extensions.setdefault("consult_public_pages", OrderedDict())
    with _pages_lock:
        body = pages.get(key)
        if body is not None:
            pages.move_to_end(key)
    if body is None:
        before = _session_content()
        response = _render_with_slot(render)
        body = response.get_data(as_text=True)
        if response.status_code != 200 or _session_content() != before:
            # An error or a page that wrote to the session: this reader's own, never stored.
            response.set_data(body.replace(TOKEN_SLOT, generate_csrf()))
            return response
        with _pages_lock:
            pages[key] = body
            while len(pages) > MAX_PAGES:
                pages.popitem(last=False)
    personal = TOKEN_SLOT in body
    if personal:
        token = generate_csrf()  # the reader's own; on a first visit this starts their session
        etag = _digest(key, session[_token_field()])
    else:
        etag = key
    if request.if_none_match.contains(etag):
        return _public(Response(status=304), etag, shared=not personal)
    if personal:
        body = body.replace(TOKEN_SLOT, token)
    return _public(Response(body, mimetype="text/html"), etag, shared=not personal)
