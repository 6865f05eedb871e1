"""Sign-up, login, logout, the language switcher and the privacy notice."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.exc import IntegrityError

from .. import languages
from ..audit_log import security_event
from ..extensions import limiter
from ..i18n import LANGUAGE_COOKIE, country_choices, current_language, language_name
from ..navigation import safe_next
from ..ratelimits import account_key
from . import devices, server_sessions
from .account import delete_account, export_account
from .forms import (
    PSEUDONYM_TAKEN,
    AgreeForm,
    ChangePasswordForm,
    DeleteAccountForm,
    EndSessionsForm,
    LanguageForm,
    LoginForm,
    SignupForm,
)
from .fresh import LOGIN_LIMIT_SCOPE, REAUTH_FIELD, confirm_and_return
from .roles import participant_required
from .services import (
    authenticate,
    change_password,
    privacy_update_needed,
    record_consent,
    register_participant,
    suggest_pseudonym,
    verify_password,
)
from .sessions import mark_session_start

bp = Blueprint("auth", __name__)


def _start_session(user) -> None:
    # A fresh session at every login: nothing from before the login carries over.
    server_sessions.end_current()
    session.clear()
    login_user(user, remember=False)
    mark_session_start()
    server_sessions.start(user)


def _configured(key: str):
    return lambda: current_app.config[key]


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(_configured("SIGNUP_LIMIT_PER_ADDRESS"), methods=["POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(safe_next())
    form = SignupForm()
    form.country.choices = [("", _("Choose your country")), *country_choices(current_language())]
    form.language.choices = _language_choices()
    if request.method == "GET":
        form.pseudonym.data = suggest_pseudonym()
        form.language.data = current_language()
    elif form.age.data is not None and 0 < form.age.data < current_app.config["MIN_AGE"]:
        # Nothing of what was typed is kept.
        return render_template("auth/too_young.html", min_age=current_app.config["MIN_AGE"])
    elif form.age.data is not None and current_app.config["MAX_AGE"] < form.age.data <= 120:
        # Kindly, and again nothing kept: the pages are all public, only answering is for the young.
        return render_template("auth/too_old.html", min_age=current_app.config["MIN_AGE"],
                               max_age=current_app.config["MAX_AGE"])  # fmt: skip
    elif form.validate():
        try:
            user = register_participant(
                form.pseudonym.data,
                form.password.data,
                form.age.data,
                form.country.data,
                form.language.data,
                publication_notices=form.publication_notices.data,
            )
        except IntegrityError:
            # Someone took the same pseudonym between our check and the insert; the commit point rolls back.
            form.pseudonym.errors.append(PSEUDONYM_TAKEN)
        else:
            _start_session(user)
            security_event("signup", user=user)
            flash(_("Welcome, %(name)s! You can now answer open consultations.", name=user.pseudonym), "success")
            response = redirect(safe_next())
            response.set_cookie(LANGUAGE_COOKIE, user.locale, max_age=365 * 24 * 3600, samesite="Lax")
            return response
    status = 422 if request.method == "POST" else 200
    # A fresh free name beside a refused one, so a child is never stuck guessing.
    suggestion = suggest_pseudonym() if PSEUDONYM_TAKEN in form.pseudonym.errors else None
    return render_template("auth/signup.html", form=form, suggestion=suggestion), status


def _language_choices():
    return [(code, language_name(code)) for code in languages.codes()]


def _signed_in() -> bool:
    # A signed-in POST here confirms the password (consult/auth/fresh.py), which counts itself in the same
    # buckets, keyed by the account signed in rather than by whatever pseudonym is posted.
    return current_user.is_authenticated


def _signed_in_or_own_device() -> bool:
    # The owner's own browser is not slowed by what others typed for the account: it has its own bucket.
    return _signed_in() or devices.trusted_for_this_login()


def _not_own_device() -> bool:
    return _signed_in() or not devices.trusted_for_this_login()


# Shared, so that confirming the password before a sensitive action counts against the same limits.
@bp.route("/login", methods=["GET", "POST"])
@limiter.shared_limit(_configured("LOGIN_LIMIT_PER_ADDRESS"), LOGIN_LIMIT_SCOPE, methods=["POST"],
                      exempt_when=_signed_in)  # fmt: skip
@limiter.shared_limit(_configured("LOGIN_LIMIT_PER_ACCOUNT"), LOGIN_LIMIT_SCOPE, methods=["POST"],
                      key_func=account_key, exempt_when=_signed_in_or_own_device)  # fmt: skip
@limiter.shared_limit(_configured("LOGIN_LIMIT_PER_ACCOUNT"), LOGIN_LIMIT_SCOPE, methods=["POST"],
                      key_func=devices.device_key, exempt_when=_not_own_device)  # fmt: skip
def login():
    if current_user.is_authenticated:
        if request.method == "POST" and REAUTH_FIELD in request.form:
            return confirm_and_return()
        return redirect(safe_next())
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user is not None:
            _start_session(user)
            security_event("login", user=user)
            response = redirect(safe_next())
            devices.remember(response, user.pseudonym)
            return response
        form.password.errors.append(_("That pseudonym and password do not match. Please try again."))
        security_event("login_failed")
    if request.method == "POST":
        status = 422
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    if request.method == "GET":
        # Logging out changes state, so it takes a POST with a CSRF token.
        return render_template("auth/logout.html")
    security_event("logout")
    server_sessions.end_current()
    logout_user()
    session.clear()
    flash(_("You have logged out. See you soon!"), "info")
    return redirect(safe_next())


@bp.route("/language", methods=["GET", "POST"])
def choose_language():
    """A reader's choice is a display preference kept in a cookie, so a GET link may set it: pages for
    readers then need no session and no CSRF token, and stay cacheable. Saving the choice on an
    account changes stored data, so signed-in users send a POST with a CSRF token."""
    if request.method == "GET":
        form = LanguageForm(formdata=request.args, meta={"csrf": False})
        valid = form.validate()
    else:
        form = LanguageForm()
        valid = form.validate_on_submit()
    if not valid:
        return redirect(safe_next()), 303
    response = make_response(redirect(safe_next(), 303))
    response.set_cookie(LANGUAGE_COOKIE, form.lang.data, max_age=365 * 24 * 3600, samesite="Lax")
    if request.method == "POST" and current_user.is_authenticated:
        current_user.locale = form.lang.data
    return response


@bp.app_context_processor
def _privacy_update():
    # A callable: only pages for a signed-in participant ever look at the account for it.
    return {"privacy_update_needed": privacy_update_needed}


def _privacy_page(form: AgreeForm, asks_agreement: bool, status: int = 200):
    config = current_app.config
    return render_template("auth/privacy.html", version=config["PRIVACY_NOTICE_VERSION"],
                           retention_days=config["RETENTION_DAYS"], form=form,
                           asks_agreement=asks_agreement), status  # fmt: skip


@bp.get("/privacy")
def privacy():
    return _privacy_page(AgreeForm(formdata=None), privacy_update_needed())


@bp.post("/privacy/agree")
@participant_required
def agree_privacy():
    """A participant who agreed to an earlier notice agrees to this one; the version and time are kept."""
    form = AgreeForm()
    if not form.validate_on_submit():
        return _privacy_page(form, True, 422)
    record_consent(current_user)
    security_event("privacy_agreed", version=current_app.config["PRIVACY_NOTICE_VERSION"])
    flash(_("Thank you. You agreed to the new privacy notice."), "success")
    return redirect(url_for("consultations.home"), 303)


@bp.get("/account")
@participant_required
def account():
    return render_template("auth/account.html", form=DeleteAccountForm())


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_own_password():
    """Every signed-in person, staff included, can change their password; other sessions end."""
    form = ChangePasswordForm(pseudonym=current_user.pseudonym)
    if form.validate_on_submit():
        if verify_password(current_user, form.current_password.data):
            user = current_user._get_current_object()
            change_password(user, form.new_password.data)
            security_event("password_changed")
            server_sessions.end_all(user)
            _start_session(user)  # this browser stays signed in, with a new session
            flash(_("Your password was changed. Any other device was logged out."), "success")
            return redirect(url_for("consultations.home"), 303)
        form.current_password.errors.append(_("That password is not right."))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/password.html", form=form), status


@bp.get("/account/data.json")
@participant_required
def download_data():
    security_event("data_export", scope="own account")
    response = make_response(json.dumps(export_account(current_user), ensure_ascii=False, indent=2))
    response.mimetype = "application/json"
    response.headers["Content-Disposition"] = 'attachment; filename="my-consult-data.json"'
    return response


@bp.post("/account/delete")
@participant_required
def delete_own_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if verify_password(current_user, form.password.data):
            security_event("account_deleted")
            server_sessions.end_all(current_user._get_current_object())
            delete_account(current_user._get_current_object())
            logout_user()
            session.clear()
            flash(_("Your account has been deleted. Thank you for taking part."), "info")
            return redirect(url_for("consultations.home"), 303)
        form.password.errors.append(_("That password is not right."))
    return render_template("auth/account.html", form=form), 422


@bp.get("/account/sessions")
@login_required
def own_sessions():
    """Where one is signed in, and a way to end any of it."""
    return render_template("auth/sessions.html", sessions=server_sessions.sessions_of(current_user),
                           this=server_sessions.current(), form=EndSessionsForm())  # fmt: skip


@bp.post("/account/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    if not EndSessionsForm().validate_on_submit():
        abort(400)
    this = server_sessions.current()
    if this is not None and this.id == session_id:
        return logout()  # ending this browser's own session is logging out
    if server_sessions.end_one(current_user, session_id):
        security_event("session_ended")
        flash(_("That session has ended: the browser using it is logged out."), "success")
    else:
        flash(_("That session had already ended."), "info")
    return redirect(url_for(".own_sessions"), 303)


@bp.post("/account/sessions/end-others")
@login_required
def end_other_sessions():
    if not EndSessionsForm().validate_on_submit():
        abort(400)
    ended = server_sessions.end_all(current_user, keep=server_sessions.current())
    security_event("sessions_ended", count=ended)
    flash(ngettext("%(num)d other session has ended.", "%(num)d other sessions have ended.", ended), "success")
    return redirect(url_for(".own_sessions"), 303)
