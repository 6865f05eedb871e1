"""Error pages: translated, plain, and never a dead end for what someone typed."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, redirect, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

MESSAGES = {
    400: (_l("Something was wrong with that request"), _l("Please go back and try again.")),
    403: (_l("This page is not for you"), _l("Your account does not have access to this page.")),
    404: (_l("Page not found"), _l("We could not find this page. It may have moved, or it may not be public.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    # Two people changed the same thing at once, or the page was out of date (consult/transactions.py).
    409: (
        _l("Someone else changed this at the same moment"),
        _l("Nothing was saved. Please reload the page and try again."),
    ),
    413: (_l("Too much text"), _l("What you sent is too large. Please send less at a time.")),
    429: (_l("Please slow down"), _l("You have sent many requests in a short time. Wait a minute and try again.")),
    500: (_l("Something went wrong on our side"), _l("Please try again in a moment.")),
}
CSRF_TITLE = _l("Your page expired")
CSRF_MESSAGE = _l("For your safety, forms stop working after a while. Please reload the page and try again.")
CSRF_MESSAGE_WITH_TEXT = _l(
    "For your safety, forms stop working after a while. Your text is below: copy it, reload the page and send it again."
)

SIGNED_OUT_TITLE = _l("Please log in again")
SIGNED_OUT_MESSAGE = _l(
    "You were logged out, so this was not sent. Your text is below: copy it, log in and send it again."
)

# Fields whose contents are shown back on an error page, so nothing a participant wrote is lost.
_KEPT_FIELDS = ("body", "prompt", "description")


def typed_text() -> list[str]:
    too_large = (request.content_length or 0) > current_app.config["MAX_CONTENT_LENGTH"]
    if request.method != "POST" or too_large:
        return []
    return [value for key, value in request.form.items(multi=True) if key.endswith(_KEPT_FIELDS) and value.strip()]


API_PREFIX = "/api/"


def json_error(code: int, name: str):
    """The API's error shape, whichever layer refused: no route, a view's abort, or a crash."""
    return jsonify({"error": {"status": code, "message": name}}), code


def render_error(code: int, title, message, kept: list[str] | None = None):
    if request.path.startswith(API_PREFIX):
        return json_error(code, HTTP_STATUS_CODES.get(code, "Error"))
    return render_template("errors/error.html", code=code, title=title, message=message, kept=kept or []), code


def signed_out(login_url: str):
    """A signed-out POST that carried someone's words: give them back rather than redirecting."""
    kept = typed_text()
    if not kept:
        return redirect(login_url)
    response = render_template("errors/error.html", code=401, title=SIGNED_OUT_TITLE, message=SIGNED_OUT_MESSAGE,
                               kept=kept, login_url=login_url)  # fmt: skip
    return response, 401


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        kept = typed_text()
        return render_error(400, CSRF_TITLE, CSRF_MESSAGE_WITH_TEXT if kept else CSRF_MESSAGE, kept=kept)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        title, message = MESSAGES.get(code, (error.name, error.description))
        # Slowed down mid-answer: the words come back so they can be sent a little later.
        response = render_error(code, title, message, kept=typed_text() if code == 429 else None)
        if code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            return response[0], code, {"Allow": ", ".join(error.valid_methods)}
        return response

    @app.errorhandler(500)
    def server_error(error):
        return render_error(500, *MESSAGES[500])
