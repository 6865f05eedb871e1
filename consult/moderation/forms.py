"""Moderators' forms (filter the queue, decide, bulk-approve) and the readers' report form."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from .. import languages
from ..i18n import language_name
from ..models import Consultation, Submission
from ..text import character_count, clean_plain_text, length_over
from . import labels
from .events import text_hash
from .models import RejectReason
from .services import PublishedVersion

NOTE_MAX = 2000
_HASH = Regexp(r"^[0-9a-f]{64}$", message=_l("This form is out of date. Please reload the page."))


class QueueFilterForm(FlaskForm):
    """The queue's filters, read from the query string (a GET form: nothing to protect)."""

    class Meta:
        csrf = False

    question = SelectField(_l("Question"), validators=[Optional()], default="")
    language = SelectField(_l("Language"), validators=[Optional()], default="")
    flag = SelectField(_l("Flag"), validators=[Optional()], default="")

    def __init__(self, consultation: Consultation, *args, **kwargs):
        super().__init__(*args, **kwargs)
        every = ("", _l("All"))
        self.question.choices = [every] + [
            (str(q.id), _l("Question %(n)d", n=q.position)) for q in consultation.questions
        ]
        self.language.choices = [every] + [(code, language_name(code)) for code in languages.codes()]
        self.flag.choices = [every, *labels.FLAGS.items()]

    def query_args(self) -> dict[str, str]:
        """The chosen filters, to carry along in links and redirects."""
        return {name: self[name].data for name in ("question", "language", "flag") if self[name].data}


class _DecisionForm(FlaskForm):
    # The hash of the text the moderator read: a decision on words edited since is refused.
    seen = HiddenField(validators=[DataRequired(), _HASH])
    # "next": go on to the next item of the queue after deciding; otherwise back to the queue.
    then = HiddenField()

    def prepare(self, submission: Submission) -> _DecisionForm:
        self.seen.data = text_hash(submission.body)
        self.then.data = "next"
        return self


# Choices are given in __init__: WTForms 3.3 deprecates tuples given to the field's constructor.


# For a response taken down after reports: publish again what a moderator published before (it may
# hold a redaction the screening did not suggest, which "as written" would undo).
PREVIOUS = "previous"


class ApproveForm(_DecisionForm):
    version = RadioField(_l("What to publish"), validators=[DataRequired(_l("Choose what to publish."))])
    published_text = TextAreaField(
        _l("Text to publish"),
        description=_l("Edit this only to take out personal information; then choose “My edited text below”."),
        filters=[clean_plain_text],
    )
    before_screening = BooleanField(_l("Approve before the automatic check has finished"))

    def __init__(self, *args, submission: Submission, **kwargs):
        super().__init__(*args, **kwargs)
        self.submission = submission
        choices = []
        if self._previous():
            choices.append((PREVIOUS, _l("The text as it was published before the reports")))
        if submission.suggested_text:
            choices.append((PublishedVersion.SUGGESTED.value, _l("The answer with the suggested redaction")))
        choices.append((PublishedVersion.EDITED.value, _l("My edited text below")))
        as_written = (PublishedVersion.AS_WRITTEN.value, _l("The answer as written"))
        # On a flagged answer "as written" is the last choice, never the first: a flag means read, then choose.
        if submission.flags:
            choices.append(as_written)
        else:
            choices.insert(0, as_written)
        self.version.choices = choices

    def _previous(self) -> str | None:
        submission = self.submission
        if submission.hidden_at and submission.published_text and submission.published_text != submission.body:
            return submission.published_text
        return None

    def prepare(self, submission: Submission) -> ApproveForm:
        super().prepare(submission)
        if self._previous():
            self.version.data = PREVIOUS
        elif submission.suggested_text:
            self.version.data = PublishedVersion.SUGGESTED.value
        elif not submission.flags:
            self.version.data = PublishedVersion.AS_WRITTEN.value
        # A flagged answer without a suggested redaction has nothing chosen: the moderator decides what to publish.
        self.published_text.data = self.starting_text()
        return self

    def starting_text(self) -> str:
        return self._previous() or self.submission.suggested_text or self.submission.body

    def validate_published_text(self, field) -> None:
        if self.version.data == PublishedVersion.EDITED:
            if not field.data:
                raise ValidationError(_l("Write the text to publish, or choose another option."))
            if length_over(field.data, max(self.submission.question.max_length, character_count(self.starting_text()))):
                raise ValidationError(_l("The text to publish is longer than the answer may be."))
        elif field.data and field.data != clean_plain_text(self.starting_text()):
            # Edits with another option chosen would be silently lost: say so rather than guess.
            raise ValidationError(_l("You changed the text: choose “My edited text below” to publish your edits."))

    def text_to_publish(self) -> str | None:
        """None publishes the answer as written."""
        if self.version.data == PREVIOUS:
            return self._previous()
        if self.version.data == PublishedVersion.SUGGESTED:
            return self.submission.suggested_text
        if self.version.data == PublishedVersion.EDITED:
            return self.published_text.data
        return None


class RejectForm(_DecisionForm):
    reason = SelectField(_l("Reason"), validators=[DataRequired(_l("Choose a reason."))])
    note = TextAreaField(
        _l("Note for moderators"),
        description=_l("Never shown to the participant."),
        filters=[clean_plain_text],
        validators=[Length(max=NOTE_MAX)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason.choices = [("", _l("Choose a reason")), *labels.REJECT_REASONS.items()]

    def validate_note(self, field) -> None:
        if self.reason.data == RejectReason.OTHER and not field.data:
            raise ValidationError(_l("Say why in a note when the reason is “Other”."))


class EscalateForm(_DecisionForm):
    note = TextAreaField(
        _l("Note for the safeguarding team"),
        description=_l("What worried you, in a few words. The team reads the answer itself."),
        filters=[clean_plain_text],
        validators=[Length(max=NOTE_MAX)],
    )


class ListDecisionForm(FlaskForm):
    """One keystroke from the list: approve as written, or reject with a reason (never "Other", which needs a note)."""

    seen = HiddenField(validators=[DataRequired(), _HASH])
    # No Optional(): it would also let through a value no option offers (" "); "" is an option (approve).
    reason = SelectField(_l("Reason"), default="")
    # The item the list should show next (the one below the decided one), so the keyboard carries on there.
    focus = HiddenField(validators=[Optional(), Regexp(r"^[0-9]{1,18}$")])  # \d would take "١٢٣" too

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reasons = {code: label for code, label in labels.REJECT_REASONS.items() if code is not RejectReason.OTHER}
        self.reason.choices = [("", _l("Choose a reason")), *reasons.items()]

    def rejection(self) -> RejectReason | None:
        return RejectReason(self.reason.data) if self.reason.data else None


_BULK_ITEM = re.compile(r"^(\d{1,18}):([0-9a-f]{64})$")


class BulkApproveForm(FlaskForm):
    # Each value is "<id>:<hash of the text shown>", so nothing edited since the page loaded is approved.
    items = SelectMultipleField(_l("Responses to approve"), validate_choice=False)
    # Set only by the confirmation page, which shows the count and the list: nothing is published before it.
    confirmed = HiddenField()

    def validate_items(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Select at least one response to approve."))
        if not all(_BULK_ITEM.match(value) for value in field.data):
            raise ValidationError(_l("This form is out of date. Please reload the page."))

    def seen(self) -> dict[int, str]:
        pairs = (_BULK_ITEM.match(value).groups() for value in self.items.data)
        return {int(ident): digest for ident, digest in pairs}


class ReportForm(FlaskForm):
    reason = SelectField(_l("What is wrong with this answer?"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason.choices = list(labels.REPORT_REASONS.items())
