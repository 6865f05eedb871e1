"""Classroom workshops: facilitators hand in a group's answers; the secretariat says who facilitates."""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from ..auth.fresh import fresh_login_required
from ..auth.roles import role_required
from ..consultations.services import public_consultations, published_consultation
from ..domain import DomainError
from ..extensions import db
from ..i18n import country_choices, current_language
from ..models import Role, User
from ..text import length_over
from .forms import GrantForm, RevokeForm, UploadForm, WorkshopForm
from .services import (
    Group,
    WorkshopAnswer,
    facilitators,
    grant_facilitator,
    record_workshop,
    revoke_facilitator,
    workshops_of,
)
from .upload import COLUMNS, RowError, allowed_age_bands, read_workshop_csv

bp = Blueprint("workshops", __name__)
_BLANK_LINE = re.compile(r"\n\s*\n")


@bp.get("/workshops")
@role_required(Role.FACILITATOR)
def index():
    return render_template("workshops/index.html", open=public_consultations().open, mine=workshops_of(current_user))


def _open_consultation(slug: str):
    consultation = published_consultation(slug) or abort(404)
    if not consultation.is_open():
        abort(404)  # only an open consultation takes answers, from a workshop or online
    return consultation


def _workshop_form(consultation) -> WorkshopForm:
    return WorkshopForm(questions=len(consultation.questions),
                        age_bands=allowed_age_bands(),
                        countries=country_choices(current_language()))  # fmt: skip


def _typed_answers(form: WorkshopForm, consultation) -> list[WorkshopAnswer] | None:
    """Each box split into answers at blank lines; None, with the errors on the boxes, when one is too long."""
    answers, fine = [], True
    for question, entry in zip(consultation.questions, form.answers.entries, strict=False):
        for body in filter(None, (part.strip() for part in _BLANK_LINE.split(entry.data or ""))):
            if length := length_over(body, question.max_length):  # characters as online answers count them
                entry.errors = [_("One answer is %(length)d characters long; the limit is %(max)d.",
                                  length=length, max=question.max_length)]  # fmt: skip
                fine = False
            answers.append(WorkshopAnswer(question, body, form.language.data))
    return answers if fine else None


def _thank(count: int) -> None:
    flash(ngettext("Thank you: %(num)d answer was handed in. Moderators check it as any other.",
                   "Thank you: %(num)d answers were handed in. Moderators check them as any other.", count),
          "success")  # fmt: skip


@bp.route("/workshops/<slug>/answers", methods=["GET", "POST"])
@role_required(Role.FACILITATOR)
def submit(slug: str):
    consultation = _open_consultation(slug)
    form = _workshop_form(consultation)
    if form.validate_on_submit():
        answers = _typed_answers(form, consultation)
        if answers is not None:
            group = Group(form.group_size.data, tuple(form.age_bands.data), form.country.data, form.language.data)
            try:
                record_workshop(current_user, consultation, group, answers, attested=True, via="form")
            except DomainError as refused:
                form.form_errors.append(refused.message)
            else:
                _thank(len(answers))
                return redirect(url_for(".index"), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("workshops/submit.html", consultation=consultation, form=form), status


@bp.route("/workshops/<slug>/upload", methods=["GET", "POST"])
@role_required(Role.FACILITATOR)
def upload(slug: str):
    consultation = _open_consultation(slug)
    form = UploadForm()
    errors: list[RowError] = []
    if form.validate_on_submit():
        found = read_workshop_csv(form.file.data.read(), consultation)
        errors = found.errors
        if not errors:
            try:
                for group, answers in found.groups:
                    record_workshop(current_user, consultation, group, answers, attested=True, via="csv")
            except DomainError as refused:  # the commit point rolls back every group recorded before
                form.form_errors.append(refused.message)
            else:
                _thank(sum(len(answers) for _group, answers in found.groups))
                return redirect(url_for(".index"), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("workshops/upload.html", consultation=consultation, form=form, errors=errors,
                           columns=",".join(COLUMNS)), status  # fmt: skip


# --- the secretariat: who facilitates ---------------------------------------------------------------


def _facilitators_page(form: GrantForm, status: int = 200):
    return render_template("workshops/facilitators.html", form=form, people=facilitators(),
                           revoke=RevokeForm()), status  # fmt: skip


@bp.get("/secretariat/facilitators")
@role_required(Role.SECRETARIAT)
def manage_facilitators():
    return _facilitators_page(GrantForm(formdata=None))


@bp.post("/secretariat/facilitators")
@role_required(Role.SECRETARIAT)
@fresh_login_required
def grant():
    form = GrantForm()
    if not form.validate():
        return _facilitators_page(form, 422)
    try:
        user = grant_facilitator(form.name.data, form.password.data, via="web")
    except DomainError as refused:
        form.name.errors = [refused.message]
        return _facilitators_page(form, refused.status_code)
    flash(_("%(name)s is a facilitator.", name=user.pseudonym), "success")
    return redirect(url_for(".manage_facilitators"), 303)


@bp.post("/secretariat/facilitators/<int:user_id>/revoke")
@role_required(Role.SECRETARIAT)
@fresh_login_required
def revoke(user_id: int):
    user = db.session.scalar(select(User).where(User.id == user_id, User.role == Role.FACILITATOR)) or abort(404)
    revoke_facilitator(user, via="web")
    flash(_("%(name)s is no longer a facilitator.", name=user.pseudonym), "success")
    return redirect(url_for(".manage_facilitators"), 303)
