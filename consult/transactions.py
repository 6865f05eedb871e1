"""The one commit point: a request's work is committed once, after its view has answered, or not at all.

In the manner of Indico's request handler (``indico/web/rh.py``): services flush and raise
``consult.domain`` errors, views parse, call a service and answer, and only this module commits or rolls back.

- The answer is below 400 (a page, a redirect, a download): commit. Should the commit itself break a
  constraint (two people taking the same thing at the same moment), nothing is kept and the person gets a
  translated 409 page, never a server error.
- A ``DomainError`` the view let through: roll back, then show its message on the translated error page with
  the text the person typed given back.
- An answer of 400 or more (a form shown again with its errors, 403, 404, 429...) or any other exception:
  roll back.

CLI commands commit on their own, once per command.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, Response, session
from sqlalchemy.exc import IntegrityError

from .domain import DomainError
from .errors import MESSAGES, render_error, typed_text
from .extensions import db


def register(app: Flask) -> None:
    """Registered after every other ``after_request`` hook of the app, so it runs before them: a 409 page
    that replaces a failed commit still gets the security headers and the session cookie."""
    app.register_error_handler(DomainError, refused)
    app.register_error_handler(IntegrityError, _conflict)
    app.after_request(finish)


def finish(response: Response) -> Response:
    if response.status_code >= 400:
        db.session.rollback()
        return response
    work = db.session()
    if not work.in_transaction():  # nothing read or written: nothing to end
        return response
    # A streamed body is read after the session has gone: the objects it uses must stay loaded.
    expire, work.expire_on_commit = work.expire_on_commit, not response.is_streamed
    try:
        work.commit()
    except IntegrityError:
        return _conflict_page()
    finally:
        work.expire_on_commit = expire
    return response


@contextmanager
def all_or_nothing() -> Iterator[None]:
    """Around a service that may refuse, or meet a constraint, after it has written: the failure undoes
    its writes at once (a savepoint) and goes on up, so the page that answers it reads the database as it
    was. The commit point still decides for the rest of the request."""
    with db.session.begin_nested():
        yield


def refused(error: DomainError):
    """The error page for a refusal no view caught, read from the database as it was before the request."""
    db.session.rollback()
    title, default = MESSAGES.get(error.status_code, MESSAGES[400])
    return render_error(error.status_code, title, error.message or default, kept=typed_text())


def _conflict(error: IntegrityError):
    return _conflict_page()


def _conflict_page():
    db.session.rollback()
    # What the view flashed ("saved", "published") did not happen.
    session.pop("_flashes", None)
    page, status = render_error(409, *MESSAGES[409], kept=typed_text())
    return Response(page, status=status, mimetype="text/html")
