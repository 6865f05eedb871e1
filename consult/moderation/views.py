"""The moderation workbench: the queue, one response at a time, bulk approval, dashboard and audit log."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import format_timedelta, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select, true
from werkzeug.utils import secure_filename

from .. import clock
from ..audit_log import security_event
from ..auth.fresh import fresh_login_required
from ..auth.roles import role_required
from ..extensions import db
from ..models import Consultation, ConsultationStatus, Role, Submission, SubmissionStatus
from ..routing import database_id
from . import labels
from .arrivals import backlog
from .audit import csv_lines, events_page, need_to_know, note_visible, submission_events
from .dashboard import decisions_per_moderator, median_time_to_decision, queue_figures
from .disclosures import is_possible_concern
from .events import text_hash
from .forms import ApproveForm, BulkApproveForm, EscalateForm, ListDecisionForm, QueueFilterForm, RejectForm
from .models import RejectReason
from .queue import (
    QueueCursor,
    QueueFilters,
    claim_next,
    claim_submission,
    neighbours,
    pending_counts,
    pii_segments,
    queue_page,
    release_claim,
)
from .reports import report_reasons
from .safeguarding import open_escalations_for
from .services import (
    ALREADY_DECIDED,
    AlreadyDecided,
    ChangedWhileOpen,
    InvalidDecision,
    NotYetScreened,
    OpenToDecide,
    approve_submission,
    bulk_approvable,
    bulk_approve,
    decide_from_list,
    escalate_submission,
    reject_submission,
)

bp = Blueprint("moderation", __name__)


@bp.context_processor
def _screening_state() -> dict:
    """Answers waiting for screening past the warning threshold: the job worker may be down."""
    waiting = backlog()
    seconds = waiting.oldest_seconds(clock.utcnow())
    stalled = seconds >= current_app.config["UNSCREENED_WARNING_SECONDS"]
    # "3 minutes", "2 days" in the reader's language: a worker down since yesterday is not 86,400 seconds.
    wait = format_timedelta(timedelta(seconds=seconds), threshold=1, add_direction=False) if stalled else ""
    return {"screening_stalled": waiting if stalled else None, "screening_wait": wait}


@bp.context_processor
def _labels():
    return {"labels": labels, "note_visible": note_visible}


@bp.app_context_processor
def _open_escalations():
    # Every page's navigation tells the safeguarding team how many escalations wait. A callable, so the
    # count is read only where a page shows it: never for participants, nor on readers' cached pages.
    return {"open_escalations": lambda: open_escalations_for(current_user)}


def _moderated():
    """Drafts have no answers to moderate and are the secretariat's until published: moderators never see them."""
    if current_user.role is Role.ADMIN:
        return true()
    return Consultation.status != ConsultationStatus.DRAFT


def _consultation(slug: str) -> Consultation:
    return db.session.scalar(select(Consultation).where(Consultation.slug == slug, _moderated())) or abort(404)


def _filters(consultation: Consultation) -> tuple[QueueFilterForm, QueueFilters]:
    """The queue's filters from the query string; a value no form offers is not found."""
    form = QueueFilterForm(consultation, formdata=request.args)
    if not form.validate():
        abort(404)
    return form, QueueFilters(
        consultation_id=consultation.id,
        question_id=int(form.question.data) if form.question.data else None,
        language=form.language.data or None,
        flag=form.flag.data or None,
    )


@bp.get("/")
@role_required(Role.MODERATOR)
def index():
    consultations = db.session.scalars(
        select(Consultation).where(_moderated()).order_by(Consultation.closes_at.desc())
    ).all()
    return render_template("moderation/index.html", queues=pending_counts(), consultations=consultations)


# --- the queue -----------------------------------------------------------------------------


@bp.get("/consultations/<slug>")
@role_required(Role.MODERATOR)
def queue(slug: str):
    consultation = _consultation(slug)
    filter_form, filters = _filters(consultation)
    try:
        after = QueueCursor.parse(request.args.get("after"))
    except ValueError:
        abort(404)
    select_all = request.args.get("select") == "unflagged"
    return _render_queue(consultation, filter_form, filters, after, select_all=select_all)


def _render_queue(consultation: Consultation, filter_form: QueueFilterForm, filters: QueueFilters,
                  after: QueueCursor | None = None, *, refusal: str | None = None,
                  bulk_form: BulkApproveForm | None = None, select_all: bool = False,
                  status: int = 200):  # fmt: skip
    """The queue; nothing is ticked for bulk approval unless the moderator asked to select every offered item."""
    per_page = current_app.config["PENDING_PER_PAGE"]
    items = queue_page(filters, current_user, per_page, after)
    next_cursor = str(QueueCursor.after(items[-1])) if len(items) == per_page else None
    offered = {s.id for s in bulk_approvable([s.id for s in items], current_user)}
    return render_template(
        "moderation/queue.html",
        consultation=consultation,
        filter_form=filter_form,
        filter_args=filter_form.query_args(),
        items=items,
        segments={s.id: pii_segments(s.body, s.pii_spans) for s in items},
        offered=offered,
        select_all=select_all,
        text_hash=text_hash,
        bulk_form=bulk_form or BulkApproveForm(formdata=None),
        list_form=ListDecisionForm(formdata=None),
        next_cursor=next_cursor,
        refusal=refusal,
    ), status


@bp.post("/consultations/<slug>/next")
@role_required(Role.MODERATOR)
def next_item(slug: str):
    """Take the first response nobody else has open: the way to work through the queue together.

    A POST: holding a response is an intent, never a side effect of a link another site could make us follow.
    """
    consultation = _consultation(slug)
    filter_form, filters = _filters(consultation)
    return _open_next(consultation, filter_form, filters)


def _open_next(consultation: Consultation, filter_form: QueueFilterForm, filters: QueueFilters):
    submission = claim_next(filters, current_user)
    if submission is None:
        flash(_("Nothing else is waiting for a decision here."), "info")
        return redirect(url_for(".queue", slug=consultation.slug, **filter_form.query_args()), 303)
    return redirect(url_for(".item", submission_id=submission.id, **filter_form.query_args()), 303)


@bp.post("/consultations/<slug>/bulk-approve")
@role_required(Role.MODERATOR)
def bulk(slug: str):
    consultation = _consultation(slug)
    filter_form, filters = _filters(consultation)
    form = BulkApproveForm()
    if not form.validate_on_submit():
        return _render_queue(consultation, filter_form, filters, bulk_form=form, status=422)
    seen = form.seen()
    if form.confirmed.data != "yes":
        return _confirm_bulk(consultation, filter_form, seen)
    approved = bulk_approve(list(seen), current_user, seen=seen)
    flash(ngettext("%(num)d response approved and published.", "%(num)d responses approved and published.",
                   approved), "success")  # fmt: skip
    _left_out(len(seen) - approved)
    return redirect(url_for(".queue", slug=slug, **filter_form.query_args()), 303)


@bp.post("/submissions/<int:submission_id>/from-list/<any(approve, reject):decision>")
@role_required(Role.MODERATOR)
def decide_inline(submission_id: int, decision: str):
    """One keystroke from the list for what bulk approval may publish; anything else is refused (409)."""
    submission, filter_form, filters = _from_queue(submission_id)
    consultation = submission.question.consultation
    form = ListDecisionForm()
    valid = form.validate_on_submit()
    if not valid or (decision == "reject" and not form.reason.data):
        problem = next(iter(form.errors.values()), [_("Choose a reason.")])[0] if not valid else _("Choose a reason.")
        return _render_queue(consultation, filter_form, filters, refusal=problem, status=422)
    try:
        decide_from_list(submission, current_user, form.seen.data, form.rejection() if decision == "reject" else None)
    except AlreadyDecided:
        return _already_decided(consultation, filter_form, filters)
    except (ChangedWhileOpen, OpenToDecide) as refused:
        return _render_queue(consultation, filter_form, filters, refusal=refused.message, status=409)
    if decision == "approve":
        flash(_("Response approved and published."), "success")
    else:
        flash(_("Response rejected."), "info")
    # The list opens again at the item below the decided one, so j, k and a carry on from there.
    anchor = f"submission-{form.focus.data}" if form.focus.data else None
    return redirect(url_for(".queue", slug=consultation.slug, _anchor=anchor, **filter_form.query_args()), 303)


def _confirm_bulk(consultation: Consultation, filter_form: QueueFilterForm, seen: dict[int, str]):
    """The count and the list of what would be published, read again now; publishing needs one more press."""
    chosen = [s for s in bulk_approvable(list(seen), current_user) if seen[s.id] == text_hash(s.body)]
    if not chosen:
        _left_out(len(seen))
        return redirect(url_for(".queue", slug=consultation.slug, **filter_form.query_args()), 303)
    return render_template(
        "moderation/bulk_confirm.html",
        consultation=consultation,
        filter_args=filter_form.query_args(),
        chosen=chosen,
        left_out=len(seen) - len(chosen),
        text_hash=text_hash,
    )


def _left_out(left: int) -> None:
    if left:
        flash(
            ngettext(
                "%(num)d response was left out: another moderator has it open or decided on it, "
                "or it changed after you read it.",
                "%(num)d responses were left out: another moderator has them open or decided on them, "
                "or they changed after you read them.",
                left,
            ),
            "info",
        )


# --- one response at a time ----------------------------------------------------------------


def _from_queue(submission_id: int) -> tuple[Submission, QueueFilterForm, QueueFilters]:
    """The response, and the filters of the queue it was opened from (kept on the way back to the list)."""
    submission = db.session.get(Submission, submission_id)
    # Withdrawn by its author while a possible disclosure: the safeguarding team's alone (disclosures.py).
    if submission is None or (submission.withdrawn_at is not None and not current_user.can_safeguard):
        abort(404)
    return submission, *_filters(submission.question.consultation)


@bp.get("/submissions/<int:submission_id>")
@role_required(Role.MODERATOR)
def item(submission_id: int):
    """Reading a response holds nothing: "Start reviewing" (a POST) does."""
    submission, filter_form = _from_queue(submission_id)[:2]
    return _render_item(submission, filter_form)


@bp.post("/submissions/<int:submission_id>/claim")
@role_required(Role.MODERATOR)
def start_review(submission_id: int):
    """Hold a waiting response for a few minutes, so other moderators are shown other ones."""
    submission, filter_form = _from_queue(submission_id)[:2]
    # Nobody claims what they may not decide: a plain moderator never holds up the safeguarding team.
    decidable = submission.status is SubmissionStatus.PENDING and not _need_to_know(submission)
    if decidable and not claim_submission(submission, current_user):
        flash(_("Another moderator opened this response first. Please take another one."), "info")
    return redirect(url_for(".item", submission_id=submission.id, **filter_form.query_args()), 303)


def _need_to_know(submission: Submission) -> bool:
    """Whether this moderator may not read the response: it was escalated once, and they are not on the team."""
    return bool(need_to_know([submission.id], current_user.can_safeguard))


DECISION_FORMS = {"approve": ApproveForm, "reject": RejectForm, "escalate": EscalateForm}


def _fresh_forms(submission: Submission) -> dict:
    return {
        "approve": ApproveForm(formdata=None, submission=submission).prepare(submission),
        "reject": RejectForm(formdata=None).prepare(submission),
        "escalate": EscalateForm(formdata=None).prepare(submission),
    }


def _render_item(submission: Submission, filter_form: QueueFilterForm, forms: dict | None = None, *,
                 refusal: str | None = None, status: int = 200):  # fmt: skip
    now = clock.utcnow()
    held_by_other = (
        submission.status is SubmissionStatus.PENDING
        and submission.claimed_by_id not in (None, current_user.id)
        and submission.claimed_until is not None
        and submission.claimed_until > now
    )
    earlier, later = neighbours(submission, _filters(submission.question.consultation)[1], current_user)
    # An escalated disclosure is for the safeguarding team's eyes from then on, whatever the team decided.
    restricted = need_to_know([submission.id], current_user.can_safeguard)
    show_body = not restricted
    return render_template(
        "moderation/item.html",
        submission=submission,
        consultation=submission.question.consultation,
        filter_args=filter_form.query_args(),
        forms=_fresh_forms(submission) | (forms or {}),
        held_by_other=held_by_other,
        held_by_me=submission.claimed_by_id == current_user.id
        and submission.claimed_until is not None
        and submission.claimed_until > now,
        show_body=show_body,
        restricted=restricted,
        possible_concern=is_possible_concern(submission) and not submission.flag_safeguarding,
        segments=pii_segments(submission.body, submission.pii_spans) if show_body else [],
        events=submission_events(submission.id),
        reports=report_reasons(submission),
        refusal=refusal,
        earlier=earlier,
        later=later,
    ), status


@bp.post("/submissions/<int:submission_id>/<any(approve, reject, escalate):decision>")
@role_required(Role.MODERATOR)
def decide(submission_id: int, decision: str):
    submission, filter_form, filters = _from_queue(submission_id)
    consultation = submission.question.consultation
    if submission.status is not SubmissionStatus.PENDING:
        return _already_decided(consultation, filter_form, filters)
    if _need_to_know(submission):  # back after a take-down: the team decides again, having read it
        abort(403)
    form = ApproveForm(submission=submission) if decision == "approve" else DECISION_FORMS[decision]()
    if not form.validate_on_submit():
        return _render_item(submission, filter_form, {decision: form}, status=422)
    # The hash of the words on the moderator's page: the service refuses a decision on words they never read.
    seen = form.seen.data
    try:
        if decision == "approve":
            approve_submission(submission, current_user, form.text_to_publish(), seen=seen,
                               before_screening=form.before_screening.data)  # fmt: skip
        elif decision == "reject":
            reject_submission(submission, current_user, RejectReason(form.reason.data), form.note.data, seen=seen)
        else:
            escalate_submission(submission, current_user, form.note.data, seen=seen)
    except AlreadyDecided:
        return _already_decided(consultation, filter_form, filters)
    except ChangedWhileOpen as changed:
        return _render_item(submission, filter_form, refusal=changed.message, status=409)
    except NotYetScreened as waiting:
        return _render_item(submission, filter_form, {decision: form}, refusal=waiting.message, status=409)
    except InvalidDecision:
        return _render_item(submission, filter_form, {decision: form}, status=422)
    flash(
        {
            "approve": _("Response approved and published."),
            "reject": _("Response rejected."),
            "escalate": _("Response escalated to the safeguarding team. It will not be published."),
        }[decision],
        "success" if decision == "approve" else "info",
    )
    if form.then.data == "next":
        return _open_next(consultation, filter_form, filters)
    return redirect(url_for(".queue", slug=consultation.slug, **filter_form.query_args()), 303)


@bp.post("/submissions/<int:submission_id>/release")
@role_required(Role.MODERATOR)
def release(submission_id: int):
    """Hand back a response this moderator opened, rather than let others wait for the claim to lapse."""
    submission, filter_form = _from_queue(submission_id)[:2]
    consultation = submission.question.consultation
    released = release_claim(submission, current_user)
    if released:
        flash(_("Response released: another moderator can open it now."), "success")
    else:
        flash(_("You did not have this response open, so nothing was released."), "info")
    return redirect(url_for(".queue", slug=consultation.slug, **filter_form.query_args()), 303)


def _already_decided(consultation: Consultation, filter_form: QueueFilterForm, filters: QueueFilters):
    # The queue as it now stands, so the moderator sees at once what is still waiting.
    return _render_queue(consultation, filter_form, filters, refusal=ALREADY_DECIDED, status=409)


# --- dashboard and audit log ---------------------------------------------------------------


@bp.get("/consultations/<slug>/dashboard")
@role_required(Role.MODERATOR)
def dashboard(slug: str):
    consultation = _consultation(slug)
    return render_template(
        "moderation/dashboard.html",
        consultation=consultation,
        figures=queue_figures(consultation),
        median=median_time_to_decision(consultation),
        tallies=decisions_per_moderator(consultation),
    )


@bp.get("/consultations/<slug>/audit")
@role_required(Role.MODERATOR)
def audit(slug: str):
    consultation = _consultation(slug)
    raw = request.args.get("before", "")
    before = database_id(raw)
    if raw and before is None:
        abort(404)
    per_page = current_app.config.get("AUDIT_EVENTS_PER_PAGE", 100)
    events = events_page(consultation, per_page, before)
    return render_template(
        "moderation/audit.html",
        consultation=consultation,
        events=events,
        restricted=need_to_know({event.submission_id for event in events}, current_user.can_safeguard),
        older=events[-1].id if len(events) == per_page else None,
    )


@bp.get("/consultations/<slug>/audit.csv")
@role_required(Role.MODERATOR)
@fresh_login_required  # not the decisions: see consult/auth/fresh.py
def audit_csv(slug: str):
    consultation = _consultation(slug)
    # A byte order mark, so spreadsheets read Arabic, Chinese and Russian names correctly.
    lines = csv_lines(consultation, current_user.can_safeguard)
    body = stream_with_context(("\ufeff" + line if n == 0 else line) for n, line in enumerate(lines))
    filename = secure_filename(f"audit-{consultation.slug}.csv") or "audit.csv"
    security_event("export", kind="audit_csv", consultation_id=consultation.id)
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})
