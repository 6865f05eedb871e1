"""The minimal moderation queue: list what is pending, approve or reject it."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..auth.roles import role_required
from ..extensions import db
from ..models import Consultation, Role, Submission
from .services import AlreadyDecided, approve_submission, pending_counts, pending_submissions, reject_submission

bp = Blueprint("moderation", __name__)


@bp.get("/")
@role_required(Role.MODERATOR)
def index():
    return render_template("moderation/index.html", queues=pending_counts())


@bp.get("/consultations/<slug>")
@role_required(Role.MODERATOR)
def queue(slug: str):
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug)) or abort(404)
    after = request.args.get("after", "0")
    if not (after.isascii() and after.isdigit()) or len(after) > 18:
        abort(404)
    return _render_queue(consultation, int(after))


def _render_queue(consultation: Consultation, after: int = 0, refusal: str | None = None, status: int = 200):
    items = pending_submissions(consultation, current_app.config["PENDING_PER_PAGE"], after)
    return render_template("moderation/queue.html", consultation=consultation, items=items, refusal=refusal), status


@bp.post("/submissions/<int:submission_id>/<any(approve, reject):decision>")
@role_required(Role.MODERATOR)
def decide(submission_id: int, decision: str):
    submission = db.session.get(Submission, submission_id) or abort(404)
    consultation = submission.question.consultation
    slug = consultation.slug
    try:
        if decision == "approve":
            approve_submission(submission_id, current_user)
        else:
            reject_submission(submission_id, current_user)
    except AlreadyDecided:
        db.session.rollback()
        # The queue as it now stands, so the moderator sees at once what is still waiting.
        refusal = _("Another moderator has already decided on this response; nothing was changed.")
        return _render_queue(consultation, refusal=refusal, status=409)
    db.session.commit()
    if decision == "approve":
        flash(_("Response approved and published."), "success")
    else:
        flash(_("Response rejected."), "info")
    return redirect(url_for(".queue", slug=slug), 303)
