"""The public archive of summaries, and the secretariat's pages to generate, edit and publish them."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import languages
from ..auth.fresh import fresh_login_required
from ..auth.roles import role_required
from ..models import Consultation, ConsultationStatus, Role
from .context import document_context
from .documents import document_content, render_data
from .editing import SummaryEdits, ThemeEdit, edit_summary
from .formats import Kind, OutputFormat, data_formats, document_formats, output_format
from .forms import EditForm, GenerateForm, PublishForm
from .generation import DEFAULT_WEB_VECTORISE_LIMIT, count_missing_vectors, generate_summary
from .models import Summary
from .reading import summary_view
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


def _render_summary(summary: Summary, others: list[Summary]):
    view = summary_view(summary)
    return render_template("summaries/summary.html", view=view, doc=document_context(view), others=others)


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
    content = document_content(summary, output, language)
    return _download(content, output, f"{slug}-summary-v{number}")


@bp.get("/archive/<slug>/data.<file_format>")
def open_data(slug: str, file_format: str):
    output = output_format(file_format, Kind.DATA) or abort(404)
    consultation = _public_consultation(slug)
    return _download(render_data(consultation, output.name), output, f"{slug}-responses")


def _download(content: bytes, output: OutputFormat, stem: str):
    return current_app.response_class(
        content,
        mimetype=output.media_type,
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
    return render_template(
        "summaries/manage.html",
        consultation=consultation,
        versions=versions(consultation),
        form=GenerateForm(),
        publish_form=PublishForm(),
        missing=count_missing_vectors(consultation),
        limit=current_app.config.get("SUMMARY_WEB_VECTORISE_LIMIT", DEFAULT_WEB_VECTORISE_LIMIT),
    )


@bp.post("/summaries/<slug>/generate")
@role_required(Role.SECRETARIAT)
@fresh_login_required
def generate(slug: str):
    consultation = _staff_consultation(slug)
    form = GenerateForm()
    if not form.validate_on_submit():
        flash(_("Choose between 1 and 30 themes, or leave the field empty."), "error")
        return redirect(url_for(".manage", slug=slug), 303)
    limit = current_app.config.get("SUMMARY_WEB_VECTORISE_LIMIT", DEFAULT_WEB_VECTORISE_LIMIT)
    missing = count_missing_vectors(consultation)
    if missing > limit:
        flash(
            _("%(n)d responses still need their vectors, too many to compute here. Run “flask summaries vectorise "
              "%(slug)s” on the server first.", n=missing, slug=slug),
            "error",
        )  # fmt: skip
        return redirect(url_for(".manage", slug=slug), 303)
    counts = {q.id: form.themes.data for q in consultation.questions} if form.themes.data else None
    summary = generate_summary(consultation, current_user, counts)
    flash(_("Version %(n)d generated. Review it, edit it, then publish it.", n=summary.version), "success")
    return redirect(url_for(".review", slug=slug, number=summary.version), 303)


def _staff_version(slug: str, number: int) -> Summary:
    return version(_staff_consultation(slug), number) or abort(404)


@bp.get("/summaries/<slug>/v<int:number>")
@role_required(Role.SECRETARIAT)
def review(slug: str, number: int):
    summary = _staff_version(slug, number)
    return _render_summary(summary, [])


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
            edits[key] = ThemeEdit(
                label=request.form.get(f"label-{key}", "")[:200],
                quotes=quotes,
                merge_into=request.form.get(f"merge-{key}") or None,
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
    status = 422 if request.method == "POST" else 200
    return render_template("summaries/edit.html", form=form, summary=summary, view=view), status


@bp.post("/summaries/<slug>/v<int:number>/publish")
@role_required(Role.SECRETARIAT)
@fresh_login_required
def publish(slug: str, number: int):
    summary = _staff_version(slug, number)
    if not PublishForm().validate_on_submit():
        abort(400)
    try:
        publish_summary(summary, current_user)
    except SummaryRefused as refused:
        flash(refused.message, "error")
        return redirect(url_for(".manage", slug=slug), 303)
    flash(_("Version %(n)d is published; its address will not change.", n=number), "success")
    return redirect(url_for(".manage", slug=slug), 303)
