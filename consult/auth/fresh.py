"""Sensitive staff actions ask for the password again when it was last typed a while ago.

OWASP ASVS 5.0 L2, re-authentication before highly sensitive operations: a staff session left open on a
shared computer must not be enough to read a child's disclosure, take the decision record away, or change
what the public sees. ``fresh_login_required`` guards:

- the secretariat's pages that change a meeting or a consultation (its questions, window, translations),
  and publishing it;
- generating, editing and publishing a summary;
- the safeguarding pages, the list included: they show disclosures and the team's notes;
- the moderation audit trail as CSV.

Routine moderation (the queue, approve, reject, escalate, bulk approval) is deliberately not guarded:
moderators work through hundreds of items during the one-day surge, and a password prompt in the middle of
that costs more in mistakes than it protects; their sessions are short anyway (STAFF_SESSION_IDLE_MINUTES).

Once the password is older than ``STAFF_FRESH_LOGIN_MINUTES``, reading a page (GET) shows "Confirm it's
you", which posts to the login form and comes back to the page. A form sent (POST) is answered with the
same page carrying every field back as hidden inputs to the same address: with the right password the
original action goes ahead in one step, and nothing typed is lost. Every attempt counts against the login
form's own rate limits, and is written to the security log.
"""

from __future__ import annotations

from functools import wraps

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from limits import parse_many
from werkzeug.datastructures import CombinedMultiDict, ImmutableMultiDict
from wtforms import PasswordField

from ..audit_log import security_event
from ..extensions import limiter, login_manager
from ..navigation import is_local_path, safe_next
from ..ratelimits import account_key_for, client_address_key
from .services import verify_password
from .sessions import mark_password_entered, seconds_since_password

# Named so that it can never be mistaken for a field of the form it travels with.
REAUTH_FIELD = "reauth_password"
# The login form's limits are shared under this scope (consult/auth/views.py), so confirming counts too.
LOGIN_LIMIT_SCOPE = "login"


class ReauthForm(FlaskForm):
    class Meta:
        csrf = False  # CSRFProtect checks every POST; the page carries its own fresh token

    reauth_password = PasswordField(_l("Password"))


def password_is_fresh() -> bool:
    return seconds_since_password() <= current_app.config["STAFF_FRESH_LOGIN_MINUTES"] * 60


def fresh_login_required(view):
    """Ask for the password again when it is stale. Goes below the role decorator: only admitted staff are asked.

    Not Flask-Login's decorator of the same name, which is about remember-me cookies (this app sets none).
    """

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if request.method in ("GET", "HEAD"):
            if password_is_fresh():
                return view(*args, **kwargs)
            address = _this_address()
            return confirm_page(url_for("auth.login"), [("next", [address])] if is_local_path(address) else [])
        password = request.form.get(REAUTH_FIELD)
        _forget_password_field()
        if password_is_fresh():  # confirmed meanwhile, in another tab
            return view(*args, **kwargs)
        fields = _posted_fields()
        if request.files:
            # A file cannot travel back in a hidden field: the form asks for it again after confirming.
            return confirm_page(_this_address(), fields, files_dropped=True)
        if password is None:
            return confirm_page(_this_address(), fields)
        refusal = check_password(password)
        if refusal is not None:
            return confirm_page(_this_address(), fields, error=refusal[0], status=refusal[1])
        return view(*args, **kwargs)

    return wrapped


def confirm_and_return():
    """The confirm page of a page read posts to the login form: with the right password, back to the page."""
    refusal = check_password(request.form.get(REAUTH_FIELD, ""))
    if refusal is None:
        return redirect(safe_next(), 303)
    target = request.form.get("next", "")
    fields = [("next", [target])] if is_local_path(target) else []
    return confirm_page(url_for("auth.login"), fields, error=refusal[0], status=refusal[1])


def check_password(password: str) -> tuple[str, int] | None:
    """None when the password is right and the session is fresh again; else the message and status to show."""
    if not password:
        return _("Enter your password to continue."), 401
    if not _attempt_allowed():
        return _("You have tried many times in a short time. Wait a minute and try again."), 429
    user = current_user._get_current_object()
    if verify_password(user, password) and user.active:
        mark_password_entered()
        security_event("reauth", endpoint=request.endpoint)
        return None
    security_event("reauth_failed", endpoint=request.endpoint)
    return _("That password is not right."), 401


def confirm_page(action: str, fields: list[tuple[str, list[str]]], *, error: str | None = None,
                 status: int = 401, files_dropped: bool = False):  # fmt: skip
    """401 with a way forward: the page is the form that authenticates the request."""
    form = ReauthForm(formdata=None)
    if error:
        form.reauth_password.errors = [error]
    kept = any(name != "next" for name, _values in fields)
    return render_template("auth/reauth.html", form=form, action=action, fields=fields, kept=kept,
                           files_dropped=files_dropped), status  # fmt: skip


def _this_address() -> str:
    query = request.query_string.decode("utf-8", "replace")
    return request.path + (f"?{query}" if query else "")


def _posted_fields() -> list[tuple[str, list[str]]]:
    """Everything the form sent, every value of a multi-valued field included, but its spent CSRF token."""
    token = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    return [(name, values) for name, values in request.form.lists() if name not in (token, REAUTH_FIELD)]


def _forget_password_field() -> None:
    """The view and anything it calls never see the password."""
    if REAUTH_FIELD in request.form:
        request.form = ImmutableMultiDict([item for item in request.form.items(multi=True) if item[0] != REAUTH_FIELD])
        request.values = CombinedMultiDict([request.args, request.form])


def _attempt_allowed() -> bool:
    """Count the attempt in the login form's own buckets: per client address and per account."""
    if not (limiter.enabled and limiter.initialized):
        return True
    config = current_app.config
    prefix = config.get("RATELIMIT_KEY_PREFIX", "")
    # As consult.ratelimits.account_key keys the login form, but for the account signed in, whatever is posted.
    account = account_key_for(current_user.pseudonym)
    breached = None
    for limits, key in ((config["LOGIN_LIMIT_PER_ADDRESS"], client_address_key()),
                        (config["LOGIN_LIMIT_PER_ACCOUNT"], account)):  # fmt: skip
        identifiers = [prefix, key, LOGIN_LIMIT_SCOPE] if prefix else [key, LOGIN_LIMIT_SCOPE]
        for item in parse_many(limits):
            if not limiter.limiter.hit(item, *identifiers):
                breached = item
    if breached is not None:
        security_event("rate_limited", endpoint=request.endpoint, limit=str(breached))
        return False
    return True
