"""Public pages and taking part."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import clock
from ..auth.roles import participant_required
from ..extensions import db, limiter
from ..i18n import country_name
from ..models import Consultation, Question, Role, Submission, SubmissionStatus, User
from ..moderation.forms import ReportForm
from ..moderation.labels import participant_status
from ..moderation.reports import (
    AlreadyReported,
    NotReportable,
    ReportReason,
    TooManyReports,
    report_submission,
    reporter_key,
)
from ..moderation.safeguarding import helplines
from ..ratelimits import signed_in_user_key
from .caching import public_page
from .endorsements import (
    EndorsementRefused,
    endorse_submission,
    endorsements_shown,
    published_answer,
    withdraw_endorsement,
)
from .forms import ResponseForm
from .services import (
    ParticipationRefused,
    answer_target,
    approved_responses,
    edit_response,
    own_responses,
    public_consultations,
    published_consultation,
    require_withdrawable,
    submit_response,
    withdraw_response,
)

bp = Blueprint("consultations", __name__)


@bp.get("/")
def home():
    return public_page(_render_home)


def _render_home():
    return render_template("consultations/home.html", listing=public_consultations())


def _page_number() -> int:
    raw = request.args.get("page", "1")
    # isascii: str.isdigit() also accepts characters such as "²" that int() refuses.
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9 or int(raw) < 1:
        abort(404)
    return int(raw)


def _is_participant() -> bool:
    return current_user.is_authenticated and current_user.role is Role.PARTICIPANT


def _render_consultation(consultation: Consultation, forms: dict[int, ResponseForm] | None = None,
                         refusal: str | None = None, status: int = 200, preview: bool = False):  # fmt: skip
    page_number = _page_number()
    page = approved_responses(consultation, page_number, current_app.config["RESPONSES_PER_PAGE"])
    if page_number > page.pages:
        abort(404)
    forms = dict(forms or {})
    mine, help_offered, progress = [], None, None
    participant = _is_participant() and not preview
    if participant:
        mine = [(s, participant_status(s)) for s in own_responses(current_user, consultation)]
        # Screening read a possible disclosure: help at once, beside the answers rather than on one of them.
        if any(s.flag_safeguarding for s, _status in mine):
            help_offered = helplines()
    if participant or preview:
        for question in consultation.questions:
            if question.id not in forms:
                forms[question.id] = ResponseForm(formdata=None, max_length=question.max_length)
        progress = _Progress.of(consultation, [s for s, _status in mine])
    return render_template(
        "consultations/preview.html" if preview else "consultations/detail.html",
        consultation=consultation,
        page=page,
        forms=forms,
        mine=mine,
        progress=progress,
        help_offered=help_offered,
        refusal=refusal,
        closing=_closing_warning(consultation),
        is_participant=participant or preview,
        preview=preview,
        endorsements=endorsements_shown(page.items, current_user),
    ), status


def render_preview(consultation: Consultation):
    """The participant's page of a consultation, a draft perhaps, as the secretariat previews it
    (secretariat/views.py): as a participant who has not answered yet sees it while it is open, every answer
    form shown and none usable."""
    return _render_consultation(consultation, preview=True)


class _Progress:
    """Which questions the participant has answered, where to go next, and the answer the page thanks them for.

    The thanks is said only for an answer of their own, named by the redirect after sending
    (``_back_to_the_question``): a forged address says nothing to anyone else.
    """

    def __init__(self, answered: dict[int, list[Submission]], questions: list[Question], thanked: int | None):
        self.answered, self.questions, self.thanked = answered, questions, thanked
        self.done, self.total = len(answered), len(questions)

    @classmethod
    def of(cls, consultation: Consultation, own: list[Submission]) -> _Progress:
        answered: dict[int, list[Submission]] = {}
        for submission in own:
            answered.setdefault(submission.question_id, []).append(submission)
        sent = request.args.get("sent", "")
        thanked = next((s.question_id for s in own if str(s.id) == sent), None)
        return cls(answered, list(consultation.questions), thanked)

    def next_after(self, question: Question) -> Question | None:
        """The next question still unanswered, after this one first, then from the top."""
        later = [q for q in self.questions if q.position > question.position]
        earlier = [q for q in self.questions if q.position < question.position]
        return next((q for q in later + earlier if q.id not in self.answered), None)


# The banners a page shows before closing; static/answer.js shows them too when the page stays open that long.
_WARNINGS = ((timedelta(minutes=1), "minute"), (timedelta(minutes=10), "minutes"))


@dataclass(frozen=True)
class _Closing:
    """The banner due now, if any, and the server's time, which the page's script counts from rather than
    trusting the phone's clock (a phone set five minutes fast would otherwise close its form early)."""

    level: str | None
    now: datetime


def _closing_warning(consultation: Consultation) -> _Closing:
    now = clock.utcnow()
    if not consultation.is_open(now):
        return _Closing(None, now)
    left = consultation.closes_at - now
    return _Closing(next((name for within, name in _WARNINGS if left <= within), None), now)


@bp.get("/consultations/<slug>")
def detail(slug: str):
    return public_page(lambda: _render_consultation(published_consultation(slug) or abort(404)))


@bp.post("/consultations/<slug>/questions/<int:position>/responses")
@participant_required
@limiter.limit(lambda: current_app.config["ANSWER_LIMIT_PER_USER"], key_func=signed_in_user_key)
def respond(slug: str, position: int):
    target = answer_target(slug, position) or abort(404)
    form = ResponseForm(max_length=target.max_length)
    if not form.validate_on_submit():
        return _render_consultation(published_consultation(slug) or abort(404), {target.question_id: form}, status=422)
    try:
        submission_id = submit_response(current_user, target, form.body.data, form.language.data)
    except ParticipationRefused as refused:
        form.body.errors = [refused.message]
        return _render_consultation(published_consultation(slug) or abort(404), {target.question_id: form},
                                    refusal=refused.message, status=refused.status_code)  # fmt: skip
    return _back_to_the_question(slug, sent=submission_id, anchor=f"question-{position}")


def _back_to_the_question(slug: str, *, anchor: str, sent: int | None = None, updated: int | None = None):
    """To the consultation page, at the question just answered (or the answer just changed), which thanks
    the participant there and shows the way to the next question.

    Said in the address, not with flash(): a flash re-signs and re-sends the session cookie on the
    busiest POST of the day, and again on the page after it. The page shows only a fixed message, and
    only beside an answer of the participant's own (consultations/detail.html): a forged address
    says nothing to anyone else, and nothing untrue about the answer it sits beside.
    """
    return redirect(url_for(".detail", slug=slug, sent=sent, updated=updated, _anchor=anchor), 303)


def _own_submission(submission_id: int) -> Submission:
    """Another participant's response does not exist, as far as this user can tell."""
    submission = db.session.scalar(
        select(Submission).where(Submission.id == submission_id, Submission.author_id == current_user.id,
                                 Submission.withdrawn_at.is_(None))
    )  # fmt: skip
    return submission or abort(404)


@bp.route("/responses/<int:submission_id>/edit", methods=["GET", "POST"])
@participant_required
def edit(submission_id: int):
    submission = _own_submission(submission_id)
    question: Question = submission.question
    form = ResponseForm(max_length=question.max_length)
    status, refusal = 200, None
    if request.method == "GET":
        form.body.data, form.language.data = submission.body, submission.language
    elif form.validate_on_submit():
        try:
            edit_response(submission, form.body.data, form.language.data)
        except ParticipationRefused as refused:
            refusal, status = refused.message, refused.status_code
        else:
            return _back_to_the_question(question.consultation.slug, updated=submission.id,
                                         anchor=f"mine-{submission.id}")  # fmt: skip
    else:
        status = 422
    return render_template("consultations/edit.html", form=form, submission=submission, question=question,
                           refusal=refusal, closing=_closing_warning(question.consultation)), status  # fmt: skip


@bp.route("/responses/<int:submission_id>/withdraw", methods=["GET", "POST"])
@participant_required
def withdraw(submission_id: int):
    """Asks first, on a page of its own (no script needed); only the confirming form's POST withdraws."""
    submission = _own_submission(submission_id)
    slug = submission.question.consultation.slug
    try:
        if request.method == "GET" or request.form.get("confirmed") != "yes":
            require_withdrawable(submission)  # nothing to confirm for an answer that can no longer be withdrawn
            return render_template("consultations/withdraw.html", submission=submission, question=submission.question)
        withdraw_response(submission)
    except ParticipationRefused as refused:
        flash(refused.message, "error")
        return redirect(url_for(".detail", slug=slug, _anchor="your-responses"), 303)
    # Still a flash: on this rare path, and unlike "sent" or "updated" it names no answer on the page,
    # so in the address anyone could make it say a participant's answer was withdrawn. The same words
    # whether the answer was deleted or kept for the safeguarding team: nothing tells the two apart.
    flash(_("Your answer was withdrawn. It will not be published."), "info")
    return redirect(url_for(".detail", slug=slug, _anchor="your-responses"), 303)


@bp.app_context_processor
def _help_for_the_author():
    # A callable: only a participant's own pages (the account page) ask, and pay for the query.
    return {"help_for_the_author": _help_if_flagged}


def _help_if_flagged():
    """The helplines, when screening read a possible disclosure in one of the signed-in participant's answers."""
    if not _is_participant():
        return None
    flagged = select(Submission.id).where(Submission.author_id == current_user.id, Submission.withdrawn_at.is_(None),
                                          Submission.flag_safeguarding.is_(True))  # fmt: skip
    return helplines() if db.session.scalar(flagged.limit(1)) is not None else None


@bp.get("/help")
def get_help():
    return public_page(_render_help)


def _render_help():
    """Helplines for everyone, the reader's country first: their account's, or the one they chose here."""
    listed = helplines()
    chosen = request.args.get("country", "")
    if current_user.is_authenticated and current_user.country:
        country = current_user.country
    else:
        country = chosen.upper() if chosen.isascii() and chosen.isalpha() and len(chosen) == 2 else None
    codes = sorted(listed.by_country, key=lambda code: country_name(code).casefold())
    return render_template("consultations/help.html", helplines=listed, country=country, codes=codes,
                           others=[code for code in codes if code != country])  # fmt: skip


@bp.get("/consultations/<slug>/responses/<int:submission_id>")
def public_response(slug: str, submission_id: int):
    """One approved answer at a stable address: where a quote in a summary or document points, so anyone can
    check it is a real answer, as published. Gone (404) once it is taken down."""
    return public_page(lambda: _render_public_response(slug, submission_id))


def _render_public_response(slug: str, submission_id: int):
    consultation = published_consultation(slug) or abort(404)
    answer = published_answer(consultation, submission_id) or abort(404)
    return render_template("consultations/response.html", consultation=consultation, answer=answer,
                           question=answer.question)  # fmt: skip


def _report_page(consultation: Consultation, submission: Submission, form: ReportForm, page_number: int,
                 refusal: str | None = None, status: int = 200):  # fmt: skip
    return render_template("consultations/report.html", consultation=consultation, answer=submission, form=form,
                           page_number=page_number, refusal=refusal), status  # fmt: skip


@bp.route("/consultations/<slug>/responses/<int:submission_id>/report", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["REPORT_LIMIT_PER_ADDRESS"], methods=["POST"])
def report(slug: str, submission_id: int):
    """A signed-in reader may report a published answer once: the form is a page of its own, so the
    consultation's page lists the reasons nowhere and its anonymous readers get no form at all."""
    consultation = published_consultation(slug) or abort(404)
    submission = db.session.get(Submission, submission_id)
    if (
        submission is None
        or submission.question.consultation_id != consultation.id
        or submission.status is not SubmissionStatus.APPROVED
    ):
        abort(404)
    page_number = _page_number()
    if request.method == "GET":
        return _report_page(consultation, submission, ReportForm(formdata=None), page_number)
    form = ReportForm()
    if not form.validate_on_submit():
        refusal = _("Choose what is wrong with this answer.")
        return _report_page(consultation, submission, form, page_number, refusal, 422)
    try:
        report_submission(submission, ReportReason(form.reason.data), reporter_key(f"user:{current_user.id}"),
                          current_user)  # fmt: skip
    except TooManyReports:
        refusal = _("You have sent many reports in a short time. Please wait a while before sending another.")
        return _report_page(consultation, submission, form, page_number, refusal, 429)
    except AlreadyReported:
        flash(_("You have already reported this answer. Thank you: a moderator will look at it."), "info")
    except NotReportable:
        flash(_("Thank you. This answer is already being checked again."), "info")
    else:
        flash(_("Thank you for telling us. A moderator will look at this answer again."), "success")
    return redirect(url_for(".detail", slug=slug, page=page_number if page_number > 1 else None,
                            _anchor="responses-heading"), 303)  # fmt: skip


# --- endorsements (the rules and counts: consult/consultations/endorsements.py) ---------------

# Endorsing and taking back share one allowance, so toggling back and forth is limited too.
_endorse_per_user = limiter.shared_limit(lambda: current_app.config["ENDORSE_LIMIT_PER_USER"], scope="endorse-user",
                                         key_func=signed_in_user_key)  # fmt: skip
_endorse_per_address = limiter.shared_limit(lambda: current_app.config["ENDORSE_LIMIT_PER_ADDRESS"],
                                            scope="endorse-address")  # fmt: skip


def _change_endorsement(slug: str, submission_id: int, change: Callable[[User, Submission], bool], done: str):
    consultation = published_consultation(slug) or abort(404)
    submission = published_answer(consultation, submission_id) or abort(404)
    page_number = _page_number()
    try:
        if change(current_user, submission):
            flash(done, "success")
    except EndorsementRefused as refused:
        flash(refused.message, "error")
    return redirect(url_for(".detail", slug=slug, page=page_number if page_number > 1 else None,
                            _anchor=f"response-{submission.id}"), 303)  # fmt: skip


@bp.post("/consultations/<slug>/responses/<int:submission_id>/endorse")
@participant_required
@_endorse_per_user
@_endorse_per_address
def endorse(slug: str, submission_id: int):
    return _change_endorsement(slug, submission_id, endorse_submission, _("You endorsed this answer."))


@bp.post("/consultations/<slug>/responses/<int:submission_id>/endorse/withdraw", endpoint="withdraw_endorsement")
@participant_required
@_endorse_per_user
@_endorse_per_address
def withdraw_endorsement_view(slug: str, submission_id: int):
    return _change_endorsement(slug, submission_id, withdraw_endorsement, _("You took back your endorsement."))
