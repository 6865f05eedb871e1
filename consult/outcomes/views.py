"""The secretariat records the outcome; everyone reads what happened; participants choose their notices."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import languages
from ..audit_log import security_event
from ..auth.fresh import fresh_login_required
from ..auth.roles import participant_required, role_required
from ..consultations.caching import public_page
from ..extensions import db
from ..models import Consultation, ConsultationStatus, Role
from ..summaries.reading import summary_view
from ..summaries.versions import latest_published
from .forms import DismissForm, NoticesForm, OutcomeForm, OutcomeTranslationForm
from .notices import mark_notices_seen, publication_notices, set_publication_notices
from .reading import outcome_view, published_outcome
from .receipts import answer_receipts
from .services import (
    DECISIONS,
    OutcomeRefused,
    ThemeDecision,
    outcome_of,
    outcome_translation,
    recording_refusal,
    save_outcome,
    save_outcome_translation,
    theme_note_translations,
)

bp = Blueprint("outcomes", __name__)

# The account page (consult/auth, below this package) includes templates/outcomes/_account.html, which
# asks these; so the account page needs no import from here.
bp.add_app_template_global(answer_receipts)
bp.add_app_template_global(publication_notices)
bp.add_app_template_global(published_outcome)


def _show_error(form, refused: OutcomeRefused, theme_errors: dict[str, str]) -> None:
    field = getattr(form, refused.field or "", None)
    if field is not None:
        field.errors.append(refused.message)
    elif refused.field:
        theme_errors[refused.field] = str(refused.message)
    else:
        form.form_errors.append(refused.message)


@bp.route("/secretariat/consultations/<int:consultation_id>/outcome", methods=["GET", "POST"])
@role_required(Role.SECRETARIAT)
@fresh_login_required
def edit(consultation_id: int):
    """What the meeting did: its document, and a decision and a note for each theme of the summary."""
    consultation = db.session.get(Consultation, consultation_id) or abort(404)
    outcome = outcome_of(consultation)
    form = OutcomeForm(obj=outcome)
    if request.method == "GET":
        form.source_language.data = outcome.source_language if outcome else consultation.source_language
        form.publish.data = outcome is not None and outcome.published_at is not None
        recorded = {t.theme_key: ThemeDecision(t.decision.value, t.note) for t in outcome.themes} if outcome else {}
    else:
        recorded = {}
    summary = latest_published(consultation)
    themes = [(q, t) for q in summary_view(summary).questions for t in q.themes] if summary else []
    theme_errors: dict[str, str] = {}
    if request.method == "POST":
        posted = request.form
        recorded = {t.key: ThemeDecision(posted.get(f"decision-{t.key}", ""), posted.get(f"note-{t.key}", ""))
                    for _q, t in themes}  # fmt: skip
        if form.validate_on_submit():
            try:
                save_outcome(consultation, current_user, source_language=form.source_language.data or "",
                             document_number=form.document_number.data or "",
                             document_title=form.document_title.data or "",
                             document_url=form.document_url.data or "", themes=recorded,
                             publish=bool(form.publish.data))  # fmt: skip
            except OutcomeRefused as refused:
                _show_error(form, refused, theme_errors)
            else:
                security_event("outcome_saved", consultation_id=consultation.id, published=bool(form.publish.data))
                flash(_("Outcome saved."), "success")
                return redirect(url_for(".edit", consultation_id=consultation.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "outcomes/edit.html", consultation=consultation, outcome=outcome, form=form, themes=themes,
        recorded=recorded, theme_errors=theme_errors, decisions=DECISIONS, refusal=recording_refusal(consultation),
        other_languages=[code for code in languages.codes() if outcome and code != outcome.source_language],
    ), status  # fmt: skip


@bp.route("/secretariat/consultations/<int:consultation_id>/outcome/<language>", methods=["GET", "POST"])
@role_required(Role.SECRETARIAT)
@fresh_login_required
def edit_translation(consultation_id: int, language: str):
    consultation = db.session.get(Consultation, consultation_id) or abort(404)
    outcome = outcome_of(consultation) or abort(404)
    if not languages.supported(language) or language == outcome.source_language:
        abort(404)
    translation = outcome_translation(outcome, language)
    form = OutcomeTranslationForm(obj=translation)
    theme_errors: dict[str, str] = {}
    if request.method == "GET":
        kept = theme_note_translations(outcome, language)
        notes = {t.theme_key: kept[t.id].note if t.id in kept else "" for t in outcome.themes}
    else:
        notes = {t.theme_key: request.form.get(f"note-{t.theme_key}", "") for t in outcome.themes}
        if form.validate_on_submit():
            try:
                save_outcome_translation(outcome, language, document_title=form.document_title.data or "",
                                         notes=notes)  # fmt: skip
            except OutcomeRefused as refused:
                _show_error(form, refused, theme_errors)
            else:
                security_event("outcome_translated", consultation_id=consultation.id, language=language)
                flash(_("Translation saved."), "success")
                return redirect(url_for(".edit", consultation_id=consultation.id), 303)
    view = outcome_view(consultation, outcome.source_language, outcome)
    status = 422 if request.method == "POST" else 200
    return render_template("outcomes/translation.html", consultation=consultation, outcome=outcome, form=form,
                           language=language, view=view, notes=notes, theme_errors=theme_errors), status  # fmt: skip


@bp.get("/consultations/<slug>/what-happened")
def what_happened(slug: str):
    """The chain for everyone: each question, its themes and quotes, and what the meeting did with each."""
    return public_page(lambda: _render_what_happened(slug))


def _render_what_happened(slug: str):
    consultation = db.session.scalar(
        select(Consultation).where(Consultation.slug == slug, Consultation.status == ConsultationStatus.PUBLISHED)
    )
    view = outcome_view(consultation) if consultation is not None else None
    if view is None:
        abort(404)
    return render_template("outcomes/what_happened.html", consultation=consultation, view=view)


@bp.post("/account/publication-notices")
@participant_required
def notice_preference():
    form = NoticesForm()
    if not form.validate_on_submit():
        abort(400)
    set_publication_notices(current_user, bool(form.wanted.data))
    if form.wanted.data:
        flash(_("We will tell you here when a summary or an outcome of what you answered is published."), "success")
    else:
        flash(_("You will not be told when summaries and outcomes are published."), "info")
    return redirect(url_for("auth.account"), 303)


@bp.post("/account/publication-notices/seen")
@participant_required
def dismiss_notices():
    if not DismissForm().validate_on_submit():
        abort(400)
    mark_notices_seen(current_user)
    return redirect(url_for("auth.account"), 303)
