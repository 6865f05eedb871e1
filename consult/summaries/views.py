"""The public archive of summaries, and the secretariat's pages to generate, edit and publish them."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import languages
from ..auth.fresh import fresh_login_required
from ..auth.roles import role_required
from ..models import Consultation, ConsultationStatus, Phase, Role
from .context import document_context
from .documents import kept_content, render_data
from .editing import SummaryEdits, ThemeEdit, edit_summary
from .formats import Kind, OutputFormat, data_formats, document_formats, output_format
from .forms import EditForm, GenerateForm, PublishForm
from .generation import count_missing_vectors
from .models import JobState, Purpose, Summary
from .readiness import readiness
from .reading import summary_view
from .removals import versions_to_replace
from .versions import (
    SummaryRefused,
    consultation_by_slug,
    latest_published,
    publish_summary,
    published_summaries,
    published_version,
    version,
    versions,
)
from .work import ask_generation, ask_rendering, generation, latest_generation, made_version

bp = Blueprint("summaries", __name__)


@bp.app_template_global()
def published_summary_of(consultation: Consultation) -> Summary | None:
    return latest_published(consultation)


bp.add_app_template_global(document_formats)
bp.add_app_template_global(data_formats)


def _public_consultation(slug: str) -> Consultation:
    consultation = consultation_by_slug(slug)
    if consultation is None or consultation.status is not ConsultationStatus.PUBLISHED:
        abort(404)
    return consultation


# --- public archive ------------------------------------------------------------------------


@dataclass
class ArchiveEntry:
    consultation: Consultation
    versions: list[Summary]

    @property
    def latest(self) -> Summary:
        return self.versions[0]


@bp.get("/archive", strict_slashes=False)
def archive():
    entries: dict[int, ArchiveEntry] = {}
    for summary in published_summaries():
        entries.setdefault(summary.consultation_id, ArchiveEntry(summary.consultation, [])).versions.append(summary)
    return render_template("summaries/archive.html", entries=list(entries.values()))


@bp.get("/archive/<slug>")
def public_latest(slug: str):
    summary = latest_published(_public_consultation(slug)) or abort(404)
    return redirect(url_for(".public_version", slug=slug, number=summary.version))


def _render_summary(summary: Summary, others: list[Summary], staff: bool = False):
    view = summary_view(summary)
    return render_template("summaries/summary.html", view=view, doc=document_context(view), others=others,
                           staff=staff)  # fmt: skip


@bp.get("/archive/<slug>/v<int:number>")
def public_version(slug: str, number: int):
    consultation = _public_consultation(slug)
    summary = published_version(consultation, number) or abort(404)
    others = [s for s in versions(consultation) if s.is_published and s.id != summary.id]
    return _render_summary(summary, others)


def _language() -> str:
    language = request.args.get("lang", "en")
    if not languages.supported(language):
        abort(404)
    return language


@bp.get("/archive/<slug>/v<int:number>/document.<file_format>")
def document(slug: str, number: int, file_format: str):
    output = output_format(file_format, Kind.DOCUMENT) or abort(404)
    language = _language()
    consultation = _public_consultation(slug)
    summary = published_version(consultation, number) or abort(404)
    back = url_for(".public_version", slug=slug, number=number)
    return _document(summary, output, language, f"{slug}-summary-v{number}", back)


# A web request never renders a document (WeasyPrint and python-docx stay in the job worker): a document
# not kept yet is asked for and the reader told to wait. 202, not 503: the request did its work (the one
# commit point commits answers below 400, so the job it asks for reaches the queue), nothing is broken, and
# monitoring counts no error; Retry-After and the Refresh header bring the reader back (a browser, once
# the document is kept, downloads it), and no-store keeps any cache from holding the wait page.
PREPARING_RETRY_SECONDS = 5


def _document(summary: Summary, output: OutputFormat, language: str, stem: str, back: str):
    content = kept_content(summary, output, language)
    if content is not None:
        return _download(content, output, stem)
    job = ask_rendering(summary, output=output.name, language=language)
    page = render_template("summaries/preparing.html", summary=summary, output=output, job=job, back=back)
    retry = str(PREPARING_RETRY_SECONDS)
    return page, 202, {"Retry-After": retry, "Refresh": retry, "Cache-Control": "no-store"}


@bp.get("/archive/<slug>/data.<file_format>")
def open_data(slug: str, file_format: str):
    output = output_format(file_format, Kind.DATA) or abort(404)
    consultation = _public_consultation(slug)
    return _download(render_data(consultation, output.name), output, f"{slug}-{output.data_name}")


def _download(content: bytes, output: OutputFormat, stem: str):
    return current_app.response_class(
        content,
        content_type=output.media_type,  # the registry names the charset already
        headers={
            "Content-Disposition": f'attachment; filename="{stem}.{output.extension}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


# --- the secretariat's pages ---------------------------------------------------------------


def _staff_consultation(slug: str) -> Consultation:
    return consultation_by_slug(slug) or abort(404)


@bp.get("/summaries/<slug>/")
@role_required(Role.SECRETARIAT)
def manage(slug: str):
    consultation = _staff_consultation(slug)
    latest = latest_generation(consultation)
    return render_template(
        "summaries/manage.html",
        consultation=consultation,
        versions=versions(consultation),
        # While answers still arrive, only an interim update may be made: offer it first.
        form=GenerateForm(purpose=_purpose_offered(consultation).value),
        missing=count_missing_vectors(consultation),
        to_replace=versions_to_replace(consultation),
        job=latest if latest is not None and latest.state is not JobState.DONE else None,
    )


def _purpose_offered(consultation: Consultation) -> Purpose:
    return Purpose.INPUT if consultation.phase() is Phase.CLOSED else Purpose.INTERIM


@bp.post("/summaries/<slug>/generate")
@role_required(Role.SECRETARIAT)
@fresh_login_required
def generate(slug: str):
    consultation = _staff_consultation(slug)
    form = GenerateForm()
    if not form.validate_on_submit():
        flash(_("Choose between 1 and 30 themes, or leave the field empty."), "error")
        return redirect(url_for(".manage", slug=slug), 303)
    job = ask_generation(consultation, current_user, form.themes.data or None, Purpose(form.purpose.data))
    return redirect(url_for(".progress", slug=slug, job_id=job.id), 303)


# The progress page reloads itself (a Refresh header: no script, so no JavaScript needed and nothing for the
# Content-Security-Policy to allow); a reload by hand shows the same.
PROGRESS_REFRESH_SECONDS = 2


@bp.get("/summaries/<slug>/generating/<int:job_id>")
@role_required(Role.SECRETARIAT)
def progress(slug: str, job_id: int):
    consultation = _staff_consultation(slug)
    job = generation(consultation, job_id) or abort(404)
    made = made_version(job)
    if made is not None:
        flash(_("Version %(n)d generated. Review it, edit it, then publish it.", n=made.version), "success")
        return redirect(url_for(".review", slug=slug, number=made.version), 303)
    page = render_template("summaries/progress.html", consultation=consultation, job=job)
    if job.state.under_way:
        return page, 200, {"Refresh": str(PROGRESS_REFRESH_SECONDS), "Cache-Control": "no-store"}
    return page


def _staff_version(slug: str, number: int) -> Summary:
    return version(_staff_consultation(slug), number) or abort(404)


@bp.get("/summaries/<slug>/v<int:number>")
@role_required(Role.SECRETARIAT)
def review(slug: str, number: int):
    summary = _staff_version(slug, number)
    if not summary.is_published and current_app.config["DOCUMENTS_AHEAD"]:
        ask_rendering(summary, current_user, unless_ever=True)  # a draft's preview: its documents, for reading
    return _render_summary(summary, [], staff=True)


@bp.get("/summaries/<slug>/v<int:number>/document.<file_format>")
@role_required(Role.SECRETARIAT)
def staff_document(slug: str, number: int, file_format: str):
    """A version's documents, drafts included, for the secretariat only; the public ones are in the archive."""
    output = output_format(file_format, Kind.DOCUMENT) or abort(404)
    language = _language()
    summary = _staff_version(slug, number)
    stem = f"{slug}-summary-v{number}" + ("" if summary.is_published else "-draft")
    return _document(summary, output, language, stem, url_for(".review", slug=slug, number=number))


def _parse_ids(values: list[str]) -> list[int]:
    ids = []
    for value in values:
        for part in value.replace(",", " ").split():
            part = part.strip().removeprefix("R").removeprefix("r")
            if not (part.isascii() and part.isdigit()) or len(part) > 18:
                raise SummaryRefused(_("Quotes are response numbers such as R12."))
            ids.append(int(part))
    return ids


def _theme_edits(summary: Summary) -> dict[str, ThemeEdit]:
    edits = {}
    for question in summary.content["questions"]:
        for theme in question["themes"]:
            key = theme["key"]
            quotes = _parse_ids(request.form.getlist(f"quote-{key}")) + _parse_ids([request.form.get(f"add-{key}", "")])
            english = {}
            for name in request.form:
                if (response_id := name.removeprefix(f"english-{key}-")) != name:
                    english.update(zip(_parse_ids([response_id]), [request.form[name]], strict=True))
            edits[key] = ThemeEdit(
                label=request.form.get(f"label-{key}", "")[:200],
                quotes=quotes,
                merge_into=request.form.get(f"merge-{key}") or None,
                reviewed=f"reviewed-{key}" in request.form,
                english=english,
            )
    return edits


@bp.route("/summaries/<slug>/v<int:number>/edit", methods=["GET", "POST"])
@role_required(Role.SECRETARIAT)
@fresh_login_required
def edit(slug: str, number: int):
    summary = _staff_version(slug, number)
    form = EditForm()
    if request.method == "GET":
        form.document_number.data = summary.content.get("document_number", "")
        form.intro.data = summary.content.get("intro", "")
        form.key_messages.data = "\n".join(summary.content.get("key_messages", []))
    elif form.validate_on_submit():
        try:
            edits = SummaryEdits(
                intro=form.intro.data or "",
                key_messages=(form.key_messages.data or "").splitlines(),
                document_number=form.document_number.data or "",
                themes=_theme_edits(summary),
            )
            new = edit_summary(summary, current_user, edits)
        except SummaryRefused as refused:
            form.form_errors.append(refused.message)
        else:
            flash(_("Saved as version %(n)d.", n=new.version), "success")
            return redirect(url_for(".review", slug=slug, number=new.version), 303)
    view = summary_view(summary, with_candidates=True)
    if request.method == "POST":  # refused: the page shows again what was typed, not what was stored
        return render_template("summaries/edit.html", form=form, summary=summary, view=view, typed=request.form), 422
    return render_template("summaries/edit.html", form=form, summary=summary, view=view, typed={})


def _confirmation(summary: Summary, status: int = 200):
    check = readiness(summary_view(summary))
    return render_template("summaries/publish.html", summary=summary, check=check, form=PublishForm()), status


@bp.get("/summaries/<slug>/v<int:number>/publish")
@role_required(Role.SECRETARIAT)
def confirm_publish(slug: str, number: int):
    """What publishing this version means, what stops it and what it still lacks; then the button."""
    return _confirmation(_staff_version(slug, number))


@bp.post("/summaries/<slug>/v<int:number>/publish")
@role_required(Role.SECRETARIAT)
@fresh_login_required
def publish(slug: str, number: int):
    summary = _staff_version(slug, number)
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400)
    if form.confirm.data != PublishForm.CONFIRMED:  # not from the confirmation page: show it first
        return redirect(url_for(".confirm_publish", slug=slug, number=number), 303)
    try:
        publish_summary(summary, current_user)
    except SummaryRefused:  # the confirmation page says why
        return _confirmation(summary, 409)
    flash(_("Version %(n)d is published; its address will not change.", n=number), "success")
    return redirect(url_for(".review", slug=slug, number=number), 303)
