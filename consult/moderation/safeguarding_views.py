"""The safeguarding queue: escalated responses, the helplines to call, and the team's decisions."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..auth.fresh import fresh_login_required
from ..extensions import db
from ..models import Submission, SubmissionStatus
from ..routing import database_id
from .danger_reports import danger_reported, danger_reported_count, escalate_reported, mark_reviewed
from .disclosures import earlier_wordings
from .forms_safeguarding import ApproveEscalatedForm, DangerReportForm, RejectEscalatedForm, SafeguardingActionForm
from .labels import REJECT_REASONS
from .models import RejectReason
from .safeguarding import (
    ACTION_LABELS,
    NoActionRecorded,
    SafeguardingAction,
    WithdrawnByAuthor,
    approve_escalated,
    escalated_page,
    helplines,
    may_safeguard,
    open_escalations_for,
    record_safeguarding_action,
    recorded_actions,
    reject_escalated,
    was_escalated,
)
from .services import AlreadyDecided

bp = Blueprint("safeguarding", __name__)

CLOSED_ALREADY = _l("Someone on the safeguarding team has already closed this item; nothing was changed.")
NO_ACTION_YET = _l("Record what the team did before closing this item.")
WITHDRAWN = _l("The participant withdrew this answer, so it cannot be published.")


def safeguarding_required(view):
    """Anonymous visitors are sent to log in; anyone without the safeguarding permission gets 403."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not may_safeguard(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def _cursor() -> int | None:
    raw = request.args.get("after")
    if raw is None:
        return None
    cursor = database_id(raw)
    if cursor is None:  # beyond the database's integers (PostgreSQL refuses the bind), nothing exists
        abort(404)
    return cursor


@bp.get("/")
@safeguarding_required
@fresh_login_required
def index():
    return _render_index()


def _render_index(report_form: DangerReportForm | None = None, status: int = 200):
    items, next_after = escalated_page(current_app.config["PENDING_PER_PAGE"], _cursor())
    return render_template(
        "safeguarding/index.html",
        items=items,
        next_after=next_after,
        total=open_escalations_for(current_user),  # read once per request, as the navigation shows it
        actions=recorded_actions([item.id for item in items]),
        helplines=helplines(),
        action_labels=ACTION_LABELS,
        reported=danger_reported(current_app.config["PENDING_PER_PAGE"]),
        reported_total=danger_reported_count(),
        report_form=report_form or DangerReportForm(formdata=None),
    ), status


@bp.post("/reported/<int:submission_id>")
@safeguarding_required
@fresh_login_required
def reported(submission_id: int):
    """A published answer a reader reported as a danger: take it down into this queue, or leave it published."""
    submission = db.session.get(Submission, submission_id) or abort(404)
    form = DangerReportForm()
    decision = form.decision.data
    if not form.validate():  # the note is given back, with what is wrong, beside the answer it was for
        return _render_index(form, 422)
    try:
        if decision == "escalate":
            escalate_reported(submission, current_user, form.note.data)
        else:
            mark_reviewed(submission, current_user)
    except AlreadyDecided:
        flash(str(CLOSED_ALREADY), "info")
        return redirect(url_for(".index"), 303)
    if decision == "escalate":
        flash(_("Response escalated to the safeguarding team. It will not be published."), "info")
        return redirect(url_for(".detail", submission_id=submission_id), 303)
    flash(_("Action recorded."), "success")
    return redirect(url_for(".index"), 303)


def _escalation(submission_id: int) -> Submission:
    submission = db.session.get(Submission, submission_id)
    if submission is None or not was_escalated(submission):
        abort(404)
    return submission


def _render_detail(submission: Submission, *, action_form=None, approve_form=None, reject_form=None,
                   refusal: str | None = None, status: int = 200):  # fmt: skip
    if approve_form is None:
        # Prefilled with the screening's redaction, so personal information is not published by oversight.
        approve_form = ApproveEscalatedForm(formdata=None, published_text=submission.suggested_text or submission.body)
    return render_template(
        "safeguarding/detail.html",
        s=submission,
        is_open=submission.status is SubmissionStatus.ESCALATED,
        actions=recorded_actions([submission.id]).get(submission.id, []),
        earlier=earlier_wordings(submission.id),
        helplines=helplines(),
        action_labels=ACTION_LABELS,
        reason_labels=REJECT_REASONS,
        action_form=action_form or SafeguardingActionForm(formdata=None),
        approve_form=approve_form,
        reject_form=reject_form or RejectEscalatedForm(formdata=None),
        refusal=refusal,
    ), status


def _already_closed(submission_id: int):
    submission = _escalation(submission_id)  # as it now stands: the service read it again
    return _render_detail(submission, refusal=CLOSED_ALREADY, status=409)


@bp.get("/submissions/<int:submission_id>")
@safeguarding_required
@fresh_login_required
def detail(submission_id: int):
    return _render_detail(_escalation(submission_id))


@bp.post("/submissions/<int:submission_id>/actions")
@safeguarding_required
@fresh_login_required
def record_action(submission_id: int):
    submission = _escalation(submission_id)
    form = SafeguardingActionForm()
    if not form.validate():
        return _render_detail(submission, action_form=form, status=422)
    try:
        record_safeguarding_action(submission, current_user, SafeguardingAction(form.action.data), form.note.data)
    except AlreadyDecided:
        return _already_closed(submission_id)
    flash(_("Action recorded."), "success")
    return redirect(url_for(".detail", submission_id=submission_id), 303)


CLOSING_FORMS = {"approve": ApproveEscalatedForm, "reject": RejectEscalatedForm}


@bp.post("/submissions/<int:submission_id>/<any(approve, reject):decision>")
@safeguarding_required
@fresh_login_required
def close(submission_id: int, decision: str):
    """Publish or reject an escalated response: only ever on this explicit decision of the team."""
    submission = _escalation(submission_id)
    form = CLOSING_FORMS[decision]()
    shown = {f"{decision}_form": form}
    if not form.validate():
        return _render_detail(submission, **shown, status=422)
    try:
        if decision == "approve":
            approve_escalated(submission, current_user, form.published_text.data)
        else:
            reject_escalated(submission, current_user, RejectReason(form.reason.data), form.note.data)
    except AlreadyDecided:
        return _already_closed(submission_id)
    except NoActionRecorded:
        return _render_detail(submission, **shown, refusal=NO_ACTION_YET, status=422)
    except WithdrawnByAuthor:
        return _render_detail(submission, **shown, refusal=WITHDRAWN, status=409)
    if decision == "approve":
        flash(_("Response approved and published."), "success")
    else:
        flash(_("Response rejected; it will not be published."), "info")
    return redirect(url_for(".index"), 303)
