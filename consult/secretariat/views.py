"""Meeting and consultation management for the CWG secretariat."""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import languages
from ..auth.fresh import fresh_login_required
from ..auth.roles import role_required
from ..consultations.content import consultation_translation, missing_translations, question_translations
from ..consultations.views import render_preview
from ..extensions import db
from ..i18n import current_language, language_name
from ..models import Consultation, ConsultationStatus, Meeting, Phase, Role
from ..summaries.regions import region_label
from ..summaries.removals import versions_to_replace
from ..transactions import all_or_nothing
from .forms import EXTRA_QUESTION_ROWS, ConfirmForm, ConsultationForm, MeetingForm, TranslationForm, as_utc
from .reach import reach
from .services import (
    InvalidInput,
    QuestionDraft,
    close_consultation,
    missing_meeting_titles,
    publish_consultation,
    publishing_warnings,
    response_counts,
    save_consultation,
    save_meeting,
    save_translation,
)

bp = Blueprint("secretariat", __name__)
# Pages everyone may read, beside the secretariat's own (no /secretariat prefix).
public_bp = Blueprint("reach", __name__)


@bp.get("/")
@role_required(Role.SECRETARIAT)
def dashboard():
    meetings = db.session.scalars(
        select(Meeting).order_by(Meeting.starts_at.desc()).options(selectinload(Meeting.translations))
    ).all()
    consultations = db.session.scalars(select(Consultation).order_by(Consultation.opens_at.desc())).all()
    return render_template(
        "secretariat/dashboard.html",
        meetings=meetings,
        consultations=consultations,
        counts=response_counts(),
        missing=missing_translations(consultations),
        untitled={meeting.id: missing_meeting_titles(meeting) for meeting in meetings},
        to_replace=versions_to_replace(),
    )


@bp.route("/meetings/new", methods=["GET", "POST"], defaults={"meeting_id": None})
@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@role_required(Role.SECRETARIAT)
@fresh_login_required
def edit_meeting(meeting_id: int | None):
    meeting = db.session.get(Meeting, meeting_id) or abort(404) if meeting_id else None
    form = MeetingForm(obj=meeting)
    if request.method == "GET":
        if meeting is None:  # titled in the language the secretariat works in, unless they say otherwise
            form.source_language.data = current_language()
        _fill_meeting_titles(form, meeting)
    elif form.validate_on_submit():
        titles = {entry.form.language.data: entry.form.title.data or "" for entry in form.translations}
        try:
            save_meeting(meeting, form.title.data, as_utc(form.starts_at.data), form.venue.data or "",
                         source_language=form.source_language.data, translations=titles)  # fmt: skip
        except InvalidInput as invalid:
            _show_error(form, invalid)
        else:
            flash(_("Meeting saved."), "success")
            return redirect(url_for(".dashboard"), 303)
    # Only rows for a language consult knows are shown (and saved): a posted row for another is dropped.
    rows = [
        (entry, entry.form.language.data)
        for entry in form.translations
        if languages.supported(entry.form.language.data)
    ]
    for entry, code in rows:
        entry.form.title.label.text = Markup('<span lang="{}">{}</span>').format(code, language_name(code))
    status = 422 if request.method == "POST" else 200
    return render_template("secretariat/meeting_form.html", form=form, meeting=meeting, rows=rows), status


def _fill_meeting_titles(form: MeetingForm, meeting: Meeting | None) -> None:
    """One row per language other than the title's own, holding the translation saved so far."""
    saved = {translation.language: translation.title for translation in meeting.translations} if meeting else {}
    form.translations.entries.clear()
    form.translations.last_index = -1
    for code in languages.codes():
        if code != form.source_language.data:
            form.translations.append_entry({"language": code, "title": saved.get(code, "")})


def _show_error(form, invalid: InvalidInput) -> None:
    field = getattr(form, invalid.field or "", None)
    (field.errors if field is not None else form.form_errors).append(invalid.message)


def _fill_questions(form: ConsultationForm, consultation: Consultation | None) -> None:
    form.questions.entries.clear()
    form.questions.last_index = -1
    for question in consultation.questions if consultation else []:
        form.questions.append_entry({"id": question.id, "prompt": question.prompt, "max_length": question.max_length})
    # A new consultation usually has three questions: three empty rows; an existing one gets two more.
    for _row in range(EXTRA_QUESTION_ROWS if consultation and consultation.questions else 3):
        form.questions.append_entry()


def _posted_id(value) -> int | None:
    """A row's hidden id as posted; anything but plain digits is no id."""
    value = str(value or "")
    # isascii: str.isdigit() also accepts characters such as "²" that int() refuses.
    return int(value) if value.isascii() and value.isdigit() else None


def _question_drafts(form: ConsultationForm) -> list[QuestionDraft]:
    drafts = []
    for entry in form.questions.entries:
        prompt = (entry.form.prompt.data or "").strip()
        if not prompt:
            continue
        drafts.append(
            QuestionDraft(
                id=_posted_id(entry.form.id.data),
                prompt=prompt,
                max_length=entry.form.max_length.data or 1000,
            )
        )
    return drafts


@bp.route("/consultations/new", methods=["GET", "POST"], defaults={"consultation_id": None})
@bp.route("/consultations/<int:consultation_id>/edit", methods=["GET", "POST"])
@role_required(Role.SECRETARIAT)
@fresh_login_required
def edit_consultation(consultation_id: int | None):
    consultation = db.session.get(Consultation, consultation_id) or abort(404) if consultation_id else None
    form = ConsultationForm(obj=consultation)
    meetings = db.session.scalars(select(Meeting).order_by(Meeting.starts_at.desc())).all()
    form.meeting_id.choices = [(0, _("No meeting"))] + [(m.id, m.title) for m in meetings]
    if request.method == "GET":
        form.meeting_id.data = consultation.meeting_id or 0 if consultation else (meetings[0].id if meetings else 0)
        if consultation is None:  # written in the language the secretariat works in, unless they say otherwise
            form.source_language.data = current_language()
        _fill_questions(form, consultation)
    elif "add_question" in request.form:  # CSRFProtect has checked the token, as for every POST
        # "Add another question" without JavaScript: the same form back with one more row, nothing saved.
        form.questions.append_entry()
    elif form.validate_on_submit():
        meeting = db.session.get(Meeting, form.meeting_id.data) if form.meeting_id.data else None
        try:
            with all_or_nothing():  # a removed question may turn out to have answers after others were removed
                consultation = save_consultation(
                    consultation,
                    slug=form.slug.data,
                    title=form.title.data,
                    description=form.description.data or "",
                    source_language=form.source_language.data,
                    meeting=meeting,
                    opens_at=as_utc(form.opens_at.data),
                    closes_at=as_utc(form.closes_at.data),
                    questions=_question_drafts(form),
                )
        except InvalidInput as invalid:
            _show_error(form, invalid)
        else:
            flash(_("Consultation saved."), "success")
            return redirect(url_for(".edit_consultation", consultation_id=consultation.id), 303)
    status = 422 if request.method == "POST" and "add_question" not in request.form else 200
    return render_template(
        "secretariat/consultation_form.html",
        form=form,
        consultation=consultation,
        other_languages=[code for code in languages.codes() if consultation and code != consultation.source_language],
        missing=missing_translations([consultation]).get(consultation.id, []) if consultation else [],
    ), status


@bp.route("/consultations/<int:consultation_id>/translations/<language>", methods=["GET", "POST"])
@role_required(Role.SECRETARIAT)
@fresh_login_required
def edit_translation(consultation_id: int, language: str):
    consultation = db.session.get(Consultation, consultation_id) or abort(404)
    if not languages.supported(language) or language == consultation.source_language:
        abort(404)
    translation = consultation_translation(consultation, language)
    form = TranslationForm(obj=translation)
    if request.method == "GET":
        translated = question_translations(consultation, language)
        for question in consultation.questions:
            prompt = translated[question.id].prompt if question.id in translated else ""
            form.prompts.append_entry({"question_id": question.id, "prompt": prompt})
    elif form.validate_on_submit():
        prompts = {_posted_id(entry.form.question_id.data): entry.form.prompt.data or "" for entry in form.prompts}
        try:
            save_translation(
                consultation,
                language,
                title=form.title.data,
                description=form.description.data or "",
                prompts=prompts,
            )
        except InvalidInput as invalid:
            _show_error(form, invalid)
        else:
            flash(_("Translation saved."), "success")
            return redirect(url_for(".edit_consultation", consultation_id=consultation.id), 303)
    questions = {question.id: question for question in consultation.questions}
    rows = []
    for entry in form.prompts:
        question = questions.get(_posted_id(entry.form.question_id.data))
        if question is not None:
            entry.form.prompt.label.text = _("Question %(n)d", n=question.position)
            rows.append((entry, question))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "secretariat/translation_form.html", form=form, consultation=consultation, language=language, rows=rows
    ), status


@bp.get("/consultations/<int:consultation_id>/preview")
@role_required(Role.SECRETARIAT)
def preview(consultation_id: int):
    """The consultation exactly as participants will see it while it is open, in the language asked for
    (``?lang=``, the secretariat's own by default): the participant's own page, marked as a preview."""
    consultation = db.session.get(Consultation, consultation_id) or abort(404)
    language = request.args.get("lang") or current_language()
    if not languages.supported(language):
        abort(404)
    with force_locale(language):
        response = make_response(render_preview(consultation))
    # Not for search engines, nor for any cache: a draft is nobody's business until it is published.
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/consultations/<int:consultation_id>/publish", methods=["GET", "POST"])
@role_required(Role.SECRETARIAT)
@fresh_login_required
def publish(consultation_id: int):
    """Publishing is asked twice: first what is still missing, then "Publish anyway" or go back and finish."""
    consultation = db.session.get(Consultation, consultation_id) or abort(404)
    if consultation.status is not ConsultationStatus.DRAFT:
        flash(_("This consultation is published already."), "info")
        return redirect(url_for(".edit_consultation", consultation_id=consultation_id), 303)
    form = ConfirmForm()
    if request.method == "GET" or not form.validate_on_submit():
        return render_template("secretariat/confirm.html", consultation=consultation, form=form, action="publish",
                               warnings=publishing_warnings(consultation))  # fmt: skip
    try:
        publish_consultation(consultation)
    except InvalidInput as invalid:
        flash(invalid.message, "error")
        return redirect(url_for(".edit_consultation", consultation_id=consultation_id), 303)
    flash(_("Consultation published."), "success")
    return redirect(url_for(".dashboard"), 303)


@bp.route("/consultations/<int:consultation_id>/close", methods=["GET", "POST"])
@role_required(Role.SECRETARIAT)
@fresh_login_required
def close_now(consultation_id: int):
    """End an open consultation at once (after a confirmation): answers already sent stay, none more come."""
    consultation = db.session.get(Consultation, consultation_id) or abort(404)
    if consultation.phase() is not Phase.OPEN:
        flash(_("Only an open consultation can be closed."), "info")
        return redirect(url_for(".edit_consultation", consultation_id=consultation_id), 303)
    form = ConfirmForm()
    if request.method == "GET" or not form.validate_on_submit():
        return render_template("secretariat/confirm.html", consultation=consultation, form=form, action="close",
                               warnings=[])  # fmt: skip
    close_consultation(consultation)
    flash(_("The consultation is closed: it takes no more answers."), "success")
    return redirect(url_for(".dashboard"), 303)


@bp.get("/consultations/<int:consultation_id>/reach")
@role_required(Role.SECRETARIAT)
def live_reach(consultation_id: int):
    """Who has taken part so far, while there is still time to reach out to who has not."""
    consultation = db.session.get(Consultation, consultation_id) or abort(404)
    live = consultation.phase() is Phase.OPEN
    page = render_template("secretariat/reach.html", reach=reach(consultation), public=False, live=live,
                           region_label=region_label)  # fmt: skip
    # While the window is open the panel refreshes itself (a browser honours Refresh without any script).
    return page, 200, ({"Refresh": "120"} if live else {})


@public_bp.get("/consultations/<slug>/reach")
def public_reach(slug: str):
    """The same figures for everyone, once the window has closed (suppressed as the summary is)."""
    consultation = db.session.scalar(
        select(Consultation).where(Consultation.slug == slug, Consultation.status == ConsultationStatus.PUBLISHED)
    )
    if consultation is None or consultation.phase() is not Phase.CLOSED:
        abort(404)
    return render_template("secretariat/reach.html", reach=reach(consultation), public=True, live=False,
                           region_label=region_label)  # fmt: skip
